// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p through the core: the mount tag in config space, a request
 * gathered from several segments and its reply scattered over several
 * (as Linux's zero-copy reads lay them out), a reply that does not fit,
 * and the payloads of Twrite and Tread moved without copies.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "devices/9p/p9-msg.h"
#include "devices/virtio/9p.h"
#include "lib/snapshot.h"
#include "tests/unit.h"
#include "tests/virtio-dev-harness.h"

static uint64_t put(struct vdh *h, const void *p, uint32_t len)
{
	uint64_t g = vdh_alloc(h, len);

	memcpy(vdh_ptr(h, g), p, len);
	return g;
}

/* A Tversion split into two readable segments, the reply into two. */
static void test_version(struct unit *u, struct vdh *h)
{
	uint8_t req[32];
	struct p9_buf b;
	struct vdh_buf bufs[4];
	size_t len;
	uint16_t head, got;
	uint32_t used;
	uint8_t *r0, *r1;

	p9_buf_init(&b, req, sizeof(req));
	p9_begin_reply(&b, P9_TVERSION, P9_NOTAG);
	p9_put_u32(&b, 8192);
	p9_put_str(&b, "9P2000.L", 8);
	len = p9_end_reply(&b);
	bufs[0] = (struct vdh_buf){ put(h, req, 5), 5, false };
	bufs[1] = (struct vdh_buf){ put(h, req + 5, len - 5), len - 5, false };
	bufs[2] = (struct vdh_buf){ vdh_alloc(h, 11), 11, true };
	bufs[3] = (struct vdh_buf){ vdh_alloc(h, 64), 64, true };
	head = vdh_post(h, 0, bufs, 4);
	vdh_notify(h, 0);
	CHECK(u, vdh_used(h, 0, &got, &used) && got == head);
	CHECK_EQ(u, used, 4 + 1 + 2 + 4 + 2 + 8);
	r0 = vdh_ptr(h, bufs[2].gpa);
	r1 = vdh_ptr(h, bufs[3].gpa);
	CHECK_EQ(u, r0[4], P9_RVERSION);
	CHECK_EQ(u, r0[7] | r0[8] << 8 | r0[9] << 16 | r0[10] << 24, 8192);
	CHECK(u, r1[0] == 8 && !memcmp(r1 + 2, "9P2000.L", 8));

	/* No room for even an Rlerror: nothing written, the chain comes back. */
	bufs[2].len = 4;
	head = vdh_post(h, 0, bufs, 3);
	vdh_notify(h, 0);
	CHECK(u, vdh_used(h, 0, &got, &used) && got == head && used == 0);
	/* A request with no readable part: an Rlerror with no tag. */
	bufs[0] = (struct vdh_buf){ vdh_alloc(h, 64), 64, true };
	head = vdh_post(h, 0, bufs, 1);
	vdh_notify(h, 0);
	CHECK(u, vdh_used(h, 0, &got, &used) && got == head && used == 11);
	CHECK_EQ(u, ((uint8_t *)vdh_ptr(h, bufs[0].gpa))[4], P9_RLERROR);
}

/*
 * One request through the queue: its bytes cut into readable segments
 * of the sizes in outs (0-terminated, the last one taking the rest),
 * writable ones of the sizes in ins (0-terminated). Returns the used
 * length; in gets the writable segments' addresses.
 */
static uint32_t rpc(struct vdh *h, const uint8_t *req, size_t len,
		    const uint32_t *outs, const uint32_t *ins, uint64_t *in)
{
	struct vdh_buf bufs[8];
	unsigned int n = 0, i;
	uint16_t head, got;
	uint32_t used = ~0u, cut;
	size_t at = 0;

	for (i = 0; at < len; i++) {
		cut = outs[i] && outs[i] < len - at ? outs[i] : len - at;
		bufs[n++] = (struct vdh_buf){ put(h, req + at, cut), cut, false };
		at += cut;
	}
	for (i = 0; ins[i]; i++) {
		in[i] = vdh_alloc(h, ins[i]);
		bufs[n++] = (struct vdh_buf){ in[i], ins[i], true };
	}
	head = vdh_post(h, 0, bufs, n);
	vdh_notify(h, 0);
	if (!vdh_used(h, 0, &got, &used) || got != head)
		return ~0u;
	return used;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Builds a request of type with the fields fmt names: 2, 4, 8 (u16/u32/u64), s (string). */
static size_t msg(uint8_t *buf, size_t size, uint8_t type, const char *fmt, ...)
{
	struct p9_buf b;
	va_list ap;

	p9_buf_init(&b, buf, size);
	p9_begin_reply(&b, type, 7);
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt == '2') {
			p9_put_u16(&b, va_arg(ap, unsigned int));
		} else if (*fmt == '4') {
			p9_put_u32(&b, va_arg(ap, uint32_t));
		} else if (*fmt == '8') {
			p9_put_u64(&b, va_arg(ap, uint64_t));
		} else {
			const char *str = va_arg(ap, const char *);

			p9_put_str(&b, str, strlen(str));
		}
	}
	va_end(ap);
	return p9_end_reply(&b);
}

/*
 * Twrite and Tread laid out as Linux's zero-copy requests are: the
 * payload in segments of its own, moved with one pwritev / preadv and
 * no copy; their bounds checked as in the buffered path.
 */
static void test_zero_copy(struct unit *u, struct vdh *h, const char *dir)
{
	static const uint32_t whole[] = { 0 }, rep64[] = { 64, 0 };
	static const uint32_t wsegs[] = { 23, 100, 4096, 0 };
	static const uint32_t rsegs[] = { 5, 6, 4096, 3000, 0 };
	static uint8_t req[16384], data[9196], back[9196];
	char path[256];
	uint64_t in[4];
	uint32_t used;
	size_t len;
	uint8_t *r;
	int fd;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = i * 7 + 3;
	len = msg(req, sizeof(req), P9_TVERSION, "4s", 65536, "9P2000.L");
	CHECK_EQ(u, rpc(h, req, len, whole, rep64, in), 7u + 4 + 2 + 8);
	len = msg(req, sizeof(req), P9_TATTACH, "44ss4", 1, P9_NOFID, "root", "", 0);
	CHECK_EQ(u, rpc(h, req, len, whole, rep64, in), 7u + 13);
	len = msg(req, sizeof(req), P9_TLCREATE, "4s444", 1, "zc-file", 2, 0600, 0);
	CHECK_EQ(u, rpc(h, req, len, whole, rep64, in), 7u + 13 + 4);

	/* 9196 bytes from three segments after the 23-byte fixed part. */
	len = msg(req, sizeof(req), P9_TWRITE, "484", 1, (uint64_t)0, (uint32_t)sizeof(data));
	memcpy(req + len, data, sizeof(data));
	len += sizeof(data);
	req[0] = len, req[1] = len >> 8;
	CHECK_EQ(u, rpc(h, req, len, wsegs, rep64, in), 11u);
	r = vdh_ptr(h, in[0]);
	CHECK(u, r[4] == P9_RWRITE && le32(r + 7) == sizeof(data));
	snprintf(path, sizeof(path), "%s/zc-file", dir);
	fd = open(path, O_RDONLY);
	CHECK(u, fd >= 0 && pread(fd, back, sizeof(back), 0) == sizeof(back) &&
	      !memcmp(back, data, sizeof(data)));
	if (fd >= 0)
		close(fd);

	/* A count beyond the message's size, or beyond the bytes given: EINVAL. */
	len = msg(req, sizeof(req), P9_TWRITE, "484", 1, (uint64_t)0, 200);
	memset(req + len, 0xee, 100);
	len += 100;
	req[0] = len;
	CHECK_EQ(u, rpc(h, req, len, wsegs, rep64, in), 11u);
	r = vdh_ptr(h, in[0]);
	CHECK(u, r[4] == P9_RLERROR && le32(r + 7) == EINVAL);
	req[0] = len + 100;
	CHECK_EQ(u, rpc(h, req, len, wsegs, rep64, in), 11u);
	CHECK(u, r[4] == P9_RLERROR);

	/* The reply's 11 bytes over two segments, the data after them. */
	len = msg(req, sizeof(req), P9_TREAD, "484", 1, (uint64_t)0, 9000);
	used = rpc(h, req, len, whole, rsegs, in);
	CHECK_EQ(u, used, 11u + 7096);
	r = vdh_ptr(h, in[0]);
	CHECK(u, le32(r) == 11 + 7096 && r[4] == P9_RREAD);
	CHECK(u, ((uint8_t *)vdh_ptr(h, in[1]))[2] == (7096 & 0xff));
	CHECK(u, !memcmp(vdh_ptr(h, in[2]), data, 4096) &&
	      !memcmp(vdh_ptr(h, in[3]), data + 4096, 3000));

	/* An unknown fid: the Rlerror fits the fixed part. */
	len = msg(req, sizeof(req), P9_TREAD, "484", 99, (uint64_t)0, 100);
	CHECK_EQ(u, rpc(h, req, len, whole, rsegs, in), 11u);
	r = vdh_ptr(h, in[0]);
	CHECK(u, r[4] == P9_RLERROR && le32(r) == 11);
	unlink(path);
}

/* A reply's type, or 0 when the chain came back empty. */
static uint8_t rpc_type(struct vdh *h, const uint8_t *req, size_t len, uint64_t *in)
{
	static const uint32_t whole[] = { 0 }, rep[] = { 256, 0 };
	uint32_t used = rpc(h, req, len, whole, rep, in);

	return used >= 7 && used != ~0u ? ((uint8_t *)vdh_ptr(h, in[0]))[4] : 0;
}

/* The session a snapshot must carry: fids by path, open files, a directory. */
static void snap_session(struct unit *u, struct vdh *h)
{
	static uint8_t req[512];
	uint64_t in[2];
	size_t len;

	len = msg(req, sizeof(req), P9_TVERSION, "4s", 65536, "9P2000.L");
	CHECK_EQ(u, rpc_type(h, req, len, in), P9_RVERSION);
	len = msg(req, sizeof(req), P9_TATTACH, "44ss4", 1, P9_NOFID, "root", "", 0);
	CHECK_EQ(u, rpc_type(h, req, len, in), P9_RATTACH);
	len = msg(req, sizeof(req), P9_TWALK, "442ss", 1, 3, 2, "sub", "f");
	CHECK_EQ(u, rpc_type(h, req, len, in), P9_RWALK);
	len = msg(req, sizeof(req), P9_TLOPEN, "44", 3, O_RDWR);
	CHECK_EQ(u, rpc_type(h, req, len, in), P9_RLOPEN);
	len = msg(req, sizeof(req), P9_TWALK, "442s", 1, 4, 1, "sub");
	CHECK_EQ(u, rpc_type(h, req, len, in), P9_RWALK);
	len = msg(req, sizeof(req), P9_TLOPEN, "44", 4, O_RDONLY);
	CHECK_EQ(u, rpc_type(h, req, len, in), P9_RLOPEN);
}

/* A fresh device on dir with the state of buf restored into it. */
static int snap_restore(struct vdh *h, const char *dir, const struct snapshot *saved,
			struct virtio_dev **vd)
{
	struct virtio_9p_cfg cfg = { .dir = dir, .tag = "hostshare" };
	struct snapshot r = { .rd = saved->buf, .rd_len = saved->len };
	int ret;

	if (vdh_init(h, 4 << 20) || virtio_9p_new(0, &cfg, vd))
		return -ENOMEM;
	ret = (*vd)->ops->restore(*vd, &r);
	vdh_attach(h, *vd, 1ULL << VIRTIO_9P_F_MOUNT_TAG, 1, 8);
	return ret;
}

static void snap_down(struct vdh *h, struct virtio_dev *vd)
{
	virtio_dev_destroy(vd);
	vdh_free(h);
}

/*
 * The session saved and restored into a new device: the open file reads
 * and writes through its old fid, the directory lists; a file removed
 * under a fid is refused at save, one gone from the share at restore.
 */
static void test_snapshot(struct unit *u, struct vdh *h, struct virtio_dev *vd,
			  const char *dir)
{
	static uint8_t req[512];
	struct snapshot s = { 0 };
	struct virtio_dev *vd2;
	char path[300], moved[300];
	uint64_t in[2];
	struct vdh h2;
	size_t len;
	uint8_t *r;
	int fd;

	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK(u, !mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/sub/f", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	CHECK(u, fd >= 0 && write(fd, "hello", 5) == 5);
	close(fd);
	snap_session(u, h);
	CHECK_EQ(u, vd->ops->save(vd, &s), 0);
	CHECK_EQ(u, snap_restore(&h2, dir, &s, &vd2), 0);
	len = msg(req, sizeof(req), P9_TREAD, "484", 3, (uint64_t)0, 5);
	CHECK_EQ(u, rpc_type(&h2, req, len, in), P9_RREAD);
	r = vdh_ptr(&h2, in[0]);
	CHECK(u, le32(r + 7) == 5 && !memcmp(r + 11, "hello", 5));
	len = msg(req, sizeof(req), P9_TWRITE, "484", 3, (uint64_t)5, 1);
	req[len] = '!';
	req[0] = ++len;
	CHECK_EQ(u, rpc_type(&h2, req, len, in), P9_RWRITE);
	len = msg(req, sizeof(req), P9_TREADDIR, "484", 4, (uint64_t)0, 200);
	CHECK_EQ(u, rpc_type(&h2, req, len, in), P9_RREADDIR);
	len = msg(req, sizeof(req), P9_TREAD, "484", 9, (uint64_t)0, 5);
	CHECK_EQ(u, rpc_type(&h2, req, len, in), P9_RLERROR);
	snap_down(&h2, vd2);

	/* The share changed between snapshot and restore: refused, no fid left. */
	snprintf(moved, sizeof(moved), "%s/sub2", dir);
	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK(u, !rename(path, moved));
	CHECK_EQ(u, snap_restore(&h2, dir, &s, &vd2), -ENOENT);
	len = msg(req, sizeof(req), P9_TREAD, "484", 3, (uint64_t)0, 5);
	CHECK_EQ(u, rpc_type(&h2, req, len, in), P9_RLERROR);
	snap_down(&h2, vd2);
	CHECK(u, !rename(moved, path));
	snapshot_free(&s);

	/* A file removed while a fid holds it: nothing could find it again. */
	snprintf(path, sizeof(path), "%s/sub/f", dir);
	CHECK(u, !unlink(path));
	memset(&s, 0, sizeof(s));
	CHECK_EQ(u, vd->ops->save(vd, &s), -ESTALE);
	snapshot_free(&s);
	snprintf(path, sizeof(path), "%s/sub", dir);
	len = msg(req, sizeof(req), P9_TVERSION, "4s", 65536, "9P2000.L");
	rpc_type(h, req, len, in);
	CHECK(u, !rmdir(path));
}

int main(void)
{
	struct virtio_9p_cfg cfg = { .dir = "/tmp", .tag = "hostshare" };
	struct unit u = { 0 };
	struct virtio_dev *vd;
	uint8_t cs[16] = { 0 };
	char dir[] = "/tmp/lkvm-9p-XXXXXX";
	struct vdh h;

	cfg.tag = "";
	CHECK_EQ(&u, virtio_9p_new(0, &cfg, &vd), -EINVAL);
	cfg.tag = "0123456789abcdef0123456789abcdefX";
	CHECK_EQ(&u, virtio_9p_new(0, &cfg, &vd), -EINVAL);
	cfg.tag = "hostshare";
	cfg.dir = "/nonexistent-9p";
	CHECK_EQ(&u, virtio_9p_new(0, &cfg, &vd), -ENOENT);
	cfg.dir = "/tmp";
	if (vdh_init(&h, 4 << 20) || virtio_9p_new(0, &cfg, &vd))
		return 1;
	CHECK_EQ(&u, vd->device_id, 9);
	CHECK_EQ(&u, vd->config_size, 2 + 9);
	CHECK(&u, !strcmp(vd->role, "9p"));
	CHECK(&u, virtio_dev_features(vd) & (1ULL << VIRTIO_9P_F_MOUNT_TAG));
	CHECK(&u, vdh_attach(&h, vd, 1ULL << VIRTIO_9P_F_MOUNT_TAG, 1, 8) &
	      VIRTIO_STATUS_DRIVER_OK);
	/* As a driver reads it: the length, then the tag a byte at a time. */
	virtio_dev_config_read(vd, 0, cs, 2);
	for (int i = 0; i < 9; i++)
		virtio_dev_config_read(vd, 2 + i, cs + 2 + i, 1);
	CHECK(&u, cs[0] == 9 && cs[1] == 0 && !memcmp(cs + 2, "hostshare", 9));
	test_version(&u, &h);
	virtio_dev_destroy(vd);
	vdh_free(&h);
	if (!mkdtemp(dir) || vdh_init(&h, 4 << 20))
		return 1;
	cfg.dir = dir;
	if (virtio_9p_new(0, &cfg, &vd))
		return 1;
	vdh_attach(&h, vd, 1ULL << VIRTIO_9P_F_MOUNT_TAG, 1, 8);
	test_zero_copy(&u, &h, dir);
	test_snapshot(&u, &h, vd, dir);
	virtio_dev_destroy(vd);
	rmdir(dir);
	vdh_free(&h);
	return unit_done(&u, "test-virtio-9p");
}
