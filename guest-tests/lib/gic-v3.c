// SPDX-License-Identifier: GPL-2.0
/*
 * GICv3: distributor with affinity routing, one redistributor per CPU
 * (found by GICR_TYPER affinity in the DT's redistributor regions) and
 * the ICC_* system register CPU interface. Everything is Group 1 NS,
 * the group an EL1 guest owns whether or not the GIC has two security
 * states.
 */
#include "fdt.h"
#include "gic.h"
#include "gic-v3.h"
#include "io.h"
#include "smp.h"
#include "sysreg.h"
#include "test.h"
#include "timer.h"

#define DEFAULT_PRIO	0xa0
#define MAX_RDIST	(NR_CPUS * 2)
#define RWP_TIMEOUT_US	(1000 * 1000)

static u64 gicd;
static u32 lines;
static u64 rd_frames[MAX_RDIST];
static int rd_count;
static u64 rd_of_cpu[NR_CPUS];

static u32 bit_of(u32 intid)
{
	return 1U << (intid % 32);
}

static void wait_rwp(u64 reg, u32 bit)
{
	u64 end = timer_deadline_us(RWP_TIMEOUT_US);

	while (readl(reg) & bit) {
		if (timer_expired(end))
			test_abort("GICv3: RWP stuck at %#lx", reg);
		cpu_relax();
	}
}

/* Where a distributor-or-redistributor register for @intid lives. */
static u64 reg_for(u32 gicd_off, u32 gicr_off, u32 intid)
{
	if (intid < GIC_FIRST_SPI)
		return rd_of_cpu[smp_processor_id()] + GICR_SGI_BASE + gicr_off;
	return gicd + gicd_off + 4 * (intid / 32);
}

static bool frame_valid(u64 base)
{
	u32 arch = GIC_PIDR2_ARCH(readl(base + GICR_PIDR2));

	return arch == 3 || arch == 4;
}

static void scan_region(u64 base, u64 size, u64 stride)
{
	u64 off, typer;

	for (off = 0; off < size && rd_count < MAX_RDIST;) {
		if (!frame_valid(base + off))
			return;
		typer = readq(base + off + GICR_TYPER);
		rd_frames[rd_count++] = base + off;
		if (typer & GICR_TYPER_LAST)
			return;
		if (stride)
			off += stride;
		else
			off += (typer & GICR_TYPER_VLPIS) ? 4 * SZ_64K :
							    2 * SZ_64K;
	}
}

/* reg = <GICD>, then #redistributor-regions (default 1) regions. */
static int scan_rdists(int node)
{
	u32 regions = 1, stride = 0, i;
	u64 base, size;

	fdt_getprop_u32(node, "#redistributor-regions", &regions);
	fdt_getprop_u32(node, "redistributor-stride", &stride);
	for (i = 0; i < regions; i++) {
		if (!fdt_read_reg(node, 1 + i, &base, &size))
			return -1;
		scan_region(base, size, stride);
	}
	return rd_count ? 0 : -1;
}

static int v3_init(int node)
{
	u32 i;

	if (!fdt_read_reg(node, 0, &gicd, NULL) || scan_rdists(node))
		return -1;
	writel(0, gicd + GICD_CTLR);
	wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
	lines = MIN(GICD_TYPER_LINES(readl(gicd + GICD_TYPER)), 1020U);
	for (i = GIC_FIRST_SPI; i < lines; i += 32) {
		writel(~0U, gicd + GICD_IGROUPR + i / 8);
		writel(~0U, gicd + GICD_ICENABLER + i / 8);
		writel(~0U, gicd + GICD_ICPENDR + i / 8);
		writel(~0U, gicd + GICD_ICACTIVER + i / 8);
	}
	wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
	for (i = GIC_FIRST_SPI; i < lines; i++) {
		writeb(DEFAULT_PRIO, gicd + GICD_IPRIORITYR + i);
		writeq(mpidr_affinity(), gicd + GICD_IROUTER + 8 * i);
	}
	/* ARE | EnableGrp1(A): right in both the DS=1 and the NS view */
	writel(GICD_CTLR_ARE | GICD_CTLR_GRP1A | GICD_CTLR_GRP1,
	       gicd + GICD_CTLR);
	wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
	return 0;
}

/* GICR_TYPER.Affinity_Value is Aff3.Aff2.Aff1.Aff0 packed in 32 bits. */
static u64 typer_aff(u64 mpidr)
{
	return (mpidr & 0xffffff) | (((mpidr >> 32) & 0xff) << 24);
}

static u64 find_rdist(u64 mpidr)
{
	int i;

	for (i = 0; i < rd_count; i++)
		if (GICR_TYPER_AFF(readq(rd_frames[i] + GICR_TYPER)) ==
		    typer_aff(mpidr))
			return rd_frames[i];
	return 0;
}

static int rdist_wake(u64 rd)
{
	u64 end = timer_deadline_us(RWP_TIMEOUT_US);

	writel(readl(rd + GICR_WAKER) & ~GICR_WAKER_PSLEEP, rd + GICR_WAKER);
	while (readl(rd + GICR_WAKER) & GICR_WAKER_CASLEEP)
		if (timer_expired(end))
			return -1;
	return 0;
}

static int cpuif_init(void)
{
	write_sysreg(read_sysreg(ICC_SRE_EL1) | ICC_SRE_SRE | ICC_SRE_DFB |
		     ICC_SRE_DIB, ICC_SRE_EL1);
	isb();
	if (!(read_sysreg(ICC_SRE_EL1) & ICC_SRE_SRE))
		return -1;
	write_sysreg(0xff, ICC_PMR_EL1);
	write_sysreg(0, ICC_BPR1_EL1);
	write_sysreg(0, ICC_CTLR_EL1);
	write_sysreg(1, ICC_IGRPEN1_EL1);
	isb();
	return 0;
}

static int v3_cpu_init(int cpu)
{
	u64 rd = find_rdist(mpidr_affinity());
	u64 sgi = rd + GICR_SGI_BASE;
	u32 i;

	if (!rd || rdist_wake(rd))
		return -1;
	rd_of_cpu[cpu] = rd;
	writel(~0U, sgi + GICR_IGROUPR0);
	writel(~0U, sgi + GICR_ICENABLER0);
	wait_rwp(rd + GICR_CTLR, GICR_CTLR_RWP);
	writel(~0U, sgi + GICR_ICPENDR0);
	writel(~0U, sgi + GICR_ICACTIVER0);
	for (i = 0; i < GIC_FIRST_SPI; i++)
		writeb(DEFAULT_PRIO, sgi + GICR_IPRIORITYR0 + i);
	return cpuif_init();
}

static void v3_irq_enable(u32 intid, bool on)
{
	u64 reg = reg_for(on ? GICD_ISENABLER : GICD_ICENABLER,
			  on ? GICR_ISENABLER0 : GICR_ICENABLER0, intid);

	writel(bit_of(intid), reg);
	if (on)
		return;
	/* Disabling completes only once RWP clears. */
	if (intid < GIC_FIRST_SPI)
		wait_rwp(rd_of_cpu[smp_processor_id()] + GICR_CTLR,
			 GICR_CTLR_RWP);
	else
		wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
}

static void v3_set_priority(u32 intid, u8 prio)
{
	u64 rd = rd_of_cpu[smp_processor_id()];
	u64 base = intid < GIC_FIRST_SPI ?
		rd + GICR_SGI_BASE + GICR_IPRIORITYR0 : gicd + GICD_IPRIORITYR;

	writeb(prio, base + intid);
}

static void v3_set_target(u32 intid, int cpu)
{
	const struct cpu_info *c = smp_cpu(cpu);

	if (intid >= GIC_FIRST_SPI && c)
		writeq(c->mpidr, gicd + GICD_IROUTER + 8 * intid);
}

static void v3_set_edge(u32 intid, bool edge)
{
	u64 reg = intid < GIC_FIRST_SPI ?
		rd_of_cpu[smp_processor_id()] + GICR_SGI_BASE + GICR_ICFGR0 +
		4 * (intid / 16) :
		gicd + GICD_ICFGR + 4 * (intid / 16);
	u32 bit = 2U << (2 * (intid % 16));
	u32 v = readl(reg);

	writel(edge ? (v | bit) : (v & ~bit), reg);
}

/*
 * ICC_SGI1R_EL1: INTID [27:24], Aff3 [55:48], Aff2 [39:32], Aff1
 * [23:16], RS [47:44] (Aff0 / 16), TargetList [15:0] (Aff0 % 16).
 */
static u64 sgi1r_for(u64 mpidr)
{
	u64 aff0 = mpidr & 0xff;

	return (((mpidr >> 32) & 0xff) << 48) | (((mpidr >> 16) & 0xff) << 32) |
	       (((mpidr >> 8) & 0xff) << 16) | ((aff0 >> 4) << 44) |
	       (1UL << (aff0 & 0xf));
}

static void v3_send_sgi(u32 sgi, enum gic_sgi_target tgt, int cpu)
{
	u64 v = (u64)(sgi & 0xf) << 24;

	switch (tgt) {
	case SGI_TARGET_CPU:
		v |= sgi1r_for(smp_cpu(cpu)->mpidr);
		break;
	case SGI_TARGET_OTHERS:
		v |= ICC_SGI1R_IRM;
		break;
	case SGI_TARGET_SELF:
		v |= sgi1r_for(mpidr_affinity());
		break;
	}
	/* A system register write is not ordered against prior stores. */
	dsb(ishst);
	write_sysreg(v, ICC_SGI1R_EL1);
	isb();
}

static u32 v3_ack(void)
{
	u32 iar = read_sysreg(ICC_IAR1_EL1);

	dsb(sy);
	return iar;
}

static void v3_eoi(u32 iar)
{
	write_sysreg(iar, ICC_EOIR1_EL1);
	isb();
}

static void v3_deactivate(u32 iar)
{
	write_sysreg(iar, ICC_DIR_EL1);
	isb();
}

static void v3_set_pmr(u8 pmr)
{
	write_sysreg(pmr, ICC_PMR_EL1);
	isb();
}

static u8 v3_get_pmr(void)
{
	return read_sysreg(ICC_PMR_EL1);
}

static u8 v3_get_rpr(void)
{
	return read_sysreg(ICC_RPR_EL1);
}

static u32 v3_get_apr(void)
{
	return read_sysreg(ICC_AP1R0_EL1);
}

static u32 v3_hppir(void)
{
	return read_sysreg(ICC_HPPIR1_EL1);
}

static bool v3_get_eoi_split(void)
{
	return read_sysreg(ICC_CTLR_EL1) & ICC_CTLR_EOIMODE;
}

static void v3_set_eoi_split(bool split)
{
	u64 v = read_sysreg(ICC_CTLR_EL1);

	write_sysreg(split ? (v | ICC_CTLR_EOIMODE) : (v & ~ICC_CTLR_EOIMODE),
		     ICC_CTLR_EL1);
	isb();
}

static bool v3_is_pending(u32 intid)
{
	return readl(reg_for(GICD_ISPENDR, GICR_ISPENDR0, intid)) &
	       bit_of(intid);
}

static bool v3_is_active(u32 intid)
{
	return readl(reg_for(GICD_ISACTIVER, GICR_ISACTIVER0, intid)) &
	       bit_of(intid);
}

static void v3_set_pending(u32 intid, bool pend)
{
	writel(bit_of(intid), reg_for(pend ? GICD_ISPENDR : GICD_ICPENDR,
				      pend ? GICR_ISPENDR0 : GICR_ICPENDR0,
				      intid));
}

static void v3_set_active(u32 intid, bool act)
{
	writel(bit_of(intid), reg_for(act ? GICD_ISACTIVER : GICD_ICACTIVER,
				      act ? GICR_ISACTIVER0 : GICR_ICACTIVER0,
				      intid));
}

static int v3_iar_source(u32 iar __unused)
{
	return -1;
}

static u32 v3_nr_lines(void)
{
	return lines;
}

u64 gicv3_rdist_base(int cpu)
{
	return rd_of_cpu[cpu];
}

int gicv3_rdist_count(void)
{
	return rd_count;
}

u64 gicv3_rdist_frame(int i)
{
	return rd_frames[i];
}

const struct gic_ops gicv3_ops = {
	.name = "GICv3",
	.version = 3,
	.init = v3_init,
	.cpu_init = v3_cpu_init,
	.irq_enable = v3_irq_enable,
	.set_priority = v3_set_priority,
	.set_target = v3_set_target,
	.set_edge = v3_set_edge,
	.send_sgi = v3_send_sgi,
	.ack = v3_ack,
	.eoi = v3_eoi,
	.deactivate = v3_deactivate,
	.set_pmr = v3_set_pmr,
	.get_pmr = v3_get_pmr,
	.get_rpr = v3_get_rpr,
	.get_apr = v3_get_apr,
	.hppir = v3_hppir,
	.set_eoi_split = v3_set_eoi_split,
	.get_eoi_split = v3_get_eoi_split,
	.is_pending = v3_is_pending,
	.is_active = v3_is_active,
	.set_pending = v3_set_pending,
	.set_active = v3_set_active,
	.iar_source = v3_iar_source,
	.nr_lines = v3_nr_lines,
	.iar_intid_mask = 0xffffff,
};
