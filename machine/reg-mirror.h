/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_REG_MIRROR_H
#define LKVM_MACHINE_REG_MIRROR_H

#include "devices/mmio.h"
#include "machine/reg-page.h"

struct vm;

/*
 * Register mirrors: the registers of devices whose reads have no side
 * effects (regions with render(), the virtio-mmio windows) served to
 * guest reads from read-only pages, for as long as the VM exists. A
 * virtio-mmio driver reads InterruptStatus for every interrupt; from
 * the page, that costs no exit. Writes still fault and reach lkvm (or
 * an ioeventfd) as before; each one, and each change a model reports,
 * is rendered into the page before the vCPU or the interrupt goes on.
 */
#define REG_MIRROR_MAX		8
#define REG_MIRROR_SLOT0	2	/* RAM is slot 0, the UART's page 1 */

struct reg_mirror {
	struct reg_page page;
	struct mmio_mirror hook;	/* what the page's regions call */
};

struct reg_mirrors {
	struct reg_mirror m[REG_MIRROR_MAX];
	unsigned int nr;
};

/* A set-up stage: after the devices, before any vCPU runs. */
int reg_mirrors_setup(struct vm *vm);
void reg_mirrors_teardown(struct vm *vm);

#endif
