// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk through the core, as a driver drives it, on a temporary
 * image: every request type, read-only refusal, sectors and lengths
 * out of range, malformed framing, a ring the guest broke.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio/blk.h"
#include "tests/unit.h"
#include "tests/virtio-blk-rig.h"
#include "tests/virtio-dev-harness.h"

#define IMG_SECTORS	2048
#define QSIZE		16
#define NO_USED		0x100	/* do_req(): nothing came back */

/* One request laid out as Linux does: header, data, status byte. */
struct req {
	uint32_t type;
	uint64_t sector;
	const void *out;
	uint32_t out_len;
	uint32_t in_len;
	uint8_t *in;		/* receives the in-data */
	uint32_t used_len;	/* what the device said it wrote */
};

static void put_seg(uint8_t *p, uint64_t sector, uint32_t num, uint32_t flags)
{
	sector = htole64(sector);
	num = htole32(num);
	flags = htole32(flags);
	memcpy(p, &sector, 8);
	memcpy(p + 8, &num, 4);
	memcpy(p + 12, &flags, 4);
}

/* Posts a chain, notifies, returns the status byte (NO_USED if none). */
static int run_chain(struct blk_rig *t, const struct vdh_buf *b, unsigned int n,
		     uint64_t status_gpa, uint32_t *used_len)
{
	uint16_t head, got;
	uint32_t len;

	head = vdh_post(&t->h, 0, b, n);
	vdh_notify(&t->h, 0);
	if (!vdh_used(&t->h, 0, &got, &len) || got != head)
		return NO_USED;
	*used_len = len;
	return status_gpa ? *(uint8_t *)vdh_ptr(&t->h, status_gpa) : 0;
}

static int do_req(struct blk_rig *t, struct req *r)
{
	uint64_t heap = t->h.heap, hdr, st;
	struct vdh_buf b[4];
	unsigned int n = 0;
	int ret;

	hdr = vdh_alloc(&t->h, 16);
	blk_put_hdr(vdh_ptr(&t->h, hdr), r->type, r->sector);
	b[n++] = (struct vdh_buf){ hdr, 16, false };
	if (r->out_len) {
		b[n] = (struct vdh_buf){ vdh_alloc(&t->h, r->out_len), r->out_len, false };
		memcpy(vdh_ptr(&t->h, b[n].gpa), r->out, r->out_len);
		n++;
	}
	if (r->in_len) {
		b[n] = (struct vdh_buf){ vdh_alloc(&t->h, r->in_len), r->in_len, true };
		memset(vdh_ptr(&t->h, b[n].gpa), 0xee, r->in_len);
		n++;
	}
	st = vdh_alloc(&t->h, 1);
	*(uint8_t *)vdh_ptr(&t->h, st) = 0xff;
	b[n++] = (struct vdh_buf){ st, 1, true };
	ret = run_chain(t, b, n, st, &r->used_len);
	if (r->in && r->in_len)
		memcpy(r->in, vdh_ptr(&t->h, b[n - 2].gpa), r->in_len);
	t->h.heap = heap;
	return ret;
}

static int rw(struct blk_rig *t, bool write, uint64_t sector, void *buf, uint32_t len)
{
	struct req r = { .type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN,
			 .sector = sector };

	if (write) {
		r.out = buf;
		r.out_len = len;
	} else {
		r.in = buf;
		r.in_len = len;
	}
	return do_req(t, &r);
}

static bool file_is(struct blk_rig *t, uint64_t off, const void *want, size_t len)
{
	uint8_t *buf = malloc(len);
	bool ok = pread(t->fd, buf, len, off) == (ssize_t)len &&
		  !memcmp(buf, want, len);

	free(buf);
	return ok;
}

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 9));
}

static uint32_t cfg32(struct blk_rig *t, uint32_t off)
{
	uint32_t v = 0;

	virtio_dev_config_read(t->vd, off, &v, 4);
	return le32toh(v);
}

static void test_config(struct blk_rig *t)
{
	struct unit *u = t->u;
	uint64_t f = virtio_dev_features(t->vd), cap = 0;

	virtio_dev_config_read(t->vd, VIRTIO_BLK_CFG_CAPACITY, &cap, 8);
	CHECK_EQ(u, le64toh(cap), IMG_SECTORS);
	CHECK_EQ(u, cfg32(t, VIRTIO_BLK_CFG_SEG_MAX), VIRTQ_MAX_SIZE - 2);
	CHECK_EQ(u, cfg32(t, VIRTIO_BLK_CFG_BLK_SIZE), 512);
	CHECK(u, f & 1ULL << VIRTIO_BLK_F_FLUSH && f & 1ULL << VIRTIO_BLK_F_SEG_MAX);
	CHECK(u, f & 1ULL << VIRTIO_BLK_F_DISCARD && f & 1ULL << VIRTIO_BLK_F_WRITE_ZEROES);
	CHECK(u, !(f & 1ULL << VIRTIO_BLK_F_RO) && f & 1ULL << VIRTIO_F_VERSION_1);
	CHECK_EQ(u, cfg32(t, VIRTIO_BLK_CFG_MAX_DISCARD), VIRTIO_BLK_MAX_DISCARD_SECTORS);
	CHECK_EQ(u, cfg32(t, VIRTIO_BLK_CFG_DISCARD_SEG), VIRTIO_BLK_MAX_DISCARD_SEG);
	CHECK(u, cfg32(t, VIRTIO_BLK_CFG_DISCARD_ALIGN) >= 1);
	CHECK_EQ(u, cfg32(t, VIRTIO_BLK_CFG_ZEROES_UNMAP) & 0xff, 1);
	CHECK_EQ(u, cfg32(t, VIRTIO_BLK_CFG_SIZE), 0);	/* past the end: zero */
}

static void test_rw_flush_id(struct blk_rig *t)
{
	struct unit *u = t->u;
	uint8_t w[4096], r[4096], id[32];
	struct req q = { .type = VIRTIO_BLK_T_GET_ID, .in = id, .in_len = 20 };
	unsigned int irqs = t->h.irqs;
	char serial[DISK_SERIAL_LEN + 1] = { 0 };

	fill(w, sizeof(w), 1);
	CHECK_EQ(u, rw(t, true, 10, w, sizeof(w)), VIRTIO_BLK_S_OK);
	CHECK(u, file_is(t, 10 * 512, w, sizeof(w)));	/* there before "done" */
	CHECK(u, t->h.irqs > irqs);
	CHECK_EQ(u, rw(t, false, 10, r, sizeof(r)), VIRTIO_BLK_S_OK);
	CHECK(u, !memcmp(w, r, sizeof(r)));
	q.type = VIRTIO_BLK_T_FLUSH;
	q.in_len = 0;
	CHECK_EQ(u, do_req(t, &q), VIRTIO_BLK_S_OK);
	CHECK_EQ(u, q.used_len, 1);

	/* The serial, NUL-padded to 20 bytes; a shorter buffer gets its start. */
	q = (struct req){ .type = VIRTIO_BLK_T_GET_ID, .in = id, .in_len = 20 };
	CHECK_EQ(u, do_req(t, &q), VIRTIO_BLK_S_OK);
	CHECK_EQ(u, q.used_len, 21);
	memcpy(serial, id, DISK_SERIAL_LEN);
	CHECK(u, strlen(serial) > 0 && strspn(serial, "0123456789") == strlen(serial));
	q.in_len = 5;
	CHECK_EQ(u, do_req(t, &q), VIRTIO_BLK_S_OK);
	CHECK(u, !memcmp(id, serial, 5) && q.used_len == 6);
}

static void test_ranges(struct blk_rig *t)
{
	struct unit *u = t->u;
	uint8_t w[1024], z[1024] = { 0 };

	fill(w, sizeof(w), 2);
	/* The last sector is fine, one more is not; nothing is written. */
	CHECK_EQ(u, rw(t, true, IMG_SECTORS - 1, w, 512), VIRTIO_BLK_S_OK);
	CHECK_EQ(u, rw(t, true, IMG_SECTORS - 1, z, 1024), VIRTIO_BLK_S_IOERR);
	CHECK(u, file_is(t, (IMG_SECTORS - 1) * 512ULL, w, 512));
	CHECK_EQ(u, rw(t, false, IMG_SECTORS - 1, w, 1024), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(u, rw(t, false, IMG_SECTORS, w, 512), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(u, rw(t, false, ~0ULL, w, 512), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(u, rw(t, false, ~0ULL >> 9, w, 512), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(u, rw(t, true, 1ULL << 55, w, 512), VIRTIO_BLK_S_IOERR);
	/* Not whole sectors. */
	CHECK_EQ(u, rw(t, true, 0, w, 513), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(u, rw(t, false, 0, w, 100), VIRTIO_BLK_S_IOERR);
	CHECK(u, file_is(t, 0, z, 512));
	/* No data at the very end: nothing to do. */
	CHECK_EQ(u, rw(t, false, IMG_SECTORS, NULL, 0), VIRTIO_BLK_S_OK);
	CHECK_EQ(u, rw(t, false, IMG_SECTORS + 1, NULL, 0), VIRTIO_BLK_S_IOERR);
}

/* Framing as the spec allows it, and as it does not. */
static void test_framing(struct blk_rig *t)
{
	struct unit *u = t->u;
	uint64_t heap = t->h.heap, g = vdh_alloc(&t->h, 2048);
	uint8_t *p = vdh_ptr(&t->h, g), w[512], z[512] = { 0 };
	struct vdh_buf b[4];
	uint32_t len;

	fill(w, sizeof(w), 3);
	/* The header split 5+11, data and status in one buffer. */
	blk_put_hdr(p, VIRTIO_BLK_T_OUT, 7);
	memcpy(p + 16, w, 512);
	b[0] = (struct vdh_buf){ g, 5, false };
	b[1] = (struct vdh_buf){ g + 5, 11 + 512, false };
	b[2] = (struct vdh_buf){ g + 1024, 1, true };
	CHECK_EQ(u, run_chain(t, b, 3, g + 1024, &len), VIRTIO_BLK_S_OK);
	CHECK(u, file_is(t, 7 * 512, w, 512));
	blk_put_hdr(p, VIRTIO_BLK_T_IN, 7);
	b[0] = (struct vdh_buf){ g, 16, false };
	b[1] = (struct vdh_buf){ g + 1024, 513, true };	/* data + status */
	CHECK_EQ(u, run_chain(t, b, 2, g + 1024 + 512, &len), VIRTIO_BLK_S_OK);
	CHECK(u, !memcmp(p + 1024, w, 512) && len == 513);

	/* A header of 8 bytes: IOERR. */
	b[0] = (struct vdh_buf){ g, 8, false };
	b[1] = (struct vdh_buf){ g + 1024, 1, true };
	CHECK_EQ(u, run_chain(t, b, 2, g + 1024, &len), VIRTIO_BLK_S_IOERR);
	/* No status byte at all: nothing is done, nothing written back. */
	blk_put_hdr(p, VIRTIO_BLK_T_OUT, 20);
	memcpy(p + 16, w, 512);
	b[0] = (struct vdh_buf){ g, 16 + 512, false };
	CHECK_EQ(u, run_chain(t, b, 1, 0, &len), 0);
	CHECK_EQ(u, len, 0);
	CHECK(u, file_is(t, 20 * 512, z, 512));
	/* Unknown types: UNSUPP (10 is GET_LIFETIME, not offered). */
	blk_put_hdr(p, 10, 0);
	b[1] = (struct vdh_buf){ g + 1024, 1, true };
	b[0].len = 16;
	CHECK_EQ(u, run_chain(t, b, 2, g + 1024, &len), VIRTIO_BLK_S_UNSUPP);
	blk_put_hdr(p, 0xffffffff, 0);
	CHECK_EQ(u, run_chain(t, b, 2, g + 1024, &len), VIRTIO_BLK_S_UNSUPP);
	t->h.heap = heap;
}

/* The most segments a chain may have: header, 254 data, status. */
static void test_seg_max(struct blk_rig *t)
{
	uint64_t g = vdh_alloc(&t->h, 16 + 254 * 512 + 1);
	struct vdh_buf *b = calloc(256, sizeof(*b));
	uint8_t *w = malloc(254 * 512);
	uint32_t len;
	unsigned int i;

	/* A chain this long needs a queue of 256: a new driver sets one up. */
	virtio_dev_set_status(t->vd, 0);
	vdh_attach(&t->h, t->vd, t->vd->host_features, 1, 256);
	fill(w, 254 * 512, 4);
	blk_put_hdr(vdh_ptr(&t->h, g), VIRTIO_BLK_T_OUT, 100);
	memcpy(vdh_ptr(&t->h, g + 16), w, 254 * 512);
	b[0] = (struct vdh_buf){ g, 16, false };
	for (i = 0; i < 254; i++)
		b[1 + i] = (struct vdh_buf){ g + 16 + i * 512, 512, false };
	b[255] = (struct vdh_buf){ g + 16 + 254 * 512, 1, true };
	CHECK_EQ(t->u, run_chain(t, b, 256, g + 16 + 254 * 512, &len), VIRTIO_BLK_S_OK);
	CHECK(t->u, file_is(t, 100 * 512, w, 254 * 512));
	free(w);
	free(b);
}

static int discard(struct blk_rig *t, uint32_t type, const uint8_t *segs,
		   uint32_t len)
{
	struct req r = { .type = type, .out = segs, .out_len = len };

	return do_req(t, &r);
}

static void test_discard(struct blk_rig *t)
{
	struct unit *u = t->u;
	uint8_t w[8192], z[8192] = { 0 }, s[17 * 16];
	unsigned int i;

	fill(w, sizeof(w), 5);
	CHECK_EQ(u, rw(t, true, 200, w, sizeof(w)), VIRTIO_BLK_S_OK);
	put_seg(s, 200, 4, 0);
	put_seg(s + 16, 208, 4, 0);
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_DISCARD, s, 32), VIRTIO_BLK_S_OK);
	CHECK(u, file_is(t, 200 * 512, z, 2048));
	CHECK(u, file_is(t, 204 * 512, w + 2048, 2048));
	CHECK(u, file_is(t, 208 * 512, z, 2048));
	CHECK(u, file_is(t, 212 * 512, w + 6144, 2048));

	/* Checked before anything is done: a bad second segment spares the first. */
	CHECK_EQ(u, rw(t, true, 200, w, sizeof(w)), VIRTIO_BLK_S_OK);
	put_seg(s + 16, IMG_SECTORS - 1, 2, 0);
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_DISCARD, s, 32), VIRTIO_BLK_S_IOERR);
	put_seg(s + 16, 208, 4, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_DISCARD, s, 32), VIRTIO_BLK_S_UNSUPP);
	put_seg(s + 16, 208, VIRTIO_BLK_MAX_DISCARD_SECTORS + 1, 0);
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_DISCARD, s, 32), VIRTIO_BLK_S_IOERR);
	CHECK(u, file_is(t, 200 * 512, w, sizeof(w)));
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_DISCARD, s, 15), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_DISCARD, s, 0), VIRTIO_BLK_S_IOERR);
	for (i = 0; i < 17; i++)
		put_seg(s + 16 * i, i, 1, 0);
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_DISCARD, s, 17 * 16), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_DISCARD, s, 16 * 16), VIRTIO_BLK_S_OK);
	put_seg(s, 0, 0, 0);			/* empty: nothing to do */
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_DISCARD, s, 16), VIRTIO_BLK_S_OK);

	/* Write zeroes, with and without unmap; unknown flags refused. */
	put_seg(s, 200, 8, 0);
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_WRITE_ZEROES, s, 16), VIRTIO_BLK_S_OK);
	CHECK(u, file_is(t, 200 * 512, z, 4096));
	put_seg(s, 208, 8, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_WRITE_ZEROES, s, 16), VIRTIO_BLK_S_OK);
	CHECK(u, file_is(t, 208 * 512, z, 4096));
	put_seg(s, 0, 8, 2);
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_WRITE_ZEROES, s, 16), VIRTIO_BLK_S_UNSUPP);
	put_seg(s, IMG_SECTORS, 1, 0);
	CHECK_EQ(u, discard(t, VIRTIO_BLK_T_WRITE_ZEROES, s, 16), VIRTIO_BLK_S_IOERR);
}

/* A descriptor outside RAM: the device needs a reset, lkvm goes on. */
static void test_broken(struct blk_rig *t)
{
	struct vdh_buf b[2] = {
		{ VDH_RAM_BASE + (4 << 20) - 8, 16, false },
		{ VDH_RAM_BASE, 1, true },
	};
	uint16_t head;
	uint32_t len;

	vdh_post(&t->h, 0, b, 2);
	vdh_notify(&t->h, 0);
	CHECK(t->u, !vdh_used(&t->h, 0, &head, &len));
	CHECK(t->u, virtio_dev_status(t->vd) & VIRTIO_STATUS_NEEDS_RESET);
	/* A reset and a new driver bring it back. */
	virtio_dev_set_status(t->vd, 0);
	CHECK_EQ(t->u, virtio_dev_status(t->vd), 0);
	CHECK(t->u, vdh_attach(&t->h, t->vd, t->vd->host_features, 1, 16) &
	      VIRTIO_STATUS_DRIVER_OK);
	CHECK_EQ(t->u, rw(t, false, 0, b, 0), VIRTIO_BLK_S_OK);
}

static void test_ro(struct unit *u)
{
	uint8_t w[512], r[512], z[512] = { 0 }, s[16];
	struct req q = { .type = VIRTIO_BLK_T_FLUSH };
	uint64_t f;
	struct blk_rig t;

	CHECK(u, blk_rig_setup(&t, u, IMG_SECTORS * 512, true, false, QSIZE));
	f = virtio_dev_features(t.vd);
	CHECK(u, f & 1ULL << VIRTIO_BLK_F_RO);
	CHECK(u, !(f & (1ULL << VIRTIO_BLK_F_DISCARD | 1ULL << VIRTIO_BLK_F_FLUSH)));
	fill(w, sizeof(w), 6);
	CHECK_EQ(u, rw(&t, true, 0, w, 512), VIRTIO_BLK_S_IOERR);
	CHECK(u, file_is(&t, 0, z, 512));
	put_seg(s, 0, 1, 0);
	CHECK_EQ(u, discard(&t, VIRTIO_BLK_T_DISCARD, s, 16), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(u, discard(&t, VIRTIO_BLK_T_WRITE_ZEROES, s, 16), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(u, do_req(&t, &q), VIRTIO_BLK_S_OK);
	CHECK_EQ(u, rw(&t, false, 0, r, 512), VIRTIO_BLK_S_OK);
	blk_rig_teardown(&t);
}

/* O_DIRECT with the guest's buffers 16-byte aligned: bounced. */
static void test_direct(struct unit *u)
{
	uint8_t w[3 * 512 + 0], r[sizeof(w)];
	struct blk_rig t;

	CHECK(u, blk_rig_setup(&t, u, IMG_SECTORS * 512, false, true, QSIZE));
	fill(w, sizeof(w), 7);
	CHECK_EQ(u, rw(&t, true, 3, w, sizeof(w)), VIRTIO_BLK_S_OK);
	CHECK(u, file_is(&t, 3 * 512, w, sizeof(w)));
	CHECK_EQ(u, rw(&t, false, 3, r, sizeof(r)), VIRTIO_BLK_S_OK);
	CHECK(u, !memcmp(w, r, sizeof(r)));
	blk_rig_teardown(&t);
}

/* A size that is not whole sectors: the tail is out of the guest's reach. */
static void test_tail(struct unit *u)
{
	uint8_t w[512], tail[488];
	uint64_t cap = 0;
	struct blk_rig t;

	CHECK(u, blk_rig_setup(&t, u, 1000, false, false, QSIZE));
	virtio_dev_config_read(t.vd, 0, &cap, 8);
	CHECK_EQ(u, le64toh(cap), 1);
	memset(tail, 0, sizeof(tail));
	fill(w, sizeof(w), 8);
	CHECK_EQ(u, rw(&t, true, 0, w, 512), VIRTIO_BLK_S_OK);
	CHECK_EQ(u, rw(&t, true, 1, w, 512), VIRTIO_BLK_S_IOERR);
	CHECK(u, file_is(&t, 512, tail, sizeof(tail)));
	blk_rig_teardown(&t);
}

/* virtio_blk_create() with the transport standing in. */
static void test_create(struct unit *u)
{
	struct vdh_transport tr = { .fail = -ENOSPC };
	struct device_ctx ctx = { .opaque = &tr };
	struct disk_config c = { .path = "/nonexistent/lkvm.img" };
	struct device *dev = NULL;
	char msg[256];
	uint64_t cap = 0;
	int fd;

	CHECK_EQ(u, virtio_blk_create(&ctx, &c, 0, VIRTIO_TRANSPORT_MMIO, &dev,
				      msg, sizeof(msg)), -ENOENT);
	CHECK(u, strstr(msg, "does not exist"));
	snprintf(c.path, sizeof(c.path), "/tmp/lkvm-blk-XXXXXX");
	fd = mkstemp(c.path);
	CHECK(u, fd >= 0 && !ftruncate(fd, 8192));
	close(fd);
	CHECK_EQ(u, virtio_blk_create(&ctx, &c, 1, VIRTIO_TRANSPORT_MMIO, &dev,
				      msg, sizeof(msg)), -ENOSPC);
	CHECK(u, strstr(msg, "cannot set up virtio-blk 1"));
	tr.fail = 0;
	CHECK_EQ(u, virtio_blk_create(&ctx, &c, 2, VIRTIO_TRANSPORT_MMIO, &dev,
				      msg, sizeof(msg)), 0);
	CHECK(u, dev == &tr.dev && !strcmp(tr.vd->name, "virtio-blk 2"));
	CHECK(u, tr.vd->device_id == VIRTIO_ID_BLOCK && tr.vd->index == 2);
	virtio_dev_config_read(tr.vd, 0, &cap, 8);
	CHECK_EQ(u, le64toh(cap), 16);
	/* The image stays locked while the device lives. */
	CHECK_EQ(u, virtio_blk_create(&ctx, &c, 3, VIRTIO_TRANSPORT_MMIO, &dev,
				      msg, sizeof(msg)), -EBUSY);
	tr.dev.ops->destroy(&tr.dev);
	unlink(c.path);
}

int main(void)
{
	struct unit u = { 0 };
	struct blk_rig t;

	if (!blk_rig_setup(&t, &u, IMG_SECTORS * 512, false, false, QSIZE)) {
		fprintf(stderr, "set-up failed\n");
		return 1;
	}
	test_config(&t);
	test_rw_flush_id(&t);
	test_ranges(&t);
	test_framing(&t);
	test_discard(&t);
	test_broken(&t);
	test_seg_max(&t);
	blk_rig_teardown(&t);
	test_ro(&u);
	test_direct(&u);
	test_tail(&u);
	test_create(&u);
	return unit_done(&u, "test-virtio-blk");
}
