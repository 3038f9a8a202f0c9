/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Malformed and reserved accesses to both register files: refused
 * with -EINVAL and no effect, or read as zero and ignored.
 */
#include <errno.h>

#include "tests/test-ugic.h"

/* An access that must be refused: -EINVAL, reads give 0. */
static void check_refused(struct mmio_region *r, int cpu, uint64_t off,
			  uint32_t len, bool write, int line)
{
	uint64_t v = write ? ~0ULL : 0x5a5a5a5a;
	int ret = tg_access(r, cpu, off, len, write, &v);

	t_check_eq((uint64_t)ret, (uint64_t)-EINVAL, "refused access",
		   __FILE__, line);
	if (!write)
		t_check_eq(v, 0, "refused read gives 0", __FILE__, line);
}

#define REFUSED(r, cpu, off, len, write) \
	check_refused(r, cpu, off, len, write, __LINE__)

/* A reserved location: accepted, reads as zero, ignores writes. */
static void check_raz_wi(struct mmio_region *r, uint64_t off, uint32_t len,
			 int line)
{
	uint64_t v = ~0ULL;

	t_check_eq((uint64_t)tg_access(r, 0, off, len, true, &v), 0,
		   "reserved write accepted", __FILE__, line);
	v = 0x5a5a5a5a;
	t_check_eq((uint64_t)tg_access(r, 0, off, len, false, &v), 0,
		   "reserved read accepted", __FILE__, line);
	t_check_eq(v, 0, "reserved reads as zero", __FILE__, line);
}

#define RAZ_WI(r, off, len)	check_raz_wi(r, off, len, __LINE__)

static void test_dist_widths(void)
{
	static const uint32_t bad_len[] = { 0, 2, 3, 5, 8, 16, 0xffffffff };
	struct tgic t;
	unsigned int i;

	tg_setup(&t, 2, 0);
	for (i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
		REFUSED(&t.dist, 0, GICD_CTLR, bad_len[i], true);
		REFUSED(&t.dist, 0, GICD_TYPER, bad_len[i], false);
		REFUSED(&t.dist, 0, GICD_IPRIORITYR + 0x20, bad_len[i], true);
		REFUSED(&t.dist, 0, GICD_ITARGETSR + 0x20, bad_len[i], false);
		REFUSED(&t.dist, 0, GICD_SPENDSGIR, bad_len[i], true);
	}
	/* Byte access only where the architecture allows it. */
	REFUSED(&t.dist, 0, GICD_CTLR, 1, true);
	REFUSED(&t.dist, 0, GICD_ISENABLER + 4, 1, true);
	REFUSED(&t.dist, 0, GICD_ICFGR + 8, 1, true);
	REFUSED(&t.dist, 0, GICD_SGIR, 1, true);
	REFUSED(&t.dist, 0, GICD_TYPER, 1, false);
	/* Misaligned words, even in byte-accessible registers. */
	REFUSED(&t.dist, 0, GICD_ISENABLER + 6, 4, true);
	REFUSED(&t.dist, 0, GICD_IPRIORITYR + 0x21, 4, true);
	REFUSED(&t.dist, 0, GICD_ITARGETSR + 0x22, 4, false);
	REFUSED(&t.dist, 0, GICD_CTLR + 1, 4, true);
	/* Outside the region, and vCPUs that do not exist. */
	REFUSED(&t.dist, 0, 0x10000, 4, false);
	REFUSED(&t.dist, 0, 0xffffffffffffffffULL, 1, true);
	REFUSED(&t.dist, 0, 0xfffffffffffffffcULL, 4, false);
	REFUSED(&t.dist, 0, 0xfffe, 4, false);
	REFUSED(&t.dist, -1, GICD_CTLR, 4, true);
	REFUSED(&t.dist, 2, GICD_CTLR, 4, true);
	REFUSED(&t.dist, 1000, GICD_TYPER, 4, false);

	/* None of that changed anything. */
	CHECK_EQ(dread(&t, 0, GICD_CTLR), 0);
	CHECK_EQ(dread(&t, 0, GICD_ISENABLER + 4), 0);
	CHECK_EQ(dread(&t, 0, GICD_IPRIORITYR + 0x20), 0);
	CHECK_EQ(dread(&t, 0, GICD_ICFGR + 8), 0);
	CHECK_EQ(dread(&t, 0, GICD_SPENDSGIR), 0);
	CHECK_EQ(dread(&t, 0, GICD_ITARGETSR + 0x20), 0x01010101);
	tg_teardown(&t);
}

static void test_dist_reserved(void)
{
	static const uint32_t words[] = {
		0x00c, 0x040, 0x07c, 0xd00, 0xdfc, 0xe00, 0xefc, 0xf04,
		0xf0c, 0xf30, 0xfcc, 0x1000, 0x8000, 0xfffc,
	};
	struct tgic t;
	unsigned int i;

	tg_setup(&t, 2, 0);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		RAZ_WI(&t.dist, words[i], 4);
	/* Registers of interrupts past nr_irqs. */
	RAZ_WI(&t.dist, GICD_ISENABLER + 0x20, 4);
	RAZ_WI(&t.dist, GICD_ICACTIVER + 0x7c, 4);
	RAZ_WI(&t.dist, GICD_IPRIORITYR + 0x100, 1);
	RAZ_WI(&t.dist, GICD_ITARGETSR + 0x3fb, 1);
	RAZ_WI(&t.dist, GICD_ICFGR + 0xfc, 4);
	CHECK_EQ(dread(&t, 0, GICD_CTLR), 0);
	CHECK_EQ(dread(&t, 1, GICD_ISENABLER), 0xffff);
	tg_teardown(&t);
}

static void test_cpuif_widths(void)
{
	static const uint32_t bad_len[] = { 0, 1, 2, 3, 5, 8 };
	struct tgic t;
	unsigned int i;

	tg_setup(&t, 2, 0);
	tg_enable(&t);
	tg_irq(&t, 0, 40, 0x80);
	tg_pend(&t, 0, 40);
	for (i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
		REFUSED(&t.cpu, 0, GICC_PMR, bad_len[i], true);
		/* A refused IAR read acknowledges nothing. */
		REFUSED(&t.cpu, 0, GICC_IAR, bad_len[i], false);
		REFUSED(&t.cpu, 0, GICC_EOIR, bad_len[i], true);
	}
	REFUSED(&t.cpu, 0, GICC_IAR + 2, 4, false);
	REFUSED(&t.cpu, 0, GICC_DIR + 1, 4, true);
	REFUSED(&t.cpu, 0, 0x20000, 4, false);
	REFUSED(&t.cpu, 0, 0xffffffffffffff00ULL, 4, false);
	REFUSED(&t.cpu, -1, GICC_IAR, 4, false);
	REFUSED(&t.cpu, 2, GICC_IAR, 4, false);
	CHECK_EQ(cread(&t, 0, GICC_PMR), 0xf8);
	CHECK(tg_is_pending(&t, 0, 40));
	CHECK(!tg_is_active(&t, 0, 40));
	CHECK_EQ(cread(&t, 0, GICC_IAR), 40);
	tg_teardown(&t);
}

static void test_cpuif_reserved(void)
{
	static const uint32_t words[] = {
		0x2c, 0x40, 0xcc, 0xd4, 0xd8, 0xdc, 0xe0, 0xe4, 0xe8, 0xec,
		0xf8, 0x1004, 0x1ffc, 0x2000, 0x10000, 0x1fffc,
	};
	struct tgic t;
	unsigned int i;

	tg_setup(&t, 1, 0);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		RAZ_WI(&t.cpu, words[i], 4);
	tg_teardown(&t);
}

/* A NULL region or access is survived too. */
static void test_null(void)
{
	struct mmio_region r = { .handler = ugic_dist_mmio };
	struct mmio_access acc = { .len = 4, .data = 7 };

	CHECK_EQ(ugic_dist_mmio(&r, &acc), -EINVAL);
	CHECK_EQ(acc.data, 0);
	CHECK_EQ(ugic_cpuif_mmio(NULL, &acc), -EINVAL);
	CHECK_EQ(ugic_dist_mmio(&r, NULL), -EINVAL);
	CHECK_EQ(ugic_cpuif_mmio(&r, NULL), -EINVAL);
}

void test_dist_access(void)
{
	test_dist_widths();
	test_dist_reserved();
	test_cpuif_widths();
	test_cpuif_reserved();
	test_null();
}
