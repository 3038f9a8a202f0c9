// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM: an anonymous mapping, 2 MiB aligned, or huge pages from a
 * hugetlbfs mount (--hugetlbfs), registered as memslot 0 at the base
 * -m gives (MEMMAP_RAM_BASE by default).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/kvm.h>

#include "lib/log.h"
#include "lib/util.h"
#include "machine/hugetlbfs.h"
#include "machine/kvm.h"
#include "machine/memmap.h"
#include "machine/snapshot.h"
#include "machine/vm.h"

/*
 * Reserved, not touched: pages are only faulted in when the guest or
 * the loader writes them, so lkvm's footprint does not grow with -m.
 * The 2 MiB alignment lets the kernel back RAM with huge pages.
 */
static int ram_map_anon(struct vm *vm)
{
	uint8_t *p;

	vm->ram_alloc_size = vm->ram_size + SZ_2M;
	p = mmap(NULL, vm->ram_alloc_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		int e = errno;

		pr_err(vm->cfg.loglevel, "cannot reserve %llu MiB for guest RAM: %s; give less with -m",
		       (unsigned long long)(vm->ram_size >> 20), strerror(e));
		return -e;
	}
	vm->ram_alloc = p;
	vm->ram = (uint8_t *)ALIGN_UP((uintptr_t)p, SZ_2M);
	madvise(vm->ram, vm->ram_size, MADV_HUGEPAGE);
	return 0;
}

/* Huge pages come aligned to their size: no slack to align within. */
static int ram_map_hugetlbfs(struct vm *vm)
{
	void *p;
	int ret = hugetlbfs_map(vm->cfg.hugetlbfs, vm->ram_size,
				vm->cfg.loglevel, &p);

	if (ret)
		return ret;
	vm->ram_alloc = p;
	vm->ram_alloc_size = vm->ram_size;
	vm->ram = p;
	return 0;
}

/*
 * With MTE on, KVM takes only RAM the host kernel lets MTE tag
 * (VM_MTE_ALLOWED): anonymous memory and shmem; hugetlbfs pages not on
 * every kernel (6.1's: EINVAL).
 */
static void ram_report_refused(struct vm *vm, int e)
{
	if (e == EINVAL && vm->cfg.hugetlbfs && vm->cpu.mte)
		pr_err(vm->cfg.loglevel, "KVM refused huge pages from '%s' as guest RAM with MTE on: this host's kernel does not let MTE tag hugetlbfs pages; add --disable-mte",
		       vm->cfg.hugetlbfs);
	else
		pr_err(vm->cfg.loglevel, "KVM refused %llu MiB of guest RAM at 0x%llx: %s",
		       (unsigned long long)(vm->ram_size >> 20),
		       (unsigned long long)vm->ram_base, strerror(e));
}

int ram_setup(struct vm *vm)
{
	struct kvm_userspace_memory_region slot = { 0 };
	int ret;

	ret = vm->cfg.hugetlbfs ? ram_map_hugetlbfs(vm) : ram_map_anon(vm);
	if (!ret && vm->restore)
		ret = snapshot_map_ram(vm);
	if (ret)
		return ret;
	vm->mem = (struct guest_mem) {
		.base = vm->ram_base, .size = vm->ram_size, .hva = vm->ram,
	};
	slot.slot = 0;
	slot.guest_phys_addr = vm->ram_base;
	slot.memory_size = vm->ram_size;
	slot.userspace_addr = (uintptr_t)vm->ram;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot)) {
		int e = errno;

		ram_report_refused(vm, e);
		ram_teardown(vm);	/* a failed stage is not undone */
		return -e;
	}
	return 0;
}

void ram_teardown(struct vm *vm)
{
	snapshot_ram_stop(vm->restore);	/* it reads the mapping */
	if (vm->ram_alloc)
		munmap(vm->ram_alloc, vm->ram_alloc_size);
	vm->ram_alloc = NULL;
	vm->ram = NULL;
	vm->mem.hva = NULL;
}
