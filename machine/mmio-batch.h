/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_MMIO_BATCH_H
#define LKVM_VM_MMIO_BATCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct vm;
struct mmio_bus;
struct kvm_coalesced_mmio_ring;

/*
 * KVM's coalesced MMIO: writes to a registered zone do not exit; KVM
 * appends them to a ring page shared by all vCPUs, and lkvm replays
 * them on the MMIO bus, in order, before it handles any other exit
 * (so no later access can overtake them) and from the main loop.
 * Without KVM_CAP_COALESCED_MMIO every write simply exits.
 */
struct mmio_batch {
	struct kvm_coalesced_mmio_ring *ring;	/* NULL: not available */
	uint32_t max;			/* entries in the ring */
	pthread_mutex_t lock;		/* one consumer at a time */
	atomic_bool active;		/* the main loop polls the ring */
};

int mmio_batch_init(struct vm *vm);
int mmio_batch_zone(struct vm *vm, uint64_t addr, uint32_t size, bool on);
unsigned int mmio_batch_drain(struct mmio_batch *b, struct mmio_bus *bus);

#endif
