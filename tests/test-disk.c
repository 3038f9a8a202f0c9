// SPDX-License-Identifier: GPL-2.0
/* Disk images on the host: -d parsing, refusals, locks, I/O, O_DIRECT. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "devices/virtio/disk.h"
#include "tests/unit.h"

#define MSG_LEN	512

struct env {
	char dir[64];
	char path[128];
};

static void env_file(struct env *e, const char *name, const void *data,
		     size_t len, off_t size)
{
	int fd;

	snprintf(e->path, sizeof(e->path), "%s/%s", e->dir, name);
	fd = open(e->path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (len && write(fd, data, len) != (ssize_t)len)
		perror("write");
	if (size && ftruncate(fd, size))
		perror("ftruncate");
	close(fd);
}

static struct disk_config cfg_of(const char *path, bool ro, bool direct)
{
	struct disk_config c = { .ro = ro, .direct = direct };

	snprintf(c.path, sizeof(c.path), "%s", path);
	return c;
}

static int try_open(const char *path, bool ro, bool direct, char *msg)
{
	struct disk_config c = cfg_of(path, ro, direct);
	struct disk d;
	int ret;

	ret = disk_open(&d, &c, msg, MSG_LEN);
	if (!ret)
		disk_close(&d);
	return ret;
}

static void test_parse(struct unit *u)
{
	struct disk_config c;
	char msg[MSG_LEN], tiny[8], *longp;

	CHECK_EQ(u, disk_parse_spec("disk.img", &c, msg, sizeof(msg)), 0);
	CHECK(u, !strcmp(c.path, "disk.img") && !c.ro && !c.direct && !msg[0]);
	CHECK_EQ(u, disk_parse_spec("/a b/d.img,ro", &c, msg, sizeof(msg)), 0);
	CHECK(u, !strcmp(c.path, "/a b/d.img") && c.ro && !c.direct);
	CHECK_EQ(u, disk_parse_spec("d,direct,ro", &c, msg, sizeof(msg)), 0);
	CHECK(u, !strcmp(c.path, "d") && c.ro && c.direct);
	CHECK_EQ(u, disk_parse_spec("d,,direct,", &c, msg, sizeof(msg)), 0);
	CHECK(u, c.direct && !c.ro);

	CHECK_EQ(u, disk_parse_spec("", &c, msg, sizeof(msg)), -EINVAL);
	CHECK(u, strstr(msg, "no disk image given") && strstr(msg, "-d FILE"));
	CHECK_EQ(u, disk_parse_spec(",ro", &c, msg, sizeof(msg)), -EINVAL);
	CHECK_EQ(u, disk_parse_spec("d.img,rw", &c, msg, sizeof(msg)), -EINVAL);
	CHECK(u, strstr(msg, "unknown disk option 'rw'") && strstr(msg, "[,ro]"));
	CHECK(u, !c.path[0] && !c.ro);
	CHECK_EQ(u, disk_parse_spec("d.img,ro,RO", &c, msg, sizeof(msg)), -EINVAL);
	CHECK(u, strstr(msg, "'RO'"));
	CHECK_EQ(u, disk_parse_spec("d.img,rox", &c, msg, sizeof(msg)), -EINVAL);

	longp = malloc(DISK_PATH_MAX + 8);
	memset(longp, 'a', DISK_PATH_MAX + 7);
	longp[DISK_PATH_MAX + 7] = '\0';
	CHECK_EQ(u, disk_parse_spec(longp, &c, msg, sizeof(msg)), -ENAMETOOLONG);
	CHECK(u, strstr(msg, "shorter path"));
	longp[DISK_PATH_MAX - 1] = ',';		/* 4095 bytes: the most there is room for */
	CHECK_EQ(u, disk_parse_spec(longp, &c, msg, sizeof(msg)), -EINVAL);
	longp[DISK_PATH_MAX - 1] = '\0';
	CHECK_EQ(u, disk_parse_spec(longp, &c, msg, sizeof(msg)), 0);
	CHECK_EQ(u, strlen(c.path), DISK_PATH_MAX - 1);
	free(longp);

	/* A small buffer gets the start of the message, terminated; none is fine. */
	memset(tiny, 'x', sizeof(tiny));
	CHECK_EQ(u, disk_parse_spec("d,x", &c, tiny, sizeof(tiny)), -EINVAL);
	CHECK(u, !memcmp(tiny, "-d 'd,x", 8));
	CHECK_EQ(u, disk_parse_spec("d,x", &c, NULL, 0), -EINVAL);
}

static void test_refusals(struct unit *u, struct env *e)
{
	char msg[MSG_LEN], path[160];
	static const char qcow[] = "QFI\xfb\0\0\0\3";

	snprintf(path, sizeof(path), "%s/nope", e->dir);
	CHECK_EQ(u, try_open(path, false, false, msg), -ENOENT);
	CHECK(u, strstr(msg, "does not exist") && strstr(msg, "check the path given to -d"));
	CHECK_EQ(u, try_open(path, true, false, msg), -ENOENT);
	CHECK(u, strstr(msg, ",ro needs an existing image"));
	snprintf(path, sizeof(path), "%s/nope/x", e->dir);
	CHECK_EQ(u, try_open(path, false, false, msg), -ENOENT);

	CHECK_EQ(u, try_open(e->dir, false, false, msg), -EISDIR);
	CHECK(u, strstr(msg, "is a directory") && strstr(msg, "raw disk image file"));
	CHECK_EQ(u, try_open("/dev/null", false, false, msg), -EINVAL);
	CHECK(u, strstr(msg, "a character device") && strstr(msg, "block device"));
	snprintf(path, sizeof(path), "%s/fifo", e->dir);
	CHECK_EQ(u, mkfifo(path, 0600), 0);
	CHECK_EQ(u, try_open(path, true, false, msg), -EINVAL);	/* and no hang */
	CHECK(u, strstr(msg, "a FIFO"));

	env_file(e, "q.qcow2", qcow, sizeof(qcow), 1 << 20);
	CHECK_EQ(u, try_open(e->path, false, false, msg), -EINVAL);
	CHECK(u, strstr(msg, "is a qcow2 image") && strstr(msg, "qemu-img convert -O raw"));
	CHECK_EQ(u, try_open(e->path, true, true, msg), -EINVAL);

	env_file(e, "empty", NULL, 0, 0);
	CHECK_EQ(u, try_open(e->path, false, false, msg), -EINVAL);
	CHECK(u, strstr(msg, "is 0 bytes, less than one 512-byte sector"));
	env_file(e, "small", "abc", 3, 0);
	CHECK_EQ(u, try_open(e->path, true, false, msg), -EINVAL);
	CHECK(u, strstr(msg, "is 3 bytes"));
}

/* As root: the same again as an ordinary user, who is refused. */
static void test_permissions(struct unit *u, struct env *e)
{
	char msg[MSG_LEN], rw[160], none[160];
	int status, res = 0;
	pid_t pid;

	if (geteuid())
		return;
	env_file(e, "ro-only", NULL, 0, 4096);
	snprintf(rw, sizeof(rw), "%s", e->path);
	chmod(rw, 0444);
	env_file(e, "no-access", NULL, 0, 4096);
	snprintf(none, sizeof(none), "%s", e->path);
	chmod(none, 0);
	chmod(e->dir, 0755);
	pid = fork();
	if (!pid) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(99);
		if (try_open(rw, false, false, msg) == -EACCES &&
		    strstr(msg, "no permission to write") && strstr(msg, "add ,ro"))
			res |= 1;
		if (try_open(rw, true, false, msg) == 0)
			res |= 2;
		if (try_open(none, true, false, msg) == -EACCES &&
		    strstr(msg, "no permission to read"))
			res |= 4;
		if (access("/dev/loop0", F_OK) ||
		    (try_open("/dev/loop0", true, false, msg) == -EACCES &&
		     strstr(msg, "block device") && strstr(msg, "'disk'")))
			res |= 8;
		_exit(res);
	}
	CHECK(u, pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(u, WIFEXITED(status));
	CHECK_EQ(u, WEXITSTATUS(status), 15);
	chmod(e->dir, 0700);
}

static void test_open_size_lock(struct unit *u, struct env *e)
{
	struct disk_config rw, ro;
	char msg[MSG_LEN];
	struct disk a, b;
	unsigned int i;

	env_file(e, "tail.img", NULL, 0, 1000);
	CHECK_EQ(u, try_open(e->path, false, false, msg), 0);
	CHECK(u, strstr(msg, "is 1000 bytes, not whole 512-byte sectors") &&
	      strstr(msg, "sees the first 512") && strstr(msg, "truncate -s 1024"));

	env_file(e, "disk.img", NULL, 0, 1 << 20);
	rw = cfg_of(e->path, false, false);
	ro = cfg_of(e->path, true, false);
	CHECK_EQ(u, disk_open(&a, &rw, msg, sizeof(msg)), 0);
	CHECK(u, !msg[0]);
	CHECK_EQ(u, a.size, 1 << 20);
	CHECK(u, !a.ro && !a.direct && !a.blockdev && a.can_punch);
	for (i = 0; i < DISK_SERIAL_LEN && a.serial[i]; i++)
		CHECK(u, a.serial[i] >= '0' && a.serial[i] <= '9');
	CHECK(u, i > 0);

	/* One writer excludes everyone; readers share. */
	CHECK_EQ(u, disk_open(&b, &rw, msg, sizeof(msg)), -EBUSY);
	CHECK(u, strstr(msg, "is in use") && strstr(msg, "add ,ro to every use"));
	CHECK_EQ(u, disk_open(&b, &ro, msg, sizeof(msg)), -EBUSY);
	CHECK(u, strstr(msg, "another -d of this one, writes it"));
	disk_close(&a);
	CHECK_EQ(u, disk_open(&a, &ro, msg, sizeof(msg)), 0);
	CHECK_EQ(u, disk_open(&b, &ro, msg, sizeof(msg)), 0);
	CHECK(u, b.ro && !b.can_punch);
	CHECK_EQ(u, try_open(e->path, false, false, msg), -EBUSY);
	disk_close(&b);
	disk_close(&a);
	CHECK_EQ(u, try_open(e->path, false, false, msg), 0);	/* lock gone */
}

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 9));
}

/* What the file holds, read past lkvm (and past O_DIRECT). */
static bool file_has(const char *path, uint64_t off, const uint8_t *want,
		     size_t len)
{
	uint8_t *buf = malloc(len);
	int fd = open(path, O_RDONLY);
	bool ok = fd >= 0 && pread(fd, buf, len, off) == (ssize_t)len &&
		  !memcmp(buf, want, len);

	if (fd >= 0)
		close(fd);
	free(buf);
	return ok;
}

static void test_rw(struct unit *u, struct disk *d, const char *path,
		    unsigned int shift)
{
	size_t len = 3 * DISK_BOUNCE_SIZE / 2 + 1024;	/* more than one bounce */
	uint8_t *src = NULL, *dst = NULL, *s, *t;
	struct iovec w[3], r[2];

	/* Page aligned, then shifted: 0 and 512 go straight to O_DIRECT. */
	if (posix_memalign((void **)&src, 4096, len + 4096) ||
	    posix_memalign((void **)&dst, 4096, len + 4096))
		return;
	s = src + shift;
	t = dst + shift;
	w[0] = (struct iovec){ s, 512 };
	w[1] = (struct iovec){ s + 512, 1536 };
	w[2] = (struct iovec){ s + 2048, len - 2048 };
	r[0] = (struct iovec){ t, 1024 };
	r[1] = (struct iovec){ t + 1024, len - 1024 };
	fill(s, len, shift);
	memset(t, 0, len);
	CHECK_EQ(u, disk_write(d, w, 3, 4096), 0);
	CHECK_EQ(u, disk_read(d, r, 2, 4096), 0);
	CHECK(u, !memcmp(s, t, len));
	CHECK_EQ(u, disk_flush(d), 0);
	CHECK(u, file_has(path, 4096, s, len));
	/* An odd sector: O_DIRECT on a 4 KiB file system refuses it. */
	CHECK_EQ(u, disk_write(d, w, 1, 512 * 3), 0);
	CHECK(u, file_has(path, 512 * 3, s, 512));
	memset(t, 0, 512);
	CHECK_EQ(u, disk_read(d, r, 1, 512 * 3), 0);
	CHECK(u, !memcmp(s, t, 512));
	free(src);
	free(dst);
}

static void test_io(struct unit *u, struct env *e, bool direct)
{
	struct disk_config c;
	uint8_t zero[8192] = { 0 }, buf[8192];
	struct iovec v = { buf, sizeof(buf) };
	char msg[MSG_LEN];
	struct disk d;

	env_file(e, direct ? "direct.img" : "buffered.img", NULL, 0, 4 << 20);
	c = cfg_of(e->path, false, direct);
	CHECK_EQ(u, disk_open(&d, &c, msg, sizeof(msg)), 0);
	CHECK_EQ(u, d.direct, direct);
	test_rw(u, &d, e->path, 0);
	test_rw(u, &d, e->path, 1);	/* unaligned buffers: bounced */
	test_rw(u, &d, e->path, 512);

	fill(buf, sizeof(buf), 9);
	CHECK_EQ(u, disk_write(&d, &v, 1, 1 << 20), 0);
	CHECK_EQ(u, disk_discard(&d, 1 << 20, 4096), 0);
	CHECK(u, file_has(e->path, 1 << 20, zero, 4096));
	CHECK(u, file_has(e->path, (1 << 20) + 4096, buf + 4096, 4096));
	CHECK_EQ(u, disk_write(&d, &v, 1, 2 << 20), 0);
	CHECK_EQ(u, disk_write_zeroes(&d, 2 << 20, 8192, false), 0);
	CHECK(u, file_has(e->path, 2 << 20, zero, 8192));
	CHECK_EQ(u, disk_write(&d, &v, 1, 2 << 20), 0);
	CHECK_EQ(u, disk_write_zeroes(&d, (2 << 20) + 512, 1024, true), 0);
	CHECK(u, file_has(e->path, (2 << 20) + 512, zero, 1024));
	CHECK(u, file_has(e->path, 2 << 20, buf, 512));
	/* Reading past the end of the file is the caller's mistake: -EIO. */
	CHECK_EQ(u, disk_read(&d, &v, 1, (4 << 20) - 4096), -EIO);
	disk_close(&d);

	c.ro = true;
	CHECK_EQ(u, disk_open(&d, &c, msg, sizeof(msg)), 0);
	CHECK_EQ(u, disk_read(&d, &v, 1, 1 << 20), 0);
	CHECK_EQ(u, disk_write(&d, &v, 1, 0), -EROFS);
	CHECK_EQ(u, disk_discard(&d, 0, 4096), -EROFS);
	CHECK_EQ(u, disk_write_zeroes(&d, 0, 4096, false), -EROFS);
	CHECK_EQ(u, disk_flush(&d), 0);
	disk_close(&d);
}

static long long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* --debug-iodelay: every read and write waits first. */
static void test_delay(struct unit *u, struct env *e)
{
	uint8_t buf[4096];
	struct iovec v = { buf, sizeof(buf) };
	char msg[MSG_LEN];
	struct disk_config c;
	struct timespec t0;
	struct disk d;

	env_file(e, "slow.img", NULL, 0, 1 << 20);
	c = cfg_of(e->path, false, false);
	c.delay_ms = 40;
	CHECK_EQ(u, disk_open(&d, &c, msg, sizeof(msg)), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ(u, disk_write(&d, &v, 1, 0), 0);
	CHECK_EQ(u, disk_read(&d, &v, 1, 0), 0);
	CHECK(u, ms_since(&t0) >= 80);
	disk_close(&d);
}

/* tmpfs: no ZERO_RANGE, so write zeroes punches and allocates again. */
static void test_tmpfs(struct unit *u)
{
	char dir[] = "/dev/shm/lkvm-disk-XXXXXX", msg[MSG_LEN];
	uint8_t zero[4096] = { 0 }, buf[4096];
	struct iovec v = { buf, sizeof(buf) };
	struct disk_config c;
	struct disk d;
	struct env e;

	if (!mkdtemp(dir))
		return;
	snprintf(e.dir, sizeof(e.dir), "%s", dir);
	env_file(&e, "t.img", NULL, 0, 1 << 20);
	c = cfg_of(e.path, false, false);
	CHECK_EQ(u, disk_open(&d, &c, msg, sizeof(msg)), 0);
	CHECK(u, d.can_punch);
	memset(buf, 0xa5, sizeof(buf));
	CHECK_EQ(u, disk_write(&d, &v, 1, 8192), 0);
	CHECK_EQ(u, disk_write_zeroes(&d, 8192, 4096, false), 0);
	CHECK(u, d.no_zero_range);
	CHECK(u, file_has(e.path, 8192, zero, 4096));
	disk_close(&d);
	unlink(e.path);
	rmdir(dir);
}

int main(void)
{
	struct unit u = { 0 };
	struct env e;
	char cmd[96];

	snprintf(e.dir, sizeof(e.dir), "/tmp/lkvm-disk-XXXXXX");
	if (!mkdtemp(e.dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_parse(&u);
	test_refusals(&u, &e);
	test_permissions(&u, &e);
	test_open_size_lock(&u, &e);
	test_io(&u, &e, false);
	test_io(&u, &e, true);
	test_tmpfs(&u);
	test_delay(&u, &e);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e.dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", e.dir);
	return unit_done(&u, "test-disk");
}
