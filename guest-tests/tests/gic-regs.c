// SPDX-License-Identifier: GPL-2.0
/*
 * gic-regs: the GIC's register interface against the architecture and
 * the DT: identification, the CPU count and interrupt lines GICD_TYPER
 * advertises, byte access to priority (and v2 target) registers, the
 * fixed SGI configuration, and reserved or unimplemented locations
 * reading as zero.
 */
#include "guest.h"
#include "gic-v2.h"
#include "gic-v3.h"

const char test_name[] = "gic-regs";

#define PROBE_SPI	GIC_FIRST_SPI
#define PROBE_PPI	20

struct range {
	u32 start;
	u32 end;	/* inclusive, word aligned */
};

/* IHI 0048B table 4-1: reserved distributor offsets */
static const struct range v2_dist_reserved[] = {
	{ 0x00c, 0x01c }, { 0x040, 0x07c }, { 0xf04, 0xf0c }, { 0xf30, 0xfcc },
};

/* IHI 0048B table 4-2: reserved CPU interface offsets */
static const struct range v2_cpu_reserved[] = {
	{ 0x02c, 0x03c }, { 0x0ed & ~3U, 0x0f8 },
};

/* IHI 0069 tables 12-..: reserved distributor and SGI frame offsets */
static const struct range v3_dist_reserved[] = {
	{ 0x0014, 0x001c }, { 0x005c, 0x007c }, { 0x0f30, 0x0f7c },
};

static const struct range v3_sgi_reserved[] = {
	{ 0x0000, 0x007c },
};

static u64 gicd;

static void check_reserved(const char *name, u64 base,
			   const struct range *r, unsigned int n)
{
	u32 off, bad = 0, first = 0, val = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		for (off = r[i].start; off <= r[i].end; off += 4) {
			u32 v = readl(base + off);

			if (v && !bad++) {
				first = off;
				val = v;
			}
		}
	}
	if (bad)
		check(false, name, "%u non-zero word(s), first at %#x = %#x",
		      bad, first, val);
	else
		check(true, name, "every word reads as zero");
}

/* A priority field implements its top bits only: 1..10..0, >= 4 ones. */
static bool valid_prio_mask(u8 m)
{
	u8 low = ~m;

	return m >= 0xf0 && !((low + 1) & low);
}

static void check_prio_bytes(const char *name, u64 reg_base, u32 intid)
{
	u64 byte = reg_base + intid;
	u64 word = reg_base + ALIGN_DOWN(intid, 4);
	u8 mask, got[4];
	u32 w, want = 0;
	int i;

	writeb(0xff, byte);
	mask = readb(byte);
	for (i = 0; i < 4; i++)
		writeb((0x10 * (i + 1) + 0x40) & mask, word + i);
	w = readl(word);
	for (i = 0; i < 4; i++)
		want |= (u32)((0x10 * (i + 1) + 0x40) & mask) << (8 * i);
	writel(0xe0c0a080 & (mask * 0x01010101U), word);
	for (i = 0; i < 4; i++)
		got[i] = readb(word + i);
	for (i = 0; i < 4; i++)
		writeb(0xa0, word + i);

	check(valid_prio_mask(mask), name, "INTID %u: byte write 0xff reads %#x (%d bits)",
	      intid, mask, hweight32(mask));
	check(w == want, name, "INTID %u-%u: four byte writes read as word %#x, expected %#x",
	      intid & ~3U, (intid & ~3U) + 3, w, want);
	check(got[0] == (0x80 & mask) && got[1] == (0xa0 & mask) &&
	      got[2] == (0xc0 & mask) && got[3] == (0xe0 & mask), name,
	      "word write reads back as bytes %#x %#x %#x %#x", got[0], got[1],
	      got[2], got[3]);
}

/* Every SPI a DT device uses must exist. */
static void check_dt_spis(u32 lines)
{
	int node, i, spis = 0, bad = 0;
	struct fdt_irq irq;

	for (node = 0; node >= 0; node = fdt_next_node(node, NULL)) {
		if (fdt_irq_parent(node) != gic_node())
			continue;
		for (i = 0; i < fdt_irq_count(node); i++) {
			if (!fdt_read_irq(node, i, &irq) || irq.type != 0)
				continue;
			spis++;
			if (irq.intid >= lines) {
				bad++;
				pr_info("%s: SPI %u (INTID %u) beyond %u lines",
					fdt_node_name(node), irq.num,
					irq.intid, lines);
			} else {
				pr_info("%s: SPI %u (INTID %u)",
					fdt_node_name(node), irq.num,
					irq.intid);
			}
		}
	}
	check(!bad, "gic-regs.dt-spis", "%d SPI(s) in the DT, %d beyond GICD_TYPER's %u lines",
	      spis, bad, lines);
}

/* Lines GICD_TYPER does not advertise: enable and priority are RAZ/WI. */
static void check_beyond_lines(u32 lines)
{
	u32 bad = 0, first = 0, n;

	if (lines >= 1020) {
		pr_info("all 1020 INTIDs implemented: nothing beyond the lines");
		return;
	}
	for (n = lines; n < 1020; n += 4) {
		writel(~0U, gicd + GICD_IPRIORITYR + n);
		if (readl(gicd + GICD_IPRIORITYR + n) && !bad++)
			first = n;
	}
	for (n = lines; n < 1024; n += 32) {
		writel(~0U, gicd + GICD_ISENABLER + n / 8);
		if (readl(gicd + GICD_ISENABLER + n / 8) && !bad++)
			first = n;
		writel(~0U, gicd + GICD_ICENABLER + n / 8);
	}
	check(!bad, "gic-regs.beyond-lines-raz-wi",
	      "INTIDs %u-1019: %u register(s) kept a write%s%u", lines, bad,
	      bad ? ", first for INTID " : "", bad ? first : 0);
}

static void check_common(u32 typer)
{
	u32 lines = GICD_TYPER_LINES(typer);

	pr_info("GICD_TYPER %#x: ITLinesNumber %u (%u lines), CPUNumber %u, SecurityExtn %u",
		typer, typer & 0x1f, lines, (typer >> 5) & 7,
		(typer >> 10) & 1);
	pr_info("GICD_IIDR %#x", readl(gicd + GICD_IIDR));
	check_dt_spis(lines);
	check_beyond_lines(lines);
	check_prio_bytes("gic-regs.priority-spi", gicd + GICD_IPRIORITYR,
			 PROBE_SPI);
}

static u8 pmr_mask(void)
{
	u8 old = gic_get_pmr(), m;

	gic_set_pmr(0xff);
	m = gic_get_pmr();
	gic_set_pmr(old);
	return m;
}

static void v2_itargets_cpu(void *arg)
{
	u8 *masks = arg;

	masks[smp_processor_id()] = readb(gicd + GICD_ITARGETSR);
}

static void check_v2(void)
{
	u32 typer = readl(gicd + GICD_TYPER);
	u64 gicc = 0;
	u8 masks[NR_CPUS] = { 0 }, all = 0, m;
	int cpu, dup = 0, n = nr_cpus();

	fdt_read_reg(gic_node(), 1, &gicc, NULL);
	check(GIC_PIDR2_ARCH(readl(gicd + GICD_ICPIDR2)) == 2,
	      "gic-regs.arch-rev", "GICD_ICPIDR2 %#x",
	      readl(gicd + GICD_ICPIDR2));
	check_common(typer);
	check(GICD_TYPER_CPUS(typer) == (u32)n, "gic-regs.typer-cpus",
	      "CPUNumber+1 = %u, DT has %d CPU(s)", GICD_TYPER_CPUS(typer), n);
	check(readl(gicd + GICD_ICFGR) == 0xaaaaaaaa, "gic-regs.sgi-edge",
	      "GICD_ICFGR0 %#x", readl(gicd + GICD_ICFGR));
	check_prio_bytes("gic-regs.priority-private", gicd + GICD_IPRIORITYR,
			 PROBE_PPI);

	smp_run(v2_itargets_cpu, masks);
	for (cpu = 0; cpu < n; cpu++) {
		dup += (all & masks[cpu]) != 0 ||
		       hweight32(masks[cpu]) != (n > 1);
		all |= masks[cpu];
	}
	check(!dup, "gic-regs.itargetsr-own",
	      "each CPU reads its own single-bit mask (CPUs' masks OR to %#x)",
	      all);
	writeb(0xff, gicd + GICD_ITARGETSR + PROBE_SPI);
	m = readb(gicd + GICD_ITARGETSR + PROBE_SPI);
	writeb(masks[0], gicd + GICD_ITARGETSR + PROBE_SPI);
	check(m == all, "gic-regs.itargetsr-spi",
	      "writing 0xff keeps only implemented CPU interfaces: %#x, expected %#x",
	      m, all);

	m = pmr_mask();
	check(valid_prio_mask(m), "gic-regs.pmr-bits", "GICC_PMR 0xff reads %#x",
	      m);
	pr_info("GICC_IIDR %#x", readl(gicc + GICC_IIDR));
	check_reserved("gic-regs.reserved-gicd", gicd, v2_dist_reserved,
		       ARRAY_SIZE(v2_dist_reserved));
	check_reserved("gic-regs.reserved-gicc", gicc, v2_cpu_reserved,
		       ARRAY_SIZE(v2_cpu_reserved));
}

static void v3_rdists(void)
{
	int i, cpu, bad = 0;
	u64 typer;

	for (i = 0; i < gicv3_rdist_count(); i++) {
		typer = readq(gicv3_rdist_frame(i) + GICR_TYPER);
		pr_info("redistributor %d at %#lx: GICR_TYPER %#lx (affinity %#lx, processor %lu%s)",
			i, gicv3_rdist_frame(i), typer, GICR_TYPER_AFF(typer),
			GICR_TYPER_PROCNUM(typer),
			typer & GICR_TYPER_LAST ? ", last" : "");
	}
	for (cpu = 0; cpu < nr_cpus(); cpu++)
		for (i = 0; i < cpu; i++)
			bad += gicv3_rdist_base(i) == gicv3_rdist_base(cpu);
	check(gicv3_rdist_count() == nr_cpus() && !bad,
	      "gic-regs.redistributors",
	      "%d found, %d CPU(s) in the DT, each with its own by affinity",
	      gicv3_rdist_count(), nr_cpus());
}

static void check_v3(void)
{
	u32 typer = readl(gicd + GICD_TYPER), ctlr = readl(gicd + GICD_CTLR);
	u64 ctlr_el1 = read_sysreg(ICC_CTLR_EL1), r, want;
	u64 sgi = gicv3_rdist_base(0) + GICR_SGI_BASE;
	u32 pri = ICC_CTLR_PRIBITS(ctlr_el1), bad = 0, i;
	u8 m;

	check(GIC_PIDR2_ARCH(readl(gicd + GICD_PIDR2)) >= 3,
	      "gic-regs.arch-rev", "GICD_PIDR2 %#x", readl(gicd + GICD_PIDR2));
	check_common(typer);
	pr_info("GICD_TYPER IDbits %u, LPIS %u, MBIS %u; GICD_CTLR %#x (DS %u)",
		GICD_TYPER_IDBITS(typer), (typer >> 17) & 1, (typer >> 16) & 1,
		ctlr, !!(ctlr & GICD_CTLR_DS));
	check(ctlr & GICD_CTLR_ARE, "gic-regs.are", "GICD_CTLR %#x", ctlr);
	check(GICD_TYPER_IDBITS(typer) >= 16, "gic-regs.idbits",
	      "%u INTID bits", GICD_TYPER_IDBITS(typer));
	v3_rdists();
	check(readl(sgi + GICR_ICFGR0) == 0xaaaaaaaa, "gic-regs.sgi-edge",
	      "GICR_ICFGR0 %#x", readl(sgi + GICR_ICFGR0));
	check_prio_bytes("gic-regs.priority-private", sgi + GICR_IPRIORITYR0,
			 PROBE_PPI);

	/* With ARE, the distributor's private-interrupt priorities are RES0. */
	for (i = 0; i < GIC_FIRST_SPI; i += 4)
		bad += readl(gicd + GICD_IPRIORITYR + i) != 0;
	check(!bad, "gic-regs.are-gicd-private-raz",
	      "GICD_IPRIORITYR0-7: %u non-zero", bad);

	want = smp_cpu(nr_cpus() - 1)->mpidr;
	gic_irq_set_target(PROBE_SPI, nr_cpus() - 1);
	r = readq(gicd + GICD_IROUTER + 8 * PROBE_SPI);
	gic_irq_set_target(PROBE_SPI, 0);
	check(r == want, "gic-regs.irouter", "INTID %u routed to %#lx, reads %#lx",
	      PROBE_SPI, want, r);

	m = pmr_mask();
	check(valid_prio_mask(m) && m == (u8)(0xff << (8 - pri)),
	      "gic-regs.pmr-bits", "ICC_PMR_EL1 0xff reads %#x; ICC_CTLR_EL1.PRIbits says %u bits",
	      m, pri);
	check_reserved("gic-regs.reserved-gicd", gicd, v3_dist_reserved,
		       ARRAY_SIZE(v3_dist_reserved));
	check_reserved("gic-regs.reserved-gicr-sgi", sgi, v3_sgi_reserved,
		       ARRAY_SIZE(v3_sgi_reserved));
}

void test_main(void)
{
	gicd = gic_dist_base();
	pr_info("%s distributor at %#lx, %d CPU(s) in the DT", gic_name(),
		gicd, nr_cpus());
	smp_boot_secondaries();
	if (gic_version() == 2)
		check_v2();
	else
		check_v3();
}
