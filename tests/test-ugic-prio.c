/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Priority arbitration, running priority and preemption by group
 * priority under the binary point.
 */
#include "tests/test-ugic.h"

static void test_arbitration(void)
{
	struct tgic t;

	tg_setup(&t, 1, 0);
	tg_enable(&t);
	tg_irq(&t, 0, 40, 0xa0);
	tg_irq(&t, 0, 42, 0x60);
	tg_irq(&t, 0, 41, 0x60);
	tg_irq(&t, 0, 27, 0x68);
	tg_pend(&t, 0, 40);
	tg_pend(&t, 0, 42);
	tg_pend(&t, 0, 41);
	tg_pend(&t, 0, 27);
	/* Highest priority first; equal priorities: lowest INTID. */
	CHECK_EQ(cread(&t, 0, GICC_HPPIR), 41);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 41);
	/* Same group priority as the running one: no preemption. */
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	CHECK_EQ(cread(&t, 0, GICC_HPPIR), 42);
	cwrite(&t, 0, GICC_EOIR, 41);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 42);
	cwrite(&t, 0, GICC_EOIR, 42);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 27);
	cwrite(&t, 0, GICC_EOIR, 27);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);

	/* A priority changed while pending is used at the next choice. */
	tg_pend(&t, 0, 40);
	tg_pend(&t, 0, 41);
	dwrite8(&t, 0, GICD_IPRIORITYR + 40, 0x10);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 41);
	cwrite(&t, 0, GICC_EOIR, 41);
	tg_teardown(&t);
}

/* BPR 2: every implemented priority bit is group priority. */
static void test_nesting(void)
{
	struct tgic t;

	tg_setup(&t, 1, 0);
	tg_enable(&t);
	tg_irq(&t, 0, 40, 0xa0);
	tg_irq(&t, 0, 50, 0x90);
	tg_irq(&t, 0, 51, 0x90);
	tg_irq(&t, 0, 60, 0x10);
	tg_pend(&t, 0, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0xa0);

	tg_pend(&t, 0, 50);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 50);		/* preempts */
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0x90);
	CHECK_EQ(cread(&t, 0, GICC_APR0), (1U << 20) | (1U << 18));

	tg_pend(&t, 0, 51);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);		/* same prio */
	tg_pend(&t, 0, 60);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 60);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0x10);

	/* Drops unwind in order. */
	cwrite(&t, 0, GICC_EOIR, 60);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0x90);
	cwrite(&t, 0, GICC_EOIR, 50);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0xa0);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 51);		/* 0x90 < 0xa0 */
	cwrite(&t, 0, GICC_EOIR, 51);
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0xff);
	CHECK_EQ(cread(&t, 0, GICC_APR0), 0);
	CHECK(!tg_is_active(&t, 0, 40) && !tg_is_active(&t, 0, 50));
	tg_teardown(&t);
}

/* Larger binary points: only the group priority preempts. */
static void test_binary_point(void)
{
	struct tgic t;

	tg_setup(&t, 1, 0);
	tg_enable(&t);
	tg_irq(&t, 0, 40, 0x78);
	tg_irq(&t, 0, 41, 0x70);
	tg_irq(&t, 0, 42, 0x60);

	/* BPR 3: group = bits [7:4]; 0x78 runs at group 0x70. */
	cwrite(&t, 0, GICC_BPR, 3);
	tg_pend(&t, 0, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0x70);
	tg_pend(&t, 0, 41);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);		/* same group */
	CHECK_EQ(cread(&t, 0, GICC_HPPIR), 41);
	tg_pend(&t, 0, 42);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 42);		/* group 0x60 */
	cwrite(&t, 0, GICC_EOIR, 42);
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 41);
	cwrite(&t, 0, GICC_EOIR, 41);

	/* BPR 2: the same 0x70 now preempts 0x78. */
	cwrite(&t, 0, GICC_BPR, 2);
	tg_pend(&t, 0, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	tg_pend(&t, 0, 41);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 41);
	cwrite(&t, 0, GICC_EOIR, 41);
	cwrite(&t, 0, GICC_EOIR, 40);

	/* BPR 5: group = bits [7:6]; 0x60 is in group 0x40 as 0x78. */
	cwrite(&t, 0, GICC_BPR, 5);
	tg_pend(&t, 0, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0x40);
	tg_pend(&t, 0, 42);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 42);
	cwrite(&t, 0, GICC_EOIR, 42);

	/* BPR 7: no preemption at all. */
	cwrite(&t, 0, GICC_BPR, 7);
	dwrite8(&t, 0, GICD_IPRIORITYR + 42, 0x00);
	tg_pend(&t, 0, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0x00);
	tg_pend(&t, 0, 42);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 42);
	cwrite(&t, 0, GICC_EOIR, 42);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0xff);
	tg_teardown(&t);
}

/* The output line follows PMR and the running priority. */
static void test_line_prio(void)
{
	struct tgic t;

	tg_setup(&t, 1, 0);
	tg_enable(&t);
	tg_irq(&t, 0, 40, 0x80);
	tg_irq(&t, 0, 41, 0x40);
	cwrite(&t, 0, GICC_PMR, 0x80);
	tg_pend(&t, 0, 40);
	CHECK(!t.line[0]);
	CHECK_EQ(t.calls[0], 0);
	cwrite(&t, 0, GICC_PMR, 0x88);
	CHECK(t.line[0]);
	CHECK(ugic_irq_line(t.gic, 0));
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	CHECK(!t.line[0]);
	tg_pend(&t, 0, 41);
	CHECK(t.line[0]);				/* preempts */
	CHECK_EQ(cread(&t, 0, GICC_IAR), 41);
	CHECK(!t.line[0]);
	cwrite(&t, 0, GICC_EOIR, 41);
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK(!t.line[0]);
	CHECK_EQ(t.calls[0], 4);
	tg_teardown(&t);
}

void test_cpuif_prio(void)
{
	test_arbitration();
	test_nesting();
	test_binary_point();
	test_line_prio();
}
