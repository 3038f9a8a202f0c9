// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk's io_uring engine, through the core as a driver drives it,
 * on a temporary image: many requests for one notification (reads,
 * writes, a FLUSH and others among them), errors of the host file in
 * the middle of a batch, and a reset that meets a batch on the real
 * I/O thread. Where the kernel gives no io_uring the same requests go
 * through preadv, and must give the same answers.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio/blk.h"
#include "tests/unit.h"
#include "tests/virtio-blk-rig.h"
#include "tests/virtio-dev-harness.h"

#define IMG_SECTORS	2048
#define QSIZE		128
#define REQ_LEN		4096

/* One posted request: where its data and status are in guest RAM. */
struct posted {
	uint16_t head;
	uint64_t data, status;
	uint32_t type;
	uint64_t sector;
};

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 13 + i * 3 + (i >> 8));
}

/* Posts a request (data of len bytes, seeded when written) unnotified. */
static struct posted post(struct blk_rig *t, uint32_t type, uint64_t sector,
			  uint32_t len, unsigned int seed)
{
	struct posted p = { .type = type, .sector = sector };
	bool in = type != VIRTIO_BLK_T_OUT;
	struct vdh_buf b[3];
	unsigned int n = 0;
	uint64_t hdr = vdh_alloc(&t->h, 16);

	blk_put_hdr(vdh_ptr(&t->h, hdr), type, sector);
	b[n++] = (struct vdh_buf){ hdr, 16, false };
	if (len) {
		p.data = vdh_alloc_marked(&t->h, len);
		if (!in)
			fill(vdh_ptr(&t->h, p.data), len, seed);
		b[n++] = (struct vdh_buf){ p.data, len, in };
	}
	p.status = vdh_alloc(&t->h, 1);
	*(uint8_t *)vdh_ptr(&t->h, p.status) = 0xff;
	b[n++] = (struct vdh_buf){ p.status, 1, true };
	p.head = vdh_post(&t->h, 0, b, n);
	return p;
}

static uint8_t status_of(struct blk_rig *t, const struct posted *p)
{
	return *(uint8_t *)vdh_ptr(&t->h, p->status);
}

static bool file_is_seed(struct blk_rig *t, uint64_t sector, uint32_t len,
			 unsigned int seed)
{
	uint8_t *want = malloc(len), *got = malloc(len);
	bool ok;

	fill(want, len, seed);
	ok = pread(t->fd, got, len, sector * 512) == (ssize_t)len &&
	     !memcmp(want, got, len);
	free(want);
	free(got);
	return ok;
}

/* Takes n used entries; each head must be one of p's, each once. */
static unsigned int take_used(struct blk_rig *t, struct posted *p, unsigned int n,
			      uint32_t *lens)
{
	unsigned int got = 0, i;
	uint16_t head;
	uint32_t len;

	while (vdh_used(&t->h, 0, &head, &len)) {
		for (i = 0; i < n && p[i].head != head; i++)
			;
		if (i == n || lens[i] != UINT32_MAX)
			return UINT32_MAX;	/* unknown, or twice */
		lens[i] = len;
		got++;
	}
	return got;
}

/*
 * 40 writes for one notification (more than a batch: two batches and
 * a part), then 40 reads of them: all answered OK, the data where it
 * belongs, each read's used length its data and status.
 */
static void test_batch(struct blk_rig *t)
{
	struct posted p[40];
	uint32_t lens[40];
	unsigned int i, ok = 0;
	uint64_t heap = t->h.heap;

	for (i = 0; i < 40; i++)
		p[i] = post(t, VIRTIO_BLK_T_OUT, i * 8, REQ_LEN, i);
	memset(lens, 0xff, sizeof(lens));
	vdh_notify(&t->h, 0);
	CHECK_EQ(t->u, take_used(t, p, 40, lens), 40);
	for (i = 0; i < 40; i++)
		ok += status_of(t, &p[i]) == VIRTIO_BLK_S_OK && lens[i] == 1 &&
		      file_is_seed(t, i * 8, REQ_LEN, i);
	CHECK_EQ(t->u, ok, 40);
	t->h.heap = heap;
	for (i = 0; i < 40; i++)
		p[i] = post(t, VIRTIO_BLK_T_IN, i * 8, REQ_LEN, 0);
	memset(lens, 0xff, sizeof(lens));
	vdh_notify(&t->h, 0);
	CHECK_EQ(t->u, take_used(t, p, 40, lens), 40);
	for (ok = 0, i = 0; i < 40; i++) {
		uint8_t want[REQ_LEN];

		fill(want, REQ_LEN, i);
		ok += status_of(t, &p[i]) == VIRTIO_BLK_S_OK &&
		      lens[i] == REQ_LEN + 1 &&
		      !memcmp(vdh_ptr(&t->h, p[i].data), want, REQ_LEN);
	}
	CHECK_EQ(t->u, ok, 40);
	t->h.heap = heap;
}

/*
 * Requests the ring does not take, among reads and writes: a FLUSH
 * (which must find the writes before it done), a GET_ID, a read past
 * the end (IOERR, nothing read), an unknown type (UNSUPP).
 */
static void test_mixed(struct blk_rig *t)
{
	struct posted p[7];
	uint32_t lens[7];
	uint64_t heap = t->h.heap;
	unsigned int i;

	p[0] = post(t, VIRTIO_BLK_T_OUT, 100, REQ_LEN, 50);
	p[1] = post(t, VIRTIO_BLK_T_OUT, 200, REQ_LEN, 51);
	p[2] = post(t, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	p[3] = post(t, VIRTIO_BLK_T_GET_ID, 0, 20, 0);
	p[4] = post(t, VIRTIO_BLK_T_IN, IMG_SECTORS - 4, REQ_LEN, 0);
	p[5] = post(t, 77, 0, 0, 0);
	p[6] = post(t, VIRTIO_BLK_T_IN, 100, REQ_LEN, 0);
	memset(lens, 0xff, sizeof(lens));
	vdh_notify(&t->h, 0);
	CHECK_EQ(t->u, take_used(t, p, 7, lens), 7);
	for (i = 0; i < 4; i++)
		CHECK_EQ(t->u, status_of(t, &p[i]), VIRTIO_BLK_S_OK);
	CHECK_EQ(t->u, lens[3], 21);
	CHECK_EQ(t->u, status_of(t, &p[4]), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(t->u, lens[4], 1);
	CHECK_EQ(t->u, *(uint8_t *)vdh_ptr(&t->h, p[4].data), 0xee);
	CHECK_EQ(t->u, status_of(t, &p[5]), VIRTIO_BLK_S_UNSUPP);
	CHECK_EQ(t->u, status_of(t, &p[6]), VIRTIO_BLK_S_OK);
	CHECK(t->u, file_is_seed(t, 100, REQ_LEN, 50) && file_is_seed(t, 200, REQ_LEN, 51));
	t->h.heap = heap;
}

/*
 * The file shrinks under the device: reads past its new end come back
 * short from the host (EIO), in the middle of a batch whose other
 * requests succeed. Then the size is restored.
 */
static void test_eio(struct blk_rig *t)
{
	struct posted p[6];
	uint32_t lens[6];
	uint64_t heap = t->h.heap;
	unsigned int i;

	CHECK_EQ(t->u, ftruncate(t->fd, 1024 * 512), 0);
	for (i = 0; i < 6; i++)
		p[i] = post(t, i % 2 ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT,
			    i % 2 ? 1500 + i * 8 : i * 8, REQ_LEN, 60 + i);
	memset(lens, 0xff, sizeof(lens));
	vdh_notify(&t->h, 0);
	CHECK_EQ(t->u, take_used(t, p, 6, lens), 6);
	for (i = 0; i < 6; i++) {
		if (i % 2) {
			CHECK_EQ(t->u, status_of(t, &p[i]), VIRTIO_BLK_S_IOERR);
			CHECK_EQ(t->u, lens[i], 1);
		} else {
			CHECK_EQ(t->u, status_of(t, &p[i]), VIRTIO_BLK_S_OK);
			CHECK(t->u, file_is_seed(t, i * 8, REQ_LEN, 60 + i));
		}
	}
	CHECK_EQ(t->u, ftruncate(t->fd, IMG_SECTORS * 512), 0);
	t->h.heap = heap;
}

/*
 * A reset while the I/O thread serves a batch: it waits for the
 * thread, so on its return every request is either answered (status
 * and used entry, data in the file) or untouched, and nothing is
 * answered afterwards.
 */
static void test_reset(struct blk_rig *t)
{
	struct posted p[32];
	uint32_t lens[32];
	uint16_t idx_then, idx_later;
	unsigned int i, used, answered = 0, untouched = 0, data = 0;

	CHECK_EQ(t->u, virtio_dev_start(t->vd), 0);
	for (i = 0; i < 32; i++)
		p[i] = post(t, VIRTIO_BLK_T_OUT, 300 + i * 8, REQ_LEN, 90 + i);
	virtio_dev_queue_notify(t->vd, 0);
	usleep(100);
	virtio_dev_set_status(t->vd, 0);
	idx_then = le16toh(*(uint16_t *)vdh_ptr(&t->h, t->h.q[0].used + 2));
	memset(lens, 0xff, sizeof(lens));
	used = take_used(t, p, 32, lens);
	for (i = 0; i < 32; i++) {
		uint8_t st = status_of(t, &p[i]);

		if (lens[i] == 1 && st == VIRTIO_BLK_S_OK) {
			answered++;
			data += file_is_seed(t, 300 + i * 8, REQ_LEN, 90 + i);
		} else if (lens[i] == UINT32_MAX && st == 0xff) {
			untouched++;
		}
	}
	CHECK_EQ(t->u, answered + untouched, 32);
	CHECK_EQ(t->u, used, answered);
	CHECK_EQ(t->u, data, answered);
	usleep(20000);
	idx_later = le16toh(*(uint16_t *)vdh_ptr(&t->h, t->h.q[0].used + 2));
	CHECK_EQ(t->u, idx_later, idx_then);
	virtio_dev_stop(t->vd);
}

/*
 * A buffered image is on the mmap engine, a ,direct one on io_uring
 * (docs/virtio.md, "I/O engine"): both batch, and both go through the
 * same tests. A file system without O_DIRECT (tmpfs) skips the second.
 */
static int run_engine(struct unit *u, bool direct)
{
	struct blk_rig t;

	if (!blk_rig_setup(&t, u, IMG_SECTORS * 512, false, direct, QSIZE)) {
		int fd = direct ? open(t.path, O_RDONLY | O_DIRECT) : -1;

		unlink(t.path);
		if (direct && fd < 0 && errno == EINVAL) {
			printf("test-virtio-blk-batch: no O_DIRECT in /tmp: io_uring untested here\n");
			return 0;
		}
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "set-up failed\n");
		return 1;
	}
	printf("test-virtio-blk-batch: I/O engine %s\n", virtio_blk_engine(t.vd));
	CHECK(u, !strcmp(virtio_blk_engine(t.vd), direct ? "io_uring" : "mmap"));
	test_batch(&t);
	test_mixed(&t);
	test_eio(&t);
	test_reset(&t);
	blk_rig_teardown(&t);
	return 0;
}

int main(void)
{
	struct unit u = { 0 };

	if (run_engine(&u, false) || run_engine(&u, true))
		return 1;
	return unit_done(&u, "test-virtio-blk-batch");
}
