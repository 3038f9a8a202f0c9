// SPDX-License-Identifier: GPL-2.0
/*
 * A restore's guest RAM (docs/snapshot.md, "Restoring RAM by mapping
 * it"): the file's RAM section mapped copy-on-write, or read into huge
 * pages or MTE-taggable memory, and its data pages put in lkvm's page
 * tables ahead of the guest by a thread of their own.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "host/sandbox.h"
#include "lib/log.h"
#include "lib/util.h"
#include "lib/thread.h"
#include "machine/snapshot.h"
#include "machine/vm.h"

/*
 * The populate thread's work is cut in steps this long, so that a
 * VM that stops early (a failed set-up, a guest that powers off at
 * once) waits for one step at most.
 */
#define POPULATE_STEP	(2ULL << 20)

struct snapshot_populate {
	struct vm *vm;		/* its sandbox and log level only */
	struct snapshot_file *f;
	pthread_t thread;
	atomic_bool stop;
	uint64_t done;		/* bytes populated */
};

int snapshot_file_pread(int fd, void *buf, size_t n, uint64_t off)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t r = pread(fd, p, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ENODATA;
		p += r;
		n -= r;
		off += r;
	}
	return 0;
}

/*
 * The extents of the file's RAM section that hold data (SEEK_DATA,
 * SEEK_HOLE): the zero pages the snapshot left as holes are skipped.
 * fn gets each as an offset into RAM and a length; a file system
 * without SEEK_DATA gives one extent, the whole RAM.
 */
static int snap_ram_extents(struct snapshot_file *f, uint64_t size,
			    int (*fn)(struct snapshot_file *f, uint64_t off,
				      uint64_t len, void *arg),
			    void *arg)
{
	uint64_t base = f->idx.hdr.ram_offset, end = base + size;
	off_t data, hole;
	int ret;

	for (data = base; (uint64_t)data < end; data = hole) {
		data = lseek(f->fd, data, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			return 0;	/* holes to the end */
		if (data < 0)
			return fn(f, 0, size, arg);
		if ((uint64_t)data >= end)
			return 0;
		hole = lseek(f->fd, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > end)
			hole = end;
		ret = fn(f, data - base, hole - data, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static int snap_read_extent(struct snapshot_file *f, uint64_t off, uint64_t len,
			    void *ram)
{
	return snapshot_file_pread(f->fd, (uint8_t *)ram + off, len, f->idx.hdr.ram_offset + off);
}


/*
 * One extent's pages put in lkvm's page tables, from the page cache,
 * still shared and copy-on-write: otherwise the guest's first touch of
 * each page after the restore costs a host page fault on top of KVM's
 * own stage-2 fault.
 */
static int snap_populate_extent(struct snapshot_file *f, uint64_t off, uint64_t len,
				void *arg)
{
	struct snapshot_populate *p = arg;
	uint8_t *ram = p->vm->ram;
	uint64_t n;

	for (; len; off += n, len -= n) {
		if (atomic_load(&p->stop))
			return -ECANCELED;
		n = len < POPULATE_STEP ? len : POPULATE_STEP;
		if (madvise(ram + off, n, MADV_POPULATE_READ))
			return -errno;
		p->done += n;
	}
	return 0;
}

/*
 * The file's data extents (the holes are the zero pages, left to the
 * faults) populated while set-up goes on and the guest runs: neither
 * waits for it, and a page the guest touches first is faulted in as
 * without it. Best effort: a kernel without MADV_POPULATE_READ (before
 * 5.14) leaves it all to the faults. The thread is the only user of the
 * file's offset (SEEK_DATA, SEEK_HOLE); the rest of the restore reads
 * with pread().
 */
static void *snap_populate_thread(void *arg)
{
	struct snapshot_populate *p = arg;
	int level = p->vm->cfg.loglevel;
	uint64_t t0 = clock_now_ns();
	int ret;

	if (sandbox_enter(p->vm, SANDBOX_RAM, 0))
		return NULL;	/* reported; the VM stops */
	ret = snap_ram_extents(p->f, p->vm->ram_size, snap_populate_extent, p);
	if (ret == -ECANCELED)
		pr_debug(level, "guest RAM populated ahead: stopped after %llu MiB",
			 (unsigned long long)(p->done >> 20));
	else if (ret)
		pr_debug(level, "guest RAM not populated ahead (%s): the guest's first touches fault it in",
			 strerror(-ret));
	else
		pr_debug(level, "guest RAM populated ahead: %llu MiB in %llu ms",
			 (unsigned long long)(p->done >> 20),
			 (unsigned long long)(clock_now_ns() - t0) / 1000000);
	return NULL;
}

/* Best effort too: without the thread the guest faults its pages in. */
static void snap_populate_start(struct vm *vm, struct snapshot_file *f)
{
	struct snapshot_populate *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return;
	*p = (struct snapshot_populate) { .vm = vm, .f = f };
	ret = thread_start(&p->thread, snap_populate_thread, p);
	if (ret) {
		pr_debug(vm->cfg.loglevel, "guest RAM not populated ahead (%s)", strerror(-ret));
		free(p);
		return;
	}
	f->populate = p;
}

void snapshot_ram_stop(struct snapshot_file *f)
{
	struct snapshot_populate *p = f ? f->populate : NULL;

	if (!p)
		return;
	atomic_store(&p->stop, true);
	pthread_join(p->thread, NULL);
	free(p);
	f->populate = NULL;
}

/*
 * A file taken with MTE needs it here: the guest's kernel and programs
 * rely on their tags. One taken without needs it off, which only its
 * saved --disable-mte can ask for. Checked at the RAM stage, the first after KVM
 * was asked for MTE (the CPU features stage), so that the reason is
 * this and not a shape that differs later.
 */
static int snap_check_mte(struct vm *vm, struct snapshot_file *f)
{
	bool file = f->idx.hdr.shape.flags & SNAPSHOT_F_MTE;

	if (file == vm->cpu.mte)
		return 0;
	if (file)
		pr_err(vm->cfg.loglevel, "cannot restore '%s': it was taken with MTE on, which this host's KVM does not offer (KVM_CAP_ARM_MTE), and its guest relies on its memory tags; restore it on a host with MTE",
		       vm->cfg.restore_path);
	else	/* the saved run had no --disable-mte: its host had no MTE */
		pr_err(vm->cfg.loglevel, "cannot restore '%s': it was taken without MTE, which this host's KVM gives the guest (its run had no --disable-mte, which a restore cannot add); restore it on a host without MTE",
		       vm->cfg.restore_path);
	return -EINVAL;
}

/*
 * The RAM stage's part: the file's RAM section, mapped copy-on-write
 * over the reservation ram_setup() made (2 MiB aligned). A file mapping
 * cannot be huge pages, nor hold MTE tags (KVM refuses it as the RAM of
 * a VM with MTE: it is not VM_MTE_ALLOWED), so a VM on huge pages
 * (--hugetlbfs, which a restore takes from the saved run) or with MTE
 * gets its RAM read into its own memory instead: its cost is that of
 * the RAM the snapshot holds rather than of what the guest touches,
 * and nothing is shared between VMs restored from one file.
 */
int snapshot_map_ram(struct vm *vm)
{
	struct snapshot_file *f = vm->restore;
	void *p;
	int ret = snap_check_mte(vm, f);

	if (ret)
		return ret;
	if (vm->cfg.hugetlbfs || vm->cpu.mte) {
		ret = snap_ram_extents(f, vm->ram_size, snap_read_extent, vm->ram);
		if (ret)
			pr_err(vm->cfg.loglevel, "cannot read guest RAM from '%s' into %s: %s",
			       vm->cfg.restore_path,
			       vm->cfg.hugetlbfs ? "huge pages" : "memory MTE can tag",
			       ret == -ENODATA ? "the file ends early" : strerror(-ret));
		return ret;
	}
	p = mmap(vm->ram, vm->ram_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_FIXED | MAP_NORESERVE, f->fd,
		 f->idx.hdr.ram_offset);
	if (p == MAP_FAILED) {
		int e = errno;

		pr_err(vm->cfg.loglevel, "cannot map guest RAM from '%s': %s",
		       vm->cfg.restore_path, strerror(e));
		return -e;
	}
	snap_populate_start(vm, f);
	return 0;
}
