// SPDX-License-Identifier: GPL-2.0
/*
 * A disk's I/O engines (docs/virtio.md, "I/O engine"): preadv/pwritev,
 * a system call a request; an io_uring confined to reading the disk,
 * one io_uring_enter for a batch of reads; and, for a buffered disk, a
 * shared mapping of the image, a memcpy a request and no system call.
 * All finish every request before returning: nothing is ever in flight
 * once the caller has its answers.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/virtio/disk.h"

struct disk_engine {
	const char *name;
	bool batches;
	void (*rw_batch)(struct disk *d, struct disk_io *io, unsigned int n);
};

static int disk_io_sync(struct disk *d, struct disk_io *io)
{
	return io->write ? disk_write(d, io->iov, io->cnt, io->off) :
			   disk_read(d, io->iov, io->cnt, io->off);
}

static void disk_batch_preadv(struct disk *d, struct disk_io *io,
			      unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		io[i].err = disk_io_sync(d, &io[i]);
}

/*
 * Each request a memcpy through the mapping (disk-map.c); batched like
 * the ring's, so that the requests of a notification are pushed and
 * signalled once.
 */
static void disk_batch_map(struct disk *d, struct disk_io *io,
			   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		io[i].err = disk_map_rw(d, io[i].iov, io[i].cnt, io[i].off,
					io[i].write);
}

/*
 * O_DIRECT wants aligned offsets, lengths and buffers; a request that
 * has not all of them goes through the bounce buffer (disk-io.c), which
 * the ring does not use.
 */
static bool disk_io_direct_ok(const struct disk *d, const struct disk_io *io)
{
	return disk_dio_ok(d, io->iov, io->cnt, io->off,
			   disk_iov_len(io->iov, io->cnt));
}

/*
 * Reads go through the ring, two or more in one io_uring_enter (one
 * alone costs less as a preadv); writes, and reads the ring does not
 * take (O_DIRECT on unaligned buffers, through the bounce buffer), are
 * done as preadv/pwritev do them. A read the ring left short or failed
 * is done again with preadv, whole, which resumes a short transfer,
 * retries what O_DIRECT refused on the buffered descriptor, and
 * reports a real error.
 */
static void disk_batch_ring(struct disk *d, struct disk_io *io,
			    unsigned int n)
{
	struct disk_io *ring_io[DISK_RING_DEPTH];
	struct disk_io batch[DISK_RING_DEPTH];
	unsigned int i, nr = 0;

	for (i = 0; i < n; i++) {
		if (io[i].write || (d->direct && !disk_io_direct_ok(d, &io[i]))) {
			io[i].err = disk_io_sync(d, &io[i]);
			continue;
		}
		ring_io[nr] = &io[i];
		batch[nr++] = io[i];
	}
	if (nr == 1) {
		ring_io[0]->err = disk_io_sync(d, ring_io[0]);
		return;
	}
	if (nr)
		disk_ring_read(d->ring, batch, nr);
	for (i = 0; i < nr; i++) {
		if (batch[i].res >= 0 &&
		    (uint64_t)batch[i].res == disk_iov_len(batch[i].iov, batch[i].cnt))
			ring_io[i]->err = 0;
		else
			ring_io[i]->err = disk_io_sync(d, ring_io[i]);
	}
}

static const struct disk_engine disk_engine_preadv = {
	.name = "preadv",
	.rw_batch = disk_batch_preadv,
};

static const struct disk_engine disk_engine_ring = {
	.name = "io_uring",
	.batches = true,
	.rw_batch = disk_batch_ring,
};

static const struct disk_engine disk_engine_map = {
	.name = "mmap",
	.batches = true,
	.rw_batch = disk_batch_map,
};

/* disk_open() leaves the engine unset: preadv. */
static const struct disk_engine *disk_engine(const struct disk *d)
{
	return d->engine ? d->engine : &disk_engine_preadv;
}

/*
 * The ring gets a descriptor of its own, of the same file: the image's
 * lock belongs to d->fd's open file, which disk_close() then releases
 * at once, while a closed ring lets go of its file a little later.
 */
static int disk_reopen(const struct disk *d)
{
	int flags = (d->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY;
	struct stat a, b;
	int fd;

	if (!d->path)
		return -EINVAL;
	fd = open(d->path, flags | (d->direct ? O_DIRECT : 0));
	if (fd < 0)
		return -errno;
	if (fstat(d->fd, &a) || fstat(fd, &b) || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino || a.st_rdev != b.st_rdev) {
		close(fd);
		return -ESTALE;	/* the path is another file now */
	}
	return fd;
}

/*
 * The mapping's copies cost no system call and no per-page walk of the
 * page cache, where preadv/pwritev pay both (docs/performance.md); a
 * ,direct disk keeps to the page-cache-free calls it asked for.
 */
int disk_use_map(struct disk *d)
{
	int ret;

	if (d->engine == &disk_engine_map)
		return 0;
	/* --debug-iodelay sleeps before each request: preadv's way. */
	if (d->delay_ms)
		return -EOPNOTSUPP;
	ret = disk_map_open(d);	/* -EOPNOTSUPP for a ,direct disk */
	if (ret)
		return ret;
	d->engine = &disk_engine_map;
	return 0;
}

int disk_use_ring(struct disk *d)
{
	int fd, ret;

	if (d->ring)
		return 0;
	/* --debug-iodelay sleeps before each request: preadv's way. */
	if (d->delay_ms)
		return -EOPNOTSUPP;
	fd = disk_reopen(d);
	if (fd < 0)
		return fd;
	ret = disk_ring_open(fd, DISK_RING_DEPTH, &d->ring);
	close(fd);	/* the ring holds the file now */
	if (ret)
		return ret;
	d->engine = &disk_engine_ring;
	return 0;
}

const char *disk_engine_name(const struct disk *d)
{
	return disk_engine(d)->name;
}

bool disk_batches(const struct disk *d)
{
	return disk_engine(d)->batches;
}

void disk_rw_batch(struct disk *d, struct disk_io *io, unsigned int n)
{
	if (n > DISK_RING_DEPTH)
		n = DISK_RING_DEPTH;
	disk_engine(d)->rw_batch(d, io, n);
}
