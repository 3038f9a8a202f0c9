// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk as a guest drives it, well or badly, through the ring, on
 * a small image in memory (a memfd opened by path, as -d opens a file).
 * A shadow copy of the disk says what every request must answer and
 * what the image must hold afterwards.
 *
 * Input: a set-up byte, then operations.
 *   set-up: bit 0 ro, bit 1 direct, bit 2 EVENT_IDX, bits 3-4 the image
 *   (64 KiB, 64 KiB + 300 bytes, one sector, 256 KiB), bits 5-7 the queue
 *   size (8 << n, at most 256).
 *   Each operation is an opcode byte (modulo 5):
 *   0  request: u8 type (0-5: IN OUT FLUSH GET_ID DISCARD WRITE_ZEROES;
 *      6: u32 raw type), u8 sector class (0: u8, 1: near the end,
 *      2: u64), u8 layout (bit 0 split the header, bit 1 status in the
 *      last data buffer, bit 2 no status, bits 3-4 data buffers - 1,
 *      bit 5 short header), u16 data length (bit 15: sectors in the low
 *      bits), then for OUT the bytes, for DISCARD/WRITE_ZEROES u8
 *      segment count and each segment (u8 sector class, sector, u32
 *      count, u32 flags)
 *   1  raw chain: u8 count (1-8), then each descriptor u8 address class
 *      (0: in the buffer area, 1: u64), address, u32 length, u16 flags,
 *      u16 next; bytes for the buffer area follow (u8 length)
 *   2  QueueNotify without a new buffer
 *   3  reset, and a new driver sets the device up again
 *   4  config read: u8 offset, u8 width
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/virtio/blk.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz.h"
#include "tests/virtio-dev-harness.h"

#define RAM_SIZE	(64 << 10)
#define TAIL_BYTE	0x5a
#define OP_COUNT	5

struct fz {
	struct fuzz_input *in;
	struct vdh h;
	struct virtio_dev *vd;
	int memfd;
	bool ro, event_idx, punch;
	uint16_t num;
	uint64_t size, host_size;	/* disk bytes the guest sees, file bytes */
	uint8_t *shadow;		/* what the disk must hold */
	char serial[DISK_SERIAL_LEN];
	uint64_t heap;			/* the buffer area starts here */
};

static uint64_t fz_sector(struct fz *f, unsigned int cls)
{
	uint64_t cap = f->size >> 9;

	switch (cls % 3) {
	case 0:
		return fuzz_u8(f->in);
	case 1:
		return cap - 2 + fuzz_u8(f->in) % 5;	/* cap-2 .. cap+2 */
	}
	return fuzz_u64(f->in);
}

static bool fz_in_range(struct fz *f, uint64_t sector, uint64_t count)
{
	uint64_t cap = f->size >> 9;

	return sector <= cap && count <= cap - sector;
}

/* What the device must answer a DISCARD / WRITE_ZEROES with. */
static int fz_expect_segs(struct fz *f, const uint8_t *segs, unsigned int n,
			  uint32_t len, bool zeroes)
{
	unsigned int i;

	if (f->ro)
		return VIRTIO_BLK_S_IOERR;
	if (!f->punch)
		return VIRTIO_BLK_S_UNSUPP;
	if (len % 16 || !n || n > VIRTIO_BLK_MAX_DISCARD_SEG)
		return VIRTIO_BLK_S_IOERR;
	for (i = 0; i < n; i++) {
		uint64_t s;
		uint32_t cnt, flags;

		memcpy(&s, segs + 16 * i, 8);
		memcpy(&cnt, segs + 16 * i + 8, 4);
		memcpy(&flags, segs + 16 * i + 12, 4);
		if (flags & ~(zeroes ? 1U : 0U))
			return VIRTIO_BLK_S_UNSUPP;
		if (cnt > VIRTIO_BLK_MAX_DISCARD_SECTORS || !fz_in_range(f, s, cnt))
			return VIRTIO_BLK_S_IOERR;
	}
	for (i = 0; i < n; i++) {
		uint64_t s;
		uint32_t cnt;

		memcpy(&s, segs + 16 * i, 8);
		memcpy(&cnt, segs + 16 * i + 8, 4);
		memset(f->shadow + s * 512, 0, (size_t)cnt * 512);
	}
	return VIRTIO_BLK_S_OK;
}

struct fz_req {
	uint32_t type;
	uint64_t sector;
	unsigned int layout;
	uint32_t len;			/* data bytes */
	uint8_t out[VIRTIO_BLK_MAX_DISCARD_SEG * 16 + 8192];
	uint32_t out_len;
	unsigned int nsegs;
};

static void fz_read_req(struct fz *f, struct fz_req *r)
{
	static const uint32_t types[] = {
		VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH,
		VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_DISCARD, VIRTIO_BLK_T_WRITE_ZEROES,
	};
	unsigned int t = fuzz_u8(f->in) % 7, i;
	uint16_t l;

	r->type = t < 6 ? types[t] : fuzz_u32(f->in);
	r->sector = fz_sector(f, fuzz_u8(f->in));
	r->layout = fuzz_u8(f->in);
	l = fuzz_u16(f->in);
	r->len = (l & 0x8000) ? (l & 15) * 512 : l % 8200;
	r->out_len = 0;
	r->nsegs = 0;
	if (r->type == VIRTIO_BLK_T_OUT) {
		r->out_len = r->len;
		fuzz_bytes(f->in, r->out, r->len);
	} else if (r->type == VIRTIO_BLK_T_DISCARD ||
		   r->type == VIRTIO_BLK_T_WRITE_ZEROES) {
		r->nsegs = fuzz_u8(f->in) % (VIRTIO_BLK_MAX_DISCARD_SEG + 2);
		for (i = 0; i < r->nsegs; i++) {
			uint64_t s = fz_sector(f, fuzz_u8(f->in));
			uint32_t cnt = fuzz_u8(f->in) % 3 ? fuzz_u8(f->in) % 16 : fuzz_u32(f->in);
			uint32_t flags = fuzz_u8(f->in) % 4 ? fuzz_u8(f->in) % 2 : fuzz_u32(f->in);

			memcpy(r->out + 16 * i, &s, 8);
			memcpy(r->out + 16 * i + 8, &cnt, 4);
			memcpy(r->out + 16 * i + 12, &flags, 4);
		}
		r->out_len = 16 * r->nsegs;
		if (r->layout & 0x40)		/* a ragged segment list */
			r->out_len -= MIN(r->out_len, 1 + (r->layout >> 7));
	}
}

/* The status the device must give, the shadow updated as it must be. */
static int fz_expect(struct fz *f, struct fz_req *r, uint32_t *used)
{
	bool write = r->type == VIRTIO_BLK_T_OUT;
	uint32_t in = r->type == VIRTIO_BLK_T_IN || r->type == VIRTIO_BLK_T_GET_ID ?
		      r->len : 0;

	*used = 1;
	if (r->layout & 0x20)
		return VIRTIO_BLK_S_IOERR;	/* short header */
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		if ((write && f->ro) || r->len % 512 ||
		    !fz_in_range(f, r->sector, r->len / 512))
			return VIRTIO_BLK_S_IOERR;
		if (write)
			memcpy(f->shadow + r->sector * 512, r->out, r->len);
		*used += write ? 0 : in;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		*used += MIN(in, DISK_SERIAL_LEN);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return fz_expect_segs(f, r->out, r->out_len / 16, r->out_len,
				      r->type == VIRTIO_BLK_T_WRITE_ZEROES);
	}
	return VIRTIO_BLK_S_UNSUPP;
}

/* Splits len bytes at gpa into up to n buffers (the last takes the rest). */
static unsigned int fz_split(struct vdh_buf *b, uint64_t gpa, uint32_t len,
			     unsigned int n, bool write)
{
	unsigned int i, k = 0;
	uint32_t part = len / n;

	for (i = 0; i < n && len; i++) {
		uint32_t l = i + 1 < n ? part : len;

		if (!l)
			continue;
		b[k++] = (struct vdh_buf){ gpa, l, write };
		gpa += l;
		len -= l;
	}
	return k;
}

static bool fz_out_dir(uint32_t type)
{
	return type == VIRTIO_BLK_T_OUT || type == VIRTIO_BLK_T_DISCARD ||
	       type == VIRTIO_BLK_T_WRITE_ZEROES;
}

/*
 * Lays the request out: header (whole or split, or short), then the
 * data as readable buffers (OUT, DISCARD, WRITE_ZEROES) or writable
 * ones (the rest), then the status byte: its own buffer, the last byte
 * of the last data buffer, or missing (no writable buffer at all).
 */
static unsigned int fz_layout(struct fz *f, struct fz_req *r, struct vdh_buf *b,
			      uint64_t *data, uint64_t *st)
{
	unsigned int nbuf = 1 + ((r->layout >> 3) & 3), n = 0;
	bool no_status = r->layout & 4;
	bool merged = (r->layout & 2) && !fz_out_dir(r->type);
	uint32_t hlen = (r->layout & 0x20) ? 8 + (r->layout & 7) : 16;
	uint64_t hdr;

	if (fz_out_dir(r->type)) {
		r->len = r->out_len;
	} else if (no_status) {
		r->len = 0;
	}
	hdr = vdh_alloc(&f->h, 16);
	*data = vdh_alloc(&f->h, r->len + 1);
	memset(vdh_ptr(&f->h, hdr), 0, 16);
	memcpy(vdh_ptr(&f->h, hdr), &r->type, 4);
	memcpy((uint8_t *)vdh_ptr(&f->h, hdr) + 8, &r->sector, 8);
	if (r->layout & 1) {
		b[n++] = (struct vdh_buf){ hdr, 3, false };
		b[n++] = (struct vdh_buf){ hdr + 3, hlen - 3, false };
	} else {
		b[n++] = (struct vdh_buf){ hdr, hlen, false };
	}
	*st = 0;
	if (fz_out_dir(r->type)) {
		memcpy(vdh_ptr(&f->h, *data), r->out, r->out_len);
		n += fz_split(b + n, *data, r->out_len, nbuf, false);
	} else if (!no_status) {
		memset(vdh_ptr(&f->h, *data), 0xee, r->len);
		n += fz_split(b + n, *data, r->len + merged, nbuf, true);
		if (merged)
			*st = *data + r->len;
	}
	if (!no_status && !merged) {
		*st = vdh_alloc(&f->h, 1);
		b[n++] = (struct vdh_buf){ *st, 1, true };
	}
	if (*st)
		*(uint8_t *)vdh_ptr(&f->h, *st) = 0xff;
	return n;
}

static void fz_op_request(struct fz *f)
{
	struct fz_req r;
	struct vdh_buf b[16];
	uint64_t data, st;
	uint32_t want_used, len;
	uint16_t head, got;
	unsigned int n;
	bool broken;
	int want;

	fz_read_req(f, &r);
	f->h.heap = f->heap;
	n = fz_layout(f, &r, b, &data, &st);
	broken = virtio_dev_status(f->vd) & VIRTIO_STATUS_NEEDS_RESET;
	head = vdh_post(&f->h, 0, b, n);
	vdh_notify(&f->h, 0);
	if (broken || n > f->num) {
		/* A broken queue, or a chain that wraps the ring: no promises. */
		while (vdh_used(&f->h, 0, &got, &len))
			;
		return;
	}
	FUZZ_CHECK(vdh_used(&f->h, 0, &got, &len));
	FUZZ_CHECK_EQ(got, head);
	if (!st) {
		FUZZ_CHECK_EQ(len, 0);	/* no status: nothing done, nothing said */
		return;
	}
	want = fz_expect(f, &r, &want_used);
	FUZZ_CHECK_EQ(*(uint8_t *)vdh_ptr(&f->h, st), want);
	FUZZ_CHECK_EQ(len, want_used);
	if (want == VIRTIO_BLK_S_OK && r.type == VIRTIO_BLK_T_IN)
		FUZZ_CHECK(!memcmp(vdh_ptr(&f->h, data), f->shadow + r.sector * 512, r.len));
	if (want == VIRTIO_BLK_S_OK && r.type == VIRTIO_BLK_T_GET_ID)
		FUZZ_CHECK(!memcmp(vdh_ptr(&f->h, data), f->serial,
				   MIN(r.len, DISK_SERIAL_LEN)));
}

/* The image as the device left it; past the guest's disk, untouched. */
static void fz_read_image(struct fz *f, uint8_t *buf)
{
	FUZZ_CHECK_EQ(pread(f->memfd, buf, f->host_size, 0), f->host_size);
	for (uint64_t i = f->size; i < f->host_size; i++)
		FUZZ_CHECK_EQ(buf[i], TAIL_BYTE);
}

/*
 * Descriptors as the input says, into the ring as they are. Whatever
 * happens is allowed but a crash: the shadow is then taken from the
 * image again (only the tail is checked).
 */
static void fz_op_raw(struct fz *f)
{
	unsigned int n = 1 + fuzz_u8(f->in) % 8, i;
	struct vdh_queue *q = &f->h.q[0];
	uint64_t area, addr;
	uint8_t len, *d;
	uint16_t head = q->next_desc, got;
	uint32_t ulen;

	f->h.heap = f->heap;
	area = vdh_alloc(&f->h, 4096);
	for (i = 0; i < n; i++) {
		uint16_t idx = (head + i) & (q->num - 1), flags, next;
		uint32_t l;

		addr = fuzz_u8(f->in) & 1 ? fuzz_u64(f->in) : area + fuzz_u16(f->in) % 4096;
		l = fuzz_u32(f->in);
		flags = fuzz_u16(f->in);
		next = fuzz_u16(f->in);
		d = vdh_ptr(&f->h, q->desc + 16ULL * idx);
		memcpy(d, &addr, 8);
		memcpy(d + 8, &l, 4);
		memcpy(d + 12, &flags, 2);
		memcpy(d + 14, &next, 2);
	}
	len = fuzz_u8(f->in);
	fuzz_bytes(f->in, vdh_ptr(&f->h, area), len);
	q->next_desc = (head + n) & (q->num - 1);
	d = vdh_ptr(&f->h, q->avail + 4 + 2ULL * (q->avail_idx & (q->num - 1)));
	memcpy(d, &head, 2);
	q->avail_idx++;
	__atomic_store_n((uint16_t *)vdh_ptr(&f->h, q->avail + 2), q->avail_idx,
			 __ATOMIC_RELEASE);
	vdh_notify(&f->h, 0);
	while (vdh_used(&f->h, 0, &got, &ulen))
		FUZZ_CHECK(got < q->num);
	fz_read_image(f, f->shadow);
}

static void fz_attach(struct fz *f)
{
	uint64_t feat = f->vd->host_features;

	if (f->event_idx)
		feat |= 1ULL << VIRTIO_F_EVENT_IDX;
	f->h.heap = VDH_RAM_BASE;	/* the rings first, then buffers */
	FUZZ_CHECK(vdh_attach(&f->h, f->vd, feat, 1, f->num) & VIRTIO_STATUS_DRIVER_OK);
	f->heap = f->h.heap;
}

static void fz_op_config(struct fz *f)
{
	uint8_t buf[8], off = fuzz_u8(f->in), width = 1 + fuzz_u8(f->in) % 8;
	uint64_t cap;

	virtio_dev_config_read(f->vd, off, buf, width);
	if (off == 0 && width == 8) {
		memcpy(&cap, buf, 8);
		FUZZ_CHECK_EQ(cap, f->size >> 9);
	}
	/* Past the end reads as zero; a read across it keeps its first part. */
	for (unsigned int i = 0; i < width; i++)
		if (off + i >= VIRTIO_BLK_CFG_SIZE)
			FUZZ_CHECK_EQ(buf[i], 0);
}

static const uint64_t fz_sizes[] = { 64 << 10, (64 << 10) + 300, 512, 256 << 10 };

/* The image, a memfd filled with a pattern and opened by its path. */
static bool fz_open(struct fz *f, unsigned int setup)
{
	struct disk_config c = { .ro = setup & 1, .direct = setup & 2 };
	char msg[256];
	struct disk d;
	uint64_t i;

	f->host_size = fz_sizes[(setup >> 3) & 3];
	f->memfd = memfd_create("fuzz-virtio-blk", MFD_CLOEXEC);
	FUZZ_CHECK(f->memfd >= 0);
	f->shadow = malloc(f->host_size);
	/* A sector's pattern everywhere (cheap to lay), the tail apart. */
	for (i = 0; i < 512 && i < f->host_size; i++)
		f->shadow[i] = (uint8_t)(i * 7 + 1);
	for (i = 512; i < f->host_size; i *= 2)
		memcpy(f->shadow + i, f->shadow, MIN(i, f->host_size - i));
	memset(f->shadow + (f->host_size & ~511ULL), TAIL_BYTE, f->host_size & 511);
	FUZZ_CHECK_EQ(pwrite(f->memfd, f->shadow, f->host_size, 0), f->host_size);
	snprintf(c.path, sizeof(c.path), "/proc/self/fd/%d", f->memfd);
	if (disk_open(&d, &c, msg, sizeof(msg)))
		return false;		/* no O_DIRECT here, say */
	f->ro = d.ro;
	f->punch = d.can_punch;
	f->size = d.size;
	memcpy(f->serial, d.serial, sizeof(f->serial));
	FUZZ_CHECK_EQ(f->size, f->host_size & ~511ULL);
	FUZZ_CHECK_EQ(virtio_blk_new(&d, 0, &f->vd), 0);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct fz f = { .in = &in };
	unsigned int setup, op;
	uint8_t *img;

	fuzz_input_init(&in, data, size);
	setup = fuzz_u8(&in);
	f.event_idx = setup & 4;
	f.num = MIN(8U << ((setup >> 5) % 6), VIRTQ_MAX_SIZE);
	if (vdh_init(&f.h, RAM_SIZE))
		return 0;
	if (!fz_open(&f, setup))
		goto out;
	fz_attach(&f);
	while (!fuzz_input_done(&in)) {
		op = fuzz_u8(&in) % OP_COUNT;
		if (op == 0)
			fz_op_request(&f);
		else if (op == 1)
			fz_op_raw(&f);
		else if (op == 2)
			vdh_notify(&f.h, 0);
		else if (op == 3)
			virtio_dev_set_status(f.vd, 0), fz_attach(&f);
		else
			fz_op_config(&f);
	}
	img = malloc(f.host_size);
	fz_read_image(&f, img);
	FUZZ_CHECK(!memcmp(img, f.shadow, f.size));
	free(img);
	virtio_dev_destroy(f.vd);
out:
	close(f.memfd);
	free(f.shadow);
	vdh_free(&f.h);
	return 0;
}
