/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Software-generated interrupts: the three GICD_SGIR filters, source
 * CPU IDs in IAR, per-source pending state.
 */
#include "tests/test-ugic.h"

#define IAR_SGI(id, src)	((id) | ((src) << 10))

static void sgi_setup(struct tgic *t, unsigned int nr_cpus)
{
	tg_setup(t, nr_cpus, 0);
	tg_enable(t);
}

static void test_filters(void)
{
	struct tgic t;
	unsigned int c;

	sgi_setup(&t, 4);
	/* Filter 0: the target list, absent CPUs ignored. */
	dwrite(&t, 0, GICD_SGIR, SGIR(0, 0xf6, 3));
	CHECK(!t.line[0] && t.line[1] && t.line[2] && !t.line[3]);
	CHECK_EQ(cread(&t, 1, GICC_IAR), IAR_SGI(3, 0));
	CHECK_EQ(cread(&t, 2, GICC_HPPIR), IAR_SGI(3, 0));
	CHECK_EQ(cread(&t, 2, GICC_IAR), IAR_SGI(3, 0));
	cwrite(&t, 1, GICC_EOIR, IAR_SGI(3, 0));
	cwrite(&t, 2, GICC_EOIR, IAR_SGI(3, 0));
	CHECK(!tg_is_active(&t, 1, 3) && !tg_is_active(&t, 2, 3));
	dwrite(&t, 0, GICD_SGIR, SGIR(0, 0xf0, 3));
	for (c = 0; c < 4; c++)
		CHECK_EQ(cread(&t, c, GICC_IAR), 1023);

	/* Filter 1: everyone but the sender. */
	dwrite(&t, 2, GICD_SGIR, SGIR(1, 0x04, 9));
	for (c = 0; c < 4; c++) {
		uint32_t want = c == 2 ? 1023 : IAR_SGI(9, 2);

		CHECK_EQ(cread(&t, c, GICC_IAR), want);
		if (want != 1023)
			cwrite(&t, c, GICC_EOIR, want);
	}

	/* Filter 2: the sender itself; the list is ignored. NSATT too. */
	dwrite(&t, 3, GICD_SGIR, SGIR(2, 0x01, 15) | (1U << 15));
	CHECK(t.line[3] && !t.line[0]);
	CHECK_EQ(cread(&t, 3, GICC_IAR), IAR_SGI(15, 3));
	cwrite(&t, 3, GICC_EOIR, IAR_SGI(15, 3));

	/* Filter 3 is reserved: nothing. */
	dwrite(&t, 0, GICD_SGIR, SGIR(3, 0x0f, 1));
	for (c = 0; c < 4; c++) {
		CHECK_EQ(cread(&t, c, GICC_IAR), 1023);
		CHECK_EQ(dread(&t, c, GICD_ISPENDR), 0);
	}
	tg_teardown(&t);
}

static void test_sources(void)
{
	struct tgic t;

	sgi_setup(&t, 3);
	/* SGI 5 to vCPU 0 from vCPUs 2 and 1: one pending bit per source. */
	dwrite(&t, 2, GICD_SGIR, SGIR(0, 0x01, 5));
	dwrite(&t, 1, GICD_SGIR, SGIR(0, 0x01, 5));
	dwrite(&t, 1, GICD_SGIR, SGIR(0, 0x01, 5));	/* coalesces */
	CHECK_EQ(dread8(&t, 0, GICD_SPENDSGIR + 5), 0x06);
	CHECK(tg_is_pending(&t, 0, 5));

	/* The lowest source first; the rest keep it active and pending. */
	CHECK_EQ(cread(&t, 0, GICC_IAR), IAR_SGI(5, 1));
	CHECK_EQ(dread8(&t, 0, GICD_SPENDSGIR + 5), 0x04);
	CHECK(tg_is_active(&t, 0, 5) && tg_is_pending(&t, 0, 5));
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);
	cwrite(&t, 0, GICC_EOIR, IAR_SGI(5, 1));
	CHECK(!tg_is_active(&t, 0, 5));
	CHECK_EQ(cread(&t, 0, GICC_IAR), IAR_SGI(5, 2));
	CHECK(!tg_is_pending(&t, 0, 5));
	cwrite(&t, 0, GICC_EOIR, IAR_SGI(5, 2));
	CHECK_EQ(cread(&t, 0, GICC_IAR), 1023);

	/* Pending set through SPENDSGIR is acknowledged with its source. */
	dwrite8(&t, 1, GICD_SPENDSGIR + 7, 0x04);
	CHECK_EQ(cread(&t, 1, GICC_IAR), IAR_SGI(7, 2));
	cwrite(&t, 1, GICC_EOIR, IAR_SGI(7, 2));

	/* CPENDSGIR withdraws one source. */
	dwrite(&t, 0, GICD_SGIR, SGIR(0, 0x02, 8));
	dwrite(&t, 2, GICD_SGIR, SGIR(0, 0x02, 8));
	dwrite8(&t, 1, GICD_CPENDSGIR + 8, 0x01);
	CHECK_EQ(cread(&t, 1, GICC_IAR), IAR_SGI(8, 2));
	cwrite(&t, 1, GICC_EOIR, IAR_SGI(8, 2));
	CHECK_EQ(cread(&t, 1, GICC_IAR), 1023);
	tg_teardown(&t);
}

static void test_sgi_enable_prio(void)
{
	struct tgic t;

	sgi_setup(&t, 2);
	/* A disabled SGI stays pending until enabled. */
	dwrite(&t, 1, GICD_ICENABLER, 1U << 4);
	dwrite(&t, 0, GICD_SGIR, SGIR(0, 0x02, 4));
	CHECK(!t.line[1]);
	CHECK(tg_is_pending(&t, 1, 4));
	dwrite(&t, 1, GICD_ISENABLER, 1U << 4);
	CHECK(t.line[1]);

	/* SGI priorities are banked per target. */
	dwrite8(&t, 1, GICD_IPRIORITYR + 6, 0x40);
	dwrite8(&t, 1, GICD_IPRIORITYR + 4, 0x80);
	dwrite(&t, 0, GICD_SGIR, SGIR(0, 0x02, 6));
	CHECK_EQ(cread(&t, 1, GICC_IAR), IAR_SGI(6, 0));
	CHECK_EQ(cread(&t, 1, GICC_IAR), 1023);
	cwrite(&t, 1, GICC_EOIR, IAR_SGI(6, 0));
	CHECK_EQ(cread(&t, 1, GICC_IAR), IAR_SGI(4, 0));

	/* EOImode: EOIR then DIR with the source bits in the value. */
	cwrite(&t, 1, GICC_CTLR, 0x201);
	cwrite(&t, 1, GICC_EOIR, IAR_SGI(4, 0));
	CHECK(tg_is_active(&t, 1, 4));
	cwrite(&t, 1, GICC_DIR, IAR_SGI(4, 0));
	CHECK(!tg_is_active(&t, 1, 4));
	CHECK(!t.line[1]);
	tg_teardown(&t);
}

void test_sgi(void)
{
	test_filters();
	test_sources();
	test_sgi_enable_prio();
}
