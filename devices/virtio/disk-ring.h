/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_DISK_RING_H
#define LKVM_DEVICES_VIRTIO_DISK_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

/*
 * An io_uring confined to one file (docs/virtio.md, "I/O engine"): made
 * disabled, given the file as its only fixed file, restricted to
 * READV on fixed files, then enabled. From then on its owner can only
 * read that file through it, and can change nothing of it
 * (io_uring_register is refused): the I/O thread's
 * seccomp list needs io_uring_enter alone. It knows nothing of virtio
 * or of struct disk.
 */
#define DISK_RING_DEPTH		32	/* reads in one batch */

struct disk_ring;

/* One read or write of a batch (the ring does the reads). */
struct disk_io {
	struct iovec *iov;	/* not changed by the ring */
	unsigned int cnt;
	uint64_t off;
	bool write;
	int res;		/* the ring's: bytes moved, or -errno */
	int err;		/* disk_rw_batch()'s: 0 or -errno */
};

/*
 * Sets up the ring over fd, with room for depth requests (at most
 * DISK_RING_DEPTH). Returns 0, or -errno: -ENOSYS (no io_uring in this
 * kernel), -EPERM (refused: kernel.io_uring_disabled, a container's
 * seccomp), -ENOMEM, -EINVAL (a kernel without restrictions).
 */
int disk_ring_open(int fd, unsigned int depth, struct disk_ring **rp);
void disk_ring_close(struct disk_ring *r);
/*
 * Submits the n (at most the depth) reads with one io_uring_enter and
 * waits until all are done: each io's res is the bytes read or -errno
 * (-EAGAIN for any the ring could not take). Nothing is left in flight
 * on return.
 */
void disk_ring_read(struct disk_ring *r, struct disk_io *io, unsigned int n);
/*
 * For tests of the confinement: one submission as given (opcode, flags,
 * fd, addr, len, off), waited for; returns its completion's result.
 */
int disk_ring_raw(struct disk_ring *r, uint8_t opcode, uint8_t flags, int fd,
		  void *addr, uint32_t len, uint64_t off);
/* For tests: registering fd as a fixed file once enabled (-EACCES). */
int disk_ring_register_files(struct disk_ring *r, int fd);

#endif
