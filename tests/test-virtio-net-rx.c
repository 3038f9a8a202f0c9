// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's receive path (devices/virtio/net-rx.c) through the core:
 * frames in one buffer or merged ones, waiting for buffers, the bound
 * on frames waiting, the legacy 10-byte header; a frame goes straight into the driver's buffers when the receive
 * queue is free and no frame waits, without the I/O thread; it waits
 * when there are no buffers or the queue is busy; either way frames
 * reach the guest in the order they came. The interrupt comes once for
 * a run of frames; a reset drops what waits; and a backend thread keeps
 * delivering while the driver takes buffers and resets the card.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/net.h"
#include "devices/virtio/virtio-core.h"
#include "tests/unit.h"
#include "tests/virtio-dev-harness.h"
#include "tests/virtio-net-frames.h"

#define HLEN		VIRTIO_NET_HDR_LEN
#define QSIZE		64
#define BUF_LEN		2048

static int fake_send(struct net_backend *be, const struct virtio_net_hdr *h,
		     const struct iovec *frame, unsigned int nr, size_t len)
{
	return 0;
}

static void fake_destroy(struct net_backend *be)
{
}

static const struct net_backend_ops fake_ops = {
	.send = fake_send,
	.destroy = fake_destroy,
};

static const uint8_t mac[6] = { 0x02, 0x15, 0x15, 0x15, 0x15, 0x17 };

/* A frame whose bytes all say which one it is. */
static void frame_make(uint8_t *p, size_t len, uint32_t seq)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seq * 13 + i);
	memcpy(p, &seq, sizeof(seq));
}

static bool frame_is(const uint8_t *p, size_t len, uint32_t seq)
{
	uint8_t want[BUF_LEN];

	frame_make(want, len, seq);
	return !memcmp(p, want, len);
}

/* Is the I/O thread's kick pending? (Looked at, not taken.) */
static bool kicked(struct virtio_dev *vd)
{
	struct pollfd p = { .fd = vd->kick_fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static struct virtio_dev *setup_as(struct unit *u, struct vdh *h, struct net_backend *be,
				   bool legacy, uint64_t features)
{
	struct virtio_dev *vd;

	*be = (struct net_backend){ .ops = &fake_ops };
	if (vdh_init(h, 4 << 20) || virtio_net_new(0, mac, be, &vd))
		exit(1);
	vd->legacy = legacy;
	CHECK(u, vdh_attach(h, vd, features, 2, QSIZE) & VIRTIO_STATUS_DRIVER_OK);
	virtio_eventfd_drain(vd->kick_fd);
	return vd;
}

/* Modern, with mergeable buffers, as Linux drives it. */
static struct virtio_dev *setup(struct unit *u, struct vdh *h, struct net_backend *be)
{
	return setup_as(u, h, be, false, 1ULL << VIRTIO_NET_F_MRG_RXBUF);
}

static void test_rx_one(struct unit *u, struct vdh *h, size_t hlen)
{
	struct vdh_buf b;
	uint8_t frame[1514];
	uint16_t head, got;
	uint32_t len;

	/* No buffer yet: the frame waits. */
	fill(frame, sizeof(frame), 3);
	virtio_net_receive(h->vd, NULL, frame, sizeof(frame));
	virtio_dev_serve(h->vd);
	CHECK(u, !vdh_used(h, VIRTIO_NET_RXQ, &got, &len));
	b = (struct vdh_buf){ vdh_alloc_marked(h, 1600), 1600, true };
	head = vdh_post(h, VIRTIO_NET_RXQ, &b, 1);
	vdh_notify(h, VIRTIO_NET_RXQ);
	CHECK(u, vdh_used(h, VIRTIO_NET_RXQ, &got, &len) && got == head);
	CHECK_EQ(u, len, hlen + sizeof(frame));
	CHECK(u, rx_ok(h, b.gpa, hlen, 1, frame, sizeof(frame)));

	/* A buffer there first: the frame goes in at once. */
	b = (struct vdh_buf){ vdh_alloc_marked(h, 1600), 1600, true };
	vdh_post(h, VIRTIO_NET_RXQ, &b, 1);
	vdh_notify(h, VIRTIO_NET_RXQ);
	virtio_net_receive(h->vd, NULL, frame, 60);
	virtio_dev_serve(h->vd);
	CHECK(u, vdh_used(h, VIRTIO_NET_RXQ, &got, &len) && len == hlen + 60);
	CHECK(u, rx_ok(h, b.gpa, hlen, 1, frame, 60));
}

/* Without MRG_RXBUF a frame larger than the buffer is dropped, the buffer kept. */
static void test_rx_small(struct unit *u, struct vdh *h, size_t hlen)
{
	struct vdh_buf b = { vdh_alloc_marked(h, 200), 200, true };
	uint8_t frame[1000];
	struct virtio_net_stats s0, s;
	uint16_t got;
	uint32_t len;

	fill(frame, sizeof(frame), 5);
	virtio_net_get_stats(h->vd, &s0);
	vdh_post(h, VIRTIO_NET_RXQ, &b, 1);
	vdh_notify(h, VIRTIO_NET_RXQ);
	virtio_net_receive(h->vd, NULL, frame, sizeof(frame));
	virtio_net_receive(h->vd, NULL, frame, 100);
	virtio_dev_serve(h->vd);
	CHECK(u, vdh_used(h, VIRTIO_NET_RXQ, &got, &len) && len == hlen + 100);
	CHECK(u, rx_ok(h, b.gpa, hlen, 1, frame, 100));
	CHECK(u, !vdh_used(h, VIRTIO_NET_RXQ, &got, &len));
	virtio_net_get_stats(h->vd, &s);
	CHECK_EQ(u, s.rx_dropped, s0.rx_dropped + 1);
}

/* MRG_RXBUF: one frame over three buffers; too few buffers make it wait. */
static void test_rx_merge(struct unit *u, struct vdh *h)
{
	struct vdh_buf b[3];
	uint8_t frame[3000], *p;
	uint16_t got;
	uint32_t len[3];
	int i;

	fill(frame, sizeof(frame), 9);
	for (i = 0; i < 3; i++)
		b[i] = (struct vdh_buf){ vdh_alloc_marked(h, 1024), 1024, true };
	vdh_post(h, VIRTIO_NET_RXQ, &b[0], 1);
	vdh_notify(h, VIRTIO_NET_RXQ);
	virtio_net_receive(h->vd, NULL, frame, sizeof(frame));
	virtio_dev_serve(h->vd);
	CHECK(u, !vdh_used(h, VIRTIO_NET_RXQ, &got, &len[0]));
	vdh_post(h, VIRTIO_NET_RXQ, &b[1], 1);
	vdh_post(h, VIRTIO_NET_RXQ, &b[2], 1);
	vdh_notify(h, VIRTIO_NET_RXQ);
	for (i = 0; i < 3; i++)
		CHECK(u, vdh_used(h, VIRTIO_NET_RXQ, &got, &len[i]));
	CHECK(u, len[0] == 1024 && len[1] == 1024 && len[2] == 3012 - 2048);
	CHECK(u, rx_ok(h, b[0].gpa, VIRTIO_NET_HDR_LEN, 3, frame, 1012));
	p = vdh_ptr(h, b[1].gpa);
	CHECK(u, !memcmp(p, frame + 1012, 1024));
	p = vdh_ptr(h, b[2].gpa);
	CHECK(u, !memcmp(p, frame + 2036, 3000 - 2036));
}

/* Frames beyond the bound are dropped, not held; a reset drops the rest. */
static void test_rx_bound(struct unit *u, struct vdh *h)
{
	struct virtio_net_stats s0, s;
	uint8_t frame[64] = { 0 };
	int i;

	virtio_net_get_stats(h->vd, &s0);
	for (i = 0; i < VIRTIO_NET_RX_PENDING_MAX + 10; i++)
		virtio_net_receive(h->vd, NULL, frame, sizeof(frame));
	virtio_net_receive(h->vd, NULL, frame, VIRTIO_NET_FRAME_MAX + 1);
	virtio_net_get_stats(h->vd, &s);
	CHECK_EQ(u, s.rx_dropped - s0.rx_dropped, 11);
	virtio_dev_set_status(h->vd, 0);	/* reset: ASan sees them freed */
}

/* A receive chain outside RAM: the device asks for a reset. */
static void test_rx_broken(struct unit *u, struct vdh *h)
{
	struct vdh_buf b = { VDH_RAM_BASE - 4096, 64, true };
	uint8_t frame[60] = { 0 };

	vdh_post(h, VIRTIO_NET_RXQ, &b, 1);
	vdh_notify(h, VIRTIO_NET_RXQ);
	virtio_net_receive(h->vd, NULL, frame, sizeof(frame));
	virtio_dev_serve(h->vd);
	CHECK(u, virtio_dev_status(h->vd) & VIRTIO_STATUS_NEEDS_RESET);
}


static uint64_t post(struct vdh *h)
{
	struct vdh_buf b = { vdh_alloc(h, BUF_LEN), BUF_LEN, true };

	vdh_post(h, VIRTIO_NET_RXQ, &b, 1);
	return b.gpa;
}

/* The next used buffer holds frame seq of len bytes, one buffer's worth. */
static bool got(struct vdh *h, uint64_t gpa, uint32_t seq, size_t len)
{
	uint16_t head;
	uint32_t ulen;
	const uint8_t *p = vdh_ptr(h, gpa);

	return vdh_used(h, VIRTIO_NET_RXQ, &head, &ulen) && ulen == HLEN + len &&
	       p[10] == 1 && frame_is(p + HLEN, len, seq);
}

/* Buffers there, the queue free: in at once, the interrupt when asked for. */
static void test_direct(struct unit *u, struct vdh *h, struct virtio_dev *vd)
{
	uint8_t f[300];
	uint64_t gpa = post(h), gpa2 = post(h);
	unsigned long irqs = atomic_load(&vd->irqs);
	uint16_t head;
	uint32_t len;

	frame_make(f, sizeof(f), 1);
	virtio_net_rx_put(vd, NULL, f, sizeof(f));
	CHECK(u, got(h, gpa, 1, sizeof(f)));
	frame_make(f, 100, 2);
	virtio_net_rx_put(vd, NULL, f, 100);
	CHECK(u, got(h, gpa2, 2, 100));
	/* No thread was woken; one interrupt for the run, when it ends. */
	CHECK(u, !kicked(vd));
	CHECK_EQ(u, atomic_load(&vd->irqs), irqs);
	virtio_net_rx_signal(vd);
	CHECK_EQ(u, atomic_load(&vd->irqs), irqs + 1);
	virtio_net_rx_signal(vd);
	CHECK_EQ(u, atomic_load(&vd->irqs), irqs + 1);
	CHECK(u, !vdh_used(h, VIRTIO_NET_RXQ, &head, &len));
}

/* No buffers: frames wait; the next one with buffers goes after them. */
static void test_order(struct unit *u, struct vdh *h, struct virtio_dev *vd)
{
	struct virtio_net_stats s0, s;
	uint8_t f[200];
	uint64_t gpa[3];
	int i;

	virtio_net_get_stats(vd, &s0);
	for (i = 0; i < 2; i++) {
		frame_make(f, sizeof(f), 10 + i);
		virtio_net_rx_put(vd, NULL, f, sizeof(f));
	}
	/* Owning the queue, lkvm saw no buffers: the driver's notify brings them. */
	CHECK(u, !kicked(vd));
	for (i = 0; i < 3; i++)
		gpa[i] = post(h);
	frame_make(f, sizeof(f), 12);
	virtio_net_receive(vd, NULL, f, sizeof(f));
	for (i = 0; i < 3; i++)
		CHECK(u, got(h, gpa[i], 10 + i, sizeof(f)));
	virtio_net_get_stats(vd, &s);
	CHECK_EQ(u, s.rx_frames - s0.rx_frames, 3);
	CHECK_EQ(u, s.rx_dropped, s0.rx_dropped);
}

/* The I/O thread has the queue: the frame waits for it, kicked. */
static void test_busy(struct unit *u, struct vdh *h, struct virtio_dev *vd)
{
	uint8_t f[64];
	uint64_t gpa[2];
	unsigned long irqs;

	gpa[0] = post(h);
	gpa[1] = post(h);
	pthread_mutex_lock(&vd->io_lock);
	frame_make(f, sizeof(f), 20);
	virtio_net_rx_put(vd, NULL, f, sizeof(f));
	pthread_mutex_unlock(&vd->io_lock);
	CHECK(u, kicked(vd));
	/* The next frame, the queue free again, goes after the waiting one. */
	frame_make(f, sizeof(f), 21);
	virtio_net_rx_put(vd, NULL, f, sizeof(f));
	CHECK(u, got(h, gpa[0], 20, sizeof(f)));
	CHECK(u, got(h, gpa[1], 21, sizeof(f)));
	/* The interrupt owed while the queue is busy: the kicked thread's. */
	irqs = atomic_load(&vd->irqs);
	pthread_mutex_lock(&vd->io_lock);
	virtio_net_rx_signal(vd);
	pthread_mutex_unlock(&vd->io_lock);
	CHECK_EQ(u, atomic_load(&vd->irqs), irqs);
	virtio_dev_serve(vd);
	CHECK_EQ(u, atomic_load(&vd->irqs), irqs + 1);
	CHECK(u, !kicked(vd));
}

/*
 * Within a snapshot's bracket (devices/virtio/virtio.h) a frame from
 * the backend neither reaches guest RAM nor raises the line: the state
 * read then is RAM's. After the bracket the kicked thread delivers it.
 */
static void test_snapshot_hold(struct unit *u, struct vdh *h, struct virtio_dev *vd)
{
	uint8_t f[64];
	uint64_t gpa = post(h);
	unsigned long irqs = atomic_load(&vd->irqs);

	virtio_dev_snapshot_begin(vd);
	CHECK(u, vd->snap_held);
	virtio_dev_quiesce(vd);		/* a transport's save: no second lock */
	virtio_dev_resume(vd);
	frame_make(f, sizeof(f), 30);
	virtio_net_receive(vd, NULL, f, sizeof(f));
	CHECK(u, !got(h, gpa, 30, sizeof(f)));
	CHECK_EQ(u, atomic_load(&vd->irqs), irqs);
	virtio_dev_snapshot_done(vd, true);
	CHECK(u, !vd->snap_held);
	CHECK_EQ(u, pthread_mutex_trylock(&vd->io_lock), 0);
	pthread_mutex_unlock(&vd->io_lock);
	virtio_dev_serve(vd);
	CHECK(u, got(h, gpa, 30, sizeof(f)));
	CHECK_EQ(u, atomic_load(&vd->irqs), irqs + 1);
	virtio_dev_snapshot_done(vd, true);	/* not held: nothing to let go */
	CHECK_EQ(u, pthread_mutex_trylock(&vd->io_lock), 0);
	pthread_mutex_unlock(&vd->io_lock);
}

/* A reset drops what waits; until DRIVER_OK again, frames wait for the thread. */
static void test_reset(struct unit *u, struct vdh *h, struct virtio_dev *vd)
{
	uint8_t f[64];
	uint64_t gpa;
	int i;

	for (i = 0; i < 5; i++) {
		frame_make(f, sizeof(f), 30 + i);
		virtio_net_rx_put(vd, NULL, f, sizeof(f));
	}
	virtio_dev_set_status(vd, 0);
	frame_make(f, sizeof(f), 40);
	virtio_net_rx_put(vd, NULL, f, sizeof(f));
	CHECK(u, kicked(vd));
	virtio_dev_set_status(vd, 0);	/* that one too */
	CHECK(u, vdh_attach(h, vd, 1ULL << VIRTIO_NET_F_MRG_RXBUF, 2, QSIZE) &
	      VIRTIO_STATUS_DRIVER_OK);
	gpa = post(h);
	frame_make(f, sizeof(f), 41);
	virtio_net_receive(vd, NULL, f, sizeof(f));
	CHECK(u, got(h, gpa, 41, sizeof(f)));
}

/*
 * A backend thread puts numbered frames in while this thread, as the
 * driver and the I/O thread, gives buffers, serves the kicks and takes
 * what was used, and once resets the card in the middle: whatever
 * arrives is whole and in order, before and after the reset.
 */
#define RUN_FRAMES	20000

struct runner {
	struct virtio_dev *vd;
	atomic_bool done;
};

static void *run_backend(void *arg)
{
	struct runner *r = arg;
	uint8_t f[BUF_LEN - HLEN];
	uint32_t seq;

	for (seq = 1; seq <= RUN_FRAMES; seq++) {
		size_t len = 60 + seq % (sizeof(f) - 60);

		frame_make(f, len, seq);
		virtio_net_rx_put(r->vd, NULL, f, len);
		if (!(seq % 16))
			virtio_net_rx_signal(r->vd);
	}
	virtio_net_rx_signal(r->vd);
	atomic_store(&r->done, true);
	return NULL;
}

struct run_state {
	uint64_t gpa[QSIZE];	/* each descriptor's buffer */
	unsigned int out;	/* buffers given, not yet used */
	uint32_t last;		/* the last frame's number */
	unsigned int seen, bad;
};

/* Buffers given up to the queue's size, one kick served, the used ones read. */
static void run_round(struct vdh *h, struct run_state *st)
{
	uint16_t head;
	uint32_t len, seq;
	const uint8_t *p;

	while (st->out < QSIZE) {
		struct vdh_buf b = { st->gpa[h->q[0].next_desc], BUF_LEN, true };

		vdh_post(h, VIRTIO_NET_RXQ, &b, 1);
		st->out++;
	}
	vdh_notify(h, VIRTIO_NET_RXQ);
	while (vdh_used(h, VIRTIO_NET_RXQ, &head, &len)) {
		p = vdh_ptr(h, st->gpa[head % QSIZE]);
		memcpy(&seq, p + HLEN, sizeof(seq));
		if (len < HLEN + 60 || seq <= st->last ||
		    !frame_is(p + HLEN, len - HLEN, seq))
			st->bad++;
		st->last = seq;
		st->seen++;
		st->out--;
	}
}

static void run_attach(struct unit *u, struct vdh *h, struct run_state *st)
{
	unsigned int i;

	CHECK(u, vdh_attach(h, h->vd, 1ULL << VIRTIO_NET_F_MRG_RXBUF, 2, QSIZE) &
	      VIRTIO_STATUS_DRIVER_OK);
	for (i = 0; i < QSIZE; i++)
		st->gpa[i] = vdh_alloc(h, BUF_LEN);
	st->out = 0;
}

static void test_thread(struct unit *u)
{
	struct run_state st = { 0 };
	struct net_backend be;
	struct runner r = { 0 };
	unsigned int before = 0, i;
	uint8_t f[100];
	struct vdh h;
	pthread_t t;

	r.vd = setup(u, &h, &be);
	virtio_dev_set_status(r.vd, 0);
	run_attach(u, &h, &st);
	CHECK_EQ(u, pthread_create(&t, NULL, run_backend, &r), 0);
	while (!atomic_load(&r.done)) {
		run_round(&h, &st);
		if (!before && st.seen > 200) {
			before = st.seen;
			virtio_dev_set_status(r.vd, 0);
			run_attach(u, &h, &st);
		}
	}
	pthread_join(t, NULL);
	for (i = 0; i < 4 * VIRTIO_NET_RX_PENDING_MAX / QSIZE; i++)
		run_round(&h, &st);
	/* All that waited is in: one more goes last. */
	frame_make(f, 100, RUN_FRAMES + 1);
	virtio_net_receive(r.vd, NULL, f, 100);
	run_round(&h, &st);
	CHECK_EQ(u, st.bad, 0);
	CHECK(u, before > 0 && st.seen > before);
	CHECK_EQ(u, st.last, RUN_FRAMES + 1);
	virtio_dev_destroy(r.vd);
	vdh_free(&h);
}

int main(void)
{
	struct unit u = { 0 };
	struct net_backend be;
	struct virtio_dev *vd;
	struct vdh h;

	vd = setup(&u, &h, &be);
	test_rx_one(&u, &h, VIRTIO_NET_HDR_LEN);
	test_rx_merge(&u, &h);
	test_rx_bound(&u, &h);
	virtio_dev_destroy(vd);
	vdh_free(&h);

	/* Modern without them: 12-byte header, one buffer a frame. */
	vd = setup_as(&u, &h, &be, false, 1ULL << VIRTIO_F_EVENT_IDX);
	test_rx_one(&u, &h, VIRTIO_NET_HDR_LEN);
	test_rx_small(&u, &h, VIRTIO_NET_HDR_LEN);
	test_rx_broken(&u, &h);
	virtio_dev_destroy(vd);
	vdh_free(&h);

	/* Legacy without MRG_RXBUF: the 10-byte header. */
	vd = setup_as(&u, &h, &be, true, 0);
	test_rx_one(&u, &h, VIRTIO_NET_HDR_LEN_LEGACY);
	test_rx_small(&u, &h, VIRTIO_NET_HDR_LEN_LEGACY);
	virtio_dev_destroy(vd);
	vdh_free(&h);

	vd = setup(&u, &h, &be);
	test_direct(&u, &h, vd);
	test_order(&u, &h, vd);
	test_busy(&u, &h, vd);
	test_snapshot_hold(&u, &h, vd);
	test_reset(&u, &h, vd);
	virtio_dev_destroy(vd);
	vdh_free(&h);
	test_thread(&u);
	return unit_done(&u, "test-virtio-net-rx");
}
