// SPDX-License-Identifier: GPL-2.0
/* Guest RAM: an anonymous mapping, 2 MiB aligned, registered as memslot 0. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/kvm.h>

#include "lib/log.h"
#include "lib/util.h"
#include "machine/kvm.h"
#include "machine/memmap.h"
#include "machine/vm.h"

/*
 * Reserved, not touched: pages are only faulted in when the guest or
 * the loader writes them, so lkvm's footprint does not grow with -m.
 * The 2 MiB alignment lets the kernel back RAM with huge pages.
 */
int ram_setup(struct vm *vm)
{
	struct kvm_userspace_memory_region slot = { 0 };
	int th = vm->cfg.loglevel;
	uint8_t *p;

	vm->ram_alloc_size = vm->ram_size + SZ_2M;
	p = mmap(NULL, vm->ram_alloc_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		pr_err(th, "cannot reserve %llu MiB for guest RAM: %s; give less with -m",
		       (unsigned long long)(vm->ram_size >> 20), strerror(errno));
		return -errno;
	}
	vm->ram_alloc = p;
	vm->ram = (uint8_t *)ALIGN_UP((uintptr_t)p, SZ_2M);
	madvise(vm->ram, vm->ram_size, MADV_HUGEPAGE);

	vm->mem = (struct guest_mem) {
		.base = MEMMAP_RAM_BASE, .size = vm->ram_size, .hva = vm->ram,
	};
	slot.slot = 0;
	slot.guest_phys_addr = MEMMAP_RAM_BASE;
	slot.memory_size = vm->ram_size;
	slot.userspace_addr = (uintptr_t)vm->ram;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot)) {
		pr_err(th, "KVM refused %llu MiB of guest RAM at 0x%llx: %s",
		       (unsigned long long)(vm->ram_size >> 20), MEMMAP_RAM_BASE,
		       strerror(errno));
		return -errno;
	}
	return 0;
}

void ram_teardown(struct vm *vm)
{
	if (vm->ram_alloc)
		munmap(vm->ram_alloc, vm->ram_alloc_size);
	vm->ram_alloc = NULL;
	vm->ram = NULL;
	vm->mem.hva = NULL;
}
