// SPDX-License-Identifier: GPL-2.0
/*
 * A disk's I/O at byte offsets: reads and writes (through the bounce
 * buffer and the buffered descriptor where O_DIRECT cannot take a
 * request), flush, and the ranges the file system deallocates: discard
 * and write zeroes. Opening the image is disk.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/falloc.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "devices/virtio/disk.h"
#include "lib/util.h"

/* Bytes punched past the end of the file to learn whether punching works. */
#define DISK_PROBE_LEN		4096

/*
 * preadv/pwritev until every byte moved; a short transfer resumes. What
 * O_DIRECT refuses (EINVAL: an offset finer than the file system's
 * block) goes on through the buffered descriptor, fallback.
 */
static int disk_rw_full(int fd, int fallback, struct iovec *iov,
			unsigned int cnt, uint64_t off, bool write)
{
	ssize_t n;

	if (cnt > IOV_MAX)
		return -EINVAL;
	while (cnt) {
		n = write ? pwritev(fd, iov, cnt, off) : preadv(fd, iov, cnt, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EINVAL && fallback >= 0 && fd != fallback) {
			fd = fallback;
			continue;
		}
		if (n < 0)
			return -errno;
		if (!n)
			return -EIO;	/* the file shrank under us */
		off += n;
		/* Drop what moved (rare: the kernel stops at 2 GiB a call). */
		while (cnt && (size_t)n >= iov->iov_len) {
			n -= iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= n;
		}
	}
	return 0;
}

bool disk_dio_ok(const struct disk *d, const struct iovec *iov,
		 unsigned int cnt, uint64_t off, uint64_t len)
{
	unsigned int i;

	if (!IS_ALIGNED(off, d->block_size) || !IS_ALIGNED(len, d->block_size))
		return false;
	for (i = 0; i < cnt; i++)
		if (!IS_ALIGNED((uintptr_t)iov[i].iov_base, d->mem_align) ||
		    !IS_ALIGNED(iov[i].iov_len, d->mem_align))
			return false;
	return true;
}

uint64_t disk_iov_len(const struct iovec *iov, unsigned int cnt)
{
	uint64_t len = 0;
	unsigned int i;

	for (i = 0; i < cnt; i++)
		len += iov[i].iov_len;
	return len;
}

/* Copies between the guest's iovecs (from byte skip on) and buf. */
static void disk_iov_copy(const struct iovec *iov, unsigned int cnt,
			  uint64_t skip, void *buf, size_t len, bool to_iov)
{
	unsigned int i;

	for (i = 0; i < cnt && len; i++) {
		size_t n;

		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		n = MIN(iov[i].iov_len - skip, len);
		if (to_iov)
			memcpy((char *)iov[i].iov_base + skip, buf, n);
		else
			memcpy(buf, (char *)iov[i].iov_base + skip, n);
		buf = (char *)buf + n;
		len -= n;
		skip = 0;
	}
}

/* O_DIRECT through the aligned bounce buffer, a chunk at a time. */
static int disk_bounce_rw(struct disk *d, const struct iovec *iov,
			  unsigned int cnt, uint64_t off, uint64_t len, bool write)
{
	uint64_t done, n;
	struct iovec b;
	int ret;

	for (done = 0; done < len; done += n) {
		n = MIN(len - done, (uint64_t)DISK_BOUNCE_SIZE);
		b = (struct iovec){ .iov_base = d->bounce, .iov_len = n };
		if (write)
			disk_iov_copy(iov, cnt, done, d->bounce, n, false);
		if (disk_dio_ok(d, &b, 1, off + done, n))
			ret = disk_rw_full(d->fd, d->fd_buffered, &b, 1, off + done, write);
		else
			ret = disk_rw_full(d->fd_buffered, -1, &b, 1, off + done, write);
		if (ret)
			return ret;
		if (!write)
			disk_iov_copy(iov, cnt, done, d->bounce, n, true);
	}
	return 0;
}

static int disk_rw(struct disk *d, struct iovec *iov, unsigned int cnt,
		   uint64_t off, bool write)
{
	uint64_t len;

	/* kvmtool's --debug-iodelay: a slow disk, to test a guest against. */
	if (d->delay_ms)
		usleep(d->delay_ms * 1000);
	if (!d->direct)
		return disk_rw_full(d->fd, -1, iov, cnt, off, write);
	len = disk_iov_len(iov, cnt);
	if (!disk_dio_ok(d, iov, cnt, off, len))
		return disk_bounce_rw(d, iov, cnt, off, len, write);
	return disk_rw_full(d->fd, d->fd_buffered, iov, cnt, off, write);
}

int disk_read(struct disk *d, struct iovec *iov, unsigned int cnt,
	      uint64_t off)
{
	return disk_rw(d, iov, cnt, off, false);
}

int disk_write(struct disk *d, struct iovec *iov, unsigned int cnt,
	       uint64_t off)
{
	if (d->ro)
		return -EROFS;
	return disk_rw(d, iov, cnt, off, true);
}

int disk_flush(struct disk *d)
{
	int ret;

	if (d->ro)
		return 0;
	do {
		ret = fdatasync(d->fd);
	} while (ret && errno == EINTR);
	return ret ? -errno : 0;
}

static int disk_fallocate(int fd, int mode, uint64_t off, uint64_t len)
{
	int ret;

	do {
		ret = fallocate(fd, mode, off, len);
	} while (ret && errno == EINTR);
	return ret ? -errno : 0;
}

/*
 * Whether the file system deallocates ranges (discard, and write
 * zeroes, which falls back on it): tried past the end of the file,
 * where a punch with KEEP_SIZE changes nothing. ZERO_RANGE is not
 * probed, as it would allocate there; disk_write_zeroes() finds out.
 * Block devices zero or discard for real when asked, so they get
 * neither.
 */
void disk_probe_punch(struct disk *d)
{
	uint64_t off = ALIGN_UP(d->host_size, SZ_64K) + SZ_64K;

	if (d->ro || d->blockdev)
		return;
	d->can_punch = !disk_fallocate(d->fd, FALLOC_FL_PUNCH_HOLE |
				       FALLOC_FL_KEEP_SIZE, off, DISK_PROBE_LEN);
}

int disk_discard(struct disk *d, uint64_t off, uint64_t len)
{
	if (d->ro)
		return -EROFS;
	if (!d->can_punch)
		return -EOPNOTSUPP;
	return disk_fallocate(d->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      off, len);
}

/*
 * Zeroes a range. Without unmap the range must stay allocated: where
 * ZERO_RANGE is missing (tmpfs), a punch and a fresh allocation do the
 * same. That allocation may fail (no space, no support) without harm to
 * the data, which reads back as zeroes either way.
 */
int disk_write_zeroes(struct disk *d, uint64_t off, uint64_t len, bool unmap)
{
	int keep = FALLOC_FL_KEEP_SIZE, ret;

	if (d->ro)
		return -EROFS;
	if (!d->can_punch)
		return -EOPNOTSUPP;
	if (unmap)
		return disk_discard(d, off, len);
	if (!d->no_zero_range) {
		ret = disk_fallocate(d->fd, FALLOC_FL_ZERO_RANGE | keep, off, len);
		if (ret != -EOPNOTSUPP)
			return ret;
		d->no_zero_range = true;
	}
	ret = disk_discard(d, off, len);
	if (!ret)
		disk_fallocate(d->fd, keep, off, len);
	return ret;
}
