/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VCPU_FEATURES_H
#define LKVM_VCPU_FEATURES_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;

/*
 * The CPU features every vCPU of a VM gets, decided once from the
 * options and the host's capabilities before any vCPU exists: on where
 * the host has them, as kvmtool, unless the user turned them off.
 */
struct cpu_features {
	uint32_t init;		/* KVM_ARM_VCPU_INIT feature bits, features[0] */
	unsigned int sve_max_vq; /* --sve-max-vl in quadwords; 0: KVM's default */
	bool mte;		/* KVM_CAP_ARM_MTE enabled on the VM */
	bool pvtime;		/* each vCPU has a stolen-time record */
	void *pvtime_mem;	/* the records' memory (memslot MEMMAP_PVTIME_SLOT) */
};

int cpu_features_setup(struct vm *vm);
void cpu_features_teardown(struct vm *vm);
int vcpu_features_finalize(struct vcpu *vcpu);

#endif
