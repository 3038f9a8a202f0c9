// SPDX-License-Identifier: GPL-2.0
/*
 * The GICv2m frame model (gic/v2m.c): its registers at every width,
 * MSI_SETSPI_NS in and out of range, message decoding; then the frame
 * feeding lkvm's userspace GIC (gic/ugic-*.c) as gic/gicv2m.c wires it
 * for --irqchip=user: the SPI is raised on the CPU it targets, as an
 * edge.
 */
#include <errno.h>
#include <string.h>

#include "gic/ugic.h"
#include "gic/v2m.h"
#include "machine/memmap.h"
#include "tests/unit.h"

#define BASE		(MEMMAP_GICV2_CPU_BASE - V2M_FRAME_SIZE)
#define FIRST		32
#define NR		V2M_NR_SPIS
#define TYPER		((FIRST << 16) | NR)

#define GICD_CTLR	0x000
#define GICD_ISENABLER	0x100
#define GICD_ISPENDR	0x200
#define GICD_IPRIORITYR	0x400
#define GICD_ITARGETSR	0x800
#define GICD_ICFGR	0xc00
#define GICC_CTLR	0x00
#define GICC_PMR	0x04
#define GICC_IAR	0x0c
#define GICC_EOIR	0x10

static struct unit u;

struct rec {
	unsigned int raised[1024];
	unsigned int count;
	struct ugic *gic;	/* non-NULL: pulse its SPI, as gicv2m.c does */
};

static int rec_raise(void *opaque, unsigned int spi)
{
	struct rec *r = opaque;

	r->count++;
	if (spi < 1024)
		r->raised[spi]++;
	if (r->gic) {
		ugic_set_spi_level(r->gic, 32 + spi, true);
		ugic_set_spi_level(r->gic, 32 + spi, false);
	}
	return 0;
}

static int access(struct mmio_region *reg, uint64_t off, uint32_t len,
		  bool write, uint64_t *data)
{
	struct mmio_access acc = {
		.offset = off, .len = len, .is_write = write,
		.data = write ? *data : 0xdeadbeef, .cpu = 0,
	};
	int ret = reg->handler(reg, &acc);

	if (!write)
		*data = acc.data;
	return ret;
}

static uint64_t rd(struct mmio_region *reg, uint64_t off, uint32_t len)
{
	uint64_t v = 0;

	CHECK_EQ(&u, access(reg, off, len, false, &v), 0);
	return v;
}

static int wr(struct mmio_region *reg, uint64_t off, uint32_t len, uint64_t v)
{
	return access(reg, off, len, true, &v);
}

static void test_init(void)
{
	struct v2m_frame f;
	struct rec r = { 0 };

	CHECK_EQ(&u, v2m_frame_init(&f, BASE, 31, 64, rec_raise, &r), -EINVAL);
	CHECK_EQ(&u, v2m_frame_init(&f, BASE, 32, 0, rec_raise, &r), -EINVAL);
	CHECK_EQ(&u, v2m_frame_init(&f, BASE, 960, 61, rec_raise, &r), -EINVAL);
	CHECK_EQ(&u, v2m_frame_init(&f, BASE + 4, 32, 64, rec_raise, &r), -EINVAL);
	CHECK_EQ(&u, v2m_frame_init(&f, BASE, 32, 64, NULL, &r), -EINVAL);
	CHECK_EQ(&u, v2m_frame_init(&f, BASE, 960, 60, rec_raise, &r), 0);
	CHECK_EQ(&u, v2m_typer(&f), (960u << 16) | 60);
	CHECK_EQ(&u, v2m_frame_init(&f, BASE, FIRST, NR, rec_raise, &r), 0);
	CHECK_EQ(&u, v2m_typer(&f), TYPER);
}

static void setup(struct v2m_frame *f, struct mmio_region *reg, struct rec *r)
{
	memset(r, 0, sizeof(*r));
	CHECK_EQ(&u, v2m_frame_init(f, BASE, FIRST, NR, rec_raise, r), 0);
	v2m_region(f, reg);
	CHECK_EQ(&u, reg->base, BASE);
	CHECK_EQ(&u, reg->size, 0x1000);
}

static void test_reads(void)
{
	struct v2m_frame f;
	struct mmio_region reg;
	struct rec r;
	uint64_t v;

	setup(&f, &reg, &r);
	CHECK_EQ(&u, rd(&reg, V2M_MSI_TYPER, 4), TYPER);
	CHECK_EQ(&u, rd(&reg, V2M_MSI_TYPER, 2), TYPER & 0xffff);
	CHECK_EQ(&u, rd(&reg, V2M_MSI_TYPER + 2, 2), TYPER >> 16);
	CHECK_EQ(&u, rd(&reg, V2M_MSI_TYPER, 1), NR);
	CHECK_EQ(&u, rd(&reg, V2M_MSI_TYPER + 2, 1), FIRST);
	CHECK_EQ(&u, rd(&reg, V2M_MSI_IIDR, 4), 0);
	CHECK_EQ(&u, rd(&reg, V2M_MSI_SETSPI_NS, 4), 0);	/* write-only */
	CHECK_EQ(&u, rd(&reg, 0x000, 4), 0);
	CHECK_EQ(&u, rd(&reg, 0xffc, 4), 0);
	/* Malformed: refused, read as zero. */
	v = 1;
	CHECK_EQ(&u, access(&reg, V2M_MSI_TYPER, 8, false, &v), -EINVAL);
	CHECK_EQ(&u, v, 0);
	CHECK_EQ(&u, access(&reg, V2M_MSI_TYPER, 3, false, &v), -EINVAL);
	CHECK_EQ(&u, access(&reg, V2M_MSI_TYPER, 0, false, &v), -EINVAL);
	CHECK_EQ(&u, access(&reg, V2M_MSI_TYPER + 1, 4, false, &v), -EINVAL);
	CHECK_EQ(&u, access(&reg, V2M_MSI_TYPER + 1, 2, false, &v), -EINVAL);
	CHECK_EQ(&u, access(&reg, 0x1000, 4, false, &v), -EINVAL);
	CHECK_EQ(&u, access(&reg, ~0ULL, 1, false, &v), -EINVAL);
	CHECK_EQ(&u, v, 0);
	CHECK_EQ(&u, r.count, 0);
}

static void test_setspi(void)
{
	static const uint32_t out[] = {
		0, 1, 16, 31, FIRST + NR, FIRST + NR + 1, 1019, 1020, 1023,
		V2M_SPI_MASK,
	};
	struct v2m_frame f;
	struct mmio_region reg;
	struct rec r;
	unsigned int i, bad = 0;

	setup(&f, &reg, &r);
	for (i = FIRST; i < FIRST + NR; i++) {
		CHECK_EQ(&u, wr(&reg, V2M_MSI_SETSPI_NS, 4, i), 0);
		if (r.raised[i - 32] != 1 || r.count != i - FIRST + 1)
			bad++;
	}
	CHECK_EQ(&u, bad, 0);
	r.count = 0;
	for (i = 0; i < sizeof(out) / sizeof(out[0]); i++)
		CHECK_EQ(&u, wr(&reg, V2M_MSI_SETSPI_NS, 4, out[i]), 0);
	CHECK_EQ(&u, r.count, 0);
	/* Bits [31:10] are reserved: the SPI field alone counts. */
	CHECK_EQ(&u, wr(&reg, V2M_MSI_SETSPI_NS, 4, 0xfffffc00 | 40), 0);
	CHECK_EQ(&u, wr(&reg, V2M_MSI_SETSPI_NS, 4, 0x400 | 31), 0);
	CHECK_EQ(&u, r.count, 1);
	CHECK_EQ(&u, r.raised[8], 2);
	/* A halfword holds the field; a byte does not count. */
	CHECK_EQ(&u, wr(&reg, V2M_MSI_SETSPI_NS, 2, 41), 0);
	CHECK_EQ(&u, wr(&reg, V2M_MSI_SETSPI_NS, 1, 42), 0);
	CHECK_EQ(&u, r.raised[9], 2);
	CHECK_EQ(&u, r.raised[10], 1);
	/* Elsewhere, and malformed: nothing, and the registers stay. */
	r.count = 0;
	CHECK_EQ(&u, wr(&reg, V2M_MSI_SETSPI_NS + 4, 4, 40), 0);
	CHECK_EQ(&u, wr(&reg, V2M_MSI_TYPER, 4, 0), 0);
	CHECK_EQ(&u, wr(&reg, V2M_MSI_IIDR, 4, 40), 0);
	CHECK_EQ(&u, wr(&reg, 0, 4, 40), 0);
	CHECK_EQ(&u, wr(&reg, V2M_MSI_SETSPI_NS, 8, 40), -EINVAL);
	CHECK_EQ(&u, wr(&reg, V2M_MSI_SETSPI_NS + 1, 2, 40), -EINVAL);
	CHECK_EQ(&u, wr(&reg, V2M_MSI_SETSPI_NS, 3, 40), -EINVAL);
	CHECK_EQ(&u, wr(&reg, 0x1040, 4, 40), -EINVAL);
	CHECK_EQ(&u, r.count, 0);
	CHECK_EQ(&u, rd(&reg, V2M_MSI_TYPER, 4), TYPER);
}

static void test_decode(void)
{
	struct v2m_frame f;
	struct mmio_region reg;
	struct rec r;
	uint64_t doorbell = BASE + V2M_MSI_SETSPI_NS;

	setup(&f, &reg, &r);
	CHECK_EQ(&u, v2m_decode(&f, doorbell, FIRST), 0);
	CHECK_EQ(&u, v2m_decode(&f, doorbell, FIRST + NR - 1), NR - 1);
	CHECK_EQ(&u, v2m_decode(&f, doorbell, FIRST + NR), -EINVAL);
	CHECK_EQ(&u, v2m_decode(&f, doorbell, FIRST - 1), -EINVAL);
	CHECK_EQ(&u, v2m_decode(&f, doorbell + 4, FIRST), -EINVAL);
	CHECK_EQ(&u, v2m_decode(&f, BASE, FIRST), -EINVAL);
	CHECK_EQ(&u, v2m_decode(&f, doorbell | 1ULL << 32, FIRST), -EINVAL);
	CHECK_EQ(&u, v2m_signal(&f, doorbell, 50), 0);
	CHECK_EQ(&u, r.raised[18], 1);
	CHECK_EQ(&u, v2m_signal(&f, doorbell, 1000), -EINVAL);
	CHECK_EQ(&u, v2m_signal(&f, 0, 50), -EINVAL);
	CHECK_EQ(&u, r.count, 1);
}

/* --- the frame in front of the userspace GIC --- */

struct ug {
	struct ugic *gic;
	struct mmio_region dist, cpu;
	bool line[2];
};

static void ug_line(void *opaque, int cpu, bool level)
{
	struct ug *g = opaque;

	g->line[cpu] = level;
}

static uint32_t greg(struct mmio_region *reg, int cpu, uint64_t off, bool write,
		     uint32_t val)
{
	struct mmio_access acc = {
		.offset = off, .len = 4, .is_write = write, .data = val,
		.cpu = cpu,
	};

	CHECK_EQ(&u, reg->handler(reg, &acc), 0);
	return acc.data;
}

static void ug_setup(struct ug *g)
{
	struct ugic_config cfg = {
		.nr_cpus = 2, .set_irq_line = ug_line, .opaque = g,
	};
	int cpu;

	memset(g, 0, sizeof(*g));
	CHECK_EQ(&u, ugic_create(&g->gic, &cfg), 0);
	/* lkvm's sizing: the frame's 64 SPIs, then a device's. */
	CHECK_EQ(&u, ugic_set_nr_irqs(g->gic, 128), 0);
	CHECK_EQ(&u, ugic_set_addr(g->gic, UGIC_ADDR_DIST, MEMMAP_GIC_DIST_BASE), 0);
	CHECK_EQ(&u, ugic_set_addr(g->gic, UGIC_ADDR_CPU, MEMMAP_GICV2_CPU_BASE), 0);
	CHECK_EQ(&u, ugic_map_resources(g->gic), 0);
	ugic_dist_region(g->gic, &g->dist);
	ugic_cpuif_region(g->gic, &g->cpu);
	greg(&g->dist, 0, GICD_CTLR, true, 1);
	for (cpu = 0; cpu < 2; cpu++) {
		greg(&g->cpu, cpu, GICC_CTLR, true, 1);
		greg(&g->cpu, cpu, GICC_PMR, true, 0xf0);
	}
}

/* As Linux's v2m domain sets its SPIs up: edge, enabled, one target. */
static void ug_spi(struct ug *g, uint32_t intid, int cpu, bool edge)
{
	uint32_t cfg_off = GICD_ICFGR + intid / 16 * 4, shift = intid % 16 * 2;
	uint32_t t_off = GICD_ITARGETSR + (intid & ~3u);
	uint32_t cfg = greg(&g->dist, 0, cfg_off, false, 0);
	uint32_t t = greg(&g->dist, 0, t_off, false, 0);

	cfg = (cfg & ~(2u << shift)) | ((edge ? 2u : 0) << shift);
	greg(&g->dist, 0, cfg_off, true, cfg);
	t &= ~(0xffu << (intid % 4 * 8));
	t |= (1u << cpu) << (intid % 4 * 8);
	greg(&g->dist, 0, t_off, true, t);
	greg(&g->dist, 0, GICD_ISENABLER + intid / 32 * 4, true, 1u << intid % 32);
}

static bool ug_pending(struct ug *g, uint32_t intid)
{
	return greg(&g->dist, 0, GICD_ISPENDR + intid / 32 * 4, false, 0) &
	       (1u << intid % 32);
}

static void test_user_gic(void)
{
	struct v2m_frame f;
	struct mmio_region reg;
	struct rec r;
	struct ug g;
	uint32_t i, bad = 0, any = 0;

	ug_setup(&g);
	setup(&f, &reg, &r);
	r.gic = g.gic;
	/* Every SPI of the frame, alternately on each CPU. */
	for (i = FIRST; i < FIRST + NR; i++) {
		int cpu = i & 1;

		ug_spi(&g, i, cpu, true);
		wr(&reg, V2M_MSI_SETSPI_NS, 4, i);
		if (!g.line[cpu] || g.line[!cpu])
			bad++;
		if (greg(&g.cpu, cpu, GICC_IAR, false, 0) != i)
			bad++;
		greg(&g.cpu, cpu, GICC_EOIR, true, i);
		if (g.line[0] || g.line[1])
			bad++;
	}
	CHECK_EQ(&u, bad, 0);
	/* Edge: two messages before the acknowledge are one interrupt. */
	wr(&reg, V2M_MSI_SETSPI_NS, 4, 40);
	wr(&reg, V2M_MSI_SETSPI_NS, 4, 40);
	CHECK(&u, g.line[0]);
	CHECK_EQ(&u, greg(&g.cpu, 0, GICC_IAR, false, 0), 40);
	CHECK_EQ(&u, greg(&g.cpu, 0, GICC_IAR, false, 0), 1023);
	greg(&g.cpu, 0, GICC_EOIR, true, 40);
	/* One while it is active: pending again, taken after the EOI. */
	CHECK_EQ(&u, greg(&g.cpu, 0, GICC_IAR, false, 0), 1023);
	wr(&reg, V2M_MSI_SETSPI_NS, 4, 42);
	CHECK_EQ(&u, greg(&g.cpu, 0, GICC_IAR, false, 0), 42);
	wr(&reg, V2M_MSI_SETSPI_NS, 4, 42);
	CHECK(&u, ug_pending(&g, 42));
	greg(&g.cpu, 0, GICC_EOIR, true, 42);
	CHECK_EQ(&u, greg(&g.cpu, 0, GICC_IAR, false, 0), 42);
	greg(&g.cpu, 0, GICC_EOIR, true, 42);
	/* A level SPI sees only a pulse: nothing stays (as on KVM). */
	ug_spi(&g, 44, 0, false);
	wr(&reg, V2M_MSI_SETSPI_NS, 4, 44);
	CHECK(&u, !ug_pending(&g, 44));
	CHECK(&u, !g.line[0]);
	/* Out of range: nothing pends anywhere. */
	wr(&reg, V2M_MSI_SETSPI_NS, 4, FIRST + NR);
	wr(&reg, V2M_MSI_SETSPI_NS, 4, FIRST - 1);
	wr(&reg, V2M_MSI_SETSPI_NS, 4, 1020);
	for (i = 32; i < 128; i++)
		any += ug_pending(&g, i);
	CHECK_EQ(&u, any, 0);
	CHECK(&u, !g.line[0] && !g.line[1]);
	ugic_destroy(&g.gic);
}

int main(void)
{
	test_init();
	test_reads();
	test_setspi();
	test_decode();
	test_user_gic();
	return unit_done(&u, "test-v2m");
}
