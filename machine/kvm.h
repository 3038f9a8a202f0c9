/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_KVM_H
#define LKVM_VM_KVM_H

#include <linux/kvm.h>

#include "cli/config.h"

#define KVM_DEV_PATH	"/dev/kvm"

/* The KVM device file: --dev, as kvmtool's, else the usual one. */
static inline const char *kvm_dev_path(const struct vm_config *cfg)
{
	return cfg->kvm_dev ? cfg->kvm_dev : KVM_DEV_PATH;
}

/* Newer than the 6.1 headers lkvm builds against (Linux 6.16 uapi). */
#ifndef KVM_CAP_ARM_EL2
#define KVM_CAP_ARM_EL2		240
#endif

struct vm;

int kvm_open(struct vm *vm);
int kvm_check_cap(struct vm *vm, int cap);
int kvm_max_vcpus(struct vm *vm);
void kvm_close(struct vm *vm);

int ram_setup(struct vm *vm);
void ram_teardown(struct vm *vm);

int load_inspect(struct vm *vm);
int load_images(struct vm *vm);

#endif
