// SPDX-License-Identifier: GPL-2.0
/*
 * v2m: the GICv2m MSI frame (arm,gic-v2m-frame) as a guest sees it:
 *  - the DT node: a child of the GIC's, msi-controller, one 4 KiB reg;
 *  - MSI_TYPER: a range of SPIs the GIC implements and no device of
 *    the DT uses (with "v2m.kvmtool-range": INTIDs 32-95, kvmtool's);
 *  - a write of each SPI of the range to MSI_SETSPI_NS is taken once,
 *    as an edge, by the CPU its ITARGETSR names (the CPUs in turn, the
 *    others spinning with interrupts on);
 *  - values outside the range, and writes elsewhere in the frame,
 *    raise nothing.
 * Without a frame in the DT it prints "SKIP no arm,gic-v2m-frame" and
 * passes; with "v2m.require-frame" in the bootargs it fails.
 */
#include "guest.h"
#include "gic-v2.h"

const char test_name[] = "v2m";

#define MSI_TYPER	0x008
#define MSI_SETSPI_NS	0x040
#define MSI_IIDR	0xfcc
#define WAIT_US		(500 * 1000)
#define QUIET_US	(20 * 1000)
#define PRIO		0x80

static u64 frame;
static u32 first, count;
static atomic_t taken;
static volatile int took_on[NR_CPUS];
static volatile u32 took_id;
static volatile u32 done;

static void v2m_handler(u32 intid, u32 iar __unused, void *arg __unused)
{
	took_on[smp_processor_id()]++;
	took_id = intid;
	atomic_inc_return(&taken);
}

/* The frame's node, its reg and its place in the tree. */
static bool find_frame(void)
{
	int node = fdt_find_compatible(0, "arm,gic-v2m-frame");
	u64 size = 0;
	int len;

	if (node < 0) {
		if (bootarg_present("v2m.require-frame"))
			check(false, "v2m.dt-node", "no arm,gic-v2m-frame in the DT");
		else
			check_skip("v2m.dt-node", "no arm,gic-v2m-frame");
		return false;
	}
	check(fdt_read_reg(node, 0, &frame, &size) && size == 0x1000 &&
	      !(frame & 0xfff), "v2m.dt-reg", "%s: reg %#lx size %#lx",
	      fdt_node_name(node), frame, size);
	check(fdt_parent(node) == gic_node() &&
	      fdt_getprop(node, "msi-controller", &len) != NULL,
	      "v2m.dt-msi-controller",
	      "a child of the GIC's node, with msi-controller");
	return size == 0x1000;
}

/* No device of the DT has an SPI in the frame's range. */
static void check_dt_range(void)
{
	struct fdt_irq irq;
	int node, i, clash = 0;

	for (node = 0; node >= 0; node = fdt_next_node(node, NULL)) {
		if (fdt_irq_parent(node) != gic_node())
			continue;
		for (i = 0; i < fdt_irq_count(node); i++) {
			if (!fdt_read_irq(node, i, &irq) || irq.type != 0)
				continue;
			if (irq.intid >= first && irq.intid < first + count) {
				clash++;
				pr_info("%s: INTID %u in the frame's range",
					fdt_node_name(node), irq.intid);
			}
		}
	}
	check(!clash, "v2m.dt-disjoint",
	      "%d device SPI(s) of the DT in INTIDs %u-%u", clash, first,
	      first + count - 1);
}

static void check_typer(void)
{
	u32 typer = readl(frame + MSI_TYPER), lines = gic_nr_lines();

	first = (typer >> 16) & 0x3ff;
	count = typer & 0x3ff;
	pr_info("MSI_TYPER %#x: INTIDs %u-%u; MSI_IIDR %#x; %u GIC lines",
		typer, first, first + count - 1, readl(frame + MSI_IIDR),
		lines);
	check(first >= GIC_FIRST_SPI && count && first + count <= lines,
	      "v2m.typer-range", "INTIDs %u-%u within the GIC's %u lines",
	      first, first + count - 1, lines);
	if (bootarg_present("v2m.kvmtool-range"))
		check(first == 32 && count == 64, "v2m.typer-kvmtool",
		      "INTIDs %u-%u, kvmtool's are 32-95", first,
		      first + count - 1);
	if (first < GIC_FIRST_SPI || !count || first + count > lines)
		count = 0;
}

static bool wait_taken(int n, u64 us)
{
	u64 end = timer_deadline_us(us);

	while (atomic_read(&taken) < n)
		if (timer_expired(end))
			return false;
	return true;
}

/* Boot CPU: each SPI of the range, at CPU (i % online). */
static void drive(int online)
{
	int bad = 0, wrong = 0, n = 0, cpu;
	u32 i;

	for (i = 0; i < count; i++) {
		int want = i % online;

		for (cpu = 0; cpu < online; cpu++)
			took_on[cpu] = 0;
		gic_irq_set_target(first + i, want);
		writel(first + i, frame + MSI_SETSPI_NS);
		n++;
		if (!wait_taken(n, WAIT_US)) {
			n = atomic_read(&taken);
			if (!bad++)
				pr_info("INTID %u: not taken", first + i);
			continue;
		}
		if (!took_on[want] || took_id != first + i) {
			if (!wrong++)
				pr_info("INTID %u for cpu%d: taken as %u, on cpu%d %d time(s)",
					first + i, want, took_id, want,
					took_on[want]);
		}
	}
	check(!bad, "v2m.setspi-taken", "%d of %u SPIs not taken", bad, count);
	check(!wrong, "v2m.setspi-cpu", "%d of %u taken elsewhere or as another INTID",
	      wrong, count);
	/* As an edge: taken once each, nothing more. */
	udelay(QUIET_US);
	check(atomic_read(&taken) == (int)count - bad, "v2m.setspi-once",
	      "%d interrupts for %u writes", atomic_read(&taken), count);
}

/* Values outside the range, and other registers: nothing at all. */
static void drive_out_of_range(void)
{
	static const u32 values[] = { 0, 1, 16, 31, 1020, 1023 };
	int before = atomic_read(&taken), pend = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(values); i++)
		writel(values[i], frame + MSI_SETSPI_NS);
	writel(first - 1, frame + MSI_SETSPI_NS);
	writel(first + count, frame + MSI_SETSPI_NS);
	writel(first, frame + MSI_SETSPI_NS + 4);
	writel(first, frame + MSI_TYPER);
	writel(first, frame);
	udelay(QUIET_US);
	for (i = 0; i < count; i++)
		pend += gic_irq_is_pending(first + i);
	check(atomic_read(&taken) == before && !pend, "v2m.out-of-range",
	      "%d interrupt(s) taken, %d SPI(s) of the range pending",
	      atomic_read(&taken) - before, pend);
	check(readl(frame + MSI_TYPER) == ((first << 16) | count),
	      "v2m.typer-read-only", "MSI_TYPER %#x after a write",
	      readl(frame + MSI_TYPER));
}

static void run_cpu(void *arg __unused)
{
	int online = nr_cpus_online();
	u64 end = timer_deadline_us(2 * 1000 * 1000 + (u64)count * WAIT_US);

	smp_barrier();
	local_irq_enable();
	if (!smp_processor_id()) {
		drive(online);
		drive_out_of_range();
		WRITE_ONCE(done, 1);
	} else {
		while (!READ_ONCE(done) && !timer_expired(end))
			cpu_relax();
	}
	local_irq_disable();
	smp_barrier();
}

void test_main(void)
{
	int online = smp_boot_secondaries();
	u32 i;

	check(online == nr_cpus(), "v2m.cpus-online", "%d of %d", online,
	      nr_cpus());
	if (gic_version() != 2) {
		check_skip("v2m.dt-node", "a GICv%d: no GICv2m", gic_version());
		return;
	}
	if (!find_frame())
		return;
	check_typer();
	if (!count)
		return;
	check_dt_range();
	for (i = 0; i < count; i++) {
		irq_set_handler(first + i, v2m_handler, NULL);
		gic_irq_set_edge(first + i, true);
		gic_irq_set_priority(first + i, PRIO);
		gic_irq_enable(first + i);
	}
	smp_run(run_cpu, NULL);
	for (i = 0; i < count; i++)
		gic_irq_disable(first + i);
}
