// SPDX-License-Identifier: GPL-2.0
/*
 * The mmap engine on real files: its copies against preadv/pwritev, a
 * file truncated under the mapping, a sparse image on a full tmpfs, and
 * a SIGBUS of no disk's keeping its default action.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "devices/virtio/disk.h"
#include "tests/unit.h"

#define MSG_LEN		512
#define IMG_SIZE	(4 << 20)
#define SKIPPED		77	/* a child's status: the host cannot */

static char dir[] = "/tmp/lkvm-disk-map-XXXXXX";

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed * 13 + (i >> 9));
}

static int make_image(const char *path, off_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size)) {
		close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

static int open_mapped(struct disk *d, const char *path, bool ro, bool direct)
{
	struct disk_config c = { .ro = ro, .direct = direct };
	char msg[MSG_LEN];
	int ret;

	snprintf(c.path, sizeof(c.path), "%s", path);
	ret = disk_open(d, &c, msg, sizeof(msg));
	if (ret)
		return ret;
	ret = disk_use_map(d);
	if (ret)
		disk_close(d);
	return ret;
}

static int one_io(struct disk *d, struct iovec *iov, unsigned int cnt,
		  uint64_t off, bool write)
{
	struct disk_io io = {
		.iov = iov, .cnt = cnt, .off = off, .write = write,
	};

	disk_rw_batch(d, &io, 1);
	return io.err;
}

/* Three pieces of odd sizes, as a guest's chain may have. */
static void test_match(struct unit *u)
{
	static uint8_t a[65536], b[65536], c[65536];
	struct iovec w[3] = { { a, 512 }, { a + 512, 7680 }, { a + 8192, 57344 } };
	struct iovec r = { b, sizeof(b) };
	char path[128];
	struct disk d;
	int fd;

	snprintf(path, sizeof(path), "%s/match.img", dir);
	CHECK_EQ(u, make_image(path, IMG_SIZE), 0);
	CHECK_EQ(u, open_mapped(&d, path, false, false), 0);
	CHECK(u, !strcmp(disk_engine_name(&d), "mmap"));
	CHECK(u, disk_batches(&d));
	fd = open(path, O_RDWR);
	CHECK(u, fd >= 0);

	/* Written through the mapping, read with preadv. */
	fill(a, sizeof(a), 1);
	CHECK_EQ(u, one_io(&d, w, 3, 3 << 20, true), 0);
	CHECK_EQ(u, pread(fd, b, sizeof(b), 3 << 20), (ssize_t)sizeof(b));
	CHECK(u, !memcmp(a, b, sizeof(a)));
	/* Written with pwritev, read through the mapping. */
	fill(c, sizeof(c), 2);
	CHECK_EQ(u, pwrite(fd, c, sizeof(c), 512), (ssize_t)sizeof(c));
	CHECK_EQ(u, one_io(&d, &r, 1, 512, false), 0);
	CHECK(u, !memcmp(b, c, sizeof(c)));
	/* The last sector, and one past the end. */
	r.iov_len = 512;
	CHECK_EQ(u, one_io(&d, &r, 1, IMG_SIZE - 512, false), 0);
	CHECK_EQ(u, one_io(&d, &r, 1, IMG_SIZE, false), -EIO);
	CHECK_EQ(u, disk_flush(&d), 0);
	close(fd);
	disk_close(&d);

	/* Read-only: reads through the mapping, writes refused. */
	CHECK_EQ(u, open_mapped(&d, path, true, false), 0);
	r.iov_len = sizeof(b);
	CHECK_EQ(u, one_io(&d, &r, 1, 512, false), 0);
	CHECK(u, !memcmp(b, c, sizeof(c)));
	CHECK_EQ(u, one_io(&d, &r, 1, 0, true), -EROFS);
	disk_close(&d);
	unlink(path);
}

/* ,direct keeps to its system calls (where the file system has O_DIRECT). */
static void test_direct(struct unit *u)
{
	struct disk_config c = { .direct = true };
	char msg[MSG_LEN];
	struct disk d;

	snprintf(c.path, sizeof(c.path), "%s/direct.img", dir);
	CHECK_EQ(u, make_image(c.path, IMG_SIZE), 0);
	if (disk_open(&d, &c, msg, sizeof(msg)))
		return;
	CHECK_EQ(u, disk_use_map(&d), -EOPNOTSUPP);
	CHECK(u, !d.map);
	CHECK(u, strcmp(disk_engine_name(&d), "mmap"));
	disk_close(&d);
}

/*
 * Another process truncates the image under the VM: the pages past the
 * new end fail (SIGBUS), the requests there fail with -EIO, those
 * before it still work, and so does the next failure.
 */
static void test_truncated(struct unit *u)
{
	static uint8_t a[8192], b[8192];
	struct iovec v = { b, sizeof(b) };
	char path[128];
	struct disk d;

	snprintf(path, sizeof(path), "%s/cut.img", dir);
	CHECK_EQ(u, make_image(path, IMG_SIZE), 0);
	CHECK_EQ(u, open_mapped(&d, path, false, false), 0);
	fill(a, sizeof(a), 3);
	v.iov_base = a;
	CHECK_EQ(u, one_io(&d, &v, 1, 8192, true), 0);
	CHECK_EQ(u, truncate(path, 1 << 20), 0);
	v.iov_base = b;
	CHECK_EQ(u, one_io(&d, &v, 1, 2 << 20, false), -EIO);
	CHECK_EQ(u, one_io(&d, &v, 1, 3 << 20, true), -EIO);
	CHECK_EQ(u, one_io(&d, &v, 1, 8192, false), 0);
	CHECK(u, !memcmp(a, b, sizeof(a)));
	CHECK_EQ(u, one_io(&d, &v, 1, (1 << 20) - 4096, false), -EIO);
	disk_close(&d);
	unlink(path);
}

/*
 * A sparse image on a full file system: a write into a hole finds no
 * page to allocate (ENOSPC), which a mapping reports as SIGBUS. A tmpfs
 * of 256 KiB of our own, in a mount namespace of a child's, so that
 * nothing else on the host fills up.
 */
static int full_tmpfs_child(void)
{
	static uint8_t a[1 << 20];
	char mnt[] = "/tmp/lkvm-disk-full-XXXXXX", path[64];
	struct iovec v = { a, 4096 };
	struct unit u = { 0 };
	struct disk d;

	if (unshare(CLONE_NEWNS) && unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return SKIPPED;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) || !mkdtemp(mnt))
		return SKIPPED;
	if (mount("lkvm-full", mnt, "tmpfs", 0, "size=256k")) {
		rmdir(mnt);
		return SKIPPED;
	}
	snprintf(path, sizeof(path), "%s/sparse.img", mnt);
	CHECK_EQ(&u, make_image(path, IMG_SIZE), 0);
	CHECK_EQ(&u, open_mapped(&d, path, false, false), 0);
	fill(a, sizeof(a), 4);
	CHECK_EQ(&u, one_io(&d, &v, 1, 0, true), 0);
	v.iov_len = sizeof(a);
	CHECK_EQ(&u, one_io(&d, &v, 1, 1 << 20, true), -EIO);
	/* The VM goes on: what has room still works. */
	v.iov_len = 4096;
	CHECK_EQ(&u, one_io(&d, &v, 1, 0, false), 0);
	CHECK_EQ(&u, disk_flush(&d), 0);
	disk_close(&d);
	umount(mnt);
	rmdir(mnt);
	return u.failed ? 1 : 0;
}

static int child_status(int (*fn)(void))
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		fflush(stdout);
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static void test_full(struct unit *u)
{
	int st = child_status(full_tmpfs_child);

	if (WIFEXITED(st) && WEXITSTATUS(st) == SKIPPED) {
		printf("test-disk-map: no tmpfs of our own (no mount namespace): the full file system untested\n");
		return;
	}
	CHECK(u, WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/*
 * A SIGBUS outside any copy of a disk's (here a mapping of another
 * file, cut short) kills the process, as without the handler.
 */
static int foreign_fault_child(void)
{
	char path[128];
	struct disk d;
	volatile char *p;
	int fd;

	snprintf(path, sizeof(path), "%s/foreign.img", dir);
	if (make_image(path, IMG_SIZE) || open_mapped(&d, path, false, false))
		return 2;
	fd = open(path, O_RDWR);
	p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	if (fd < 0 || p == MAP_FAILED || truncate(path, 0))
		return 2;
	return p[4096];	/* SIGBUS */
}

static int foreign_kill_child(void)
{
	char path[128];
	struct disk d;

	snprintf(path, sizeof(path), "%s/kill.img", dir);
	if (make_image(path, IMG_SIZE) || open_mapped(&d, path, false, false))
		return 2;
	kill(getpid(), SIGBUS);
	return 3;
}

static void test_foreign(struct unit *u)
{
	int st;

	st = child_status(foreign_fault_child);
	CHECK(u, WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
	st = child_status(foreign_kill_child);
	CHECK(u, WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
}

int main(void)
{
	struct unit u = { 0 };
	char cmd[64];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_match(&u);
	test_direct(&u);
	test_truncated(&u);
	test_full(&u);
	test_foreign(&u);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		perror("rm");
	return unit_done(&u, "test-disk-map");
}
