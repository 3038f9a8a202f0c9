// SPDX-License-Identifier: GPL-2.0
/*
 * pci-hostile: a guest that does to lkvm's PCI host bridge, its
 * virtio-pci functions, their MSI-X and the GIC's MSI frame what no
 * driver should, for as long as it is told, and checks every so often
 * that lkvm is still there and the machine still works:
 *
 *  - config accesses of every width at every offset of existing and
 *    missing functions (other slots, functions 1-7, other buses);
 *  - the command register toggled, BARs put over RAM (the guest's own
 *    image included), over the GIC's frames, the ITS or the v2m frame,
 *    over ECAM, over each other, at 0, at the top of the window and
 *    across its end, all-ones sizing, the next BAR written as a 64-bit
 *    BAR's high half, the expansion ROM, the capability pointer and
 *    the capabilities' bodies, MSI-X Enable and Function Mask toggled;
 *  - the MSI-X table and PBA written with addresses at RAM, the GIC,
 *    the frame's doorbell, anywhere, with any data and mask bits;
 *  - the virtio-pci registers (common config, notify, ISR, device
 *    config) of every width while MSI-X is on, queues made ready on
 *    rings in the guest's scratch zones, avail rings full of junk;
 *  - on a GICv3 with an ITS, random commands through its command queue
 *    (the ITS set up, 64 LPIs enabled); on a GICv2m frame, random
 *    accesses to the frame (its SPIs enabled).
 *
 * With more than one vCPU the others do the same at the same time (the
 * ITS's command queue aside), pausing for each sanity round.
 *
 * Every pci-hostile.check-every operations a sanity round: each
 * function's IDs read back and a missing one reads all-ones, RAM the
 * guest filled reads back (also right after a BAR is put over it and
 * written through), the guest's code and DTB are unchanged, the timer
 * ticks and an SGI arrives. At the end every function is set back as
 * lkvm placed it and the virtio-rng is driven properly over PCI: random
 * bytes, with an MSI-X message through the frame where there is one.
 *
 * The guest keeps to itself: it accesses BARs only where they lie in
 * the bridge's window, every write to one guarded by its page offset
 * (bar_write()), and the rings it hands devices lie in its scratch
 * zones (or outside RAM), whose descriptors only ever name the zones'
 * buffers. Whatever happens, it happens in lkvm.
 *
 * Parameters:
 *   pci-hostile.ms=N           how long to go on (8000)
 *   pci-hostile.seed=N         the generator's seed (default: the counter;
 *                              printed, so that a failure can be repeated)
 *   pci-hostile.check-every=N  a sanity round every N operations (200)
 *   pci-hostile.functions=N    the number of PCI functions there must be
 *   pci-hostile.linger-ms=N    idle that long after the abuse (0)
 * "HOSTILE-BEGIN ..." marks the start of the abuse, "HOSTILE-END ..." its
 * end, for the host script that samples lkvm's memory.
 */
#include "guest.h"
#include "its.h"
#include "testdev.h"
#include "pci-hostile.h"

const char test_name[] = "pci-hostile";

#define CANARY(a)	((a) * 0x9e3779b97f4a7c15UL ^ 0x5a5a5a5a5a5a5a5aUL)
#define PROGRESS_US	1000000
#define SANITY_SGI	3
#define IRQ_WAIT_US	500000
/*
 * How long the other CPUs have to reach a pause: three seconds, as a
 * vCPU of an emulated host may wait more than one for a core of a
 * loaded machine; a vCPU stuck in lkvm never returns at all.
 */
#define PAUSE_US	3000000

struct pmach pm;

/* The run, as CPU 0 leads it and the others join in. */
static struct {
	volatile int done;	/* CPU 0 is through: the others stop */
	volatile int pause;	/* CPU 0 wants the machine to itself */
	atomic_t paused;	/* the other CPUs that are waiting */
	u64 racer_ops[NR_CPUS];
	u32 stuck;		/* pauses the other CPUs did not reach */
} run;
volatile u32 ph_msi_irqs, ph_msi_last;

static struct {
	u32 rounds;
	u32 ecam_bad, canary_bad, shadow_bad, own_bad, timer_bad, sgi_bad;
	volatile u32 timer_fired, sgi_fired;
	u64 own_sum;
} san;

u64 rand_val(void)
{
	switch (rnd_below(9)) {
	case 0:	return 0;
	case 1:	return rnd_below(17);
	case 2:	return 0xffffffffUL;
	case 3:	return ~0UL;
	case 4:	return 1UL << rnd_below(64);
	case 5:	return 0xffUL << (8 * rnd_below(4));
	case 6:	return rand_addr();
	default: return rnd();
	}
}

u64 rand_addr(void)
{
	u64 ram = pm.ram_end - pm.ram_base;
	int i;

	switch (rnd_below(12)) {
	case 0:	return pm.ram_base + (rnd() % ram);
	case 1: return pm.canary + (rnd() % pm.canary_size);
	case 2:	return pm.gic[rnd_below(pm.nr_gic)] + rnd_below(SZ_64K);
	case 3:	return pm.its ? pm.its + GITS_TRANSLATER : pm.v2m + 0x40;
	case 4:	return pm.ecam + (rnd() % pm.ecam_size);
	case 5:	return pm.win + (rnd() % pm.win_size);
	case 6:	return 0;
	case 7:	return 0x100000000UL - 4 * (1 + rnd_below(SZ_4K));
	case 8:	/* the guest's own */
		i = rnd_below(2);
		return pm.own[i][0] + rnd() % (pm.own[i][1] - pm.own[i][0]);
	case 9:	return pm.ram_end + rnd_below(SZ_1G);
	default: return rnd();
	}
}

/* ---- accesses ---- */

u64 mmio_read(u64 addr, int width)
{
	addr &= ~(u64)(width - 1);
	if (width == 1)
		return readb(addr);
	if (width == 2)
		return readw(addr);
	if (width == 4)
		return readl(addr);
	return readq(addr);
}

void mmio_write(u64 addr, int width, u64 val)
{
	addr &= ~(u64)(width - 1);
	if (width == 1)
		writeb(val, addr);
	else if (width == 2)
		writew(val, addr);
	else if (width == 4)
		writel(val, addr);
	else
		writeq(val, addr);
}

u64 bar_live(const struct pfn *f, u32 bar)
{
	u64 addr = readl(f->cfg + CFG_BAR0 + 4 * bar) & ~0xfUL;
	u64 size = f->bar_size[bar];

	if (!size || !(readw(f->cfg + CFG_COMMAND) & CMD_MEMORY))
		return 0;
	if (addr < pm.win || addr + size > pm.win + pm.win_size)
		return 0;
	return addr;
}

/* ---- the machine ---- */

static void fill_canary(void)
{
	u64 a;

	for (a = pm.canary; a < pm.canary + pm.canary_size; a += 8)
		*(volatile u64 *)a = CANARY(a);
}

/* ---- interrupts ---- */

static void on_msi(u32 intid, u32 iar __unused, void *arg __unused)
{
	ph_msi_last = intid;
	ph_msi_irqs++;
}

static void on_timer(u32 intid __unused, u32 iar __unused, void *arg __unused)
{
	timer_virt_stop();
	san.timer_fired = 1;
}

static void on_sgi(u32 intid __unused, u32 iar __unused, void *arg __unused)
{
	san.sgi_fired = 1;
}

/* The ITS with 64 LPIs on, collection 0 at CPU 0, each function's device. */
static int its_setup(void)
{
	int i, bad;

	if (its_lpis_enable() || its_init(pm.its))
		return -1;
	for (i = 0; i < PH_ITS_LPIS; i++)
		its_lpi_config(LPI_FIRST + i, PH_ITS_PRIO, true);
	bad = its_mapc(0, its_rdbase(0), true);
	for (i = 0; i < pm.nr_fn; i++) {
		u32 dev = pm.fn[i].slot << 3;

		pm.fn[i].itt = its_itt_alloc(6);
		bad |= its_mapd(dev, pm.fn[i].itt, 6, true);
		bad |= its_mapti(dev, 0, LPI_FIRST + i, 0);
	}
	bad |= its_invall(0);
	bad |= its_sync(its_rdbase(0));
	irq_set_lpi_handler(on_msi, NULL);
	return bad ? -1 : 0;
}

static void v2m_setup(void)
{
	u32 typer = readl(pm.v2m + 0x008), i;

	pm.v2m_first = (typer >> 16) & 0x3ff;
	pm.v2m_nr = typer & 0x3ff;
	for (i = 0; i < pm.v2m_nr; i++) {
		irq_set_handler(pm.v2m_first + i, on_msi, NULL);
		gic_irq_set_edge(pm.v2m_first + i, true);
		gic_irq_enable(pm.v2m_first + i);
	}
}

/* ---- sanity ---- */

static u64 own_sum(void)
{
	const u8 *p;
	u64 h = 0xcbf29ce484222325UL;

	for (p = (const u8 *)_text; p < (const u8 *)_etext; p++)
		h = (h ^ *p) * 0x100000001b3UL;
	for (p = fdt_blob(); p < (const u8 *)fdt_blob() + fdt_total_size(); p++)
		h = (h ^ *p) * 0x100000001b3UL;
	return h;
}

static u32 canary_errors(void)
{
	u64 a;
	u32 bad = 0;

	for (a = pm.canary; a < pm.canary + pm.canary_size; a += 8)
		bad += *(volatile u64 *)a != CANARY(a);
	return bad;
}

/* A BAR put over canary RAM, memory on: RAM must still be RAM. */
static bool shadow_ok(void)
{
	struct pfn *f = &pm.fn[rnd_below(pm.nr_fn)];
	u32 b = rnd_below(2) ? 1 : 2;
	u64 a = pm.canary + ALIGN_DOWN(rnd() % pm.canary_size, SZ_4K);
	u64 old = readl(f->cfg + CFG_BAR0 + 4 * b), v;
	u16 cmd = readw(f->cfg + CFG_COMMAND);

	writel(a, f->cfg + CFG_BAR0 + 4 * b);
	writew(cmd | CMD_MEMORY, f->cfg + CFG_COMMAND);
	*(volatile u64 *)a = ~CANARY(a);
	dsb(sy);
	v = *(volatile u64 *)a;
	*(volatile u64 *)a = CANARY(a);
	writel(old, f->cfg + CFG_BAR0 + 4 * b);
	writew(cmd, f->cfg + CFG_COMMAND);
	return v == ~CANARY(a);
}

static bool ecam_ok(void)
{
	int i, slot;

	for (i = 0; i < pm.nr_fn; i++)
		if (readl(pm.fn[i].cfg) != (pm.fn[i].vendor | (u32)pm.fn[i].device << 16))
			return false;
	/* A missing slot, a missing function, another bus: all-ones. */
	slot = pm.fn[pm.nr_fn - 1].slot + 1;
	return (slot > 31 || readl(pm.ecam + ((u64)slot << 15)) == ~0U) &&
	       readl(pm.fn[0].cfg + (1 << 12)) == ~0U &&
	       (pm.ecam_size <= 0x100000UL || readl(pm.ecam + 0x100000UL) == ~0U);
}

static bool wait_flag(volatile u32 *flag)
{
	return timer_wfi_until(flag, timer_deadline_us(IRQ_WAIT_US));
}

static void note(u32 *count, bool ok, const char *what)
{
	if (ok)
		return;
	if (!(*count)++)
		pr_info("sanity round %u: %s", san.rounds, what);
}

static void sanity_round(void)
{
	san.rounds++;
	note(&san.ecam_bad, ecam_ok(), "a function's IDs or a missing function's all-ones");
	note(&san.canary_bad, !canary_errors(), "RAM the guest filled changed");
	note(&san.shadow_bad, shadow_ok(), "RAM under a BAR did not read back");
	note(&san.own_bad, own_sum() == san.own_sum, "the guest's code or DTB changed");
	san.timer_fired = 0;
	timer_virt_arm(timer_now() + timer_us_to_ticks(1000));
	note(&san.timer_bad, wait_flag(&san.timer_fired), "no timer interrupt");
	san.sgi_fired = 0;
	gic_send_sgi_self(SANITY_SGI);
	note(&san.sgi_bad, wait_flag(&san.sgi_fired), "no SGI");
}

/* ---- the run ---- */

static void report(u64 ops, u64 us)
{
	char line[200];
	int op, len = 0;

	for (op = 0; op < NR_PH_OPS; op++)
		len += snprintf(line + len, sizeof(line) - len, " %s=%u",
				ph_op_names[op], ph_op_count[op]);
	pr_info("operations:%s", line);
	pr_info("MSIs taken during the run: %u", ph_msi_irqs);
	check(ops > 0 && san.rounds > 1 && !run.stuck, "pci-hostile.ops",
	      "%lu operations in %lu ms on %d CPU(s), %u sanity rounds, %u pauses missed",
	      ops, us / 1000, nr_cpus_online(), san.rounds, run.stuck);
	check(!san.ecam_bad, "pci-hostile.ecam",
	      "IDs and all-ones wrong in %u of %u rounds", san.ecam_bad, san.rounds);
	check(!san.canary_bad && !san.shadow_bad, "pci-hostile.ram",
	      "RAM changed in %u rounds, a BAR over RAM shadowed it in %u",
	      san.canary_bad, san.shadow_bad);
	check(!san.own_bad, "pci-hostile.own-memory",
	      "the guest's code and DTB changed in %u rounds", san.own_bad);
	check(!san.timer_bad && !san.sgi_bad, "pci-hostile.interrupts",
	      "the timer missed %u rounds, the SGI %u", san.timer_bad, san.sgi_bad);
	if (pm.its)
		check(!ph_its_stuck, "pci-hostile.its", "%u commands the ITS never read",
		      ph_its_stuck);
}

/* At the end: the virtio-rng, set back as lkvm placed it, still works. */
static void final_rng(void)
{
	const char *err;
	u32 irqs = 0, bytes = 0;
	int i;

	for (i = 0; i < pm.nr_fn; i++)
		if (pm.fn[i].vendor == VPCI_VENDOR &&
		    pm.fn[i].device == VPCI_DEVICE_BASE + 4)
			break;
	if (i == pm.nr_fn) {
		check_skip("pci-hostile.rng", "no virtio-rng over PCI");
		return;
	}
	err = ph_rng_check(&pm.fn[i], &irqs, &bytes);
	check(!err, "pci-hostile.rng", "%s: %u bytes, %u MSI(s)",
	      err ? err : "random bytes after the abuse", bytes, irqs);
}

/*
 * A sanity round with the machine to CPU 0 alone: the others finish
 * the operation they are in first. One that does not within PAUSE_US
 * is stuck in lkvm (a vCPU that never returns from an MMIO exit); the
 * round goes ahead.
 */
static void sanity_paused(void)
{
	int others = nr_cpus_online() - 1;
	u64 deadline = timer_deadline_us(PAUSE_US);

	if (others) {
		WRITE_ONCE(run.pause, 1);
		dmb(ish);
		while (atomic_read(&run.paused) < others && !timer_expired(deadline))
			cpu_relax();
		if (atomic_read(&run.paused) < others)
			run.stuck++;
	}
	sanity_round();
	dmb(ish);
	WRITE_ONCE(run.pause, 0);
}

/* The other CPUs: operations of their own, at the same time. */
static void racer(int cpu)
{
	while (!READ_ONCE(run.done)) {
		if (READ_ONCE(run.pause)) {
			atomic_inc(&run.paused);
			while (READ_ONCE(run.pause) && !READ_ONCE(run.done))
				cpu_relax();
			atomic_add_return(&run.paused, -1);
			continue;
		}
		ph_run_op();
		run.racer_ops[cpu]++;
	}
}

static struct {
	u64 ms, every, ops, us;
} lead;

static void worker(void *arg __unused)
{
	u64 start, end, next;
	int cpu = smp_processor_id();

	if (cpu) {
		racer(cpu);
		return;
	}
	start = timer_now();
	end = start + timer_us_to_ticks(lead.ms * 1000);
	next = start + timer_us_to_ticks(PROGRESS_US);
	while (timer_now() < end) {
		ph_run_op();
		lead.ops++;
		if (lead.every && !(lead.ops % lead.every))
			sanity_paused();
		if (timer_now() < next)
			continue;
		next += timer_us_to_ticks(PROGRESS_US);
		printf("HOSTILE-PROGRESS ops=%lu sanity=%u msis=%u\n", lead.ops,
		       san.rounds, ph_msi_irqs);
	}
	lead.us = timer_ticks_to_us(timer_now() - start);
	WRITE_ONCE(run.done, 1);
}

static void setup_irqs(void)
{
	irq_set_handler(timer_intid(TIMER_VIRT), on_timer, NULL);
	gic_irq_enable(timer_intid(TIMER_VIRT));
	irq_set_handler(SANITY_SGI, on_sgi, NULL);
	gic_irq_enable(SANITY_SGI);
	if (pm.its)
		check(!its_setup(), "pci-hostile.its-setup",
		      "tables, command queue, 64 LPIs, a device per function");
	if (pm.v2m)
		v2m_setup();
	local_irq_enable();
}

void test_main(void)
{
	u64 seed = timer_now() * 0x9e3779b97f4a7c15UL, others = 0;
	int ret, cpu;

	lead.ms = bootarg_u64("pci-hostile.ms", 8000);
	lead.every = bootarg_u64("pci-hostile.check-every", 200);
	seed = bootarg_u64("pci-hostile.seed", seed);
	rnd_seed(seed);
	pr_info("seed %#lx: pci-hostile.seed=%#lx repeats this run", seed, seed);
	testdev_probe();
	ret = ph_find_machine();
	if (ret == -2) {
		check_skip("pci-hostile.functions", "no PCI host bridge in the DT");
		return;
	}
	if (ret)
		test_abort("RAM from the DT leaves no 4 MiB after the image");
	if (ph_enumerate() < 0)
		test_abort("a virtio function's common config is not at the start of its BAR");
	if (bootarg_present("pci-hostile.functions"))
		check(pm.nr_fn == (int)bootarg_u64("pci-hostile.functions", 0),
		      "pci-hostile.functions", "%d function(s) on bus 0", pm.nr_fn);
	if (!pm.nr_fn) {
		check_skip("pci-hostile.functions", "no PCI function");
		return;
	}
	pr_info("ECAM %#lx, window %#lx-%#lx, ITS %#lx, v2m %#lx", pm.ecam,
		pm.win, pm.win + pm.win_size, pm.its, pm.v2m);
	fill_canary();
	ph_touch_ram();
	san.own_sum = own_sum();
	setup_irqs();
	sanity_round();
	printf("HOSTILE-BEGIN seed=%#lx functions=%d cpus=%d ms=%lu\n", seed,
	       pm.nr_fn, nr_cpus(), lead.ms);
	smp_run(worker, NULL);
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		others += run.racer_ops[cpu];
	ph_restore_functions();
	printf("HOSTILE-END ops=%lu others=%lu sanity=%u msis=%u\n", lead.ops,
	       others, san.rounds, ph_msi_irqs);
	mdelay(bootarg_u64("pci-hostile.linger-ms", 0));
	sanity_round();
	report(lead.ops + others, lead.us);
	final_rng();
}
