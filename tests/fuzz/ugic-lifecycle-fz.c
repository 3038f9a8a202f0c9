// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-ugic's lifecycle, in whatever order the input says: nr_irqs,
 * the frames' addresses, init, mapping, and destroy and create again,
 * each call's result checked against the rules of gic/ugic.h.
 */
#include <errno.h>
#include <string.h>

#include "gic/ugic.h"
#include "machine/memmap.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/ugic-fz.h"

void gic_set_nr_irqs(struct gic_fuzz *g, uint32_t nr)
{
	int want, ret;

	if (!g->gic)
		want = -EINVAL;
	else if (nr < 64 || nr > UGIC_MAX_NR_IRQS || (nr & 31))
		want = -EINVAL;
	else if (ugic_get_nr_irqs(g->gic) != UGIC_NR_PRIVATE_IRQS)
		want = -EBUSY;	/* already set, or frozen by init */
	else
		want = 0;
	ret = ugic_set_nr_irqs(g->gic, nr);
	FUZZ_CHECK_EQ(ret, want);
	if (!ret)
		FUZZ_CHECK_EQ(ugic_get_nr_irqs(g->gic), nr);
}

/* u16: below 0x8000 the low 11 bits, else a raw u32. */
void gic_op_nr_irqs(struct gic_fuzz *g, struct fuzz_input *in)
{
	uint16_t v = fuzz_u16(in);

	gic_set_nr_irqs(g, (v & 0x8000) ? fuzz_u32(in) : v & 0x7ff);
}

static uint64_t gic_region_size(int type)
{
	return type == UGIC_ADDR_DIST ? UGIC_DIST_REGION_SIZE :
					UGIC_CPU_REGION_SIZE;
}

static int gic_want_addr(struct gic_fuzz *g, int type, uint64_t addr)
{
	uint64_t size = gic_region_size(type);
	uint64_t phys = g->cfg.ipa_bits && g->cfg.ipa_bits < 64 ?
			1ULL << g->cfg.ipa_bits : 0;

	if (!g->gic)
		return -EINVAL;
	if (type != UGIC_ADDR_DIST && type != UGIC_ADDR_CPU)
		return -ENXIO;
	if (ugic_get_addr(g->gic, type) != UGIC_ADDR_UNDEF)
		return -EEXIST;
	if (addr & (UGIC_ADDR_ALIGN - 1) || addr + size < addr)
		return -EINVAL;
	if (phys && addr + size > phys)
		return -E2BIG;
	return 0;
}

void gic_set_addr(struct gic_fuzz *g, int type, uint64_t addr)
{
	int want = gic_want_addr(g, type, addr), ret;

	ret = ugic_set_addr(g->gic, (enum ugic_addr_type)type, addr);
	FUZZ_CHECK_EQ(ret, want);
	if (!ret)
		FUZZ_CHECK_EQ(ugic_get_addr(g->gic, type), addr);
}

/* u8 type (modulo 4: dist, cpu, two unknown), u8 class, address. */
void gic_op_addr(struct gic_fuzz *g, struct fuzz_input *in)
{
	static const int types[] = { UGIC_ADDR_DIST, UGIC_ADDR_CPU, 2, -1 };
	int type = types[fuzz_u8(in) % 4];
	uint64_t addr;

	switch (fuzz_u8(in) % 4) {
	case 0:
		addr = type == UGIC_ADDR_CPU ? MEMMAP_GICV2_CPU_BASE :
					       MEMMAP_GIC_DIST_BASE;
		break;
	case 1:
		addr = (uint64_t)fuzz_u32(in) << 12;
		break;
	case 2:
		addr = fuzz_u64(in);
		break;
	default:
		/* The other frame's address: overlapping frames. */
		addr = type == UGIC_ADDR_CPU ? MEMMAP_GIC_DIST_BASE :
					       MEMMAP_GICV2_CPU_BASE;
		break;
	}
	gic_set_addr(g, type, addr);
}

void gic_init(struct gic_fuzz *g)
{
	int ret = ugic_init(g->gic);

	FUZZ_CHECK_EQ(ret, g->gic ? 0 : -EINVAL);
	if (g->gic) {
		FUZZ_CHECK(ugic_initialized(g->gic));
		FUZZ_CHECK(ugic_get_nr_irqs(g->gic) >= 64);
	}
}

static int gic_want_map(struct gic_fuzz *g)
{
	uint64_t d, c;

	if (!g->gic)
		return -EINVAL;
	if (ugic_ready(g->gic))
		return 0;
	d = ugic_get_addr(g->gic, UGIC_ADDR_DIST);
	c = ugic_get_addr(g->gic, UGIC_ADDR_CPU);
	if (d == UGIC_ADDR_UNDEF || c == UGIC_ADDR_UNDEF)
		return -ENXIO;
	if (d + UGIC_DIST_REGION_SIZE <= c || c + UGIC_CPU_REGION_SIZE <= d)
		return 0;
	return -EINVAL;
}

/* A failed mapping tears the GIC down to its freshly created state. */
void gic_map(struct gic_fuzz *g)
{
	int want = gic_want_map(g), ret = ugic_map_resources(g->gic);

	FUZZ_CHECK_EQ(ret, want);
	if (!g->gic)
		return;
	FUZZ_CHECK_EQ(ugic_ready(g->gic), !ret);
	FUZZ_CHECK_EQ(ugic_initialized(g->gic), !ret);
	if (ret) {
		FUZZ_CHECK_EQ(ugic_get_nr_irqs(g->gic), UGIC_NR_PRIVATE_IRQS);
		FUZZ_CHECK_EQ(ugic_get_addr(g->gic, UGIC_ADDR_DIST),
			      UGIC_ADDR_UNDEF);
		FUZZ_CHECK_EQ(ugic_get_addr(g->gic, UGIC_ADDR_CPU),
			      UGIC_ADDR_UNDEF);
	}
}

void gic_create(struct gic_fuzz *g)
{
	struct ugic *other = NULL;

	FUZZ_CHECK_EQ(ugic_create(&g->gic, &g->cfg), 0);
	FUZZ_CHECK(g->gic);
	memset(g->reported, 0, sizeof(g->reported));
	/* A second GIC, and nowhere to put one, are refused. */
	FUZZ_CHECK_EQ(ugic_create(&g->gic, &g->cfg), -EEXIST);
	FUZZ_CHECK_EQ(ugic_create(NULL, &g->cfg), -EINVAL);
	FUZZ_CHECK_EQ(ugic_create(&other, NULL), -EINVAL);
	FUZZ_CHECK(!other);
}

/* Destroy, then keep going with no GIC: every call must refuse. */
void gic_op_recreate(struct gic_fuzz *g)
{
	if (!g->gic) {
		gic_create(g);
		return;
	}
	ugic_destroy(&g->gic);
	FUZZ_CHECK(!g->gic);
	ugic_destroy(&g->gic);
	ugic_destroy(NULL);
	FUZZ_CHECK(!ugic_initialized(NULL) && !ugic_ready(NULL));
	FUZZ_CHECK_EQ(ugic_get_nr_irqs(NULL), 0);
	FUZZ_CHECK_EQ(ugic_get_addr(NULL, UGIC_ADDR_DIST), UGIC_ADDR_UNDEF);
}
