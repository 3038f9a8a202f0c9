// SPDX-License-Identifier: GPL-2.0
/*
 * The io_uring of a disk, through the raw system calls and the
 * kernel's UAPI header (no liburing: lkvm is linked statically for
 * arm64, and three calls and two rings are all it needs). Set-up
 * happens before the I/O thread enters its sandbox; the thread itself
 * only calls io_uring_enter.
 */
#include <errno.h>
#include <linux/io_uring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "devices/virtio/disk-ring.h"

struct disk_ring {
	int fd;
	unsigned int depth;
	void *sq_map, *cq_map;		/* cq_map == sq_map: one mapping */
	size_t sq_len, cq_len;
	struct io_uring_sqe *sqes;
	size_t sqes_len;
	uint32_t *sq_head, *sq_tail, *sq_mask, *sq_array;
	uint32_t *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
};

static int ring_setup(unsigned int entries, struct io_uring_params *p)
{
	long ret = syscall(__NR_io_uring_setup, entries, p);

	return ret < 0 ? -errno : (int)ret;
}

static int ring_enter(int fd, unsigned int submit, unsigned int wait)
{
	long ret = syscall(__NR_io_uring_enter, fd, submit, wait,
			   wait ? IORING_ENTER_GETEVENTS : 0, NULL, 0);

	return ret < 0 ? -errno : (int)ret;
}

static int ring_register(int fd, unsigned int op, void *arg, unsigned int nr)
{
	long ret = syscall(__NR_io_uring_register, fd, op, arg, nr);

	return ret < 0 ? -errno : (int)ret;
}

static void *ring_at(void *map, uint32_t off)
{
	return (char *)map + off;
}

static int ring_map(struct disk_ring *r, const struct io_uring_params *p)
{
	r->sq_len = p->sq_off.array + p->sq_entries * sizeof(uint32_t);
	r->cq_len = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
	/* Since 5.4 one mapping holds both rings; 5.10 is needed anyway. */
	if (!(p->features & IORING_FEAT_SINGLE_MMAP))
		return -EINVAL;
	if (r->cq_len > r->sq_len)
		r->sq_len = r->cq_len;
	r->sq_map = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	if (r->sq_map == MAP_FAILED) {
		r->sq_map = NULL;
		return -errno;
	}
	r->cq_map = r->sq_map;
	r->sqes_len = p->sq_entries * sizeof(struct io_uring_sqe);
	r->sqes = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED) {
		r->sqes = NULL;
		return -errno;
	}
	r->sq_head = ring_at(r->sq_map, p->sq_off.head);
	r->sq_tail = ring_at(r->sq_map, p->sq_off.tail);
	r->sq_mask = ring_at(r->sq_map, p->sq_off.ring_mask);
	r->sq_array = ring_at(r->sq_map, p->sq_off.array);
	r->cq_head = ring_at(r->cq_map, p->cq_off.head);
	r->cq_tail = ring_at(r->cq_map, p->cq_off.tail);
	r->cq_mask = ring_at(r->cq_map, p->cq_off.ring_mask);
	r->cqes = ring_at(r->cq_map, p->cq_off.cqes);
	return 0;
}

/*
 * The confinement, registered while the ring is still disabled: READV
 * only, on a fixed file, and the only fixed file is the disk's. No
 * register opcode is allowed, so once enabled neither the file nor the
 * restrictions can change. Writes, flushes and discards stay system
 * calls of the thread, which seccomp sees: a buffered write through
 * io_uring is handed to a kernel worker on many file systems (tmpfs,
 * Linux 6.1), which costs more than the pwritev it would save.
 */
static int ring_confine(struct disk_ring *r, int fd)
{
	struct io_uring_restriction res[3];
	int ret;

	ret = ring_register(r->fd, IORING_REGISTER_FILES, &fd, 1);
	if (ret < 0)
		return ret;
	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_SQE_OP;
	res[0].sqe_op = IORING_OP_READV;
	res[1].opcode = IORING_RESTRICTION_SQE_FLAGS_REQUIRED;
	res[1].sqe_flags = IOSQE_FIXED_FILE;
	res[2].opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED;
	res[2].sqe_flags = IOSQE_FIXED_FILE;
	ret = ring_register(r->fd, IORING_REGISTER_RESTRICTIONS, res, 3);
	if (ret < 0)
		return ret;
	ret = ring_register(r->fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
	return ret < 0 ? ret : 0;
}

/*
 * SUBMIT_ALL (5.18) keeps a batch going past a failed entry; a kernel
 * without it (-EINVAL) gets the ring without, and ring_submit() goes
 * on where the kernel stopped.
 */
static int ring_create(unsigned int depth, struct io_uring_params *p)
{
	int fd;

	memset(p, 0, sizeof(*p));
	p->flags = IORING_SETUP_R_DISABLED | IORING_SETUP_SUBMIT_ALL;
	fd = ring_setup(depth, p);
	if (fd != -EINVAL)
		return fd;
	memset(p, 0, sizeof(*p));
	p->flags = IORING_SETUP_R_DISABLED;
	return ring_setup(depth, p);
}

int disk_ring_open(int fd, unsigned int depth, struct disk_ring **rp)
{
	struct io_uring_params p;
	struct disk_ring *r;
	int ret;

	if (!depth || depth > DISK_RING_DEPTH)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->depth = depth;
	r->fd = ring_create(depth, &p);
	if (r->fd < 0) {
		ret = r->fd;
		free(r);
		return ret;
	}
	ret = ring_map(r, &p);
	if (!ret)
		ret = ring_confine(r, fd);
	if (ret) {
		disk_ring_close(r);
		return ret;
	}
	*rp = r;
	return 0;
}

void disk_ring_close(struct disk_ring *r)
{
	if (!r)
		return;
	if (r->sqes)
		munmap(r->sqes, r->sqes_len);
	if (r->sq_map)
		munmap(r->sq_map, r->sq_len);
	close(r->fd);
	free(r);
}

static struct io_uring_sqe *ring_next_sqe(struct disk_ring *r, uint32_t tail)
{
	uint32_t idx = tail & *r->sq_mask;

	r->sq_array[idx] = idx;
	memset(&r->sqes[idx], 0, sizeof(r->sqes[idx]));
	return &r->sqes[idx];
}

/*
 * Hands the n entries queued past the kernel's head to the kernel and
 * waits for n completions. Returns how many the kernel took; what it
 * did not take is taken back from the ring.
 */
static unsigned int ring_submit(struct disk_ring *r, unsigned int n)
{
	unsigned int taken = 0;
	int ret;

	while (taken < n) {
		ret = ring_enter(r->fd, n - taken, n - taken);
		if (ret == -EINTR)
			continue;
		if (ret <= 0)
			break;
		taken += ret;
	}
	if (taken < n)	/* the entries the kernel never read are void */
		__atomic_store_n(r->sq_tail, __atomic_load_n(r->sq_head,
				 __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
	return taken;
}

/* Takes every completion of the taken entries, waiting as needed. */
static void ring_reap(struct disk_ring *r, struct disk_io *io, unsigned int n,
		      unsigned int taken)
{
	uint32_t head = *r->cq_head, tail;
	unsigned int done = 0;
	int ret;

	while (done < taken) {
		tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
		if (head == tail) {
			ret = ring_enter(r->fd, 0, taken - done);
			if (ret < 0 && ret != -EINTR)
				break;	/* -EBADF or the like: cannot be */
			continue;
		}
		for (; head != tail; head++, done++) {
			const struct io_uring_cqe *c = &r->cqes[head & *r->cq_mask];

			if (c->user_data < n)
				io[c->user_data].res = c->res;
		}
		__atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
	}
}

void disk_ring_read(struct disk_ring *r, struct disk_io *io, unsigned int n)
{
	uint32_t tail = *r->sq_tail;
	struct io_uring_sqe *sqe;
	unsigned int i;

	if (n > r->depth)
		n = r->depth;	/* the caller's batch is never larger */
	for (i = 0; i < n; i++, tail++) {
		sqe = ring_next_sqe(r, tail);
		sqe->opcode = IORING_OP_READV;
		sqe->flags = IOSQE_FIXED_FILE;
		sqe->fd = 0;	/* the disk: the ring's first and only file */
		sqe->addr = (uintptr_t)io[i].iov;
		sqe->len = io[i].cnt;
		sqe->off = io[i].off;
		sqe->user_data = i;
		io[i].res = -EAGAIN;	/* until its completion says otherwise */
	}
	/* Release: the entries are written before the kernel sees the tail. */
	__atomic_store_n(r->sq_tail, tail, __ATOMIC_RELEASE);
	ring_reap(r, io, n, ring_submit(r, n));
}

int disk_ring_raw(struct disk_ring *r, uint8_t opcode, uint8_t flags, int fd,
		  void *addr, uint32_t len, uint64_t off)
{
	uint32_t tail = *r->sq_tail;
	struct io_uring_sqe *sqe = ring_next_sqe(r, tail);
	struct disk_io io = { .res = -EAGAIN };

	sqe->opcode = opcode;
	sqe->flags = flags;
	sqe->fd = fd;
	sqe->addr = (uintptr_t)addr;
	sqe->len = len;
	sqe->off = off;
	sqe->user_data = 0;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	ring_reap(r, &io, 1, ring_submit(r, 1));
	return io.res;
}

int disk_ring_register_files(struct disk_ring *r, int fd)
{
	return ring_register(r->fd, IORING_REGISTER_FILES, &fd, 1);
}
