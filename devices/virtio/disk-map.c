// SPDX-License-Identifier: GPL-2.0
/*
 * The mmap engine's copies (docs/virtio.md, "I/O engine"): a buffered
 * disk's guest-visible bytes mapped shared, reads and writes a memcpy
 * between the mapping and the request's buffers, no system call.
 *
 * A mapped page can fail where preadv would have returned an error:
 * the image truncated under the VM, an I/O error on the medium, a write
 * into a hole of a sparse image on a full file system (ENOSPC). The
 * kernel then sends SIGBUS to the copying thread. disk_map_rw() sets a
 * recovery point first; the handler jumps back to it when the fault is
 * in the disk's mapping during that copy, and the request fails with
 * -EIO, as a failed pwritev would fail it. Any other SIGBUS gets the
 * default action, as if lkvm had no handler.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/virtio/disk.h"

/* A copy in progress: the recovery point, the mapping and the request. */
struct disk_map_guard {
	sigjmp_buf env;
	const char *base;
	size_t len;
	const struct iovec *iov;
	unsigned int cnt;
	char *at;
	bool write;
};

/*
 * The copy in progress on this thread, or NULL. Mutable state outside
 * any struct, and the only such in lkvm's disks: a signal handler is
 * given no argument of ours, so what it needs to recover must be where
 * it can find it alone. Thread-local, because each disk's I/O thread
 * copies for its own disk only and a fault is delivered to the thread
 * that took it.
 */
static __thread struct disk_map_guard *volatile disk_map_active;

static bool disk_map_ours(const struct disk_map_guard *g, const siginfo_t *si)
{
	const char *a = si->si_addr;

	/* si_code > 0: raised by the kernel for a fault, not sent by kill(). */
	return g && si->si_code > 0 && a >= g->base && (size_t)(a - g->base) < g->len;
}

/*
 * Async-signal-safe: reads the thread-local, then either leaves through
 * siglongjmp() (SA_NODEFER left SIGBUS unblocked, so the thread's mask
 * needs no restoring, and no system call) or restores the default
 * action and returns: the faulting access runs again and the kernel
 * kills the process as it would have without this handler; a SIGBUS
 * sent by kill() is raised again.
 */
static void disk_map_sigbus(int sig, siginfo_t *si, void *uc)
{
	struct disk_map_guard *g = disk_map_active;
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	(void)uc;
	if (disk_map_ours(g, si)) {
		disk_map_active = NULL;
		siglongjmp(g->env, 1);
	}
	sigaction(sig, &dfl, NULL);
	if (si->si_code <= 0)
		raise(sig);
}

/*
 * Process-wide, so set once on the main thread before any sandbox (the
 * filters allow rt_sigaction for SIGBUS alone, for the handler's
 * default case above). Again for each disk: the same handler.
 */
static int disk_map_catch(void)
{
	struct sigaction sa = {
		.sa_sigaction = disk_map_sigbus,
		.sa_flags = SA_SIGINFO | SA_NODEFER,
	};

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGBUS, &sa, NULL) ? -errno : 0;
}

int disk_map_open(struct disk *d)
{
	int prot = PROT_READ | (d->ro ? 0 : PROT_WRITE);
	void *m;
	int ret;

	if (d->map)
		return 0;
	if (d->direct || !d->size)
		return -EOPNOTSUPP;
	ret = disk_map_catch();
	if (ret)
		return ret;
	/* No MAP_POPULATE: an image may be far larger than the host's RAM. */
	m = mmap(NULL, d->size, prot, MAP_SHARED, d->fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	d->map = m;
	return 0;
}

void disk_map_close(struct disk *d)
{
	if (d->map)
		munmap(d->map, d->size);
	d->map = NULL;
}

static void disk_map_memcpy(const struct disk_map_guard *g)
{
	char *at = g->at;
	unsigned int i;

	for (i = 0; i < g->cnt; i++) {
		if (g->write)
			memcpy(at, g->iov[i].iov_base, g->iov[i].iov_len);
		else
			memcpy(g->iov[i].iov_base, at, g->iov[i].iov_len);
		at += g->iov[i].iov_len;
	}
}

/*
 * The copy under the recovery point. All it needs is in *g, which
 * nothing changes after sigsetjmp(): nothing is stale once the handler
 * has jumped back, and on that path it only returns.
 */
static int disk_map_copy(struct disk_map_guard *g)
{
	if (sigsetjmp(g->env, 0))
		return -EIO;
	disk_map_active = g;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	disk_map_memcpy(g);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	disk_map_active = NULL;
	return 0;
}

int disk_map_rw(struct disk *d, const struct iovec *iov, unsigned int cnt,
		uint64_t off, bool write)
{
	uint64_t len = disk_iov_len(iov, cnt);
	struct disk_map_guard g;

	if (!d->map)
		return -EINVAL;
	if (write && d->ro)
		return -EROFS;
	if (off > d->size || len > d->size - off)
		return -EIO;	/* past the end, as preadv says it */
	g.base = d->map;
	g.len = d->size;
	g.iov = iov;
	g.cnt = cnt;
	g.at = (char *)d->map + off;
	g.write = write;
	return disk_map_copy(&g);
}
