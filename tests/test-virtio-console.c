// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console through the core: output to a host console that fills
 * up (held, nothing lost, in order), input through the ring (bounded,
 * the main loop woken when there is room again), resize, reset. The
 * last test runs the real I/O thread against a writer thread, for TSan.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/virtio/console.h"
#include "lib/util.h"
#include "tests/unit.h"
#include "tests/virtio-dev-harness.h"

#define RXQ	VIRTIO_CONSOLE_RXQ
#define TXQ	VIRTIO_CONSOLE_TXQ

/* The host console: takes bytes while it has room. */
struct sink {
	pthread_mutex_t lock;
	uint8_t out[16384];
	size_t len;
	size_t room;
	unsigned int wakes;	/* device_host_ops.wake */
};

static size_t sink_write(void *o, const uint8_t *buf, size_t len)
{
	struct sink *s = o;
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = MIN(len, s->room);
	n = MIN(n, sizeof(s->out) - s->len);
	memcpy(s->out + s->len, buf, n);
	s->len += n;
	s->room -= n;
	pthread_mutex_unlock(&s->lock);
	return n;
}

static void sink_wake(void *host)
{
	struct sink *s = host;

	pthread_mutex_lock(&s->lock);
	s->wakes++;
	pthread_mutex_unlock(&s->lock);
}

static const struct virtio_console_ops sink_ops = { .put = sink_write };
static const struct device_host_ops host_ops = { .wake = sink_wake };

struct t {
	struct unit *u;
	struct vdh h;
	struct sink s;
	struct virtio_console *con;
	struct virtio_dev *vd;
};

static bool setup(struct t *t, struct unit *u, uint16_t cols, uint16_t rows)
{
	struct virtio_console_cfg cfg = {
		.ops = &sink_ops, .opaque = &t->s, .cols = cols, .rows = rows,
	};

	memset(t, 0, sizeof(*t));
	t->u = u;
	pthread_mutex_init(&t->s.lock, NULL);
	t->s.room = ~(size_t)0;
	if (vdh_init(&t->h, 1 << 20) || virtio_console_new(&cfg, 0, &t->con, &t->vd))
		return false;
	t->vd->host_ops = &host_ops;
	t->vd->host = &t->s;
	return true;
}

static bool attach(struct t *t, uint16_t num)
{
	return vdh_attach(&t->h, t->vd, t->vd->host_features, 2, num) &
	       VIRTIO_STATUS_DRIVER_OK;
}

static void teardown(struct t *t)
{
	virtio_dev_destroy(t->vd);
	vdh_free(&t->h);
	pthread_mutex_destroy(&t->s.lock);
}

/* Guest output: one chain of one buffer holding str. */
static uint16_t tx(struct t *t, const char *str)
{
	struct vdh_buf b = { vdh_alloc(&t->h, strlen(str)), strlen(str), false };

	memcpy(vdh_ptr(&t->h, b.gpa), str, b.len);
	return vdh_post(&t->h, TXQ, &b, 1);
}

/* A receive buffer of len bytes; returns its address. */
static uint64_t rx_buf(struct t *t, uint32_t len)
{
	struct vdh_buf b = { vdh_alloc(&t->h, len), len, true };

	vdh_post(&t->h, RXQ, &b, 1);
	return b.gpa;
}

static bool out_is(struct t *t, const char *want)
{
	return t->s.len == strlen(want) && !memcmp(t->s.out, want, t->s.len);
}

static void test_config(struct t *t)
{
	struct unit *u = t->u;
	uint16_t v16 = 0;
	uint32_t v32 = 0;

	CHECK(u, t->vd->host_features & 1ULL << VIRTIO_CONSOLE_F_SIZE);
	CHECK(u, !(virtio_dev_features(t->vd) & 1ULL << VIRTIO_CONSOLE_F_MULTIPORT));
	virtio_dev_config_read(t->vd, 0, &v16, 2);
	CHECK_EQ(u, v16, 80);
	virtio_dev_config_read(t->vd, 2, &v16, 2);
	CHECK_EQ(u, v16, 25);
	virtio_dev_config_read(t->vd, 4, &v32, 4);
	CHECK_EQ(u, v32, 1);
	virtio_dev_config_read(t->vd, 6, &v32, 4);	/* past the end: zero */
	CHECK_EQ(u, v32, 0);
}

static void test_tx(struct t *t)
{
	struct unit *u = t->u;
	struct vdh_buf b[2];
	uint16_t head, got, second;
	uint32_t len;

	/* Two buffers, one chain: in order, and nothing written back. */
	b[0] = (struct vdh_buf){ vdh_alloc(&t->h, 6), 6, false };
	b[1] = (struct vdh_buf){ vdh_alloc(&t->h, 6), 6, false };
	memcpy(vdh_ptr(&t->h, b[0].gpa), "hello ", 6);
	memcpy(vdh_ptr(&t->h, b[1].gpa), "world\n", 6);
	head = vdh_post(&t->h, TXQ, b, 2);
	vdh_notify(&t->h, TXQ);
	CHECK(u, vdh_used(&t->h, TXQ, &got, &len) && got == head && len == 0);
	CHECK(u, out_is(t, "hello world\n"));

	/* A full host: the rest waits in the guest's buffer, the next behind it. */
	t->s.len = 0;
	t->s.room = 4;
	head = tx(t, "abcdefgh");
	second = tx(t, "ij");
	vdh_notify(&t->h, TXQ);
	CHECK(u, out_is(t, "abcd"));
	CHECK(u, !vdh_used(&t->h, TXQ, &got, &len));
	vdh_notify(&t->h, TXQ);			/* the guest pokes: still full */
	CHECK(u, out_is(t, "abcd"));
	t->s.room = 5;
	virtio_console_tx_ready(t->con);
	virtio_dev_serve(t->vd);
	CHECK(u, out_is(t, "abcdefghi"));
	CHECK(u, vdh_used(&t->h, TXQ, &got, &len) && got == head);
	CHECK(u, !vdh_used(&t->h, TXQ, &got, &len));
	t->s.room = 100;
	virtio_console_tx_ready(t->con);
	virtio_dev_serve(t->vd);
	CHECK(u, out_is(t, "abcdefghij"));
	CHECK(u, vdh_used(&t->h, TXQ, &got, &len) && got == second);
}

static void test_rx(struct t *t)
{
	struct unit *u = t->u;
	uint8_t in[2000];
	uint64_t g[4];
	uint16_t got;
	uint32_t len;
	size_t i, off;

	CHECK_EQ(u, virtio_console_rx_room(t->con), VIRTIO_CONSOLE_RX_RING);
	CHECK_EQ(u, virtio_console_rx_push(t->con, (const uint8_t *)"ls\n", 3), 3);
	virtio_dev_serve(t->vd);			/* no buffers yet: held */
	CHECK_EQ(u, virtio_console_rx_room(t->con), VIRTIO_CONSOLE_RX_RING - 3);
	g[0] = rx_buf(t, 2);
	vdh_notify(&t->h, RXQ);
	CHECK(u, vdh_used(&t->h, RXQ, &got, &len) && len == 2);
	CHECK(u, !memcmp(vdh_ptr(&t->h, g[0]), "ls", 2));
	g[0] = rx_buf(t, 8);
	vdh_notify(&t->h, RXQ);
	CHECK(u, vdh_used(&t->h, RXQ, &got, &len) && len == 1);
	CHECK_EQ(u, *(uint8_t *)vdh_ptr(&t->h, g[0]), '\n');

	/* More than the ring holds: the rest is refused, the main loop waits. */
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 13 + 1);
	CHECK_EQ(u, virtio_console_rx_push(t->con, in, sizeof(in)), VIRTIO_CONSOLE_RX_RING);
	CHECK_EQ(u, virtio_console_rx_room(t->con), 0);
	virtio_dev_serve(t->vd);
	CHECK_EQ(u, t->s.wakes, 0);
	for (i = 0; i < 4; i++)
		g[i] = rx_buf(t, 300);
	vdh_notify(&t->h, RXQ);
	for (i = 0, off = 0; i < 4; i++) {
		CHECK(u, vdh_used(&t->h, RXQ, &got, &len));
		CHECK_EQ(u, len, i < 3 ? 300 : VIRTIO_CONSOLE_RX_RING - 900);
		CHECK(u, !memcmp(vdh_ptr(&t->h, g[i]), in + off, len));
		off += len;
	}
	CHECK_EQ(u, t->s.wakes, 1);
	CHECK_EQ(u, virtio_console_rx_room(t->con), VIRTIO_CONSOLE_RX_RING);
}

static void test_resize_reset(struct t *t)
{
	struct unit *u = t->u;
	unsigned int irqs = t->h.irqs, wakes = t->s.wakes;
	uint16_t cols = 0, got;
	uint32_t len;

	virtio_console_set_size(t->con, 132, 43);
	virtio_dev_config_read(t->vd, 0, &cols, 2);
	CHECK_EQ(u, cols, 132);
	CHECK(u, t->h.irqs > irqs && atomic_load(&t->vd->isr) & VIRTIO_ISR_CONFIG);

	/* Output held at a reset belonged to the old driver: dropped. */
	t->s.len = 0;
	t->s.room = 0;
	tx(t, "xyz");
	vdh_notify(&t->h, TXQ);
	virtio_dev_set_status(t->vd, 0);
	CHECK_EQ(u, virtio_console_rx_room(t->con), 0);
	t->s.room = 100;
	CHECK(u, attach(t, 16));
	virtio_console_tx_ready(t->con);
	virtio_dev_serve(t->vd);
	CHECK(u, out_is(t, ""));
	tx(t, "ok");
	vdh_notify(&t->h, TXQ);
	CHECK(u, out_is(t, "ok") && vdh_used(&t->h, TXQ, &got, &len));
	/* The main loop, told there was no room while the driver was away. */
	CHECK_EQ(u, t->s.wakes, wakes + 1);
}

/* virtio_console_create() with the transport standing in. */
static void test_no_size_create(struct unit *u)
{
	struct sink s = { .room = 10 };
	struct virtio_console_cfg cfg = { .ops = &sink_ops, .opaque = &s };
	struct vdh_transport tr = { .fail = -ENODEV };
	struct device_ctx ctx = { .opaque = &tr };
	struct virtio_console *con = NULL;
	struct device *dev = NULL;

	CHECK_EQ(u, virtio_console_create(&ctx, &cfg, 0, VIRTIO_TRANSPORT_MMIO,
					  &con, &dev), -ENODEV);
	CHECK(u, !con);
	tr.fail = 0;
	CHECK_EQ(u, virtio_console_create(&ctx, &cfg, 1, VIRTIO_TRANSPORT_MMIO,
					  &con, &dev), 0);
	CHECK(u, con && dev == &tr.dev && tr.vd->nr_queues == 2);
	CHECK(u, tr.vd->device_id == VIRTIO_ID_CONSOLE);
	CHECK(u, !(tr.vd->host_features & 1ULL << VIRTIO_CONSOLE_F_SIZE));
	CHECK_EQ(u, virtio_console_rx_room(con), 0);	/* no driver yet */
	virtio_console_tx_ready(con);
	virtio_console_set_size(con, 10, 10);	/* not offered: no change */
	CHECK_EQ(u, tr.vd->config_gen, 0);
	dev->ops->destroy(dev);
	cfg.ops = NULL;
	CHECK_EQ(u, virtio_console_create(&ctx, &cfg, 2, VIRTIO_TRANSPORT_MMIO,
					  &con, &dev), -EINVAL);
	CHECK_EQ(u, virtio_console_create(&ctx, NULL, 2, VIRTIO_TRANSPORT_MMIO,
					  &con, &dev), -EINVAL);
}

/* ---- the I/O thread against a writer that drains slowly ---- */

#define LINES	200

struct writer {
	struct t *t;
	atomic_bool stop;
};

static void *writer_thread(void *arg)
{
	struct writer *w = arg;
	struct timespec ts = { 0, 200 * 1000 };

	while (!atomic_load(&w->stop)) {
		pthread_mutex_lock(&w->t->s.lock);
		w->t->s.room += 7;
		pthread_mutex_unlock(&w->t->s.lock);
		virtio_console_tx_ready(w->t->con);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static bool wait_used(struct t *t, unsigned int q, unsigned int n,
		      uint32_t *lens)
{
	struct timespec ts = { 0, 100 * 1000 };
	unsigned int got = 0, tries = 0;
	uint16_t head;

	while (got < n && tries++ < 100000) {
		if (vdh_used(&t->h, q, &head, &lens[got]))
			got++;
		else
			nanosleep(&ts, NULL);
	}
	return got == n;
}

static void test_threads(struct unit *u)
{
	char want[LINES * 16], line[16];
	struct writer w = { 0 };
	uint32_t lens[LINES];
	uint64_t g[8];
	pthread_t wt;
	size_t wlen = 0, i, pushed = 0, got = 0;
	uint8_t in[64];
	struct t t;

	CHECK(u, setup(&t, u, 0, 0));
	CHECK(u, attach(&t, 256));
	t.s.room = 0;
	w.t = &t;
	CHECK_EQ(u, virtio_dev_start(t.vd), 0);
	CHECK_EQ(u, pthread_create(&wt, NULL, writer_thread, &w), 0);
	for (i = 0; i < LINES; i++) {
		int n = snprintf(line, sizeof(line), "line %zu\n", i);

		memcpy(want + wlen, line, n);
		wlen += n;
		tx(&t, line);
		virtio_dev_queue_notify(t.vd, TXQ);
	}
	/* Input meanwhile, from this thread as from the main loop. */
	for (i = 0; i < 8; i++)
		g[i] = rx_buf(&t, 64);
	virtio_dev_queue_notify(t.vd, RXQ);
	memset(in, 'k', sizeof(in));
	while (pushed < 8 * 64) {
		size_t room = virtio_console_rx_room(t.con);

		room = MIN(room, MIN(sizeof(in), 8 * 64 - pushed));
		pushed += virtio_console_rx_push(t.con, in, room);
		usleep(100);
	}
	CHECK(u, wait_used(&t, RXQ, 8, lens));
	for (i = 0; i < 8; i++)
		got += lens[i];
	CHECK_EQ(u, got, 8 * 64);
	CHECK(u, !memcmp(vdh_ptr(&t.h, g[7]), in, 64));
	CHECK(u, wait_used(&t, TXQ, LINES, lens));
	atomic_store(&w.stop, true);
	pthread_join(wt, NULL);
	virtio_dev_stop(t.vd);
	CHECK(u, t.s.len == wlen && !memcmp(t.s.out, want, wlen));
	teardown(&t);
}

int main(void)
{
	struct unit u = { 0 };
	struct t t;

	if (!setup(&t, &u, 80, 25))
		return 1;
	/* Before the driver is there, input is not taken. */
	CHECK_EQ(&u, virtio_console_rx_room(t.con), 0);
	CHECK_EQ(&u, virtio_console_rx_push(t.con, (const uint8_t *)"x", 1), 0);
	CHECK(&u, attach(&t, 16));
	CHECK_EQ(&u, t.s.wakes, 1);	/* now there is room */
	t.s.wakes = 0;
	test_config(&t);
	test_tx(&t);
	test_rx(&t);
	test_resize_reset(&t);
	teardown(&t);
	test_no_size_create(&u);
	test_threads(&u);
	return unit_done(&u, "test-virtio-console");
}
