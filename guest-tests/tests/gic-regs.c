// SPDX-License-Identifier: GPL-2.0
/*
 * gic-regs: the GIC's register interface against the architecture and
 * the DT: identification, the CPU count and interrupt lines GICD_TYPER
 * advertises (and, given "gic-regs.cpus=N" and "gic-regs.lines=N" or
 * "gic-regs.lkvm-lines", that they are what the VMM was configured
 * with), INTID bits, byte access to priority (and v2 target and SGI
 * pending) registers, 32-bit halves of IROUTER and its routing mode,
 * the fixed SGI configuration, and reserved or unimplemented locations
 * reading as zero.
 *
 * Known deviations of KVM's vGIC (GICD_IIDR product 'K') are reported
 * as SKIP with the reason, not as failures: its GICv2 has no ID
 * registers and keeps ITARGETSR writable on a uniprocessor; its GICv3
 * ignores IROUTER.IRM (1 of N routing) but does not set
 * GICD_TYPER.No1N.
 */
#include "guest.h"
#include "gic-v2.h"
#include "gic-v3.h"

const char test_name[] = "gic-regs";

#define PROBE_SPI	GIC_FIRST_SPI
#define PROBE_PPI	20
#define PROBE_SGI	0
#define GICD_TYPER_LPIS	BIT(17)
#define GICD_TYPER_NO1N	BIT(25)
#define IROUTER_IRM	BIT(31)

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

/* Every SPI a DT device uses must exist. Returns the highest INTID. */
static u32 check_dt_spis(u32 lines)
{
	int node, i, spis = 0, bad = 0;
	struct fdt_irq irq;
	u32 top = 0;

	for (node = 0; node >= 0; node = fdt_next_node(node, NULL)) {
		if (fdt_irq_parent(node) != gic_node())
			continue;
		for (i = 0; i < fdt_irq_count(node); i++) {
			if (!fdt_read_irq(node, i, &irq) || irq.type != 0)
				continue;
			spis++;
			top = MAX(top, irq.intid);
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
	return top;
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
	u32 lines = GICD_TYPER_LINES(typer), want, top, spis;

	pr_info("GICD_TYPER %#x: ITLinesNumber %u (%u lines), CPUNumber %u, SecurityExtn %u",
		typer, typer & 0x1f, lines, (typer >> 5) & 7,
		(typer >> 10) & 1);
	pr_info("GICD_IIDR %#x%s", gic_iidr(),
		gic_is_kvm() ? ": KVM's in-kernel vGIC" : "");
	top = check_dt_spis(lines);
	/*
	 * The configured count: given, or lkvm's rule (docs/design.md):
	 * 32 + the SPIs its devices took, from SPI 0 up to the DT's
	 * highest, rounded up to 32, at least 64.
	 */
	want = bootarg_u64("gic-regs.lines", 0);
	spis = top >= GIC_FIRST_SPI ? top + 1 - GIC_FIRST_SPI : 0;
	if (!want && bootarg_present("gic-regs.lkvm-lines"))
		want = GIC_FIRST_SPI + MAX(32U, (u32)ALIGN_UP(spis, 32));
	if (want)
		check(lines == want, "gic-regs.typer-lines",
		      "GICD_TYPER says %u lines, the VMM was configured for %u",
		      lines, want);
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

#define UP_ITARGETSR_WHY \
	"KVM GICv2: ITARGETSR not RAZ/WI on a uniprocessor"

/*
 * One ITARGETSR word (four SPIs): written byte by byte, read as a
 * word; written as a word, read byte by byte.
 */
static void check_itargetsr_bytes(const u8 *masks, int n)
{
	u64 reg = gicd + GICD_ITARGETSR + ALIGN_DOWN(PROBE_SPI, 4);
	u32 w, want = 0, want2 = 0;
	bool bytes_ok = true;
	int i;

	for (i = 0; i < 4; i++) {
		writeb(masks[i % n], reg + i);
		want |= (u32)masks[i % n] << (8 * i);
		want2 |= (u32)masks[(i + 1) % n] << (8 * i);
	}
	w = readl(reg);
	writel(want2, reg);
	for (i = 0; i < 4; i++)
		bytes_ok &= readb(reg + i) == masks[(i + 1) % n];
	writel(masks[0] * 0x01010101U, reg);
	check(w == want && bytes_ok, "gic-regs.itargetsr-bytes",
	      "SPIs %lu-%lu: byte writes read as word %#x, expected %#x; word write %#x reads back by bytes: %d",
	      reg - gicd - GICD_ITARGETSR, reg - gicd - GICD_ITARGETSR + 3,
	      w, want, want2, bytes_ok);
}

/* GICD_SPENDSGIR / CPENDSGIR, byte by byte; SGI 0 is disabled. */
static void check_sgi_pend_bytes(u8 self)
{
	u32 set, clr;
	u8 src;

	writel(1, gicd + GICD_ICENABLER);
	writeb(self, gicd + GICD_SPENDSGIR + PROBE_SGI);
	set = readl(gicd + GICD_ISPENDR) & BIT(PROBE_SGI);
	src = readb(gicd + GICD_SPENDSGIR + PROBE_SGI);
	writeb(0xff, gicd + GICD_CPENDSGIR + PROBE_SGI);
	clr = readl(gicd + GICD_ISPENDR) & BIT(PROBE_SGI);
	check(set && src == self && !clr, "gic-regs.sgi-pend-bytes",
	      "SGI %u: SPENDSGIR byte %#x sets pending %d, reads %#x; CPENDSGIR byte clears %d",
	      PROBE_SGI, self, !!set, src, !clr);
}

static void check_v2(void)
{
	u32 typer = readl(gicd + GICD_TYPER);
	u32 want_cpus = bootarg_u64("gic-regs.cpus", nr_cpus());
	u64 gicc = 0;
	u8 masks[NR_CPUS] = { 0 }, all = 0, m;
	int cpu, dup = 0, n = nr_cpus();
	bool up_kvm = n == 1 && gic_is_kvm();

	fdt_read_reg(gic_node(), 1, &gicc, NULL);
	check_known(GIC_PIDR2_ARCH(readl(gicd + GICD_ICPIDR2)) == 2,
		    gic_is_kvm(), "KVM GICv2: no ID registers, 0xfd0-0xffc RAZ",
		    "gic-regs.arch-rev", "GICD_ICPIDR2 %#x, ArchRev should be 2",
		    readl(gicd + GICD_ICPIDR2));
	check_common(typer);
	check(GICD_TYPER_CPUS(typer) == (u32)n &&
	      GICD_TYPER_CPUS(typer) == want_cpus, "gic-regs.typer-cpus",
	      "CPUNumber+1 = %u, DT has %d CPU(s), the VMM was configured for %u",
	      GICD_TYPER_CPUS(typer), n, want_cpus);
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
	/* Uniprocessor: ITARGETSR RAZ/WI (IHI 0048B 4.3.12). */
	check_known(!dup, up_kvm, UP_ITARGETSR_WHY, "gic-regs.itargetsr-own",
		    n > 1 ? "each CPU reads its own single-bit mask (CPUs' masks OR to %#x)" :
		    "uniprocessor: ITARGETSR0-7 RAZ, read %#x", all);
	writeb(0xff, gicd + GICD_ITARGETSR + PROBE_SPI);
	m = readb(gicd + GICD_ITARGETSR + PROBE_SPI);
	writeb(masks[0], gicd + GICD_ITARGETSR + PROBE_SPI);
	check_known(m == all && (n > 1 || !m), up_kvm, UP_ITARGETSR_WHY,
		    "gic-regs.itargetsr-spi",
		    "writing 0xff keeps only implemented CPU interfaces: %#x, expected %#x",
		    m, n > 1 ? all : 0);
	if (n > 1)		/* else RAZ/WI, as itargetsr-spi found */
		check_itargetsr_bytes(masks, n);
	check_sgi_pend_bytes(masks[0] ? masks[0] : 1);

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
	u32 want_cpus = bootarg_u64("gic-regs.cpus", nr_cpus());
	int i, cpu, bad = 0, last = 0, n = gicv3_rdist_count();
	u32 regions = 1;
	u64 typer;

	for (i = 0; i < n; i++) {
		typer = readq(gicv3_rdist_frame(i) + GICR_TYPER);
		pr_info("redistributor %d at %#lx: GICR_TYPER %#lx (affinity %#lx, processor %lu%s)",
			i, gicv3_rdist_frame(i), typer, GICR_TYPER_AFF(typer),
			GICR_TYPER_PROCNUM(typer),
			typer & GICR_TYPER_LAST ? ", last" : "");
		/* In one region, the last frame and it alone says so. */
		last += !!(typer & GICR_TYPER_LAST) != (i == n - 1);
	}
	for (cpu = 0; cpu < nr_cpus(); cpu++)
		for (i = 0; i < cpu; i++)
			bad += gicv3_rdist_base(i) == gicv3_rdist_base(cpu);
	check(n == nr_cpus() && (u32)n == want_cpus && !bad,
	      "gic-regs.redistributors",
	      "%d found, %d CPU(s) in the DT, the VMM was configured for %u; each CPU with its own by affinity",
	      n, nr_cpus(), want_cpus);
	fdt_getprop_u32(gic_node(), "#redistributor-regions", &regions);
	if (regions != 1) {
		check_skip("gic-regs.gicr-last", "%u redistributor regions",
			   regions);
		return;
	}
	check(!last, "gic-regs.gicr-last",
	      "GICR_TYPER.Last set on the last redistributor only: %d wrong",
	      last);
}

/*
 * IROUTER is 64 bits, accessible as two 32-bit halves. Interrupt
 * Routing Mode 1 (1 of N) must be kept unless GICD_TYPER.No1N says it
 * is not supported; IRM is then RES0, which an implementation may
 * still keep.
 */
static void check_irouter(u32 typer)
{
	u64 reg = gicd + GICD_IROUTER + 8 * PROBE_SPI, want, r;
	bool no1n = typer & GICD_TYPER_NO1N;
	u32 lo, hi, irm;

	want = smp_cpu(nr_cpus() - 1)->mpidr;
	gic_irq_set_target(PROBE_SPI, nr_cpus() - 1);
	r = readq(reg);
	lo = readl(reg);
	hi = readl(reg + 4);
	gic_irq_set_target(PROBE_SPI, 0);
	check(r == want, "gic-regs.irouter", "INTID %u routed to %#lx, reads %#lx",
	      PROBE_SPI, want, r);
	writel(want & 0xffffffff, reg);
	writel(want >> 32, reg + 4);
	r = readq(reg);
	check(r == want && lo == (u32)want && hi == want >> 32,
	      "gic-regs.irouter-words",
	      "32-bit halves read %#x %#x, written back as halves: %#lx",
	      lo, hi, r);
	writel(IROUTER_IRM, reg);
	irm = readl(reg) & IROUTER_IRM;
	gic_irq_set_target(PROBE_SPI, 0);
	check_known(no1n || irm, gic_is_kvm(),
		    "KVM GICv3: IRM RAZ/WI, yet GICD_TYPER.No1N is 0",
		    "gic-regs.irouter-irm", "GICD_TYPER.No1N %d: IROUTER.IRM %s",
		    no1n, irm ? "kept" : "reads 0");
}

static void check_v3(void)
{
	u32 typer = readl(gicd + GICD_TYPER), ctlr = readl(gicd + GICD_CTLR);
	u64 ctlr_el1 = read_sysreg(ICC_CTLR_EL1);
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
	/* 16 bits at least with LPIs; else enough for INTIDs 0-1023. */
	check(GICD_TYPER_IDBITS(typer) >= (typer & GICD_TYPER_LPIS ? 16U : 10U),
	      "gic-regs.idbits", "%u INTID bits, LPIs %s",
	      GICD_TYPER_IDBITS(typer),
	      typer & GICD_TYPER_LPIS ? "supported (16 needed)" :
	      "not supported (10 needed)");
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

	check_irouter(typer);

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
