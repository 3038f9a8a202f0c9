/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assertion counters and helpers shared by the userspace GIC tests.
 * The tests drive the model only through its MMIO handlers and its
 * level inputs, and watch its output callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test-ugic.h"

static unsigned int t_passed, t_failed;

void t_check(bool ok, const char *expr, const char *file, int line)
{
	if (ok) {
		t_passed++;
		return;
	}
	t_failed++;
	fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
}

void t_check_eq(uint64_t got, uint64_t want, const char *expr,
		const char *file, int line)
{
	if (got == want) {
		t_passed++;
		return;
	}
	t_failed++;
	fprintf(stderr, "FAIL %s:%d: %s (got 0x%llx, want 0x%llx)\n",
		file, line, expr, (unsigned long long)got,
		(unsigned long long)want);
}

/* Prints the one summary line; the exit status for main(). */
int t_report(void)
{
	printf("%u passed, %u failed\n", t_passed, t_failed);
	return t_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void tg_line_cb(void *opaque, int cpu, bool level)
{
	struct tgic *t = opaque;

	if (t->line[cpu] == level)
		t->bad_order = true;
	t->line[cpu] = level;
	t->calls[cpu]++;
}

/* Created, sized (nr_irqs 0: default) and initialised, addresses unset. */
void tg_setup(struct tgic *t, unsigned int nr_cpus, uint32_t nr_irqs)
{
	struct ugic_config cfg = {
		.nr_cpus = nr_cpus,
		.set_irq_line = tg_line_cb,
	};

	memset(t, 0, sizeof(*t));
	cfg.opaque = t;
	CHECK_EQ(ugic_create(&t->gic, &cfg), 0);
	if (nr_irqs)
		CHECK_EQ(ugic_set_nr_irqs(t->gic, nr_irqs), 0);
	CHECK_EQ(ugic_init(t->gic), 0);
	ugic_dist_region(t->gic, &t->dist);
	ugic_cpuif_region(t->gic, &t->cpu);
}

void tg_teardown(struct tgic *t)
{
	CHECK(!t->bad_order);
	ugic_destroy(&t->gic);
	CHECK(t->gic == NULL);
}

int tg_access(struct mmio_region *r, int cpu, uint64_t off, uint32_t len,
	      bool write, uint64_t *data)
{
	struct mmio_access acc = {
		.offset = off,
		.len = len,
		.is_write = write,
		.data = *data,
		.cpu = cpu,
	};
	int ret = r->handler(r, &acc);

	*data = acc.data;
	return ret;
}

uint64_t tg_rw(struct mmio_region *r, int cpu, uint32_t off, uint32_t len,
	       bool write, uint64_t val, const char *file, int line)
{
	int ret = tg_access(r, cpu, off, len, write, &val);

	if (ret)
		t_check_eq((uint64_t)ret, 0, "access returns 0", file, line);
	return val;
}

void tg_enable(struct tgic *t)
{
	unsigned int c;

	dwrite(t, 0, GICD_CTLR, 1);
	for (c = 0; c < UGIC_MAX_CPUS; c++) {
		uint64_t v = 1;

		/* Stop at the first absent CPU: its accesses are refused. */
		if (tg_access(&t->cpu, c, GICC_CTLR, 4, true, &v))
			break;
		cwrite(t, c, GICC_PMR, 0xff);
	}
}

void tg_irq(struct tgic *t, int cpu, uint32_t intid, uint8_t prio)
{
	dwrite8(t, cpu, GICD_IPRIORITYR + intid, prio);
	dwrite(t, cpu, GICD_ISENABLER + intid / 32 * 4, 1U << (intid % 32));
}

void tg_pend(struct tgic *t, int cpu, uint32_t intid)
{
	dwrite(t, cpu, GICD_ISPENDR + intid / 32 * 4, 1U << (intid % 32));
}

bool tg_is_pending(struct tgic *t, int cpu, uint32_t intid)
{
	return dread(t, cpu, GICD_ISPENDR + intid / 32 * 4) &
	       (1U << (intid % 32));
}

bool tg_is_active(struct tgic *t, int cpu, uint32_t intid)
{
	return dread(t, cpu, GICD_ISACTIVER + intid / 32 * 4) &
	       (1U << (intid % 32));
}
