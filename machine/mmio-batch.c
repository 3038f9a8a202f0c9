// SPDX-License-Identifier: GPL-2.0
/* Coalesced MMIO: the ring KVM fills and lkvm replays (machine/mmio-batch.h). */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "devices/bus.h"
#include "vcpu/vcpu.h"
#include "machine/kvm.h"
#include "machine/mmio-batch.h"
#include "machine/vm.h"

/* After the vCPUs exist: the ring is a page of each vCPU's mapping. */
int mmio_batch_init(struct vm *vm)
{
	struct mmio_batch *b = &vm->batch;
	long page = sysconf(_SC_PAGESIZE);
	int off = kvm_check_cap(vm, KVM_CAP_COALESCED_MMIO);
	int ret;

	ret = -pthread_mutex_init(&b->lock, NULL);
	if (ret)
		return ret;
	if (off <= 0 || (off + 1) * page > vm->run_size || vm->cfg.no_batch)
		return 0;	/* every write exits, as without batching */
	b->ring = (void *)((uint8_t *)vm->vcpus[0].run + off * page);
	b->max = (page - sizeof(*b->ring)) / sizeof(b->ring->coalesced_mmio[0]);
	return 0;
}

int mmio_batch_zone(struct vm *vm, uint64_t addr, uint32_t size, bool on)
{
	struct kvm_coalesced_mmio_zone zone = { .addr = addr, .size = size };

	if (!vm->batch.ring)
		return 0;
	if (ioctl(vm->vm_fd, on ? KVM_REGISTER_COALESCED_MMIO :
		  KVM_UNREGISTER_COALESCED_MMIO, &zone))
		return -errno;
	return 0;
}

/*
 * Replays the writes KVM queued, oldest first; returns how many. The
 * unlocked look at the indices keeps the empty case, the usual one at
 * an exit, free of the lock. Only what was queued when it started: a
 * guest that writes without exits (the UART's register page) would
 * otherwise keep its caller replaying for as long as it writes, and
 * the main loop would never get back to its socket and signals.
 */
unsigned int mmio_batch_drain(struct mmio_batch *b, struct mmio_bus *bus)
{
	struct kvm_coalesced_mmio_ring *ring = b->ring;
	unsigned int n = 0;
	uint32_t first, last;

	if (!ring || __atomic_load_n(&ring->first, __ATOMIC_RELAXED) ==
		     __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&b->lock);
	first = ring->first;
	last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);
	if (last >= b->max)
		last = first;	/* KVM never writes this; do not trust it blindly */
	while (first != last) {
		struct kvm_coalesced_mmio *m;
		uint8_t data[8];
		uint32_t len;

		if (first >= b->max)
			break;	/* KVM never writes this; do not trust it blindly */
		m = &ring->coalesced_mmio[first];
		len = m->len <= sizeof(data) ? m->len : sizeof(data);
		memcpy(data, m->data, len);
		mmio_bus_access(bus, m->phys_addr, data, len, true, -1);
		first = (first + 1) % b->max;
		/* The slot is free for KVM once first moves past it. */
		__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
		n++;
	}
	pthread_mutex_unlock(&b->lock);
	return n;
}
