/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Distributor registers: values and access semantics.
 */
#include <errno.h>

#include "tests/test-ugic.h"

static void test_ctlr_id(void)
{
	struct tgic t;

	tg_setup(&t, 8, 992);
	dwrite(&t, 0, GICD_CTLR, 0xffffffff);
	CHECK_EQ(dread(&t, 3, GICD_CTLR), 1);	/* one enable bit */
	dwrite(&t, 0, GICD_CTLR, 0);
	CHECK_EQ(dread(&t, 0, GICD_CTLR), 0);

	CHECK_EQ(dread(&t, 0, GICD_TYPER), (7 << 5) | 30);
	dwrite(&t, 0, GICD_TYPER, 0);
	CHECK_EQ(dread(&t, 0, GICD_TYPER), (7 << 5) | 30);
	CHECK_EQ(dread(&t, 0, GICD_IIDR), EXPECT_GICD_IIDR);
	dwrite(&t, 0, GICD_IIDR, 0);
	CHECK_EQ(dread(&t, 0, GICD_IIDR), EXPECT_GICD_IIDR);
	CHECK_EQ(dread(&t, 0, GICD_PIDR2), 0x20);
	CHECK_EQ(dread(&t, 0, 0xfd0), 0);
	CHECK_EQ(dread(&t, 0, 0xffc), 0);
	/* GICD_SGIR is write-only. */
	CHECK_EQ(dread(&t, 0, GICD_SGIR), 0);
	tg_teardown(&t);

	tg_setup(&t, 1, 64);
	CHECK_EQ(dread(&t, 0, GICD_TYPER), 1);
	tg_teardown(&t);
}

static void test_group(void)
{
	struct tgic t;

	tg_setup(&t, 2, 0);
	dwrite(&t, 0, GICD_IGROUPR, 0xffffffff);
	CHECK_EQ(dread(&t, 0, GICD_IGROUPR), 0xffffffff);
	CHECK_EQ(dread(&t, 1, GICD_IGROUPR), 0);	/* banked */
	dwrite(&t, 0, GICD_IGROUPR + 4, 0x12345678);
	CHECK_EQ(dread(&t, 1, GICD_IGROUPR + 4), 0x12345678);
	dwrite(&t, 1, GICD_IGROUPR + 4, 0);
	CHECK_EQ(dread(&t, 0, GICD_IGROUPR + 4), 0);
	/* Past nr_irqs (256): RAZ/WI. */
	dwrite(&t, 0, GICD_IGROUPR + 32, 0xffffffff);
	CHECK_EQ(dread(&t, 0, GICD_IGROUPR + 32), 0);
	tg_teardown(&t);
}

static void test_enable(void)
{
	struct tgic t;

	tg_setup(&t, 2, 0);
	/* SGI enables are writeable, and banked. */
	dwrite(&t, 0, GICD_ICENABLER, 0x1);
	CHECK_EQ(dread(&t, 0, GICD_ISENABLER), 0xfffe);
	CHECK_EQ(dread(&t, 0, GICD_ICENABLER), 0xfffe);
	CHECK_EQ(dread(&t, 1, GICD_ISENABLER), 0xffff);
	dwrite(&t, 1, GICD_ISENABLER, 0x08000000);	/* PPI 27 */
	CHECK_EQ(dread(&t, 1, GICD_ISENABLER), 0x0800ffff);
	CHECK_EQ(dread(&t, 0, GICD_ISENABLER), 0xfffe);

	dwrite(&t, 0, GICD_ISENABLER + 4, 0x00000f00);
	dwrite(&t, 1, GICD_ISENABLER + 4, 0x000000f0);
	CHECK_EQ(dread(&t, 0, GICD_ISENABLER + 4), 0x00000ff0);
	dwrite(&t, 1, GICD_ICENABLER + 4, 0x00000110);
	CHECK_EQ(dread(&t, 0, GICD_ICENABLER + 4), 0x00000ee0);
	dwrite(&t, 0, GICD_ISENABLER + 0x7c, 0xffffffff);
	CHECK_EQ(dread(&t, 0, GICD_ISENABLER + 0x7c), 0);
	tg_teardown(&t);
}

static void test_pending_active_regs(void)
{
	struct tgic t;

	tg_setup(&t, 2, 0);
	/* SGI bits of ISPENDR0/ICPENDR0 are WI: SPENDSGIR owns them. */
	dwrite(&t, 0, GICD_ISPENDR, 0xffffffff);
	CHECK_EQ(dread(&t, 0, GICD_ISPENDR), 0xffff0000);
	CHECK_EQ(dread(&t, 0, GICD_ICPENDR), 0xffff0000);
	CHECK_EQ(dread(&t, 1, GICD_ISPENDR), 0);
	dwrite(&t, 0, GICD_ICPENDR, 0x0000ffff);
	CHECK_EQ(dread(&t, 0, GICD_ISPENDR), 0xffff0000);
	dwrite(&t, 0, GICD_ICPENDR, 0xffffffff);
	CHECK_EQ(dread(&t, 0, GICD_ISPENDR), 0);

	dwrite(&t, 1, GICD_ISPENDR + 8, 0x80000001);
	CHECK_EQ(dread(&t, 0, GICD_ISPENDR + 8), 0x80000001);
	dwrite(&t, 0, GICD_ICPENDR + 8, 0x1);
	CHECK_EQ(dread(&t, 1, GICD_ICPENDR + 8), 0x80000000);

	dwrite(&t, 0, GICD_ISACTIVER, 0x80000003);
	CHECK_EQ(dread(&t, 0, GICD_ISACTIVER), 0x80000003);
	CHECK_EQ(dread(&t, 1, GICD_ICACTIVER), 0);
	dwrite(&t, 0, GICD_ICACTIVER, 0x1);
	CHECK_EQ(dread(&t, 0, GICD_ICACTIVER), 0x80000002);
	dwrite(&t, 1, GICD_ISACTIVER + 4, 0x10);
	CHECK_EQ(dread(&t, 0, GICD_ISACTIVER + 4), 0x10);
	dwrite(&t, 0, GICD_ICACTIVER + 4, 0xffffffff);
	CHECK_EQ(dread(&t, 1, GICD_ISACTIVER + 4), 0);
	dwrite(&t, 0, GICD_ISPENDR + 32, 0xffffffff);
	CHECK_EQ(dread(&t, 0, GICD_ISPENDR + 32), 0);
	tg_teardown(&t);
}

static void test_priority(void)
{
	struct tgic t;

	tg_setup(&t, 2, 0);
	/* Five priority bits: the low three are RAZ/WI. */
	dwrite(&t, 0, GICD_IPRIORITYR + 0x20, 0xffffffff);
	CHECK_EQ(dread(&t, 1, GICD_IPRIORITYR + 0x20), 0xf8f8f8f8);
	dwrite8(&t, 0, GICD_IPRIORITYR + 0x21, 0x47);
	CHECK_EQ(dread8(&t, 1, GICD_IPRIORITYR + 0x21), 0x40);
	CHECK_EQ(dread(&t, 0, GICD_IPRIORITYR + 0x20), 0xf8f840f8);
	dwrite(&t, 0, GICD_IPRIORITYR + 0x24, 0x12345678);
	CHECK_EQ(dread8(&t, 0, GICD_IPRIORITYR + 0x24), 0x78);
	CHECK_EQ(dread8(&t, 0, GICD_IPRIORITYR + 0x27), 0x10);

	/* Banked for INTIDs 0-31. */
	dwrite8(&t, 1, GICD_IPRIORITYR + 27, 0xa0);
	CHECK_EQ(dread8(&t, 1, GICD_IPRIORITYR + 27), 0xa0);
	CHECK_EQ(dread8(&t, 0, GICD_IPRIORITYR + 27), 0);
	CHECK_EQ(dread(&t, 1, GICD_IPRIORITYR + 24), 0xa0000000);

	/* Beyond nr_irqs, and the reserved word at 0x7fc. */
	dwrite(&t, 0, GICD_IPRIORITYR + 256, 0xffffffff);
	CHECK_EQ(dread(&t, 0, GICD_IPRIORITYR + 256), 0);
	dwrite8(&t, 0, 0x7fc, 0xff);
	CHECK_EQ(dread8(&t, 0, 0x7fc), 0);
	tg_teardown(&t);
}

static void test_targets(void)
{
	struct tgic t;

	tg_setup(&t, 3, 0);
	/* SGI/PPI targets: read-only, the accessing CPU's own bit. */
	dwrite(&t, 1, GICD_ITARGETSR, 0);
	CHECK_EQ(dread(&t, 1, GICD_ITARGETSR), 0x02020202);
	CHECK_EQ(dread(&t, 2, GICD_ITARGETSR + 0x1c), 0x04040404);
	CHECK_EQ(dread8(&t, 2, GICD_ITARGETSR + 27), 0x04);
	dwrite8(&t, 2, GICD_ITARGETSR + 27, 0x01);
	CHECK_EQ(dread8(&t, 2, GICD_ITARGETSR + 27), 0x04);

	/* SPIs: bits of absent CPUs are masked. */
	dwrite8(&t, 0, GICD_ITARGETSR + 40, 0xff);
	CHECK_EQ(dread8(&t, 1, GICD_ITARGETSR + 40), 0x07);
	dwrite(&t, 0, GICD_ITARGETSR + 44, 0x0f0e0d0c);
	CHECK_EQ(dread(&t, 0, GICD_ITARGETSR + 44), 0x07060504);
	dwrite8(&t, 0, GICD_ITARGETSR + 45, 0);
	CHECK_EQ(dread(&t, 0, GICD_ITARGETSR + 44), 0x07060004);
	dwrite(&t, 0, GICD_ITARGETSR + 256, 0x01010101);
	CHECK_EQ(dread(&t, 0, GICD_ITARGETSR + 256), 0);
	CHECK_EQ(dread8(&t, 0, 0xbfc), 0);
	tg_teardown(&t);
}

static void test_config(void)
{
	struct tgic t;

	tg_setup(&t, 2, 0);
	/* SGIs: always edge. */
	dwrite(&t, 0, GICD_ICFGR, 0);
	CHECK_EQ(dread(&t, 0, GICD_ICFGR), 0xaaaaaaaa);
	/* PPIs: configurable, banked. */
	dwrite(&t, 1, GICD_ICFGR + 4, 0x00000008);	/* PPI 17 edge */
	CHECK_EQ(dread(&t, 1, GICD_ICFGR + 4), 0x00000008);
	CHECK_EQ(dread(&t, 0, GICD_ICFGR + 4), 0);
	/* SPIs: only the edge bit of each field is stored. */
	dwrite(&t, 0, GICD_ICFGR + 8, 0xffffffff);
	CHECK_EQ(dread(&t, 1, GICD_ICFGR + 8), 0xaaaaaaaa);
	dwrite(&t, 0, GICD_ICFGR + 12, 0x80000002);
	CHECK_EQ(dread(&t, 0, GICD_ICFGR + 12), 0x80000002);
	dwrite(&t, 0, GICD_ICFGR + 8, 0x55555555);
	CHECK_EQ(dread(&t, 0, GICD_ICFGR + 8), 0);
	dwrite(&t, 0, GICD_ICFGR + 64, 0xaaaaaaaa);
	CHECK_EQ(dread(&t, 0, GICD_ICFGR + 64), 0);
	tg_teardown(&t);
}

static void test_sgi_pend_regs(void)
{
	struct tgic t;

	tg_setup(&t, 3, 0);
	dwrite8(&t, 1, GICD_SPENDSGIR + 3, 0xff);
	CHECK_EQ(dread8(&t, 1, GICD_SPENDSGIR + 3), 0x07);	/* 3 CPUs */
	CHECK_EQ(dread(&t, 1, GICD_SPENDSGIR), 0x07000000);
	CHECK_EQ(dread(&t, 1, GICD_CPENDSGIR), 0x07000000);
	CHECK_EQ(dread(&t, 0, GICD_SPENDSGIR), 0);		/* banked */
	CHECK_EQ(dread(&t, 1, GICD_ISPENDR), 0x8);
	dwrite8(&t, 1, GICD_CPENDSGIR + 3, 0x01);
	CHECK_EQ(dread8(&t, 1, GICD_SPENDSGIR + 3), 0x06);
	dwrite(&t, 1, GICD_SPENDSGIR + 12, 0x01020304);	/* SGIs 12-15 */
	CHECK_EQ(dread(&t, 1, GICD_CPENDSGIR + 12), 0x01020304);
	dwrite(&t, 1, GICD_CPENDSGIR + 12, 0xffffffff);
	CHECK_EQ(dread(&t, 1, GICD_SPENDSGIR + 12), 0);
	dwrite8(&t, 1, GICD_CPENDSGIR + 3, 0xff);
	CHECK_EQ(dread(&t, 1, GICD_ISPENDR), 0);
	tg_teardown(&t);
}

void test_dist(void)
{
	test_ctlr_id();
	test_group();
	test_enable();
	test_pending_active_regs();
	test_priority();
	test_targets();
	test_config();
	test_sgi_pend_regs();
}
