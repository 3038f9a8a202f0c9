// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio core's I/O thread (devices/virtio/virtio.c) against vCPU
 * threads that drive the virtio-mmio registers: requests served from
 * QueueNotify and from ioeventfd-style eventfd writes, kicks, stop and
 * restart, a reset while the model is busy (it waits for the batch;
 * InterruptStatus and InterruptACK do not), resets racing I/O, and a
 * thread that cannot enter its sandbox. Runs under ASan and TSan.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/virtio-linux.h"

#define WANT	(F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_EVENT_IDX) | \
		 F(VIRTIO_F_INDIRECT_DESC))

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits up to 5 s for cond; false on time-out. */
#define WAIT_FOR(cond) ({						\
	double _end = now() + 5;					\
	while (!(cond) && now() < _end)					\
		usleep(100);						\
	(bool)(cond);							\
})

static int dev_start(struct rig *r)
{
	return r->vm->dev.ops->start(&r->vm->dev);
}

static void dev_stop(struct rig *r)
{
	r->vm->dev.ops->stop(&r->vm->dev);
}

static void test_echo(struct unit *u, bool legacy)
{
	struct rig r;
	unsigned int i, bad = 0;
	uint64_t one = 1;
	int served;

	CHECK_EQ(u, rig_up(&r, legacy, false), 0);
	CHECK_EQ(u, dev_start(&r), 0);
	CHECK(u, WAIT_FOR(atomic_load(&r.h.entered) == 1));
	CHECK(u, !strcmp(r.h.role, "virtio"));
	CHECK_EQ(u, r.h.enter_id, 7);
	linux_up(u, &r, WANT);
	CHECK(u, WAIT_FOR(atomic_load(&r.t.kicks) == 1));	/* DRIVER_OK */

	/* Through QueueNotify's handler, one request at a time. */
	for (i = 0; i < 200; i++) {
		linux_send(&r, i & 1, "ping");
		if (!WAIT_FOR(vdrv_used_idx(&r.q[i & 1]) == r.q[i & 1].last_used + 1))
			bad++;
		check_echo(u, &r, i & 1, "ping");
		linux_irq(&r);
	}
	CHECK_EQ(u, bad, 0);
	CHECK(u, rig_irqs(&r) >= 1);

	/* As KVM's ioeventfd delivers it: the eventfd, no exit. */
	served = atomic_load(&r.t.served);
	linux_send(&r, 0, "x");		/* through the handler once more */
	vdrv_publish(&r.q[0], 0);
	CHECK(u, write(r.t.vd.queue_fd[0], &one, 8) == 8);
	CHECK(u, WAIT_FOR(atomic_load(&r.t.served) == served + 2));

	virtio_dev_kick(&r.t.vd);
	CHECK(u, WAIT_FOR(atomic_load(&r.t.kicks) == 2));

	/* Stopped, nothing is served; started again, all of it is. */
	dev_stop(&r);
	dev_stop(&r);
	served = atomic_load(&r.t.served);
	linux_send(&r, 1, "late");
	usleep(20000);
	CHECK_EQ(u, atomic_load(&r.t.served), served);
	CHECK_EQ(u, dev_start(&r), 0);
	CHECK(u, WAIT_FOR(atomic_load(&r.t.served) == served + 1));
	rig_down(&r);
}

struct busy_reader {
	struct rig *r;
	atomic_bool done;
};

/* Another vCPU's interrupt handler, while the model is busy. */
static void *isr_reader(void *arg)
{
	struct busy_reader *b = arg;
	uint64_t data;
	int i;

	for (i = 0; i < 1000; i++) {
		linux_irq(b->r);
		mmio_raw(b->r->vm, R_CONFIG + 2, 2, false, &data);
		mmio_rd(b->r->vm, R_STATUS);
	}
	atomic_store(&b->done, true);
	return NULL;
}

static void *resetter(void *arg)
{
	struct busy_reader *b = arg;

	mmio_wr(b->r->vm, R_STATUS, 0);
	atomic_store(&b->done, true);
	return NULL;
}

static void test_reset_busy(struct unit *u)
{
	struct busy_reader isr = { 0 }, rst = { 0 };
	pthread_t t1, t2;
	struct rig r;

	CHECK_EQ(u, rig_up(&r, false, true), 0);
	CHECK_EQ(u, dev_start(&r), 0);
	linux_up(u, &r, WANT);
	toy_hold(&r.t, true);
	linux_send(&r, 0, "busy");
	CHECK(u, toy_wait_in_notify(&r.t));

	/* InterruptStatus, InterruptACK, config and status: no waiting. */
	isr.r = rst.r = &r;
	CHECK_EQ(u, pthread_create(&t1, NULL, isr_reader, &isr), 0);
	CHECK(u, WAIT_FOR(atomic_load(&isr.done)));
	/* A reset waits for the batch in progress. */
	CHECK_EQ(u, pthread_create(&t2, NULL, resetter, &rst), 0);
	usleep(50000);
	CHECK(u, !atomic_load(&rst.done));
	CHECK_EQ(u, atomic_load(&r.t.resets), 1);	/* the probe's */
	toy_hold(&r.t, false);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	CHECK(u, atomic_load(&rst.done));
	CHECK_EQ(u, atomic_load(&r.t.resets), 2);
	pthread_mutex_lock(&r.t.lock);
	CHECK(u, r.t.reset_seq > r.t.notify_done_seq);
	pthread_mutex_unlock(&r.t.lock);
	CHECK_EQ(u, mmio_rd(r.vm, R_STATUS), 0);
	CHECK(u, !r.t.vd.vqs[0].ready && !r.t.vd.vqs[0].desc);

	/* And it comes back. */
	linux_up(u, &r, WANT);
	linux_send(&r, 0, "back");
	CHECK(u, WAIT_FOR(vdrv_used_idx(&r.q[0]) == 1));
	check_echo(u, &r, 0, "back");
	rig_down(&r);
}

/*
 * A driver that resets the device while its requests are in flight,
 * over and over, with another vCPU taking interrupts meanwhile. Each
 * round's requests use their own descriptors and buffers, as a driver
 * never rewrites what it has made available.
 */
static void test_reset_storm(struct unit *u)
{
	struct busy_reader isr = { 0 };
	unsigned int round, i;
	pthread_t t;
	struct rig r;

	CHECK_EQ(u, rig_up(&r, false, false), 0);
	CHECK_EQ(u, dev_start(&r), 0);
	isr.r = &r;
	CHECK_EQ(u, pthread_create(&t, NULL, isr_reader, &isr), 0);
	for (round = 0; round < 100; round++) {
		struct vdrv *d = &r.q[0];

		linux_up(u, &r, WANT);
		for (i = 0; i < 8; i++) {
			uint64_t buf = QBUF(0) + 0x80 * i;

			vdrv_desc(d, 2 * i, buf, 16, VIRTQ_DESC_F_NEXT, 2 * i + 1);
			vdrv_desc(d, 2 * i + 1, buf + 0x40, 16, VIRTQ_DESC_F_WRITE, 0);
			vdrv_publish(d, 2 * i);
			mmio_wr(r.vm, R_QUEUE_NOTIFY, 0);
		}
		if (round & 1)
			usleep(100);
		mmio_wr(r.vm, R_STATUS, 0);
		CHECK(u, !r.t.vd.vqs[0].desc);
	}
	pthread_join(t, NULL);
	CHECK_EQ(u, atomic_load(&r.t.errors), 0);
	CHECK_EQ(u, atomic_load(&r.h.failed), 0);
	rig_down(&r);
}

static void test_enter_fails(struct unit *u)
{
	struct rig r;

	CHECK_EQ(u, rig_up(&r, false, false), 0);
	r.h.enter_ret = -EPERM;
	CHECK_EQ(u, dev_start(&r), 0);
	CHECK(u, WAIT_FOR(atomic_load(&r.h.entered) == 1));
	linux_up(u, &r, WANT);
	linux_send(&r, 0, "never");
	usleep(20000);
	CHECK_EQ(u, atomic_load(&r.t.served), 0);
	dev_stop(&r);
	rig_down(&r);
}

int main(void)
{
	struct unit u = { 0 };

	test_echo(&u, false);
	test_echo(&u, true);
	test_reset_busy(&u);
	test_reset_storm(&u);
	test_enter_fails(&u);
	return unit_done(&u, "virtio-threads");
}
