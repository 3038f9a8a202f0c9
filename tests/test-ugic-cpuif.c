/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU interface: registers, acknowledge and end of interrupt, EOImode.
 */
#include "tests/test-ugic.h"

static void test_regs(void)
{
	struct tgic t;

	tg_setup(&t, 2, 0);
	cwrite(&t, 0, GICC_CTLR, 0xffffffff);
	CHECK_EQ(cread(&t, 0, GICC_CTLR), 0x201);	/* Enable, EOImode */
	CHECK_EQ(cread(&t, 1, GICC_CTLR), 0);		/* banked */
	cwrite(&t, 0, GICC_CTLR, 0x1e0);		/* bypass: RAZ/WI */
	CHECK_EQ(cread(&t, 0, GICC_CTLR), 0);

	cwrite(&t, 0, GICC_PMR, 0xff);
	CHECK_EQ(cread(&t, 0, GICC_PMR), 0xf8);
	cwrite(&t, 0, GICC_PMR, 0x147);
	CHECK_EQ(cread(&t, 0, GICC_PMR), 0x40);
	CHECK_EQ(cread(&t, 1, GICC_PMR), 0);

	/* Five priority bits: BPR at least 2, ABPR at least 3. */
	cwrite(&t, 0, GICC_BPR, 0);
	CHECK_EQ(cread(&t, 0, GICC_BPR), 2);
	cwrite(&t, 0, GICC_BPR, 1);
	CHECK_EQ(cread(&t, 0, GICC_BPR), 2);
	cwrite(&t, 0, GICC_BPR, 5);
	CHECK_EQ(cread(&t, 0, GICC_BPR), 5);
	cwrite(&t, 0, GICC_BPR, 0xff);
	CHECK_EQ(cread(&t, 0, GICC_BPR), 7);
	cwrite(&t, 0, GICC_ABPR, 0);
	CHECK_EQ(cread(&t, 0, GICC_ABPR), 3);
	cwrite(&t, 0, GICC_ABPR, 4);
	CHECK_EQ(cread(&t, 0, GICC_ABPR), 4);

	CHECK_EQ(cread(&t, 0, GICC_IIDR), EXPECT_GICC_IIDR);
	cwrite(&t, 0, GICC_IIDR, 0);
	CHECK_EQ(cread(&t, 0, GICC_IIDR), EXPECT_GICC_IIDR);
	cwrite(&t, 0, GICC_RPR, 0);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0xff);
	/* Write-only registers read as zero. */
	CHECK_EQ(cread(&t, 0, GICC_EOIR), 0);
	CHECK_EQ(cread(&t, 0, GICC_AEOIR), 0);
	CHECK_EQ(cread(&t, 0, GICC_DIR), 0);
	/* NSAPRn: no Security Extensions. */
	cwrite(&t, 0, GICC_NSAPR0, 0xffffffff);
	CHECK_EQ(cread(&t, 0, GICC_NSAPR0), 0);

	/* APR0 keeps what is written back (save/restore). */
	cwrite(&t, 1, GICC_APR0, 0x00010000);
	CHECK_EQ(cread(&t, 1, GICC_APR0), 0x00010000);
	CHECK_EQ(cread(&t, 1, GICC_RPR), 0x80);
	cwrite(&t, 1, GICC_APR0, 0);
	CHECK_EQ(cread(&t, 1, GICC_RPR), 0xff);
	tg_teardown(&t);
}

static void test_spurious(void)
{
	struct tgic t;

	tg_setup(&t, 2, 0);
	tg_irq(&t, 0, 40, 0x80);
	tg_pend(&t, 0, 40);
	/* Distributor and CPU interface both disabled. */
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	CHECK_EQ(cread(&t, 0, GICC_HPPIR), 1023);
	cwrite(&t, 0, GICC_CTLR, 1);
	cwrite(&t, 0, GICC_PMR, 0xff);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);		/* dist off */
	dwrite(&t, 0, GICD_CTLR, 1);
	cwrite(&t, 0, GICC_CTLR, 0);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);		/* cpuif off */
	cwrite(&t, 0, GICC_CTLR, 1);

	/* Masked: the priority must be strictly higher than PMR. */
	cwrite(&t, 0, GICC_PMR, 0x80);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	CHECK_EQ(cread(&t, 0, GICC_HPPIR), 40);		/* ignores PMR */
	cwrite(&t, 0, GICC_PMR, 0);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	cwrite(&t, 0, GICC_PMR, 0x88);

	/* Disabled interrupts and other CPUs' SPIs do not qualify. */
	dwrite(&t, 0, GICD_ICENABLER + 4, 1U << 8);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	dwrite(&t, 0, GICD_ISENABLER + 4, 1U << 8);
	cwrite(&t, 1, GICC_CTLR, 1);
	cwrite(&t, 1, GICC_PMR, 0xff);
	CHECK_EQ(cread(&t, 1, GICC_IAR), 1023);		/* routed to 0 */
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);		/* now active */
	tg_teardown(&t);
}

static void test_ack_eoi(void)
{
	struct tgic t;

	tg_setup(&t, 1, 0);
	tg_enable(&t);
	tg_irq(&t, 0, 40, 0x80);
	tg_pend(&t, 0, 40);
	CHECK_EQ(cread(&t, 0, GICC_HPPIR), 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	CHECK(tg_is_active(&t, 0, 40));
	CHECK(!tg_is_pending(&t, 0, 40));
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0x80);
	CHECK_EQ(cread(&t, 0, GICC_APR0), 1U << 16);
	CHECK_EQ(cread(&t, 0, GICC_HPPIR), 1023);

	/* Pending again while active: active and pending, not taken. */
	tg_pend(&t, 0, 40);
	CHECK(tg_is_active(&t, 0, 40) && tg_is_pending(&t, 0, 40));
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);

	/* EOIR of a spurious ID changes nothing. */
	cwrite(&t, 0, GICC_EOIR, 1023);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0x80);
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK(!tg_is_active(&t, 0, 40));
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0xff);
	CHECK_EQ(cread(&t, 0, GICC_APR0), 0);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	cwrite(&t, 0, GICC_EOIR, 40);

	/* DIR does nothing while EOImode is clear. */
	tg_pend(&t, 0, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	cwrite(&t, 0, GICC_DIR, 40);
	CHECK(tg_is_active(&t, 0, 40));
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK(!tg_is_active(&t, 0, 40));

	/* The aliases act on the same interrupts. */
	tg_pend(&t, 0, 40);
	CHECK_EQ(cread(&t, 0, GICC_AHPPIR), 40);
	CHECK_EQ(cread(&t, 0, GICC_AIAR), 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	cwrite(&t, 0, GICC_AEOIR, 40);
	CHECK(!tg_is_active(&t, 0, 40));
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0xff);
	tg_teardown(&t);
}

/* EOImode: EOIR only drops the priority, DIR deactivates. */
static void test_eoimode(void)
{
	struct tgic t;

	tg_setup(&t, 1, 0);
	tg_enable(&t);
	cwrite(&t, 0, GICC_CTLR, 0x201);
	tg_irq(&t, 0, 40, 0x80);
	tg_irq(&t, 0, 41, 0xa0);
	tg_pend(&t, 0, 40);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	cwrite(&t, 0, GICC_EOIR, 40);
	CHECK_EQ(cread(&t, 0, GICC_RPR), 0xff);
	CHECK(tg_is_active(&t, 0, 40));

	/* After the drop, lower priorities are taken, 40 is not. */
	tg_pend(&t, 0, 40);
	tg_pend(&t, 0, 41);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 41);
	cwrite(&t, 0, GICC_EOIR, 41);
	cwrite(&t, 0, GICC_DIR, 41);
	CHECK(!tg_is_active(&t, 0, 41));
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);

	cwrite(&t, 0, GICC_DIR, 40);
	CHECK(!tg_is_active(&t, 0, 40));
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	cwrite(&t, 0, GICC_EOIR, 40);
	cwrite(&t, 0, GICC_DIR, 40);
	CHECK(!tg_is_active(&t, 0, 40));
	CHECK_EQ(cread(&t, 0, GICC_APR0), 0);

	/* DIR of a level interrupt whose line is still high: pending. */
	CHECK_EQ(ugic_set_spi_level(t.gic, 41, true), 0);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 41);
	cwrite(&t, 0, GICC_EOIR, 41);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	cwrite(&t, 0, GICC_DIR, 41);
	CHECK_EQ(cread(&t, 0, GICC_IAR), 41);
	tg_teardown(&t);
}

void test_cpuif(void)
{
	test_regs();
	test_spurious();
	test_ack_eoi();
	test_eoimode();
}
