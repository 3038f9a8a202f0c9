/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_REG_PAGE_H
#define LKVM_VM_REG_PAGE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

/*
 * A device's registers served to guest reads from memory: one host
 * page that lkvm keeps equal to what the registers read as, mapped
 * over the device as a read-only memslot while that copy is good.
 * Reads then cost no exit; writes still fault to KVM and reach lkvm
 * (or KVM's coalesced-MMIO ring), as with no page at all. The owner
 * decides when the copy is good: the UART (machine/uart-port.c) maps it
 * while the guest polls, register mirrors (machine/reg-mirror.c) for
 * as long as the VM runs.
 */
struct reg_page {
	uint8_t *mem;		/* NULL: not available (no KVM_CAP_READONLY_MEM) */
	size_t size;		/* the host's page size */
	size_t line;		/* the smallest data cache line, for cleaning */
	uint64_t gpa;
	uint32_t slot;		/* the memslot, while mapped */
	pthread_mutex_t lock;	/* guards what follows and the page's content */
	bool mapped;
	unsigned int misses;	/* reads that exited while the copy was good */
	unsigned long maps;	/* times mapped, for lkvm's debug report */
};

int reg_page_init(struct vm *vm, struct reg_page *p, uint64_t gpa, uint32_t slot);
void reg_page_disable(struct reg_page *p);
void reg_page_destroy(struct reg_page *p);
int reg_page_update(struct reg_page *p, size_t off, const uint8_t *regs,
		    size_t len);
int reg_page_map(struct vm *vm, struct reg_page *p, bool on);

#endif
