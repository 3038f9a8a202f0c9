// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's receive path read straight into the guest's buffers
 * (virtio_net_rx_read(), devices/virtio/net-rx.c), from a real
 * SOCK_SEQPACKET socket as lkvm-net-user's: a frame in one buffer, the
 * header as the driver must see it (num_buffers its own, not the
 * wire's); nothing to read gives the buffers back; a frame larger
 * than the buffers taken goes on into more of them, or waits when
 * there are none, in order with the next; an offload the driver did
 * not take is dropped, its buffers kept; no read at all when the
 * queue is busy, there are no buffers, or the header is 10 bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices/virtio/net.h"
#include "devices/virtio/virtio-core.h"
#include "lib/util.h"
#include "tests/unit.h"
#include "tests/virtio-dev-harness.h"
#include "tests/virtio-net-frames.h"

#define HLEN		VIRTIO_NET_HDR_LEN
#define QSIZE		64

struct rig {
	struct vdh h;
	struct net_backend be;
	struct virtio_dev *vd;
	int sk[2];		/* [0] the backend's end, [1] the test's */
	uint8_t buf[HLEN + VIRTIO_NET_FRAME_MAX];
	struct net_rx_reader r;
};

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

static const uint8_t mac[6] = { 0x02, 0x15, 0x15, 0x15, 0x15, 0x18 };

static ssize_t sk_readv(void *ctx, const struct iovec *iov, int cnt)
{
	struct rig *g = ctx;
	ssize_t n = readv(g->sk[0], iov, cnt);

	return n < 0 ? -errno : n;
}

static void rig_up(struct unit *u, struct rig *g, bool legacy, uint64_t features)
{
	g->be = (struct net_backend){ .ops = &fake_ops };
	if (vdh_init(&g->h, 4 << 20) || virtio_net_new(0, mac, &g->be, &g->vd) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, g->sk))
		exit(1);
	g->vd->legacy = legacy;
	CHECK(u, vdh_attach(&g->h, g->vd, features, 2, QSIZE) & VIRTIO_STATUS_DRIVER_OK);
	/* The driver's offloads told to the backend: the I/O thread's first serve. */
	virtio_dev_serve(g->vd);
	g->r = (struct net_rx_reader){ sk_readv, g, g->buf, sizeof(g->buf) };
}

static void rig_down(struct rig *g)
{
	virtio_dev_destroy(g->vd);
	vdh_free(&g->h);
	close(g->sk[0]);
	close(g->sk[1]);
}

/* A frame on the wire: its header (num_buffers left at junk), then len bytes. */
static void wire(struct rig *g, uint8_t gso_type, const uint8_t *frame, size_t len)
{
	static uint8_t msg[HLEN + 4000];

	memset(msg, 0, HLEN);
	msg[1] = gso_type;
	msg[10] = 0x5a;
	msg[11] = 0xa5;
	memcpy(msg + HLEN, frame, len);
	if (send(g->sk[1], msg, HLEN + len, 0) != (ssize_t)(HLEN + len))
		exit(1);
}

static uint64_t post(struct rig *g, uint32_t len)
{
	struct vdh_buf b = { vdh_alloc_marked(&g->h, len), len, true };

	vdh_post(&g->h, VIRTIO_NET_RXQ, &b, 1);
	return b.gpa;
}

static ssize_t rd(struct rig *g, bool *tried)
{
	ssize_t got = 12345;

	*tried = virtio_net_rx_read(g->vd, &g->r, &got);
	return got;
}

/* One frame, one buffer; then nothing to read: the buffer is kept. */
static void test_one(struct unit *u, struct rig *g)
{
	unsigned long irqs = atomic_load(&g->vd->irqs);
	uint8_t f[300];
	uint64_t a = post(g, 1600), b = post(g, 1600);
	uint16_t head;
	uint32_t len;
	bool tried;

	fill(f, sizeof(f), 1);
	wire(g, 0, f, sizeof(f));
	CHECK_EQ(u, rd(g, &tried), HLEN + sizeof(f));
	CHECK(u, tried);
	CHECK(u, vdh_used(&g->h, VIRTIO_NET_RXQ, &head, &len) && len == HLEN + sizeof(f));
	CHECK(u, rx_ok(&g->h, a, HLEN, 1, f, sizeof(f)));
	CHECK_EQ(u, atomic_load(&g->vd->irqs), irqs);	/* owed, not given */
	virtio_net_rx_signal(g->vd);
	CHECK_EQ(u, atomic_load(&g->vd->irqs), irqs + 1);

	CHECK_EQ(u, rd(g, &tried), -EAGAIN);
	CHECK(u, tried);
	fill(f, 60, 2);
	wire(g, 0, f, 60);
	CHECK_EQ(u, rd(g, &tried), HLEN + 60);
	CHECK(u, vdh_used(&g->h, VIRTIO_NET_RXQ, &head, &len) && len == HLEN + 60);
	CHECK(u, rx_ok(&g->h, b, HLEN, 1, f, 60));
}

/*
 * MRG_RXBUF: after a small frame one buffer is taken first; a 3000-byte
 * frame goes on into two more. With one buffer only it waits, and the
 * next frame goes after it once buffers come.
 */
static void test_merge(struct unit *u, struct rig *g)
{
	uint8_t f[3000], f2[100];
	uint64_t a[3], c;
	uint16_t head;
	uint32_t len[3];
	bool tried;
	int i;

	fill(f, sizeof(f), 3);
	for (i = 0; i < 3; i++)
		a[i] = post(g, 1024);
	wire(g, 0, f, sizeof(f));
	CHECK_EQ(u, rd(g, &tried), HLEN + sizeof(f));
	for (i = 0; i < 3; i++)
		CHECK(u, vdh_used(&g->h, VIRTIO_NET_RXQ, &head, &len[i]));
	CHECK(u, len[0] == 1024 && len[1] == 1024 && len[2] == HLEN + 3000 - 2048);
	CHECK(u, rx_ok(&g->h, a[0], HLEN, 3, f, 1024 - HLEN));
	CHECK(u, !memcmp(vdh_ptr(&g->h, a[1]), f + 1024 - HLEN, 1024));
	CHECK(u, !memcmp(vdh_ptr(&g->h, a[2]), f + 2048 - HLEN, 3000 + HLEN - 2048));

	/* One buffer for a 3000-byte frame: it waits; the next one too. */
	a[0] = post(g, 1024);
	fill(f, sizeof(f), 4);
	wire(g, 0, f, sizeof(f));
	CHECK_EQ(u, rd(g, &tried), HLEN + sizeof(f));
	CHECK(u, !vdh_used(&g->h, VIRTIO_NET_RXQ, &head, &len[0]));
	fill(f2, sizeof(f2), 5);
	wire(g, 0, f2, sizeof(f2));
	rd(g, &tried);
	CHECK(u, !tried);	/* a frame waits: the caller's put queues it after */
	a[1] = post(g, 1024);
	a[2] = post(g, 1024);
	c = post(g, 1024);
	vdh_notify(&g->h, VIRTIO_NET_RXQ);
	for (i = 0; i < 3; i++)
		CHECK(u, vdh_used(&g->h, VIRTIO_NET_RXQ, &head, &len[i]));
	CHECK(u, rx_ok(&g->h, a[0], HLEN, 3, f, 1024 - HLEN));
	CHECK(u, !memcmp(vdh_ptr(&g->h, a[2]), f + 2048 - HLEN, 3000 + HLEN - 2048));
	/* The queue is empty again: the second frame is read straight in. */
	CHECK_EQ(u, rd(g, &tried), HLEN + sizeof(f2));
	CHECK(u, tried && vdh_used(&g->h, VIRTIO_NET_RXQ, &head, &len[0]));
	CHECK(u, rx_ok(&g->h, c, HLEN, 1, f2, sizeof(f2)));
}

/* TSO the driver did not take: dropped, its buffer kept for the next. */
static void test_offload(struct unit *u, struct rig *g)
{
	struct virtio_net_stats s0, s;
	uint8_t f[200];
	uint64_t a = post(g, 1600);
	uint16_t head;
	uint32_t len;
	bool tried;

	virtio_net_get_stats(g->vd, &s0);
	fill(f, sizeof(f), 6);
	wire(g, VIRTIO_NET_HDR_GSO_TCPV4, f, sizeof(f));
	CHECK_EQ(u, rd(g, &tried), HLEN + sizeof(f));
	virtio_net_get_stats(g->vd, &s);
	CHECK_EQ(u, s.rx_dropped - s0.rx_dropped, 1);
	CHECK(u, !vdh_used(&g->h, VIRTIO_NET_RXQ, &head, &len));
	wire(g, 0, f, 50);
	CHECK_EQ(u, rd(g, &tried), HLEN + 50);
	CHECK(u, vdh_used(&g->h, VIRTIO_NET_RXQ, &head, &len) && len == HLEN + 50);
	CHECK(u, rx_ok(&g->h, a, HLEN, 1, f, 50));
}

/* No read: no buffers; the queue busy. */
static void test_no_read(struct unit *u, struct rig *g)
{
	uint8_t f[64] = { 0 };
	bool tried;

	wire(g, 0, f, sizeof(f));
	rd(g, &tried);
	CHECK(u, !tried);
	post(g, 1600);
	pthread_mutex_lock(&g->vd->io_lock);
	rd(g, &tried);
	CHECK(u, !tried);
	pthread_mutex_unlock(&g->vd->io_lock);
	CHECK_EQ(u, rd(g, &tried), HLEN + sizeof(f));
	CHECK(u, tried);
}

/* As host/net-fd.c does when the model does not read: a copy, put. */
static void read_put(struct rig *g)
{
	struct virtio_net_hdr h;
	ssize_t n = read(g->sk[0], g->buf, sizeof(g->buf));

	if (n <= HLEN)
		return;
	virtio_net_hdr_get(g->buf, &h);
	virtio_net_rx_put(g->vd, &h, g->buf + HLEN, n - HLEN);
}

/* The frames the used ring gives back, joined by num_buffers, checked. */
static unsigned int collect(struct unit *u, struct rig *g, const uint64_t *gpa,
			    const uint32_t *sizes, unsigned int seq)
{
	static uint8_t f[4000], want[4000];
	uint16_t head, nb = 0, k = 0;
	uint32_t len;
	size_t at = 0;

	while (vdh_used(&g->h, VIRTIO_NET_RXQ, &head, &len)) {
		const uint8_t *p = vdh_ptr(&g->h, gpa[head]);

		if (!k) {
			nb = p[10] | p[11] << 8;
			p += HLEN;
			len -= HLEN;
		}
		memcpy(f + at, p, MIN(len, sizeof(f) - at));
		at += len;
		if (++k < nb)
			continue;
		fill(want, sizes[seq], seq);
		CHECK(u, at == sizes[seq] && !memcmp(f, want, at));
		seq++;
		at = k = 0;
	}
	return seq;
}

/*
 * Frames of 1 to 3900 bytes, buffers of 1536 as Linux gives them,
 * posted a few at a time: each frame arrives whole and in order, none
 * dropped, whichever way it went (straight in, its tail through buf,
 * or waiting for buffers).
 */
static void test_sizes(struct unit *u, struct rig *g)
{
	struct virtio_net_stats s0, s;
	static uint8_t f[4000];
	uint32_t sizes[300];
	uint64_t gpa[QSIZE];
	unsigned int sent = 0, seen = 0, round, i;
	ssize_t got;

	virtio_net_get_stats(g->vd, &s0);
	srand(7);
	for (round = 0; round < 200 && seen < 300; round++) {
		while (sent < 300 && sent - seen < 6) {
			sizes[sent] = 1 + rand() % 3900;
			fill(f, sizes[sent], sent);
			wire(g, 0, f, sizes[sent]);
			sent++;
		}
		for (i = rand() % 4; i; i--) {
			struct vdh_buf b = { vdh_alloc(&g->h, 1536), 1536, true };

			gpa[vdh_post(&g->h, VIRTIO_NET_RXQ, &b, 1)] = b.gpa;
		}
		if (rand() % 3 == 0)
			vdh_notify(&g->h, VIRTIO_NET_RXQ);
		for (i = rand() % 3; i; i--)
			if (!virtio_net_rx_read(g->vd, &g->r, &got))
				read_put(g);
		seen = collect(u, g, gpa, sizes, seen);
	}
	/* Buffers enough for what waits, or is still on the wire. */
	for (i = 0; i < 24; i++) {
		struct vdh_buf b = { vdh_alloc(&g->h, 1536), 1536, true };

		gpa[vdh_post(&g->h, VIRTIO_NET_RXQ, &b, 1)] = b.gpa;
	}
	vdh_notify(&g->h, VIRTIO_NET_RXQ);
	for (i = 0; i < 8; i++)
		if (!virtio_net_rx_read(g->vd, &g->r, &got))
			read_put(g);
	seen = collect(u, g, gpa, sizes, seen);
	virtio_net_get_stats(g->vd, &s);
	CHECK_EQ(u, seen, sent);
	CHECK_EQ(u, s.rx_dropped - s0.rx_dropped, 0);
}

int main(void)
{
	struct unit u = { 0 };
	struct rig *g = calloc(1, sizeof(*g));
	bool tried;

	if (!g)
		return 1;
	rig_up(&u, g, false, 1ULL << VIRTIO_NET_F_MRG_RXBUF);
	test_one(&u, g);
	test_merge(&u, g);
	test_offload(&u, g);
	test_no_read(&u, g);
	rig_down(g);
	rig_up(&u, g, false, 1ULL << VIRTIO_NET_F_MRG_RXBUF | 1ULL << VIRTIO_F_EVENT_IDX);
	test_sizes(&u, g);
	rig_down(g);

	/* Legacy without MRG_RXBUF: a 10-byte header, never read straight in. */
	rig_up(&u, g, true, 0);
	post(g, 1600);
	rd(g, &tried);
	CHECK(&u, !tried);
	rig_down(g);
	free(g);
	return unit_done(&u, "test-virtio-net-read");
}
