// SPDX-License-Identifier: GPL-2.0
/*
 * GICv2: distributor and memory-mapped CPU interface, DT reg = <GICD,
 * GICC>. Runs without the Security Extensions' secure view, as a guest
 * does: all interrupts stay in Group 0, signalled as IRQ.
 */
#include "fdt.h"
#include "gic.h"
#include "gic-v2.h"
#include "io.h"
#include "smp.h"

#define DEFAULT_PRIO	0xa0

static u64 gicd;
static u64 gicc;
static u32 lines;
/* CPU interface mask (ITARGETSR bit) of each logical CPU */
static u8 cpu_mask[NR_CPUS];

static u64 bit_reg(u32 base, u32 intid)
{
	return gicd + base + 4 * (intid / 32);
}

static u32 bit_of(u32 intid)
{
	return 1U << (intid % 32);
}

static int v2_init(int node)
{
	u32 i;

	if (!fdt_read_reg(node, 0, &gicd, NULL) ||
	    !fdt_read_reg(node, 1, &gicc, NULL))
		return -1;
	writel(0, gicd + GICD_CTLR);
	lines = MIN(GICD_TYPER_LINES(readl(gicd + GICD_TYPER)), 1020U);
	for (i = GIC_FIRST_SPI; i < lines; i += 32) {
		writel(~0U, bit_reg(GICD_ICENABLER, i));
		writel(~0U, bit_reg(GICD_ICPENDR, i));
		writel(~0U, bit_reg(GICD_ICACTIVER, i));
	}
	for (i = GIC_FIRST_SPI; i < lines; i++)
		writeb(DEFAULT_PRIO, gicd + GICD_IPRIORITYR + i);
	writel(GICD_CTLR_ENABLE, gicd + GICD_CTLR);
	return 0;
}

/*
 * The banked ITARGETSR0-7 read back the reading CPU's own mask. They
 * are RAZ on a uniprocessor GIC, where targets do not matter.
 */
static u8 read_own_mask(void)
{
	u32 off, m;

	for (off = 0; off < 32; off += 4) {
		m = readl(gicd + GICD_ITARGETSR + off);
		m |= m >> 16;
		m |= m >> 8;
		if (m & 0xff)
			return m & 0xff;
	}
	return 0;
}

static int v2_cpu_init(int cpu)
{
	u32 i;

	cpu_mask[cpu] = read_own_mask();
	writel(~0U, gicd + GICD_ICENABLER);
	writel(~0U, gicd + GICD_ICPENDR);
	writel(~0U, gicd + GICD_ICACTIVER);
	for (i = 0; i < GIC_NR_SGIS; i += 4)
		writel(~0U, gicd + GICD_CPENDSGIR + i);
	for (i = 0; i < GIC_FIRST_SPI; i++)
		writeb(DEFAULT_PRIO, gicd + GICD_IPRIORITYR + i);
	writel(0xff, gicc + GICC_PMR);
	writel(0, gicc + GICC_BPR);
	writel(GICC_CTLR_ENABLE, gicc + GICC_CTLR);
	return 0;
}

static void v2_irq_enable(u32 intid, bool on)
{
	writel(bit_of(intid), bit_reg(on ? GICD_ISENABLER : GICD_ICENABLER,
				      intid));
}

static void v2_set_priority(u32 intid, u8 prio)
{
	writeb(prio, gicd + GICD_IPRIORITYR + intid);
}

static void v2_set_target(u32 intid, int cpu)
{
	if (intid >= GIC_FIRST_SPI)
		writeb(cpu_mask[cpu], gicd + GICD_ITARGETSR + intid);
}

static void v2_set_edge(u32 intid, bool edge)
{
	u64 reg = gicd + GICD_ICFGR + 4 * (intid / 16);
	u32 bit = 2U << (2 * (intid % 16));
	u32 v = readl(reg);

	writel(edge ? (v | bit) : (v & ~bit), reg);
}

/* A uniprocessor GIC has no masks: send to "self" instead. */
static void v2_send_sgi(u32 sgi, enum gic_sgi_target tgt, int cpu)
{
	u32 v = sgi & 0xf;

	if (tgt == SGI_TARGET_CPU && !cpu_mask[cpu] &&
	    cpu == smp_processor_id())
		tgt = SGI_TARGET_SELF;
	switch (tgt) {
	case SGI_TARGET_CPU:
		v |= GICD_SGIR_LIST | GICD_SGIR_TARGETS(cpu_mask[cpu]);
		break;
	case SGI_TARGET_OTHERS:
		v |= GICD_SGIR_OTHERS;
		break;
	case SGI_TARGET_SELF:
		v |= GICD_SGIR_SELF;
		break;
	}
	/* Make prior stores visible before the target can take the SGI. */
	dsb(ishst);
	writel(v, gicd + GICD_SGIR);
}

static u32 v2_ack(void)
{
	return readl(gicc + GICC_IAR);
}

static void v2_eoi(u32 iar)
{
	writel(iar, gicc + GICC_EOIR);
}

static void v2_deactivate(u32 iar)
{
	writel(iar, gicc + GICC_DIR);
}

static void v2_set_pmr(u8 pmr)
{
	writel(pmr, gicc + GICC_PMR);
}

static u8 v2_get_pmr(void)
{
	return readl(gicc + GICC_PMR);
}

static u8 v2_get_rpr(void)
{
	return readl(gicc + GICC_RPR);
}

static u32 v2_get_apr(void)
{
	return readl(gicc + GICC_APR0);
}

static u32 v2_hppir(void)
{
	return readl(gicc + GICC_HPPIR);
}

static bool v2_get_eoi_split(void)
{
	return readl(gicc + GICC_CTLR) & GICC_CTLR_EOIMODE;
}

static void v2_set_eoi_split(bool split)
{
	u32 v = readl(gicc + GICC_CTLR);

	writel(split ? (v | GICC_CTLR_EOIMODE) : (v & ~GICC_CTLR_EOIMODE),
	       gicc + GICC_CTLR);
}

static bool v2_is_pending(u32 intid)
{
	return readl(bit_reg(GICD_ISPENDR, intid)) & bit_of(intid);
}

static bool v2_is_active(u32 intid)
{
	return readl(bit_reg(GICD_ISACTIVER, intid)) & bit_of(intid);
}

/* SGI pending state is per source: set ours, clear all. */
static void v2_set_pending(u32 intid, bool pend)
{
	if (intid < GIC_NR_SGIS) {
		u8 mask = pend ? cpu_mask[smp_processor_id()] : 0xff;

		writeb(mask, gicd + (pend ? GICD_SPENDSGIR : GICD_CPENDSGIR) +
		       intid);
		return;
	}
	writel(bit_of(intid), bit_reg(pend ? GICD_ISPENDR : GICD_ICPENDR,
				      intid));
}

static void v2_set_active(u32 intid, bool act)
{
	writel(bit_of(intid), bit_reg(act ? GICD_ISACTIVER : GICD_ICACTIVER,
				      intid));
}

static int v2_iar_source(u32 iar)
{
	u8 mask = 1 << GICC_IAR_CPUID(iar);
	int cpu;

	if (nr_cpus() == 1 && !cpu_mask[0])
		return 0;

	for (cpu = 0; cpu < nr_cpus(); cpu++)
		if (cpu_mask[cpu] == mask)
			return cpu;
	return -1;
}

static u32 v2_nr_lines(void)
{
	return lines;
}

const struct gic_ops gicv2_ops = {
	.name = "GICv2",
	.version = 2,
	.init = v2_init,
	.cpu_init = v2_cpu_init,
	.irq_enable = v2_irq_enable,
	.set_priority = v2_set_priority,
	.set_target = v2_set_target,
	.set_edge = v2_set_edge,
	.send_sgi = v2_send_sgi,
	.ack = v2_ack,
	.eoi = v2_eoi,
	.deactivate = v2_deactivate,
	.set_pmr = v2_set_pmr,
	.get_pmr = v2_get_pmr,
	.get_rpr = v2_get_rpr,
	.get_apr = v2_get_apr,
	.hppir = v2_hppir,
	.set_eoi_split = v2_set_eoi_split,
	.get_eoi_split = v2_get_eoi_split,
	.is_pending = v2_is_pending,
	.is_active = v2_is_active,
	.set_pending = v2_set_pending,
	.set_active = v2_set_active,
	.iar_source = v2_iar_source,
	.nr_lines = v2_nr_lines,
	.iar_intid_mask = 0x3ff,
};
