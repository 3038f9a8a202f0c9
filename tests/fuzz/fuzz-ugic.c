// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace GICv2 model: lifecycle in any order, guest accesses
 * of any offset, width and vCPU index, and level inputs.
 *
 * Input:
 *   u8 config   bits 0-3: nr_cpus (0-15; 0 and >8 must be refused),
 *               bit 4: a vCPU already ran (refused), bits 5-6: IPA
 *               size 0, 40, 32 or a u8 from the input, bit 7: no
 *               output callback. A refused config is followed by a
 *               valid one with 1 + (bits 0-2) vCPUs.
 *   u8 setup    bit 0: set nr_irqs (u16), bit 1: usual addresses,
 *               bit 2: init, bit 3: map resources
 *   operations  an opcode byte (modulo OP_COUNT), then its arguments;
 *               see gic_op_*() below and in ugic-lifecycle-fz.c.
 *
 * Invariants, after every operation:
 * - each call returns what the documented rules say (ugic.h,
 *   docs/userspace-gic.md), errors included;
 * - the output callback only reports changes, for valid vCPUs, and
 *   what it last reported is ugic_irq_line();
 * - ugic_irq_line() is what the registers say: distributor and CPU
 *   interface enabled, and the highest pending interrupt (HPPIR) has
 *   a priority below PMR and a group priority above the running one;
 * - IAR returns 1023 exactly when the line was low, otherwise a valid
 *   INTID (and, for an SGI, a valid source vCPU).
 */
#include <errno.h>
#include <limits.h>

#include "gic/ugic.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/ugic-fz.h"
#include "machine/memmap.h"

#define GICD_CTLR	0x000
#define GICD_TYPER	0x004
#define GICD_ISENABLER	0x100
#define GICD_ISACTIVER	0x300
#define GICD_IPRIORITYR	0x400
#define GICD_ITARGETSR	0x800
#define GICD_SGIR	0xf00
#define GICC_CTLR	0x00
#define GICC_PMR	0x04
#define GICC_BPR	0x08
#define GICC_IAR	0x0c
#define GICC_EOIR	0x10
#define GICC_RPR	0x14
#define GICC_HPPIR	0x18
#define GICC_AIAR	0x20
#define GICC_AHPPIR	0x28
#define GICC_DIR	0x1000

#define GICC_CTLR_EOIMODE	(1U << 9)

enum gic_op {
	OP_DIST, OP_CPUIF, OP_SPI, OP_PPI, OP_NR_IRQS, OP_ADDR, OP_INIT,
	OP_MAP, OP_RECREATE, OP_ACK, OP_ENABLE, OP_SGI, OP_COUNT
};

static void gic_line_cb(void *opaque, int cpu, bool level)
{
	struct gic_fuzz *g = opaque;

	FUZZ_CHECK(cpu >= 0 && (unsigned int)cpu < g->cfg.nr_cpus);
	FUZZ_CHECK(level != g->reported[cpu]);
	g->reported[cpu] = level;
}

static bool gic_cpu_valid(const struct gic_fuzz *g, int cpu)
{
	return cpu >= 0 && (unsigned int)cpu < g->cfg.nr_cpus;
}

/* ---- decoding ---- */

/* Mostly valid vCPUs, sometimes the classic wrong ones. */
static int gic_pick_cpu(const struct gic_fuzz *g, struct fuzz_input *in)
{
	static const int odd[] = { -1, 8, 9, 255, 256, -2, INT_MAX, INT_MIN };
	uint8_t b = fuzz_u8(in);

	if (b < 0xf0)
		return b % g->cfg.nr_cpus;
	if (b == 0xf0)
		return g->cfg.nr_cpus;
	if (b == 0xff)
		return (int)fuzz_u32(in);
	return odd[b % 8];
}

static uint32_t gic_pick_len(unsigned int class, struct fuzz_input *in)
{
	static const uint32_t odd[] = { 0, 2, 3, 5, 6, 7, 8, 9, 16, UINT32_MAX };

	switch (class) {
	case 4:
	case 5:
		return 1;
	case 6:
		return odd[fuzz_u8(in) % 10];
	case 7:
		return fuzz_u32(in);
	default:
		return 4;
	}
}

static uint64_t gic_pick_offset(bool dist, unsigned int class,
				struct fuzz_input *in)
{
	uint64_t size = dist ? UGIC_DIST_REGION_SIZE : UGIC_CPU_REGION_SIZE;

	switch (class) {
	case 0:
		return dist ? fuzz_u16(in) & 0xffc : fuzz_u8(in) & 0xfc;
	case 1:
		return dist ? fuzz_u16(in) & 0xfff : GICC_DIR | (fuzz_u8(in) & 0xfc);
	case 2:
		return fuzz_u32(in) % size;
	case 3:
		return size - 0x100 + fuzz_u16(in);	/* the end and beyond */
	default:
		return fuzz_u64(in);
	}
}

/* ---- guest accesses ---- */

/* The architecture's byte-accessible distributor registers. */
static bool gic_byte_ok(uint64_t offset)
{
	return (offset >= 0x400 && offset < 0xc00) ||
	       (offset >= 0xf10 && offset < 0xf30);
}

static int gic_want_ret(const struct gic_fuzz *g, bool dist,
			const struct mmio_access *acc)
{
	uint64_t size = dist ? UGIC_DIST_REGION_SIZE : UGIC_CPU_REGION_SIZE;

	if (!g->gic || !gic_cpu_valid(g, acc->cpu))
		return -EINVAL;
	if (acc->offset >= size || acc->len > size - acc->offset)
		return -EINVAL;
	if (acc->len == 4 && (acc->offset & 3))
		return -EINVAL;
	if (acc->len != 4 && !(acc->len == 1 && dist && gic_byte_ok(acc->offset)))
		return -EINVAL;
	return ugic_initialized(g->gic) ? 0 : -ENODEV;
}

/* IAR: 1023 exactly when the line was low, else a valid INTID. */
static void gic_check_iar(const struct gic_fuzz *g, int cpu, uint64_t val,
			  bool line)
{
	uint32_t intid = val & 0x3ff, src = val >> 10;

	FUZZ_CHECK_EQ(intid != UGIC_SPURIOUS, line);
	if (intid == UGIC_SPURIOUS) {
		FUZZ_CHECK_EQ(src, 0);
		return;
	}
	FUZZ_CHECK(intid < ugic_get_nr_irqs(g->gic));
	FUZZ_CHECK(intid < 1020);
	if (intid < UGIC_NR_SGIS)
		FUZZ_CHECK(src < g->cfg.nr_cpus);
	else
		FUZZ_CHECK_EQ(src, 0);
}

static void gic_check_read(const struct gic_fuzz *g, bool dist,
			   const struct mmio_access *acc, bool line)
{
	uint32_t nr = ugic_get_nr_irqs(g->gic);
	uint64_t v = acc->data;

	FUZZ_CHECK(v <= (acc->len == 1 ? 0xffULL : 0xffffffffULL));
	if (dist && acc->offset == GICD_CTLR)
		FUZZ_CHECK(v <= 1);
	if (dist && acc->offset == GICD_TYPER) {
		FUZZ_CHECK_EQ(v & 0x1f, nr / 32 - 1);
		FUZZ_CHECK_EQ((v >> 5) & 7, g->cfg.nr_cpus - 1);
	}
	if (dist)
		return;
	if (acc->offset == GICC_IAR || acc->offset == GICC_AIAR)
		gic_check_iar(g, acc->cpu, v, line);
	if (acc->offset == GICC_HPPIR || acc->offset == GICC_AHPPIR) {
		FUZZ_CHECK((v & 0x3ff) == UGIC_SPURIOUS || (v & 0x3ff) < nr);
		if (line)
			FUZZ_CHECK((v & 0x3ff) != UGIC_SPURIOUS);
	}
	if (acc->offset == GICC_RPR)
		FUZZ_CHECK(v == 0xff || (v <= 0xf8 && !(v & 7)));
}

/* One access through the region the VMM would register; checked. */
static int gic_mmio(struct gic_fuzz *g, bool dist, struct mmio_access *acc)
{
	struct mmio_region r;
	int want = gic_want_ret(g, dist, acc), ret;
	bool line = ugic_irq_line(g->gic, acc->cpu);

	if (dist)
		ugic_dist_region(g->gic, &r);
	else
		ugic_cpuif_region(g->gic, &r);
	ret = r.handler(&r, acc);
	FUZZ_CHECK_EQ(ret, want);
	if (acc->is_write)
		return ret;
	if (ret)
		FUZZ_CHECK_EQ(acc->data, 0);
	else
		gic_check_read(g, dist, acc, line);
	return ret;
}

static uint32_t gic_rd(struct gic_fuzz *g, bool dist, uint64_t off,
		       uint32_t len, int cpu)
{
	struct mmio_access acc = { .offset = off, .len = len, .cpu = cpu };

	gic_mmio(g, dist, &acc);
	return acc.data;
}

static void gic_wr(struct gic_fuzz *g, bool dist, uint64_t off, uint32_t val,
		   int cpu)
{
	struct mmio_access acc = {
		.offset = off, .len = 4, .is_write = true, .data = val,
		.cpu = cpu,
	};

	gic_mmio(g, dist, &acc);
}

/* u8 ctl (bit 0 write, bits 1-3 offset class, 4-6 len class), cpu, ... */
static void gic_op_access(struct gic_fuzz *g, bool dist, struct fuzz_input *in)
{
	uint8_t ctl = fuzz_u8(in);
	struct mmio_access acc = { .is_write = ctl & 1 };
	unsigned int len_class = (ctl >> 4) & 7;

	acc.cpu = gic_pick_cpu(g, in);
	acc.offset = gic_pick_offset(dist, ((ctl >> 1) & 7) % 5, in);
	acc.len = gic_pick_len(len_class, in);
	if (acc.is_write)
		acc.data = len_class == 7 ? fuzz_u64(in) : fuzz_u32(in);
	else
		acc.data = ~0ULL;	/* must not leak into a read */
	gic_mmio(g, dist, &acc);
}

/* ---- guest-like sequences, to get deep quickly ---- */

/* u8 ctl, cpu, u16 intid: enable everything on the way to an interrupt. */
static void gic_op_enable(struct gic_fuzz *g, struct fuzz_input *in)
{
	uint8_t ctl = fuzz_u8(in);
	int cpu = gic_pick_cpu(g, in);
	uint32_t intid = fuzz_u16(in) & 0x3ff;

	gic_wr(g, true, GICD_CTLR, 1, cpu);
	gic_wr(g, false, GICC_CTLR, 1 | ((ctl & 1) ? GICC_CTLR_EOIMODE : 0), cpu);
	gic_wr(g, false, GICC_PMR, 0xf0, cpu);
	gic_wr(g, true, GICD_ISENABLER + intid / 32 * 4, 1U << (intid % 32), cpu);
}

/*
 * An acknowledged interrupt is active, and its group priority is the
 * running priority: it could only be signalled by preempting.
 */
static bool gic_active(struct gic_fuzz *g, int cpu, uint32_t intid)
{
	uint32_t word = gic_rd(g, true, GICD_ISACTIVER + intid / 32 * 4, 4, cpu);

	return word & (1U << (intid % 32));
}

static void gic_check_acked(struct gic_fuzz *g, int cpu, uint32_t intid,
			    uint32_t bpr)
{
	uint32_t prio = gic_rd(g, true, GICD_IPRIORITYR + intid, 1, cpu);

	FUZZ_CHECK(gic_active(g, cpu, intid));
	FUZZ_CHECK_EQ(gic_rd(g, false, GICC_RPR, 4, cpu),
		      prio & (0xffU << (bpr + 1)) & 0xff);
	/* An SPI goes only to a vCPU its ITARGETSR names (RAZ on one). */
	if (intid >= UGIC_NR_PRIVATE_IRQS && g->cfg.nr_cpus > 1)
		FUZZ_CHECK(gic_rd(g, true, GICD_ITARGETSR + intid, 1, cpu) &
			   (1U << cpu));
}

/* u8 ctl, cpu: acknowledge, then (unless bit 0) EOI and deactivate. */
static void gic_op_ack(struct gic_fuzz *g, struct fuzz_input *in)
{
	uint8_t ctl = fuzz_u8(in);
	struct mmio_access acc = {
		.offset = (ctl & 2) ? GICC_AIAR : GICC_IAR, .len = 4,
		.cpu = gic_pick_cpu(g, in),
	};
	int cpu = acc.cpu;
	uint32_t bpr = gic_rd(g, false, GICC_BPR, 4, cpu) & 7, iar;

	if (gic_mmio(g, false, &acc))
		return;		/* refused: the GIC is not there yet */
	iar = acc.data;
	if ((iar & 0x3ff) == UGIC_SPURIOUS)
		return;
	gic_check_acked(g, cpu, iar & 0x3ff, bpr);
	if (ctl & 1)
		return;
	gic_wr(g, false, GICC_EOIR, iar, cpu);
	if (gic_rd(g, false, GICC_CTLR, 4, cpu) & GICC_CTLR_EOIMODE)
		gic_wr(g, false, GICC_DIR, iar, cpu);
	FUZZ_CHECK(!gic_active(g, cpu, iar & 0x3ff));
}

/* cpu, u32 GICD_SGIR value. */
static void gic_op_sgi(struct gic_fuzz *g, struct fuzz_input *in)
{
	int cpu = gic_pick_cpu(g, in);

	gic_wr(g, true, GICD_SGIR, fuzz_u32(in), cpu);
}

/* ---- level inputs ---- */

/* u8 ctl (bit 0 level, bit 1 raw u32 INTID), INTID (u16 & 0x3ff). */
static void gic_op_spi(struct gic_fuzz *g, struct fuzz_input *in)
{
	uint8_t ctl = fuzz_u8(in);
	uint32_t intid = (ctl & 2) ? fuzz_u32(in) : fuzz_u16(in) & 0x3ff;
	int ret = ugic_set_spi_level(g->gic, intid, ctl & 1);
	uint32_t nr;

	if (!g->gic) {
		FUZZ_CHECK_EQ(ret, -EINVAL);
		return;
	}
	/* Injection initialises lazily, then checks the INTID. */
	FUZZ_CHECK(ugic_initialized(g->gic));
	nr = ugic_get_nr_irqs(g->gic);
	FUZZ_CHECK_EQ(ret, intid >= 32 && intid < nr ? 0 : -EINVAL);
}

/* u8 ctl (bit 0 level, bit 1 raw u32 INTID), cpu, INTID (u8 & 0x3f). */
static void gic_op_ppi(struct gic_fuzz *g, struct fuzz_input *in)
{
	uint8_t ctl = fuzz_u8(in);
	int cpu = gic_pick_cpu(g, in);
	uint32_t intid = (ctl & 2) ? fuzz_u32(in) : fuzz_u8(in) & 0x3f;
	int ret = ugic_set_ppi_level(g->gic, cpu, intid, ctl & 1);

	if (!g->gic) {
		FUZZ_CHECK_EQ(ret, -EINVAL);
		return;
	}
	FUZZ_CHECK(ugic_initialized(g->gic));
	FUZZ_CHECK_EQ(ret, gic_cpu_valid(g, cpu) && intid >= 16 && intid < 32 ?
			   0 : -EINVAL);
}

/* ---- whole-model invariants ---- */

static int gic_create_want(const struct ugic_config *cfg)
{
	if (cfg->vcpu_has_run)
		return -EBUSY;
	if (cfg->nr_cpus > UGIC_MAX_CPUS)
		return -E2BIG;
	if (!cfg->nr_cpus || cfg->ipa_bits > 64 ||
	    (cfg->ipa_bits && cfg->ipa_bits < 32))
		return -EINVAL;
	return 0;
}

/* The GICv2 signalling rule, from the registers the guest can read. */
static bool gic_line_from_regs(struct gic_fuzz *g, int cpu)
{
	uint32_t intid, prio, pmr, bpr, rpr;

	if (!ugic_initialized(g->gic))
		return false;
	if (!(gic_rd(g, true, GICD_CTLR, 4, cpu) & 1) ||
	    !(gic_rd(g, false, GICC_CTLR, 4, cpu) & 1))
		return false;
	intid = gic_rd(g, false, GICC_HPPIR, 4, cpu) & 0x3ff;
	if (intid == UGIC_SPURIOUS)
		return false;
	prio = gic_rd(g, true, GICD_IPRIORITYR + intid, 1, cpu);
	pmr = gic_rd(g, false, GICC_PMR, 4, cpu);
	bpr = gic_rd(g, false, GICC_BPR, 4, cpu) & 7;
	rpr = gic_rd(g, false, GICC_RPR, 4, cpu);
	return prio < pmr && (prio & (0xffU << (bpr + 1)) & 0xff) < rpr;
}

/*
 * Checks every vCPU's reported line, and the register view of the
 * lines of 'verify' (a bit mask of vCPUs). That takes seven accesses
 * per vCPU, each of which recomputes all lines, so the lines are
 * sampled first: a level left stale by the last operation is caught
 * before the reads repair it.
 */
static void gic_check_lines(struct gic_fuzz *g, uint32_t verify)
{
	bool line[UGIC_MAX_CPUS];
	unsigned int c;

	FUZZ_CHECK(!ugic_irq_line(g->gic, -1));
	FUZZ_CHECK(!ugic_irq_line(g->gic, g->cfg.nr_cpus));
	if (!g->gic)
		return;
	for (c = 0; c < g->cfg.nr_cpus; c++) {
		line[c] = ugic_irq_line(g->gic, c);
		if (g->cfg.set_irq_line)
			FUZZ_CHECK_EQ(g->reported[c], line[c]);
	}
	for (c = 0; c < g->cfg.nr_cpus; c++)
		if (verify & (1U << c))
			FUZZ_CHECK_EQ(gic_line_from_regs(g, c), line[c]);
}

static void gic_setup(struct gic_fuzz *g, struct fuzz_input *in)
{
	uint8_t cfg = fuzz_u8(in), setup;
	static const unsigned int ipa[] = { 0, 40, 32 };
	unsigned int ipa_class = (cfg >> 5) & 3;

	g->cfg.nr_cpus = cfg & 0xf;
	g->cfg.vcpu_has_run = cfg & 0x10;
	g->cfg.ipa_bits = ipa_class < 3 ? ipa[ipa_class] : fuzz_u8(in);
	g->cfg.set_irq_line = (cfg & 0x80) ? NULL : gic_line_cb;
	g->cfg.opaque = g;
	FUZZ_CHECK_EQ(ugic_create(&g->gic, &g->cfg), gic_create_want(&g->cfg));
	if (!g->gic) {
		g->cfg.nr_cpus = 1 + (cfg & 7);
		g->cfg.vcpu_has_run = false;
		g->cfg.ipa_bits = 0;
		gic_create(g);
	}

	setup = fuzz_u8(in);
	if (setup & 1)
		gic_set_nr_irqs(g, fuzz_u16(in));
	if (setup & 2) {
		gic_set_addr(g, UGIC_ADDR_DIST, MEMMAP_GIC_DIST_BASE);
		gic_set_addr(g, UGIC_ADDR_CPU, MEMMAP_GICV2_CPU_BASE);
	}
	if (setup & 4)
		gic_init(g);
	if (setup & 8)
		gic_map(g);
}

static void gic_op(struct gic_fuzz *g, unsigned int op, struct fuzz_input *in)
{
	switch (op) {
	case OP_DIST:		gic_op_access(g, true, in); break;
	case OP_CPUIF:		gic_op_access(g, false, in); break;
	case OP_SPI:		gic_op_spi(g, in); break;
	case OP_PPI:		gic_op_ppi(g, in); break;
	case OP_NR_IRQS:	gic_op_nr_irqs(g, in); break;
	case OP_ADDR:		gic_op_addr(g, in); break;
	case OP_INIT:		gic_init(g); break;
	case OP_MAP:		gic_map(g); break;
	case OP_RECREATE:	gic_op_recreate(g); break;
	case OP_ACK:		gic_op_ack(g, in); break;
	case OP_ENABLE:		gic_op_enable(g, in); break;
	default:		gic_op_sgi(g, in); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gic_fuzz g = { 0 };
	struct fuzz_input in;
	unsigned int step;

	fuzz_input_init(&in, data, size);
	gic_setup(&g, &in);
	gic_check_lines(&g, ~0U);
	/* One vCPU per step, in turn (the input decides which), all at the end. */
	for (step = 0; !fuzz_input_done(&in); step++) {
		gic_op(&g, fuzz_u8(&in) % OP_COUNT, &in);
		gic_check_lines(&g, 1U << (step % g.cfg.nr_cpus));
	}
	gic_check_lines(&g, ~0U);
	ugic_destroy(&g.gic);
	return 0;
}
