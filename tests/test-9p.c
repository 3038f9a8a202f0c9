// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P server on a temporary directory: the codec's bounds, the
 * session, file operations, and every way out of the share a guest
 * might try ('..', symlinks, names with '/', renames and links
 * outward, device nodes), which must all fail and leave the host as
 * it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "tests/p9-client.h"
#include "tests/unit.h"

static char top[256], share[300], outside[300];

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static bool host_exists(const char *fmt, const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), fmt, name);
	return !lstat(path, &st);
}

static void setup(void)
{
	char path[512];

	snprintf(top, sizeof(top), "/tmp/test-9p.XXXXXX");
	if (!mkdtemp(top))
		exit(2);
	snprintf(share, sizeof(share), "%s/share", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	mkdir(share, 0755);
	mkdir(outside, 0755);
	snprintf(path, sizeof(path), "%s/secret", outside);
	put_file(path, "secret\n");
	snprintf(path, sizeof(path), "%s/hello", share);
	put_file(path, "hello, world\n");
	snprintf(path, sizeof(path), "%s/sub", share);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/to-root", share);
	if (symlink("/", path))
		exit(2);
	snprintf(path, sizeof(path), "%s/to-outside", share);
	if (symlink(outside, path))
		exit(2);
	snprintf(path, sizeof(path), "%s/up", share);
	if (symlink("../outside", path))
		exit(2);
}

static void test_codec(struct unit *u)
{
	uint8_t data[8] = { 5, 0, 'a', 'b', 'c', 'd', 'e', 0 };
	struct p9_buf b;
	char s[8];

	/* A string longer than what is left. */
	p9_buf_init(&b, data, 6);
	p9_get_str(&b, s, sizeof(s));
	CHECK(u, b.err && !s[0]);
	/* Longer than the output room. */
	p9_buf_init(&b, data, 8);
	p9_get_str(&b, s, 4);
	CHECK(u, b.err);
	/* A NUL inside. */
	data[0] = 6;
	p9_buf_init(&b, data, 8);
	p9_get_str(&b, s, sizeof(s));
	CHECK(u, b.err);
	/* Fits. */
	data[0] = 5;
	p9_buf_init(&b, data, 7);
	CHECK_EQ(u, p9_get_str(&b, s, sizeof(s)), 5);
	CHECK(u, !b.err && !strcmp(s, "abcde"));
	/* Past the end: zeros, err stays. */
	CHECK_EQ(u, p9_get_u64(&b), 0);
	CHECK(u, b.err);
	CHECK(u, !p9_name_ok("a/b") && !p9_name_ok("") && p9_name_ok(".."));
}

static void test_session(struct unit *u, struct p9c *c)
{
	char v[32];
	struct p9_hdr h;

	CHECK_EQ(u, p9c_version(c, 1 << 30, "9P2000.L"), 0);
	CHECK_EQ(u, p9_get_u32(&c->r), P9_MSIZE_MAX);
	p9_get_str(&c->r, v, sizeof(v));
	CHECK(u, !strcmp(v, "9P2000.L"));
	CHECK_EQ(u, p9c_version(c, 8192, "9P2000.u"), 0);
	p9_get_u32(&c->r);
	p9_get_str(&c->r, v, sizeof(v));
	CHECK(u, !strcmp(v, "unknown"));
	CHECK_EQ(u, p9c_version(c, 100, "9P2000.L"), EINVAL);
	CHECK_EQ(u, p9c_version(c, 65536, "9P2000.L"), 0);
	CHECK_EQ(u, c->s->msize, 65536);
	/* A size field past the message: Rlerror, not a read past it. */
	p9c_begin(c, P9_TCLUNK);
	p9_put_u32(&c->q, 1);
	p9_end_reply(&c->q);
	c->req[0] = 200;
	c->rep_len = p9_server_handle(c->s, c->req, 11, c->rep, sizeof(c->rep));
	p9_buf_init(&c->r, c->rep, c->rep_len);
	CHECK(u, p9_get_hdr(&c->r, &h) && h.type == P9_RLERROR);
	/* No room for a reply at all. */
	CHECK_EQ(u, p9_server_handle(c->s, c->req, 11, c->rep, 4), 0);
	/* Unknown types. */
	p9c_begin(c, 112);	/* Topen, 9P2000 */
	CHECK_EQ(u, p9c_send(c), EOPNOTSUPP);
}

static void test_files(struct unit *u, struct p9c *c)
{
	char buf[64];
	int n;

	CHECK_EQ(u, p9c_attach(c, 0), 0);
	CHECK_EQ(u, p9c_attach(c, 0), EBADF);		/* in use */
	CHECK_EQ(u, p9c_walk(c, 0, 1, "hello", &n), 0);
	CHECK_EQ(u, n, 1);
	CHECK_EQ(u, p9c_lopen(c, 1, O_RDONLY), 0);
	CHECK_EQ(u, p9c_read(c, 1, 0, buf, sizeof(buf)), 13);
	CHECK(u, !memcmp(buf, "hello, world\n", 13));
	CHECK_EQ(u, p9c_read(c, 1, 7, buf, 5), 5);
	CHECK(u, !memcmp(buf, "world", 5));
	CHECK_EQ(u, p9c_fid_op(c, P9_TCLUNK, 1), 0);
	CHECK_EQ(u, p9c_fid_op(c, P9_TCLUNK, 1), EBADF);

	/* Create, write, read back, a sparse write past 4 GiB. */
	CHECK_EQ(u, p9c_walk(c, 0, 2, "sub", NULL), 0);
	CHECK_EQ(u, p9c_lcreate(c, 2, "new", O_RDWR, 04755), 0);
	CHECK_EQ(u, p9c_write(c, 2, 0, "data", 4), 0);
	CHECK_EQ(u, p9_get_u32(&c->r), 4);
	CHECK_EQ(u, p9c_write(c, 2, 5ULL << 30, "far", 3), 0);
	CHECK_EQ(u, p9c_read(c, 2, 0, buf, 4), 4);
	CHECK(u, !memcmp(buf, "data", 4));
	CHECK_EQ(u, p9c_read(c, 2, 5ULL << 30, buf, 8), 3);
	CHECK_EQ(u, p9c_fid_op(c, P9_TGETATTR, 2) == 0, 1);
	{
		char path[512];
		struct stat st;

		snprintf(path, sizeof(path), "%s/sub/new", share);
		CHECK(u, !stat(path, &st) && st.st_size == (5LL << 30) + 3);
		CHECK_EQ(u, st.st_mode & 07777, 0755);	/* no set-user-ID */
		CHECK_EQ(u, st.st_uid, getuid());
	}
	CHECK_EQ(u, p9c_fid_op(c, P9_TCLUNK, 2), 0);

	/* Rename within the share, then unlink. */
	CHECK_EQ(u, p9c_walk(c, 0, 3, "sub", NULL), 0);
	p9c_dir_name(c, P9_TRENAMEAT, 3, "new");
	p9_put_u32(&c->q, 0);
	p9c_str(c, "moved");
	CHECK_EQ(u, p9c_send(c), 0);
	CHECK(u, host_exists("%s/moved", share) && !host_exists("%s/sub/new", share));
	p9c_dir_name(c, P9_TUNLINKAT, 0, "moved");
	p9_put_u32(&c->q, 0);
	CHECK_EQ(u, p9c_send(c), 0);
	CHECK(u, !host_exists("%s/moved", share));

	/* mkdir, symlink, readlink, readdir. */
	p9c_dir_name(c, P9_TMKDIR, 0, "dir");
	p9_put_u32(&c->q, 0755);
	p9_put_u32(&c->q, 0);
	CHECK_EQ(u, p9c_send(c), 0);
	p9c_dir_name(c, P9_TSYMLINK, 0, "sl");
	p9c_str(c, "/etc/passwd");
	p9_put_u32(&c->q, 0);
	CHECK_EQ(u, p9c_send(c), 0);
	CHECK_EQ(u, p9c_walk(c, 0, 4, "sl", NULL), 0);
	CHECK_EQ(u, p9c_fid_op(c, P9_TREADLINK, 4), 0);
	p9_get_str(&c->r, buf, sizeof(buf));
	CHECK(u, !strcmp(buf, "/etc/passwd"));
	CHECK_EQ(u, p9c_lopen(c, 4, O_RDONLY), ELOOP);	/* never followed */
	CHECK_EQ(u, p9c_fid_op(c, P9_TCLUNK, 4), 0);
	CHECK_EQ(u, p9c_walk(c, 0, 5, "", NULL), 0);
	CHECK_EQ(u, p9c_lopen(c, 5, O_RDONLY), 0);
	p9c_begin(c, P9_TREADDIR);
	p9_put_u32(&c->q, 5);
	p9_put_u64(&c->q, 0);
	p9_put_u32(&c->q, 4096);
	CHECK_EQ(u, p9c_send(c), 0);
	CHECK(u, memmem(c->rep, c->rep_len, "hello", 5) && memmem(c->rep, c->rep_len, "dir", 3));
	CHECK_EQ(u, p9c_fid_op(c, P9_TCLUNK, 5), 0);
}

static void test_escapes(struct unit *u, struct p9c *c)
{
	char name[40];
	uint64_t root_path;
	int n, i, j;

	CHECK_EQ(u, p9c_walk(c, 0, 10, "", NULL), 0);
	CHECK_EQ(u, p9c_fid_op(c, P9_TGETATTR, 10), 0);
	p9_get_u64(&c->r);
	p9_get_u8(&c->r);
	p9_get_u32(&c->r);
	root_path = p9_get_u64(&c->r);

	/* '..' at the root stays there: 1000 of them, 16 at a time. */
	for (i = 0; i < 1000; i += 16) {
		char path[16 * 3 + 1] = "";

		for (j = 0; j < 16 && i + j < 1000; j++)
			strcat(path, "../");
		CHECK_EQ(u, p9c_walk(c, 10, 10, path, &n), 0);
	}
	CHECK_EQ(u, p9c_fid_op(c, P9_TGETATTR, 10), 0);
	p9_get_u64(&c->r);
	p9_get_u8(&c->r);
	p9_get_u32(&c->r);
	CHECK_EQ(u, p9_get_u64(&c->r), root_path);
	/* 17 names in one walk: refused. */
	CHECK_EQ(u, p9c_walk(c, 0, 11, "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", NULL), E2BIG);
	/* '..' then a name of the parent's. */
	CHECK_EQ(u, p9c_walk(c, 0, 11, "../outside/secret", &n), 0);
	CHECK_EQ(u, n, 1);				/* '..' is the root */
	CHECK_EQ(u, p9c_walk(c, 0, 11, "sub/../../outside", &n), 0);
	CHECK_EQ(u, n, 3);				/* stopped at "outside" */
	CHECK(u, !p9_fid_get(&c->s->fs, 11));
	/* Symlinks are never walked through. */
	CHECK_EQ(u, p9c_walk(c, 0, 11, "to-root/etc/passwd", &n), 0);
	CHECK_EQ(u, n, 1);
	CHECK_EQ(u, p9c_walk(c, 0, 11, "to-outside/secret", &n), 0);
	CHECK_EQ(u, n, 1);
	CHECK_EQ(u, p9c_walk(c, 0, 11, "up/secret", &n), 0);
	CHECK_EQ(u, n, 1);
	CHECK_EQ(u, p9c_walk(c, 0, 11, "to-outside", NULL), 0);
	CHECK(u, p9c_lopen(c, 11, O_RDONLY) != 0);
	CHECK_EQ(u, p9c_fid_op(c, P9_TCLUNK, 11), 0);
	/* A name with a '/' anywhere. */
	p9c_begin(c, P9_TWALK);
	p9_put_u32(&c->q, 0);
	p9_put_u32(&c->q, 12);
	p9_put_u16(&c->q, 1);
	p9c_str(c, "../outside");
	CHECK_EQ(u, p9c_send(c), EINVAL);
	p9c_dir_name(c, P9_TLCREATE, 0, "../outside/x");
	p9_put_u32(&c->q, O_RDWR);
	p9_put_u32(&c->q, 0644);
	p9_put_u32(&c->q, 0);
	CHECK_EQ(u, p9c_send(c), EINVAL);
	CHECK(u, !host_exists("%s/x", outside));
	/* Renames and links outward: names only, one component. */
	p9c_dir_name(c, P9_TRENAMEAT, 0, "hello");
	p9_put_u32(&c->q, 0);
	p9c_str(c, "../outside/hello");
	CHECK_EQ(u, p9c_send(c), EINVAL);
	p9c_dir_name(c, P9_TRENAMEAT, 0, "../outside/secret");
	p9_put_u32(&c->q, 0);
	p9c_str(c, "stolen");
	CHECK_EQ(u, p9c_send(c), EINVAL);
	CHECK_EQ(u, p9c_walk(c, 0, 13, "hello", NULL), 0);
	p9c_begin(c, P9_TLINK);
	p9_put_u32(&c->q, 0);
	p9_put_u32(&c->q, 13);
	p9c_str(c, "../outside/linked");
	CHECK_EQ(u, p9c_send(c), EINVAL);
	/* A rename onto a symlink's name replaces the link, not its target. */
	p9c_dir_name(c, P9_TRENAMEAT, 0, "hello");
	p9_put_u32(&c->q, 0);
	p9c_str(c, "to-outside");
	CHECK_EQ(u, p9c_send(c), 0);
	CHECK(u, host_exists("%s/secret", outside) && !host_exists("%s/hello", outside));
	/* Device nodes: never created; a host one never opened. */
	snprintf(name, sizeof(name), "null");
	p9c_dir_name(c, P9_TMKNOD, 0, name);
	p9_put_u32(&c->q, S_IFCHR | 0666);
	p9_put_u32(&c->q, 1);
	p9_put_u32(&c->q, 3);
	p9_put_u32(&c->q, 0);
	CHECK_EQ(u, p9c_send(c), EPERM);
	CHECK(u, !host_exists("%s/null", share));
	p9c_dir_name(c, P9_TMKNOD, 0, "fifo");
	p9_put_u32(&c->q, S_IFIFO | 0644);
	p9_put_u32(&c->q, 0);
	p9_put_u32(&c->q, 0);
	p9_put_u32(&c->q, 0);
	CHECK_EQ(u, p9c_send(c), 0);
	CHECK_EQ(u, p9c_walk(c, 0, 14, "fifo", NULL), 0);
	CHECK_EQ(u, p9c_lopen(c, 14, O_RDONLY), EPERM);	/* would block the server */
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/hostdev", share);
		if (!mknod(path, S_IFCHR | 0666, makedev(1, 3))) {
			CHECK_EQ(u, p9c_walk(c, 0, 15, "hostdev", NULL), 0);
			CHECK_EQ(u, p9c_lopen(c, 15, O_RDONLY), EPERM);
		}
	}
	CHECK(u, host_exists("%s/secret", outside));
}

static void test_readonly(struct unit *u)
{
	static struct p9c c;
	struct p9_server s;
	char buf[8];

	CHECK_EQ(u, p9_server_init(&s, share, true), 0);
	c.s = &s;
	CHECK_EQ(u, p9c_version(&c, 65536, "9P2000.L"), 0);
	CHECK_EQ(u, p9c_attach(&c, 0), 0);
	CHECK_EQ(u, p9c_walk(&c, 0, 1, "", NULL), 0);
	CHECK_EQ(u, p9c_lcreate(&c, 1, "nope", O_RDWR, 0644), EROFS);
	CHECK_EQ(u, p9c_walk(&c, 0, 2, "to-outside", NULL), 0);	/* hello, renamed */
	CHECK_EQ(u, p9c_walk(&c, 0, 3, "sub", NULL), 0);
	CHECK_EQ(u, p9c_lopen(&c, 1, O_RDONLY), 0);
	p9c_dir_name(&c, P9_TUNLINKAT, 0, "sub");
	p9_put_u32(&c.q, 0x200);
	CHECK_EQ(u, p9c_send(&c), EROFS);
	CHECK(u, host_exists("%s/sub", share));
	/* Fid bound: a few slots, then EMFILE. */
	s.fs.max_fids = s.fs.nr_slots;
	for (int i = 100; i < 100 + (int)s.fs.nr_slots; i++)
		p9c_walk(&c, 0, i, "", NULL);
	CHECK_EQ(u, p9c_walk(&c, 0, 99, "", NULL), EMFILE);
	(void)buf;
	p9_server_destroy(&s);
}

int main(void)
{
	static struct p9c c;
	struct p9_server s;
	struct unit u = { 0 };
	char cmd[300];

	setup();
	test_codec(&u);
	CHECK_EQ(&u, p9_server_init(&s, share, false), 0);
	c.s = &s;
	test_session(&u, &c);
	test_files(&u, &c);
	test_escapes(&u, &c);
	p9_server_destroy(&s);
	test_readonly(&u);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	if (system(cmd))
		return 2;
	return unit_done(&u, "test-9p");
}
