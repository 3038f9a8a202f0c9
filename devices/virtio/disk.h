/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_DISK_H
#define LKVM_DEVICES_VIRTIO_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "devices/virtio/disk-ring.h"

/*
 * The host side of a disk: a raw image file or a block device, opened
 * as `-d FILE[,ro][,direct]` asks, checked, locked against a second
 * writer, and read and written at byte offsets. It knows nothing of
 * virtio; devices/virtio/blk.c is the guest's view of it.
 *
 * A disk is used by one thread at a time (its device's I/O thread):
 * the O_DIRECT bounce buffer is shared by all requests.
 */
#define DISK_SECTOR_SIZE	512
#define DISK_SECTOR_SHIFT	9
#define DISK_SERIAL_LEN		20	/* VIRTIO_BLK_ID_BYTES */
#define DISK_PATH_MAX		4096	/* bytes, with the NUL */
/* O_DIRECT requests whose buffers are not aligned go through this. */
#define DISK_BOUNCE_SIZE	(256 * 1024)

/* What -d asked for; filled by disk_parse_spec(). */
struct disk_config {
	char path[DISK_PATH_MAX];
	bool ro;		/* ,ro: the guest may not write */
	bool direct;		/* ,direct: O_DIRECT, no host page cache */
	unsigned int delay_ms;	/* --debug-iodelay: each read and write waits */
};

struct disk_engine;

struct disk {
	int fd;
	int fd_buffered;	/* with direct: for offsets O_DIRECT refuses */
	char *path;		/* for messages */
	bool ro;
	bool direct;
	bool blockdev;
	unsigned int delay_ms;
	uint64_t size;		/* bytes the guest sees: whole sectors */
	uint64_t host_size;	/* bytes the file or device has */
	uint32_t block_size;	/* what O_DIRECT needs offsets aligned to */
	uint32_t mem_align;	/* what O_DIRECT needs buffers aligned to */
	uint32_t discard_align;	/* bytes: the file system's block */
	bool can_punch;		/* PUNCH_HOLE works: discard, write zeroes */
	bool no_zero_range;	/* ZERO_RANGE failed: punch and allocate */
	void *bounce;		/* with direct: DISK_BOUNCE_SIZE, aligned */
	char serial[DISK_SERIAL_LEN];	/* NUL-padded, not terminated */
	const struct disk_engine *engine;	/* how disk_rw_batch() does I/O */
	struct disk_ring *ring;		/* the io_uring engine's */
	void *map;			/* the mmap engine's: size bytes, shared */
};

/*
 * Parses FILE[,ro][,direct] (kvmtool's -d syntax; the path ends at the
 * first comma, so a path with a comma cannot be given). Pure: touches
 * no file. Returns 0, or -EINVAL / -ENAMETOOLONG with msg filled with
 * one line naming the problem and the fix.
 */
int disk_parse_spec(const char *spec, struct disk_config *cfg, char *msg,
		    size_t msglen);

/*
 * Opens, checks and locks the image. Returns 0 or -errno; on failure
 * msg names the problem and the fix (a missing or unreadable file, a
 * directory, a device node, a qcow2 image, a lock held elsewhere...).
 * On success msg is empty or holds a warning for the caller to print
 * (a size that is not whole sectors, a file system without locks).
 */
int disk_open(struct disk *d, const struct disk_config *cfg, char *msg,
	      size_t msglen);
void disk_close(struct disk *d);
/*
 * Sets can_punch: whether the file system deallocates ranges, which
 * discard and write zeroes need. disk_open() calls it last.
 */
void disk_probe_punch(struct disk *d);

/*
 * Reads or writes exactly the bytes of the iovecs (at most IOV_MAX) at
 * off. Returns 0 or -errno (-EIO when the file ends first). The caller
 * has checked the range against d->size. The iovecs may be changed: a
 * transfer the kernel cut short resumes where it stopped.
 */
/* The bytes a request's iovecs hold. */
uint64_t disk_iov_len(const struct iovec *iov, unsigned int cnt);
/* Whether O_DIRECT takes the request as it is (offset, length, buffers). */
bool disk_dio_ok(const struct disk *d, const struct iovec *iov,
		 unsigned int cnt, uint64_t off, uint64_t len);
int disk_read(struct disk *d, struct iovec *iov, unsigned int cnt,
	      uint64_t off);
int disk_write(struct disk *d, struct iovec *iov, unsigned int cnt,
	       uint64_t off);
/*
 * The I/O engine of disk_rw_batch(): preadv/pwritev, one system call a
 * request (what disk_open() sets); an io_uring confined to the disk
 * (disk-ring.h), one io_uring_enter a batch of reads; or, for a
 * buffered disk, a shared mapping of the image, a memcpy a request
 * (disk-map.c). disk_use_map() and disk_use_ring() switch to theirs;
 * each returns 0, or -errno when it cannot be had (-EOPNOTSUPP: a
 * ,direct disk for the mapping, --debug-iodelay's slow disk for both;
 * the kernel or the file system refusing): the disk then keeps the
 * engine it had. To be called before the disk's thread enters its
 * sandbox: the mapping's SIGBUS handler is installed there.
 */
int disk_use_map(struct disk *d);
int disk_use_ring(struct disk *d);
/* The engine's name, for messages: "mmap", "io_uring" or "preadv". */
const char *disk_engine_name(const struct disk *d);
/* True when disk_rw_batch() does a batch at once (the ring). */
bool disk_batches(const struct disk *d);
/*
 * Reads and writes n requests (at most DISK_RING_DEPTH), each as
 * disk_read() or disk_write() would: on return all are done, each
 * io's err 0 or -errno. Those the ring cannot do (an O_DIRECT request
 * on unaligned buffers) or did not finish (a short transfer, an
 * error) are done again with preadv/pwritev, which resumes or reports.
 */
void disk_rw_batch(struct disk *d, struct disk_io *io, unsigned int n);
/*
 * The mmap engine's pieces (disk-map.c). disk_map_open() maps the
 * guest's bytes of a buffered disk and installs the SIGBUS handler;
 * disk_map_rw() copies a request as disk_read()/disk_write() would do
 * it, -EIO where a page of the image fails (truncated, an I/O error, no
 * space for a hole written). disk_map_close() is disk_close()'s.
 */
int disk_map_open(struct disk *d);
void disk_map_close(struct disk *d);
int disk_map_rw(struct disk *d, const struct iovec *iov, unsigned int cnt,
		uint64_t off, bool write);
/*
 * What was written reaches stable storage (fdatasync: with the mmap
 * engine too, as the mapping's pages are the file's page cache).
 */
int disk_flush(struct disk *d);
/* Deallocates a range (reads back zeroes); -EOPNOTSUPP without can_punch. */
int disk_discard(struct disk *d, uint64_t off, uint64_t len);
/*
 * Zeroes a range, deallocating it with unmap; -EOPNOTSUPP without
 * can_punch.
 */
int disk_write_zeroes(struct disk *d, uint64_t off, uint64_t len, bool unmap);

#endif
