/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt inputs: level and edge, pending latch, PPIs, SPI routing,
 * and the output line callback.
 */
#include "tests/test-ugic.h"

static void test_level(void)
{
	struct tgic t;

	tg_setup(&t, 1, 0);
	tg_enable(&t);
	tg_irq(&t, 0, 40, 0x80);

	/* Pending while the line is high, and only then. */
	CHECK_EQ(ugic_set_spi_level(t.gic, 40, true), 0);
	CHECK(tg_is_pending(&t, 0, 40));
	CHECK_EQ(ugic_set_spi_level(t.gic, 40, false), 0);
	CHECK(!tg_is_pending(&t, 0, 40));
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);

	/* Acknowledged with the line still high: active and pending. */
	ugic_set_spi_level(t.gic, 40, true);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	CHECK(tg_is_active(&t, 0, 40) && tg_is_pending(&t, 0, 40));
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);		/* taken again */

	/* Line dropped by the handler before EOI: nothing more. */
	ugic_set_spi_level(t.gic, 40, false);
	CHECK(!tg_is_pending(&t, 0, 40));
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);

	/* ICPENDR cannot clear a line that is still high. */
	ugic_set_spi_level(t.gic, 40, true);
	dwrite(&t, 0, GICD_ICPENDR + 4, 1U << 8);
	CHECK(tg_is_pending(&t, 0, 40));
	ugic_set_spi_level(t.gic, 40, false);
	CHECK(!tg_is_pending(&t, 0, 40));

	/* ISPENDR latches: pending survives the line dropping... */
	tg_pend(&t, 0, 40);
	ugic_set_spi_level(t.gic, 40, true);
	ugic_set_spi_level(t.gic, 40, false);
	CHECK(tg_is_pending(&t, 0, 40));
	/* ...until acknowledged, or cleared by ICPENDR. */
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	CHECK(!tg_is_pending(&t, 0, 40));
	cwrite(&t, 0, GICC_EOIR, 40);
	tg_pend(&t, 0, 40);
	dwrite(&t, 0, GICD_ICPENDR + 4, 1U << 8);
	CHECK(!tg_is_pending(&t, 0, 40));

	/* Latched and high: acknowledge clears the latch only. */
	tg_pend(&t, 0, 40);
	ugic_set_spi_level(t.gic, 40, true);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	CHECK(tg_is_pending(&t, 0, 40));
	ugic_set_spi_level(t.gic, 40, false);
	CHECK(!tg_is_pending(&t, 0, 40));
	cwrite(&t, 0, GICC_EOIR, 40);
	tg_teardown(&t);
}

static void test_edge(void)
{
	struct tgic t;

	tg_setup(&t, 1, 0);
	tg_enable(&t);
	tg_irq(&t, 0, 40, 0x80);
	dwrite(&t, 0, GICD_ICFGR + 8, 2U << 16);	/* SPI 40 edge */

	ugic_set_spi_level(t.gic, 40, true);
	ugic_set_spi_level(t.gic, 40, false);
	CHECK(tg_is_pending(&t, 0, 40));		/* latched */
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	CHECK(!tg_is_pending(&t, 0, 40));
	/* An edge while active: active and pending. */
	ugic_set_spi_level(t.gic, 40, true);
	CHECK(tg_is_active(&t, 0, 40) && tg_is_pending(&t, 0, 40));
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	cwrite(&t, 0, GICC_EOIR, 40);
	/* Line still high: no new edge, nothing pending. */
	CHECK(!tg_is_pending(&t, 0, 40));
	/* Every assertion is an edge, as with KVM_IRQ_LINE. */
	ugic_set_spi_level(t.gic, 40, true);
	CHECK(tg_is_pending(&t, 0, 40));
	dwrite(&t, 0, GICD_ICPENDR + 4, 1U << 8);
	CHECK(!tg_is_pending(&t, 0, 40));
	ugic_set_spi_level(t.gic, 40, false);
	CHECK(!tg_is_pending(&t, 0, 40));
	tg_teardown(&t);
}

static void test_ppi(void)
{
	struct tgic t;

	tg_setup(&t, 2, 0);
	tg_enable(&t);
	tg_irq(&t, 0, 27, 0xa0);
	tg_irq(&t, 1, 27, 0xa0);
	tg_irq(&t, 1, 30, 0xa0);
	tg_irq(&t, 1, 23, 0xa0);

	/* The timer PPI of vCPU 1 only. */
	CHECK_EQ(ugic_set_ppi_level(t.gic, 1, 27, true), 0);
	CHECK(t.line[1] && !t.line[0]);
	CHECK(tg_is_pending(&t, 1, 27));
	CHECK(!tg_is_pending(&t, 0, 27));
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	CHECK_EQ(cread(&t, 1, GICC_IAR), 27);
	CHECK(!t.line[1]);
	ugic_set_ppi_level(t.gic, 1, 27, false);
	cwrite(&t, 1, GICC_EOIR, 27);
	CHECK(!t.line[1]);

	/* Timer, PMU: lowest INTID first at equal priority. */
	ugic_set_ppi_level(t.gic, 1, 30, true);
	ugic_set_ppi_level(t.gic, 1, 23, true);
	CHECK_EQ(cread(&t, 1, GICC_IAR), 23);
	ugic_set_ppi_level(t.gic, 1, 23, false);
	cwrite(&t, 1, GICC_EOIR, 23);
	CHECK_EQ(cread(&t, 1, GICC_IAR), 30);
	ugic_set_ppi_level(t.gic, 1, 30, false);
	cwrite(&t, 1, GICC_EOIR, 30);

	/* A PPI configured as edge latches. */
	dwrite(&t, 1, GICD_ICFGR + 4, 2U << 22);	/* PPI 27 */
	ugic_set_ppi_level(t.gic, 1, 27, true);
	ugic_set_ppi_level(t.gic, 1, 27, false);
	CHECK_EQ(cread(&t, 1, GICC_IAR), 27);
	cwrite(&t, 1, GICC_EOIR, 27);
	CHECK_EQ(cread(&t, 1, GICC_IAR), 1023);
	tg_teardown(&t);
}

static void test_spi_routing(void)
{
	struct tgic t;

	tg_setup(&t, 3, 0);
	tg_enable(&t);
	tg_irq(&t, 0, 40, 0x80);

	dwrite8(&t, 0, GICD_ITARGETSR + 40, 0x02);
	tg_pend(&t, 0, 40);
	CHECK(!t.line[0] && t.line[1] && !t.line[2]);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);

	/* 1-of-N: both targets signalled, the first to acknowledge wins. */
	dwrite8(&t, 0, GICD_ITARGETSR + 40, 0x06);
	CHECK(!t.line[0] && t.line[1] && t.line[2]);
	CHECK_EQ(cread(&t, 2, GICC_IAR), 40);
	CHECK(!t.line[1] && !t.line[2]);
	CHECK_EQ(cread(&t, 1, GICC_IAR), 1023);
	/* Another CPU may deactivate it. */
	cwrite(&t, 1, GICC_EOIR, 40);
	CHECK(!tg_is_active(&t, 0, 40));
	cwrite(&t, 2, GICC_EOIR, 40);		/* drops 2's priority */
	CHECK_EQ(cread(&t, 2, GICC_RPR), 0xff);

	/* No target: never delivered. */
	dwrite8(&t, 0, GICD_ITARGETSR + 40, 0);
	tg_pend(&t, 0, 40);
	CHECK(!t.line[0] && !t.line[1] && !t.line[2]);
	dwrite8(&t, 0, GICD_ITARGETSR + 40, 0x01);
	CHECK(t.line[0]);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	cwrite(&t, 0, GICC_EOIR, 40);
	tg_teardown(&t);
}

/* Each change of a line is reported once; no change, no call. */
static void test_lines(void)
{
	struct tgic t;

	tg_setup(&t, 2, 0);
	tg_irq(&t, 0, 40, 0x80);
	tg_pend(&t, 0, 40);
	CHECK_EQ(t.calls[0], 0);			/* all disabled */
	dwrite(&t, 0, GICD_CTLR, 1);
	cwrite(&t, 0, GICC_PMR, 0xf8);
	CHECK_EQ(t.calls[0], 0);
	cwrite(&t, 0, GICC_CTLR, 1);
	CHECK(t.line[0]);
	CHECK_EQ(t.calls[0], 1);
	tg_pend(&t, 0, 40);
	dwrite8(&t, 0, GICD_IPRIORITYR + 40, 0x70);
	CHECK_EQ(t.calls[0], 1);
	dwrite(&t, 0, GICD_CTLR, 0);
	CHECK(!t.line[0]);
	dwrite(&t, 0, GICD_CTLR, 1);
	CHECK(t.line[0]);
	dwrite(&t, 0, GICD_ICENABLER + 4, 1U << 8);
	CHECK(!t.line[0]);
	CHECK(!ugic_irq_line(t.gic, 0));
	dwrite(&t, 0, GICD_ISENABLER + 4, 1U << 8);
	dwrite(&t, 0, GICD_ISACTIVER + 4, 1U << 8);
	CHECK(!t.line[0]);
	dwrite(&t, 0, GICD_ICACTIVER + 4, 1U << 8);
	CHECK(t.line[0]);
	dwrite(&t, 0, GICD_ICPENDR + 4, 1U << 8);
	CHECK(!t.line[0]);
	CHECK_EQ(t.calls[0], 8);
	CHECK_EQ(t.calls[1], 0);
	tg_teardown(&t);
}

void test_irq(void)
{
	test_level();
	test_edge();
	test_ppi();
	test_spi_routing();
	test_lines();
}
