// SPDX-License-Identifier: GPL-2.0
/*
 * test-testdev's rig: a test device whose lines and exits land in a
 * sink the tests read, and its registers read and written as a vCPU
 * would.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "devices/testdev.h"
#include "lib/util.h"
#include "tests/testdev-rig.h"

void td_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void s_set_irq(void *o, unsigned int line, bool level)
{
	struct sink *s = o;

	pthread_mutex_lock(&s->lock);
	if (s->nr_ev < MAX_EVENTS)
		s->ev[s->nr_ev++] = (struct event) { line, level, clock_now_ns() };
	else
		s->lost++;
	pthread_mutex_unlock(&s->lock);
}

static void s_exit(void *o, int status)
{
	struct sink *s = o;

	pthread_mutex_lock(&s->lock);
	s->exits++;
	s->status = status;
	pthread_mutex_unlock(&s->lock);
}

const struct testdev_ops td_ops = { .exit = s_exit };

/* The device's lines are SPIs LINE_SPI0..; the sink records line numbers. */
#define LINE_SPI0	5

static int s_line_set(void *chip, unsigned int spi, bool level)
{
	s_set_irq(chip, spi - LINE_SPI0, level);
	return 0;
}

static const struct irq_line_ops s_line_ops = { .set = s_line_set };

void td_lines(struct irq_line *lines, struct sink *s)
{
	unsigned int i;

	for (i = 0; i < TESTDEV_MAX_LINES; i++)
		lines[i] = (struct irq_line) {
			.ops = &s_line_ops, .chip = s, .spi = LINE_SPI0 + i, .irqfd = -1,
		};
}

unsigned int td_nr_events(struct sink *s)
{
	unsigned int n;

	pthread_mutex_lock(&s->lock);
	n = s->nr_ev;
	pthread_mutex_unlock(&s->lock);
	return n;
}

struct event td_event_at(struct sink *s, unsigned int i)
{
	struct event e;

	pthread_mutex_lock(&s->lock);
	e = s->ev[i];
	pthread_mutex_unlock(&s->lock);
	return e;
}

void td_setup(struct testdev *d, struct sink *s)
{
	struct irq_line lines[TESTDEV_MAX_LINES];

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	td_lines(lines, s);
	testdev_init(d, 0x1080000, lines, NR_LINES, &td_ops, s);
}

void td_teardown(struct testdev *d, struct sink *s)
{
	testdev_destroy(d);
	pthread_mutex_destroy(&s->lock);
}

int td_mmio(struct testdev *d, uint64_t off, uint32_t len, bool wr,
	    uint64_t *val)
{
	struct mmio_access a = {
		.offset = off, .len = len, .is_write = wr,
		.data = wr ? *val : 0xdeadbeefcafef00dull, .cpu = 0,
	};
	int ret = d->region.handler(&d->region, &a);

	if (!wr)
		*val = a.data;
	return ret;
}

uint64_t td_rd(struct testdev *d, uint64_t off)
{
	uint64_t v;

	td_mmio(d, off, 4, false, &v);
	return v;
}

void td_wr(struct testdev *d, uint64_t off, uint64_t v)
{
	td_mmio(d, off, 4, true, &v);
}

void td_cmd(struct testdev *d, uint32_t line, uint32_t delay, uint32_t cmd)
{
	td_wr(d, TESTDEV_IRQ_LINE, line);
	td_wr(d, TESTDEV_IRQ_DELAY_US, delay);
	td_wr(d, TESTDEV_IRQ_CMD, cmd);
}

unsigned int td_queued(struct testdev *d)
{
	unsigned int n;

	pthread_mutex_lock(&d->lock);
	n = d->nr_queued;
	pthread_mutex_unlock(&d->lock);
	return n;
}

bool td_wait_counter(struct testdev *d, uint32_t n)
{
	uint64_t end = clock_now_ns() + WAIT_MS * 1000000ull;

	while (td_rd(d, TESTDEV_COUNTER) < n)
		if (clock_now_ns() > end)
			return false;
		else
			td_sleep_ms(1);
	return true;
}

bool td_event_is(struct sink *s, unsigned int i, unsigned int line,
		 bool level)
{
	struct event e;

	if (i >= td_nr_events(s))
		return false;
	e = td_event_at(s, i);
	return e.line == line && e.level == level;
}
