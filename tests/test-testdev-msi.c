// SPDX-License-Identifier: GPL-2.0
/*
 * The test device's MSI registers: the message kept as written, sent by
 * the device's thread (never the writer's) through ops->msi, refused at
 * once without an MSI frame, a frame's refusal reported, delays, the
 * shared queue's limit, and stop dropping what is queued. Linked into
 * test-testdev (main there calls testdev_msi_tests()).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "devices/testdev.h"
#include "lib/util.h"
#include "tests/unit.h"

void testdev_msi_tests(struct unit *u);

#define MAX_MSIS	64
#define WAIT_MS		3000

struct msi {
	uint32_t devid;
	uint64_t addr;
	uint32_t data;
	pthread_t thread;
	uint64_t t_ns;
};

/* The VM's side: what the frame got, and what it answers. */
struct frame {
	pthread_mutex_t lock;
	struct msi got[MAX_MSIS];
	unsigned int nr;
	int answer;		/* ops->msi's return value */
	bool present;		/* ops->msi_present */
};

static void f_exit(void *o, int status)
{
	(void)o;
	(void)status;
}

static int f_msi(void *o, uint32_t devid, uint64_t addr, uint32_t data)
{
	struct frame *f = o;
	int ret;

	pthread_mutex_lock(&f->lock);
	if (f->nr < MAX_MSIS)
		f->got[f->nr++] = (struct msi) {
			devid, addr, data, pthread_self(), clock_now_ns(),
		};
	ret = f->answer;
	pthread_mutex_unlock(&f->lock);
	return ret;
}

static bool f_present(void *o)
{
	struct frame *f = o;
	bool p;

	pthread_mutex_lock(&f->lock);
	p = f->present;
	pthread_mutex_unlock(&f->lock);
	return p;
}

static void f_set(struct frame *f, int answer, bool present)
{
	pthread_mutex_lock(&f->lock);
	f->answer = answer;
	f->present = present;
	pthread_mutex_unlock(&f->lock);
}

static const struct testdev_ops msi_ops = {
	.exit = f_exit, .msi = f_msi, .msi_present = f_present,
};
static const struct testdev_ops no_msi_ops = { .exit = f_exit };

static int f_line(void *chip, unsigned int spi, bool level)
{
	(void)chip;
	(void)spi;
	(void)level;
	return 0;
}

static const struct irq_line_ops f_line_ops = { .set = f_line };

static void setup(struct testdev *d, struct frame *f,
		  const struct testdev_ops *ops)
{
	struct irq_line line = {
		.ops = &f_line_ops, .chip = NULL, .spi = 1, .irqfd = -1,
	};

	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->answer = 0;
	f->present = true;
	testdev_init(d, 0x1080000, &line, 1, ops, f);
}

static void teardown(struct testdev *d, struct frame *f)
{
	testdev_destroy(d);
	pthread_mutex_destroy(&f->lock);
}

static uint32_t rd(struct testdev *d, uint64_t off)
{
	struct mmio_access a = { .offset = off, .len = 4 };

	d->region.handler(&d->region, &a);
	return (uint32_t)a.data;
}

static void wr(struct testdev *d, uint64_t off, uint32_t v)
{
	struct mmio_access a = { .offset = off, .len = 4, .is_write = true,
				 .data = v };

	d->region.handler(&d->region, &a);
}

static void msg(struct testdev *d, uint64_t addr, uint32_t data, uint32_t devid)
{
	wr(d, TESTDEV_MSI_ADDR_LO, (uint32_t)addr);
	wr(d, TESTDEV_MSI_ADDR_HI, addr >> 32);
	wr(d, TESTDEV_MSI_DATA, data);
	wr(d, TESTDEV_MSI_DEVID, devid);
}

static bool wait_count(struct testdev *d, uint32_t n)
{
	uint64_t end = clock_now_ns() + WAIT_MS * 1000000ull;
	struct timespec ms = { 0, 1000000 };

	while (rd(d, TESTDEV_MSI_COUNT) < n) {
		if (clock_now_ns() > end)
			return false;
		nanosleep(&ms, NULL);
	}
	return true;
}

static unsigned int nr_got(struct frame *f)
{
	unsigned int n;

	pthread_mutex_lock(&f->lock);
	n = f->nr;
	pthread_mutex_unlock(&f->lock);
	return n;
}

static void test_regs(struct unit *u)
{
	struct testdev d;
	struct frame f;

	setup(&d, &f, &msi_ops);
	CHECK_EQ(u, rd(&d, TESTDEV_VERSION), 2);
	CHECK(u, rd(&d, TESTDEV_FEATURES) & TESTDEV_FEAT_MSI);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), 0);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_COUNT), 0);
	msg(&d, 0x8fff0010040ull, 0xdeadbeef, 0x12345678);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_ADDR_LO), 0xf0010040u);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_ADDR_HI), 0x8ff);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_DATA), 0xdeadbeef);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_DEVID), 0x12345678);
	/* Read-only ones keep their values. */
	wr(&d, TESTDEV_MSI_STATUS, ~0u);
	wr(&d, TESTDEV_MSI_COUNT, 7);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), 0);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_COUNT), 0);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_CMD), 0);
	teardown(&d, &f);

	/* A VMM that gave the device no MSI path says so in FEATURES. */
	setup(&d, &f, &no_msi_ops);
	CHECK_EQ(u, rd(&d, TESTDEV_FEATURES) & TESTDEV_FEAT_MSI, 0);
	wr(&d, TESTDEV_MSI_CMD, TESTDEV_MSI_CMD_SEND);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), TESTDEV_MSI_ST_ERR_NOMSI);
	CHECK_EQ(u, d.nr_queued, 0);
	teardown(&d, &f);
}

/* Sent by the device's thread, with the registers' values at MSI_CMD. */
static void test_send(struct unit *u)
{
	struct testdev d;
	struct frame f;
	uint64_t t0;

	setup(&d, &f, &msi_ops);
	CHECK_EQ(u, testdev_start(&d), 0);
	msg(&d, 0x8fff0010040ull, 5, 0x20);
	wr(&d, TESTDEV_MSI_CMD, TESTDEV_MSI_CMD_SEND);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS) & ~TESTDEV_MSI_ST_PENDING, 0);
	CHECK(u, wait_count(&d, 1));
	CHECK_EQ(u, nr_got(&f), 1);
	CHECK_EQ(u, f.got[0].addr, 0x8fff0010040ull);
	CHECK_EQ(u, f.got[0].data, 5);
	CHECK_EQ(u, f.got[0].devid, 0x20);
	CHECK(u, !pthread_equal(f.got[0].thread, pthread_self()));
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), 0);
	/* Line commands' COUNTER is theirs alone. */
	CHECK_EQ(u, rd(&d, TESTDEV_COUNTER), 0);

	/* Delayed: pending until sent, never early, the message as it was. */
	t0 = clock_now_ns();
	wr(&d, TESTDEV_IRQ_DELAY_US, 20000);
	wr(&d, TESTDEV_MSI_CMD, TESTDEV_MSI_CMD_SEND);
	wr(&d, TESTDEV_MSI_DATA, 6);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), TESTDEV_MSI_ST_PENDING);
	CHECK(u, wait_count(&d, 2));
	CHECK_EQ(u, nr_got(&f), 2);
	CHECK_EQ(u, f.got[1].data, 5);
	CHECK(u, f.got[1].t_ns >= t0 + 20000000ull);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), 0);
	teardown(&d, &f);
}

static void test_refused(struct unit *u)
{
	struct testdev d;
	struct frame f;

	setup(&d, &f, &msi_ops);
	CHECK_EQ(u, testdev_start(&d), 0);
	/* No command but SEND. */
	wr(&d, TESTDEV_MSI_CMD, 0);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), TESTDEV_MSI_ST_ERR_INVAL);
	wr(&d, TESTDEV_MSI_CMD, 2);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), TESTDEV_MSI_ST_ERR_INVAL);

	/* No frame in the VM: refused by the write itself, nothing sent. */
	f_set(&f, 0, false);
	wr(&d, TESTDEV_MSI_CMD, TESTDEV_MSI_CMD_SEND);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), TESTDEV_MSI_ST_ERR_NOMSI);
	CHECK_EQ(u, d.nr_queued, 0);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_COUNT), 0);
	f_set(&f, 0, true);

	/* The frame refuses the message: counted, ERR_SEND until a good one. */
	f_set(&f, -EINVAL, true);
	wr(&d, TESTDEV_MSI_CMD, TESTDEV_MSI_CMD_SEND);
	CHECK(u, wait_count(&d, 1));
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), TESTDEV_MSI_ST_ERR_SEND);
	f_set(&f, 0, true);
	wr(&d, TESTDEV_MSI_CMD, TESTDEV_MSI_CMD_SEND);
	CHECK(u, wait_count(&d, 2));
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), 0);
	/* A frame that went away between the write and the send. */
	f_set(&f, -EOPNOTSUPP, true);
	wr(&d, TESTDEV_MSI_CMD, TESTDEV_MSI_CMD_SEND);
	CHECK(u, wait_count(&d, 3));
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), TESTDEV_MSI_ST_ERR_NOMSI);
	CHECK_EQ(u, nr_got(&f), 3);
	teardown(&d, &f);
}

/* MSIs share the delayed-command queue; stop drops them unsent. */
static void test_queue(struct unit *u)
{
	struct testdev d;
	struct frame f;
	unsigned int i;

	setup(&d, &f, &msi_ops);
	CHECK_EQ(u, testdev_start(&d), 0);
	wr(&d, TESTDEV_IRQ_DELAY_US, 10000000);
	for (i = 0; i < TESTDEV_QUEUE_LEN; i++)
		wr(&d, TESTDEV_MSI_CMD, TESTDEV_MSI_CMD_SEND);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS), TESTDEV_MSI_ST_PENDING);
	CHECK(u, rd(&d, TESTDEV_IRQ_STATUS) & TESTDEV_ST_FULL);
	wr(&d, TESTDEV_MSI_CMD, TESTDEV_MSI_CMD_SEND);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS),
		 TESTDEV_MSI_ST_PENDING | TESTDEV_MSI_ST_ERR_BUSY);
	/* A line's cancel leaves messages alone. */
	CHECK_EQ(u, testdev_irq_command(&d, 0, TESTDEV_CMD_CANCEL, 0), 0);
	CHECK_EQ(u, d.nr_queued, TESTDEV_QUEUE_LEN);
	testdev_stop(&d);
	CHECK_EQ(u, d.nr_queued, 0);
	CHECK_EQ(u, rd(&d, TESTDEV_MSI_STATUS) & TESTDEV_MSI_ST_PENDING, 0);
	CHECK_EQ(u, nr_got(&f), 0);
	wr(&d, TESTDEV_IRQ_DELAY_US, 0);
	wr(&d, TESTDEV_MSI_CMD, TESTDEV_MSI_CMD_SEND);
	CHECK(u, rd(&d, TESTDEV_MSI_STATUS) & TESTDEV_MSI_ST_ERR_NOMSI);
	teardown(&d, &f);
}

void testdev_msi_tests(struct unit *u)
{
	test_regs(u);
	test_send(u);
	test_refused(u);
	test_queue(u);
}
