// SPDX-License-Identifier: GPL-2.0
/*
 * The confinement of a disk's io_uring (devices/virtio/disk-ring.h),
 * on this machine's kernel: the ring reads its one fixed file, and
 * refuses everything else with -EACCES: a descriptor that is not
 * fixed, any other operation (writes included), any flag but
 * IOSQE_FIXED_FILE, and any change through io_uring_register once it
 * is enabled. The files are not changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio/disk-ring.h"
#include "tests/unit.h"

static int temp_file(char *path, size_t len, const char *fill)
{
	int fd;

	snprintf(path, len, "/tmp/lkvm-ring-XXXXXX");
	fd = mkstemp(path);
	if (fd >= 0 && fill && write(fd, fill, strlen(fill)) != (ssize_t)strlen(fill)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads of the fixed file, as the engine does them. */
static void test_read(struct unit *u, struct disk_ring *r)
{
	char a[8] = { 0 }, b[4] = { 0 };
	struct iovec av = { a, sizeof(a) }, bv = { b, sizeof(b) };
	struct disk_io io[3] = {
		{ .iov = &av, .cnt = 1, .off = 0 },
		{ .iov = &bv, .cnt = 1, .off = 4 },
		{ .iov = &bv, .cnt = 1, .off = 8192 },	/* past the end */
	};

	disk_ring_read(r, io, 3);
	CHECK_EQ(u, io[0].res, 8);
	CHECK_EQ(u, io[1].res, 4);
	CHECK_EQ(u, io[2].res, 0);
	CHECK(u, !memcmp(a, "original", 8) && !memcmp(b, "inal", 4));
	/* The same through the raw path: the restriction lets it pass. */
	CHECK_EQ(u, disk_ring_raw(r, IORING_OP_READV, IOSQE_FIXED_FILE, 0, &av, 1, 0), 8);
}

static void test_refused(struct unit *u, struct disk_ring *r, int disk,
			 int other)
{
	char back[8] = { 0 };
	struct iovec rv = { back, sizeof(back) };

	/* Another file by its descriptor: not fixed, refused. */
	CHECK_EQ(u, disk_ring_raw(r, IORING_OP_READV, 0, other, &rv, 1, 0), -EACCES);
	CHECK_EQ(u, back[0], 0);
	/* The disk itself by a plain descriptor: refused as well. */
	CHECK_EQ(u, disk_ring_raw(r, IORING_OP_READV, 0, disk, &rv, 1, 0), -EACCES);
	/* Operations other than READV, even on the fixed file: no write. */
	CHECK_EQ(u, disk_ring_raw(r, IORING_OP_WRITEV, IOSQE_FIXED_FILE, 0, &rv, 1, 0), -EACCES);
	CHECK_EQ(u, disk_ring_raw(r, IORING_OP_WRITE, IOSQE_FIXED_FILE, 0, back, 8, 0), -EACCES);
	CHECK_EQ(u, disk_ring_raw(r, IORING_OP_FSYNC, IOSQE_FIXED_FILE, 0, NULL, 0, 0), -EACCES);
	CHECK_EQ(u, disk_ring_raw(r, IORING_OP_READ, IOSQE_FIXED_FILE, 0, back, 8, 0), -EACCES);
	CHECK_EQ(u, disk_ring_raw(r, IORING_OP_OPENAT, IOSQE_FIXED_FILE, AT_FDCWD,
				  (void *)"/etc/passwd", 0, 0), -EACCES);
	CHECK_EQ(u, disk_ring_raw(r, IORING_OP_CLOSE, IOSQE_FIXED_FILE, 0, NULL, 0, 0), -EACCES);
	/* A flag beyond the fixed file's. */
	CHECK_EQ(u, disk_ring_raw(r, IORING_OP_READV, IOSQE_FIXED_FILE | IOSQE_ASYNC,
				  0, &rv, 1, 0), -EACCES);
	/* A fixed index that is not there. */
	CHECK_EQ(u, disk_ring_raw(r, IORING_OP_READV, IOSQE_FIXED_FILE, 1, &rv, 1, 0), -EBADF);
	/* No change once enabled: another file cannot join. */
	CHECK_EQ(u, disk_ring_register_files(r, other), -EACCES);
	CHECK_EQ(u, back[0], 0);
	CHECK_EQ(u, pread(disk, back, 8, 0), 8);
	CHECK(u, !memcmp(back, "original", 8));
}

int main(void)
{
	char path[64], other_path[64];
	struct unit u = { 0 };
	struct disk_ring *r = NULL;
	int fd, other, ret;

	fd = temp_file(path, sizeof(path), "original");
	other = temp_file(other_path, sizeof(other_path), "secret!!");
	CHECK(&u, fd >= 0 && other >= 0 && !ftruncate(fd, 4096));
	CHECK_EQ(&u, disk_ring_open(fd, 0, &r), -EINVAL);
	CHECK_EQ(&u, disk_ring_open(fd, DISK_RING_DEPTH + 1, &r), -EINVAL);
	ret = disk_ring_open(fd, DISK_RING_DEPTH, &r);
	/*
	 * No io_uring here (an old kernel, kernel.io_uring_disabled, a
	 * container's seccomp): lkvm then serves disks with preadv, and the
	 * ring's confinement has nothing to be checked on. Said, not failed.
	 */
	if (ret == -ENOSYS || ret == -EPERM)
		fprintf(stderr, "test-disk-ring: SKIP the confinement: this kernel gives no io_uring (%s)\n",
			strerror(-ret));
	else
		CHECK_EQ(&u, ret, 0);
	if (!ret) {
		test_read(&u, r);
		test_refused(&u, r, fd, other);
		disk_ring_close(r);
	}
	close(fd);
	close(other);
	unlink(path);
	unlink(other_path);
	return unit_done(&u, "test-disk-ring");
}
