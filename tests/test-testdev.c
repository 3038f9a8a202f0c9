// SPDX-License-Identifier: GPL-2.0
/*
 * The test device model: registers, the exit callback, immediate and
 * delayed line commands, the bounded queue and the device's thread,
 * through the rig of testdev-rig.c. Built under ASan/UBSan and, the
 * same files, under TSan.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "devices/testdev.h"
#include "lib/util.h"
#include "tests/testdev-rig.h"
#include "tests/unit.h"

static void test_reset(struct unit *u)
{
	struct testdev d;
	struct sink s;
	uint64_t off;
	bool all_zero = true;

	struct irq_line lines[TESTDEV_MAX_LINES + 1];

	td_lines(lines, NULL);
	CHECK_EQ(u, testdev_init(&d, 0, lines, 0, &td_ops, NULL), -EINVAL);
	CHECK_EQ(u, testdev_init(&d, 0, lines, TESTDEV_MAX_LINES + 1, &td_ops, NULL),
		 -EINVAL);
	lines[1].spi = lines[0].spi + 2;	/* a gap: the DT could not say it */
	CHECK_EQ(u, testdev_init(&d, 0, lines, 2, &td_ops, NULL), -EINVAL);
	td_setup(&d, &s);
	CHECK_EQ(u, d.region.base, 0x1080000);
	CHECK_EQ(u, d.region.size, 0x1000);
	CHECK(u, d.region.opaque == &d && d.region.handler == testdev_mmio);
	CHECK_EQ(u, td_rd(&d, TESTDEV_ID), 0x44544b4c);
	CHECK(u, !memcmp("LKTD", &(uint32_t){ td_rd(&d, TESTDEV_ID) }, 4));
	CHECK_EQ(u, td_rd(&d, TESTDEV_VERSION), 2);
	CHECK_EQ(u, TESTDEV_FEAT_LINES(td_rd(&d, TESTDEV_FEATURES)), NR_LINES);
	CHECK_EQ(u, TESTDEV_FEAT_QUEUE(td_rd(&d, TESTDEV_FEATURES)),
		 TESTDEV_QUEUE_LEN);
	CHECK_EQ(u, td_rd(&d, TESTDEV_FEATURES) >> 16, 0);
	for (off = TESTDEV_SCRATCH; off < TESTDEV_REG_SIZE; off += 4)
		all_zero &= td_rd(&d, off) == 0;
	CHECK(u, all_zero);	/* every other register resets to zero */
	CHECK_EQ(u, td_nr_events(&s), 0);
	CHECK_EQ(u, s.exits, 0);
	td_teardown(&d, &s);
}

static void test_widths(struct unit *u)
{
	static const uint32_t bad_len[] = { 0, 1, 2, 3, 5, 8, 16 };
	struct testdev d;
	struct sink s;
	uint64_t v;
	unsigned int i;
	bool ok = true;

	td_setup(&d, &s);
	for (i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
		ok &= td_mmio(&d, TESTDEV_ID, bad_len[i], false, &v) == -EINVAL;
		ok &= v == 0;
		v = 0x1234;
		ok &= td_mmio(&d, TESTDEV_SCRATCH, bad_len[i], true, &v) == -EINVAL;
		v = 7;
		ok &= td_mmio(&d, TESTDEV_EXIT, bad_len[i], true, &v) == -EINVAL;
	}
	CHECK(u, ok);
	CHECK_EQ(u, td_rd(&d, TESTDEV_SCRATCH), 0);
	CHECK_EQ(u, s.exits, 0);
	CHECK_EQ(u, td_mmio(&d, TESTDEV_ID + 2, 4, false, &v), -EINVAL);
	CHECK_EQ(u, v, 0);
	CHECK_EQ(u, td_mmio(&d, TESTDEV_SCRATCH + 1, 4, false, &v), -EINVAL);
	CHECK_EQ(u, td_mmio(&d, TESTDEV_REG_SIZE, 4, false, &v), -EINVAL);
	CHECK_EQ(u, td_mmio(&d, ~0ull - 3, 4, false, &v), -EINVAL);
	v = 0x55;
	CHECK_EQ(u, td_mmio(&d, TESTDEV_REG_SIZE - 4, 4, true, &v), 0);
	CHECK_EQ(u, td_mmio(&d, TESTDEV_REG_SIZE - 4, 4, false, &v), 0);
	CHECK_EQ(u, v, 0);

	/* Scratch round trip; RO registers and holes ignore writes. */
	td_wr(&d, TESTDEV_SCRATCH, 0xa5a55a5a);
	CHECK_EQ(u, td_rd(&d, TESTDEV_SCRATCH), 0xa5a55a5a);
	td_wr(&d, TESTDEV_SCRATCH, 0xffffffff00000001ull);	/* 32 bits only */
	CHECK_EQ(u, td_rd(&d, TESTDEV_SCRATCH), 1);
	td_wr(&d, TESTDEV_ID, 0);
	td_wr(&d, TESTDEV_FEATURES, 0);
	td_wr(&d, TESTDEV_COUNTER, 9);
	td_wr(&d, TESTDEV_IRQ_STATUS, ~0u);
	td_wr(&d, 0x100, 0x42);
	CHECK_EQ(u, td_rd(&d, TESTDEV_ID), TESTDEV_ID_VALUE);
	CHECK_EQ(u, TESTDEV_FEAT_LINES(td_rd(&d, TESTDEV_FEATURES)), NR_LINES);
	CHECK_EQ(u, td_rd(&d, TESTDEV_COUNTER), 0);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), 0);
	CHECK_EQ(u, td_rd(&d, 0x100), 0);
	td_wr(&d, TESTDEV_IRQ_LINE, 3);
	td_wr(&d, TESTDEV_IRQ_DELAY_US, 12345);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_LINE), 3);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_DELAY_US), 12345);
	CHECK_EQ(u, td_nr_events(&s), 0);
	td_teardown(&d, &s);
}

static void test_exit(struct unit *u)
{
	static const uint32_t in[] = { 0, 1, 255, 256, 0xffffffff };
	static const int out[] = { 0, 1, 255, 255, 255 };
	struct testdev d;
	struct sink s;
	unsigned int i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		td_setup(&d, &s);
		td_wr(&d, TESTDEV_EXIT, in[i]);
		CHECK_EQ(u, s.exits, 1);
		CHECK_EQ(u, s.status, out[i]);
		/* Only the first write stops the VM. */
		td_wr(&d, TESTDEV_EXIT, in[i] ? 0 : 1);
		CHECK_EQ(u, s.exits, 1);
		CHECK_EQ(u, s.status, out[i]);
		CHECK_EQ(u, td_rd(&d, TESTDEV_EXIT), 0);
		td_teardown(&d, &s);
	}
}

static void test_immediate(struct unit *u)
{
	struct testdev d;
	struct sink s;

	td_setup(&d, &s);
	td_cmd(&d, 2, 0, TESTDEV_CMD_RAISE);
	CHECK_EQ(u, td_nr_events(&s), 1);
	CHECK(u, td_event_is(&s, 0, 2, true));
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), 1u << 2);
	/* Raising a high line: no new edge, but a command executed. */
	td_wr(&d, TESTDEV_IRQ_CMD, TESTDEV_CMD_RAISE);
	CHECK_EQ(u, td_nr_events(&s), 1);
	CHECK_EQ(u, td_rd(&d, TESTDEV_COUNTER), 2);
	td_cmd(&d, 0, 0, TESTDEV_CMD_RAISE);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), (1u << 2) | 1);
	td_cmd(&d, 2, 0, TESTDEV_CMD_LOWER);
	CHECK(u, td_event_is(&s, 2, 2, false));
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), 1);

	/* A pulse is high then low, and leaves the line low. */
	td_cmd(&d, 3, 0, TESTDEV_CMD_PULSE);
	CHECK_EQ(u, td_nr_events(&s), 5);
	CHECK(u, td_event_is(&s, 3, 3, true));
	CHECK(u, td_event_is(&s, 4, 3, false));
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), 1);
	/* On a high line only the falling half is left. */
	td_cmd(&d, 0, 0, TESTDEV_CMD_PULSE);
	CHECK_EQ(u, td_nr_events(&s), 6);
	CHECK(u, td_event_is(&s, 5, 0, false));
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), 0);
	CHECK_EQ(u, td_rd(&d, TESTDEV_COUNTER), 6);

	/* The host's entry point, as "lkvm irq" uses it. */
	CHECK_EQ(u, testdev_irq_command(&d, 1, TESTDEV_CMD_PULSE, 0), 0);
	CHECK(u, td_event_is(&s, 6, 1, true) && td_event_is(&s, 7, 1, false));
	CHECK_EQ(u, td_rd(&d, TESTDEV_COUNTER), 7);
	CHECK_EQ(u, testdev_irq_command(&d, 1, TESTDEV_CMD_CANCEL, 0), 0);
	CHECK_EQ(u, td_rd(&d, TESTDEV_COUNTER), 7);	/* cancel is no line command */
	td_teardown(&d, &s);
}

static void test_errors(struct unit *u)
{
	struct testdev d;
	struct sink s;

	td_setup(&d, &s);
	CHECK_EQ(u, testdev_irq_command(&d, NR_LINES, TESTDEV_CMD_RAISE, 0),
		 -EINVAL);
	CHECK_EQ(u, testdev_irq_command(&d, ~0u, TESTDEV_CMD_RAISE, 0), -EINVAL);
	CHECK_EQ(u, testdev_irq_command(&d, 0, 0, 0), -EINVAL);
	CHECK_EQ(u, testdev_irq_command(&d, 0, 5, 10), -EINVAL);
	CHECK_EQ(u, testdev_irq_command(&d, NR_LINES, TESTDEV_CMD_CANCEL, 0),
		 -EINVAL);

	td_cmd(&d, NR_LINES, 0, TESTDEV_CMD_RAISE);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), TESTDEV_ST_ERR_INVAL);
	/* The error describes the last command: a good one clears it. */
	td_cmd(&d, 1, 0, TESTDEV_CMD_RAISE);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), 1u << 1);
	td_cmd(&d, 1, 0, 0);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), TESTDEV_ST_ERR_INVAL | 1u << 1);
	td_wr(&d, TESTDEV_IRQ_CMD, 0x100 | TESTDEV_CMD_LOWER);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), TESTDEV_ST_ERR_INVAL | 1u << 1);
	td_wr(&d, TESTDEV_IRQ_CMD, TESTDEV_CMD_LOWER);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), 0);
	CHECK_EQ(u, td_nr_events(&s), 2);
	CHECK_EQ(u, td_rd(&d, TESTDEV_COUNTER), 2);
	td_teardown(&d, &s);
}

/*
 * Queued before the thread starts so that all three share one time
 * base; they must come out in deadline order, none early.
 */
static void test_delayed(struct unit *u)
{
	static const struct { unsigned int line, cmd, delay_us; } cmds[] = {
		{ 0, TESTDEV_CMD_RAISE, 60000 },
		{ 1, TESTDEV_CMD_RAISE, 20000 },
		{ 2, TESTDEV_CMD_PULSE, 40000 },
		{ 3, TESTDEV_CMD_RAISE, 40000 },	/* after the pulse */
	};
	static const struct { unsigned int line; bool level; unsigned int c; }
	want[] = {
		{ 1, true, 1 }, { 2, true, 2 }, { 2, false, 2 }, { 3, true, 3 },
		{ 0, true, 0 },
	};
	uint64_t t0, t_submit[4];
	struct testdev d;
	struct sink s;
	unsigned int i;
	bool order = true, early = false;

	td_setup(&d, &s);
	t0 = clock_now_ns();
	for (i = 0; i < 4; i++) {
		t_submit[i] = clock_now_ns();
		CHECK_EQ(u, testdev_irq_command(&d, cmds[i].line, cmds[i].cmd,
						cmds[i].delay_us), 0);
	}
	/* Sorted by deadline, whatever the submission order. */
	CHECK_EQ(u, d.nr_queued, 4);
	CHECK_EQ(u, d.queue[0].line, 1);
	CHECK_EQ(u, d.queue[3].line, 0);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), TESTDEV_ST_PENDING);
	CHECK_EQ(u, testdev_start(&d), 0);
	CHECK_EQ(u, testdev_start(&d), -EBUSY);
	CHECK(u, td_wait_counter(&d, 4));
	CHECK_EQ(u, td_nr_events(&s), 5);
	for (i = 0; i < 5 && i < td_nr_events(&s); i++) {
		struct event e = td_event_at(&s, i);
		unsigned int c = want[i].c;

		order &= e.line == want[i].line && e.level == want[i].level;
		early |= e.t_ns < t_submit[c] + cmds[c].delay_us * 1000ull;
	}
	CHECK(u, order);
	CHECK(u, !early);
	CHECK(u, td_nr_events(&s) && td_event_at(&s, 0).t_ns >= t0 + 20000000ull);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), 0xbu);	/* 0, 1, 3 high */

	/* Through the registers, with the thread already sleeping. */
	t0 = clock_now_ns();
	td_cmd(&d, 1, 15000, TESTDEV_CMD_LOWER);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), 0xbu | TESTDEV_ST_PENDING);
	CHECK(u, td_wait_counter(&d, 5));
	CHECK(u, td_event_is(&s, 5, 1, false));
	CHECK(u, td_nr_events(&s) > 5 && td_event_at(&s, 5).t_ns >= t0 + 15000000ull);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), 0x9u);
	td_teardown(&d, &s);
}

static void test_cancel(struct unit *u)
{
	struct testdev d;
	struct sink s;

	td_setup(&d, &s);
	CHECK_EQ(u, testdev_start(&d), 0);
	td_cmd(&d, 0, 40000, TESTDEV_CMD_RAISE);
	td_cmd(&d, 1, 40000, TESTDEV_CMD_PULSE);
	td_cmd(&d, 0, 20000, TESTDEV_CMD_PULSE);
	CHECK_EQ(u, td_queued(&d), 3);
	td_cmd(&d, 0, 0, TESTDEV_CMD_CANCEL);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), TESTDEV_ST_PENDING);
	CHECK_EQ(u, td_queued(&d), 1);
	CHECK(u, td_wait_counter(&d, 1));
	td_sleep_ms(60);		/* well past the cancelled deadlines */
	CHECK_EQ(u, td_rd(&d, TESTDEV_COUNTER), 1);
	CHECK_EQ(u, td_nr_events(&s), 2);
	CHECK(u, td_event_is(&s, 0, 1, true) && td_event_is(&s, 1, 1, false));
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), 0);
	/* Cancelling with nothing queued is fine. */
	CHECK_EQ(u, testdev_irq_command(&d, 2, TESTDEV_CMD_CANCEL, 0), 0);
	td_teardown(&d, &s);
}

static void test_queue_full(struct unit *u)
{
	struct testdev d;
	struct sink s;
	unsigned int i;
	uint64_t t;
	bool ok = true;

	td_setup(&d, &s);
	CHECK_EQ(u, testdev_start(&d), 0);
	for (i = 0; i < TESTDEV_QUEUE_LEN; i++)
		ok &= !testdev_irq_command(&d, i % NR_LINES, TESTDEV_CMD_RAISE,
					   10000000);
	CHECK(u, ok);
	CHECK_EQ(u, testdev_irq_command(&d, 0, TESTDEV_CMD_RAISE, 1), -EBUSY);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS),
		 TESTDEV_ST_PENDING | TESTDEV_ST_FULL);
	td_cmd(&d, 1, 1000, TESTDEV_CMD_PULSE);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS),
		 TESTDEV_ST_PENDING | TESTDEV_ST_FULL | TESTDEV_ST_ERR_BUSY);
	/* Immediate commands do not need the queue. */
	td_cmd(&d, 1, 0, TESTDEV_CMD_RAISE);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS),
		 TESTDEV_ST_PENDING | TESTDEV_ST_FULL | 1u << 1);
	td_cmd(&d, 2, 0, TESTDEV_CMD_CANCEL);
	CHECK_EQ(u, td_queued(&d), TESTDEV_QUEUE_LEN - TESTDEV_QUEUE_LEN / NR_LINES);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS), TESTDEV_ST_PENDING | 1u << 1);

	/* Stop with commands pending: joins at once, runs none of them. */
	t = clock_now_ns();
	testdev_stop(&d);
	CHECK(u, clock_now_ns() - t < 1000000000ull);
	CHECK_EQ(u, td_queued(&d), 0);
	CHECK_EQ(u, td_nr_events(&s), 1);
	CHECK_EQ(u, testdev_irq_command(&d, 0, TESTDEV_CMD_RAISE, 10), -ESHUTDOWN);
	CHECK_EQ(u, testdev_irq_command(&d, 0, TESTDEV_CMD_RAISE, 0), 0);
	CHECK_EQ(u, td_nr_events(&s), 2);
	testdev_stop(&d);	/* twice is fine */
	/* And a restart works. */
	CHECK_EQ(u, testdev_start(&d), 0);
	CHECK_EQ(u, testdev_irq_command(&d, 0, TESTDEV_CMD_LOWER, 1000), 0);
	CHECK(u, td_wait_counter(&d, 3));
	td_teardown(&d, &s);	/* destroy stops too */
}

/* Stopping a thread that never had work, and never started. */
static void test_stop_idle(struct unit *u)
{
	struct testdev d;
	struct sink s;
	uint64_t t;

	td_setup(&d, &s);
	CHECK_EQ(u, testdev_start(&d), 0);
	td_sleep_ms(5);
	t = clock_now_ns();
	testdev_stop(&d);
	CHECK(u, clock_now_ns() - t < 1000000000ull);
	td_teardown(&d, &s);
	td_setup(&d, &s);
	CHECK_EQ(u, testdev_irq_command(&d, 0, TESTDEV_CMD_RAISE, 1000), 0);
	CHECK_EQ(u, td_nr_events(&s), 0);
	td_teardown(&d, &s);
}

/*
 * Several host threads drive lines, queue, cancel and read registers
 * while the device's thread runs delayed commands. Each line's calls
 * must alternate high/low (set_irq only on changes, in order), and
 * COUNTER must account for every accepted command.
 */
#define STRESS_THREADS	4
#define STRESS_ROUNDS	400

struct stress {
	struct testdev *d;
	unsigned int id;
	unsigned int accepted;
	unsigned int busy;
};

static void *stress_thread(void *arg)
{
	struct stress *st = arg;
	unsigned int i, line, cmd, delay;
	int ret;

	for (i = 0; i < STRESS_ROUNDS; i++) {
		line = (st->id + i) % NR_LINES;
		cmd = TESTDEV_CMD_RAISE + (i * 7 + st->id) % 3;
		delay = (i % 3) ? 0 : 100 + (i * 37) % 500;
		ret = testdev_irq_command(st->d, line, cmd, delay);
		if (!ret)
			st->accepted++;
		else if (ret == -EBUSY)
			st->busy++;
		(void)td_rd(st->d, TESTDEV_IRQ_STATUS);
	}
	return NULL;
}

static void test_threads(struct unit *u)
{
	struct stress st[STRESS_THREADS];
	pthread_t tid[STRESS_THREADS];
	bool last[NR_LINES] = { false };
	struct testdev d;
	struct sink s;
	unsigned int i, total = 0, busy = 0;
	bool alternate = true;

	td_setup(&d, &s);
	CHECK_EQ(u, testdev_start(&d), 0);
	for (i = 0; i < STRESS_THREADS; i++) {
		st[i] = (struct stress) { .d = &d, .id = i };
		pthread_create(&tid[i], NULL, stress_thread, &st[i]);
	}
	for (i = 0; i < STRESS_THREADS; i++) {
		pthread_join(tid[i], NULL);
		total += st[i].accepted;
		busy += st[i].busy;
	}
	CHECK_EQ(u, total + busy, STRESS_THREADS * STRESS_ROUNDS);
	CHECK(u, td_wait_counter(&d, total));
	CHECK_EQ(u, td_rd(&d, TESTDEV_COUNTER), total);
	CHECK_EQ(u, s.lost, 0);
	for (i = 0; i < td_nr_events(&s); i++) {
		struct event e = td_event_at(&s, i);

		alternate &= e.level != last[e.line];
		last[e.line] = e.level;
	}
	CHECK(u, alternate);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS) & TESTDEV_ST_LEVELS,
		 last[0] | last[1] << 1 | last[2] << 2 | last[3] << 3);
	CHECK_EQ(u, td_rd(&d, TESTDEV_IRQ_STATUS) & TESTDEV_ST_PENDING, 0);
	td_teardown(&d, &s);
}

void testdev_msi_tests(struct unit *u);	/* test-testdev-msi.c */

int main(void)
{
	struct unit u = { 0 };

	test_reset(&u);
	test_widths(&u);
	test_exit(&u);
	test_immediate(&u);
	test_errors(&u);
	test_delayed(&u);
	test_cancel(&u);
	test_queue_full(&u);
	test_stop_idle(&u);
	test_threads(&u);
	testdev_msi_tests(&u);
	return unit_done(&u, "testdev");
}
