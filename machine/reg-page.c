// SPDX-License-Identifier: GPL-2.0
/* Register reads served from a read-only memslot (machine/reg-page.h). */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "machine/kvm.h"
#include "machine/reg-page.h"
#include "machine/vm.h"

/*
 * The smallest data cache line, read once: CTR_EL0 may trap to the
 * kernel, and the copy is cleaned on every interrupt of a virtio disk.
 */
static size_t reg_page_line(void)
{
#ifdef __aarch64__
	uint64_t ctr;

	asm volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return 4UL << ((ctr >> 16) & 0xf);	/* DminLine: log2 of words */
#else
	return 64;
#endif
}

/*
 * Without KVM_CAP_READONLY_MEM, or with gpa not on a page boundary of
 * this host, mem stays NULL and every read exits as before.
 */
int reg_page_init(struct vm *vm, struct reg_page *p, uint64_t gpa, uint32_t slot)
{
	long size = sysconf(_SC_PAGESIZE);
	void *mem;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = -pthread_mutex_init(&p->lock, NULL);
	if (ret || size <= 0 || gpa % size || kvm_check_cap(vm, KVM_CAP_READONLY_MEM) <= 0)
		return ret;
	/* Not touched here: the first copy is written before the first map. */
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	p->mem = mem;
	p->size = size;
	p->line = reg_page_line();
	p->gpa = gpa;
	p->slot = slot;
	return 0;
}

/* Lock held (or no other thread): reads exit from now on, for good. */
void reg_page_disable(struct reg_page *p)
{
	if (p->mem)
		munmap(p->mem, p->size);
	p->mem = NULL;
}

void reg_page_destroy(struct reg_page *p)
{
	reg_page_disable(p);
	pthread_mutex_destroy(&p->lock);
}

/*
 * The guest may map the device uncached (it does: device memory), and
 * then reads memory, not the cache lkvm wrote through: clean the lines
 * of [addr, addr + len) to the point of coherency. On x86 (the unit
 * tests) there is no guest.
 */
static void reg_page_clean(const struct reg_page *p, const uint8_t *addr,
			   size_t len)
{
#ifdef __aarch64__
	uintptr_t a, end = (uintptr_t)addr + len;

	for (a = (uintptr_t)addr & ~(p->line - 1); a < end; a += p->line)
		asm volatile("dc civac, %0" : : "r"(a) : "memory");
	asm volatile("dsb sy" : : : "memory");
#else
	(void)p;
	(void)addr;
	(void)len;
#endif
}

/*
 * Lock held. Makes [off, off + len) of the copy equal to regs, a word
 * at a time where both are 32-bit aligned, so that a vCPU reading the
 * copy meanwhile sees each register old or new, never half of each.
 * The caller must withdraw the page first when a read of the old copy
 * would now be wrong in a way the guest could act on (the UART).
 */
int reg_page_update(struct reg_page *p, size_t off, const uint8_t *regs,
		    size_t len)
{
	uint8_t *dst;
	size_t i;

	if (!p->mem || off > p->size || len > p->size - off)
		return -EINVAL;
	dst = p->mem + off;
	if (!memcmp(dst, regs, len))
		return 0;
	if (off % 4 || len % 4) {
		memcpy(dst, regs, len);
	} else {
		for (i = 0; i < len; i += 4) {
			uint32_t v;

			memcpy(&v, regs + i, 4);
			__atomic_store_n((uint32_t *)(dst + i), v, __ATOMIC_RELAXED);
		}
	}
	reg_page_clean(p, dst, len);
	return 0;
}

/*
 * Lock held. Maps the page over the device's registers, or removes it:
 * once KVM_SET_USER_MEMORY_REGION returns, no vCPU reads the copy any
 * more (KVM waits for every vCPU that might be using the old slots).
 */
int reg_page_map(struct vm *vm, struct reg_page *p, bool on)
{
	struct kvm_userspace_memory_region slot = {
		.slot = p->slot,
		.flags = KVM_MEM_READONLY,
		.guest_phys_addr = p->gpa,
		.memory_size = on ? p->size : 0,
		.userspace_addr = (uintptr_t)p->mem,
	};

	if (!p->mem)
		return -ENODEV;
	if (p->mapped == on)
		return 0;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot))
		return -errno;
	p->mapped = on;
	p->maps += on;
	return 0;
}
