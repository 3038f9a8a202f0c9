// SPDX-License-Identifier: GPL-2.0
/*
 * its: the GICv3 ITS (arm,gic-v3-its) as a driver uses it, and what it
 * does with each command:
 *  - the DT node: a child of the GIC's, msi-controller, #msi-cells = 1,
 *    one 128 KiB reg where an ITS answers (with "its.lkvm-place": right
 *    below the redistributors, lkvm's and kvmtool's place);
 *  - GITS_TYPER, GITS_IIDR sane (KVM's values exactly when it is KVM);
 *    GICD_TYPER.LPIS, GICR_TYPER.PLPIS;
 *  - LPIs on each redistributor, the ITS's tables and command queue;
 *  - MAPD, MAPC (a collection per CPU), MAPTI, SYNC: each event's INT
 *    arrives at the CPU its collection names, as its LPI; a device MSI
 *    from the test device (a device ID the VMM gives) likewise, while a
 *    CPU's own write to GITS_TRANSLATER raises nothing;
 *  - DISCARD, MOVI, INV and INVALL after property table changes;
 *  - invalid commands skipped (GITS_CREADR moves past, never Stalled),
 *    as KVM's vgic-its.c does, and the ITS working afterwards.
 * With 2 or more CPUs, CPU 0 drives and the others wait with interrupts
 * on. Without an ITS node it skips ("its.require" makes that a failure;
 * "its.require-none" makes an ITS a failure and checks that the test
 * device refuses MSIs).
 */
#include "guest.h"
#include "gic-v3.h"
#include "its.h"
#include "testdev.h"

const char test_name[] = "its";

#define WAIT_US		(500 * 1000)
#define QUIET_US	(50 * 1000)
#define DEV		0x20		/* the device ID the test maps */
#define DEV_UNMAPPED	0x07
#define EVENT_BITS	4
#define NR_EVENTS	8
#define LPI(e)		(LPI_FIRST + 100U + 3U * (e))	/* not the event ID */
#define PRIO		0xa0
#define MAX_COLL	ITS_MAX_CPUS

static u64 base;
static int ncpus, ncoll;
static int coll_of[NR_EVENTS];
static atomic_t taken;
static volatile int took_on[NR_CPUS];
static volatile u32 took_id, took_cpu;
static volatile u32 done;

static void lpi_handler(u32 intid, u32 iar __unused, void *arg __unused)
{
	int cpu = smp_processor_id();

	took_on[cpu]++;
	took_id = intid;
	took_cpu = cpu;
	atomic_inc_return(&taken);
}

static int cpu_of_coll(int icid)
{
	return icid % ncpus;
}

/* ---- the DT node and the registers ---- */

static bool check_node(int node)
{
	const void *p;
	u64 size = 0, rd = 0;
	u32 cells = 0;
	int len;

	check(fdt_read_reg(node, 0, &base, &size) && size == GITS_FRAME_SIZE &&
	      !(base & (SZ_64K - 1)), "its.dt-reg", "%s: reg %#lx size %#lx",
	      fdt_node_name(node), base, size);
	p = fdt_getprop(node, "msi-controller", &len);
	check(fdt_parent(node) == gic_node() && p &&
	      fdt_getprop_u32(node, "#msi-cells", &cells) && cells == 1,
	      "its.dt-msi-controller",
	      "a child of the GIC's node, msi-controller, #msi-cells = %u", cells);
	/* The frame the DT names answers as a GICv3/v4 ITS. */
	check(GIC_PIDR2_ARCH(readl(base + GITS_PIDR2)) >= 3, "its.dt-frame",
	      "GITS_PIDR2 %#x at the DT's address", readl(base + GITS_PIDR2));
	if (bootarg_present("its.lkvm-place")) {
		fdt_read_reg(gic_node(), 1, &rd, NULL);
		check(base + size == rd, "its.dt-lkvm-place",
		      "ITS %#lx-%#lx, redistributors from %#lx", base,
		      base + size - 1, rd);
	}
	return size == GITS_FRAME_SIZE;
}

static void check_regs(void)
{
	u64 t = readq(base + GITS_TYPER);
	u32 iidr = readl(base + GITS_IIDR), gicd = readl(gic_dist_base() + GICD_TYPER);
	bool kvm = (iidr & 0xfff) == GIC_IMPL_ARM && iidr >> 24 == GIC_PRODUCT_KVM;
	int cpu, plpis = 0;

	pr_info("GITS_TYPER %#lx: ITT entry %lu bytes, %lu EventID bits, %lu DeviceID bits, PTA %d, HCC %lu; GITS_IIDR %#x",
		t, GITS_TYPER_ITT_SIZE(t), GITS_TYPER_IDBITS(t),
		GITS_TYPER_DEVBITS(t), !!(t & GITS_TYPER_PTA), GITS_TYPER_HCC(t),
		iidr);
	check((t & GITS_TYPER_PHYSICAL) && GITS_TYPER_ITT_SIZE(t) >= 2 &&
	      GITS_TYPER_IDBITS(t) >= EVENT_BITS &&
	      GITS_TYPER_DEVBITS(t) >= 8, "its.typer",
	      "physical LPIs, ITT entries %lu bytes, %lu EventID bits, %lu DeviceID bits",
	      GITS_TYPER_ITT_SIZE(t), GITS_TYPER_IDBITS(t), GITS_TYPER_DEVBITS(t));
	check((iidr & 0xfff) != 0, "its.iidr", "implementer %#x, product %#x, revision %u",
	      iidr & 0xfff, iidr >> 24, (iidr >> 12) & 0xf);
	/* vgic-its.c: linear CPU numbers (PTA 0), 16/16 bits, 8-byte ITEs. */
	if (kvm)
		check(GITS_TYPER_ITT_SIZE(t) == 8 && GITS_TYPER_IDBITS(t) == 16 &&
		      GITS_TYPER_DEVBITS(t) == 16 && !(t & GITS_TYPER_PTA) &&
		      !GITS_TYPER_HCC(t) && !(t & GITS_TYPER_CIL),
		      "its.typer-kvm", "KVM's ITS: %#lx", t);
	check((readl(base + GITS_CTLR) & GITS_CTLR_QUIESCENT) &&
	      !(readl(base + GITS_CTLR) & GITS_CTLR_ENABLED), "its.ctlr-reset",
	      "GITS_CTLR %#x: quiescent, not enabled", readl(base + GITS_CTLR));
	check((gicd & GICD_TYPER_LPIS) && GICD_TYPER_IDBITS(gicd) >= ITS_LPI_IDBITS,
	      "its.gicd-lpis", "GICD_TYPER %#x: LPIS, %u INTID bits", gicd,
	      GICD_TYPER_IDBITS(gicd));
	for (cpu = 0; cpu < ncpus; cpu++)
		plpis += !!(readq(gicv3_rdist_base(cpu) + GICR_TYPER) &
			    GICR_TYPER_PLPIS);
	check(plpis == ncpus, "its.gicr-plpis",
	      "GICR_TYPER.PLPIS on %d of %d redistributors", plpis, ncpus);
}

/* ---- raising LPIs and seeing them taken ---- */

enum how { BY_INT, BY_MSI };

static int fire(enum how how, u32 devid, u32 event)
{
	if (how == BY_INT)
		return its_int(devid, event);
	return testdev_msi(base + GITS_TRANSLATER, event, devid);
}

static void clear_took(void)
{
	int cpu;

	for (cpu = 0; cpu < ncpus; cpu++)
		took_on[cpu] = 0;
	took_id = 0;
	took_cpu = ~0U;
}

static bool wait_taken(int n, u64 us)
{
	u64 end = timer_deadline_us(us);

	while (atomic_read(&taken) < n)
		if (timer_expired(end))
			return false;
	return true;
}

/*
 * The LPI arrives once, as @lpi, at @cpu. A miss is described in @why
 * (which CPU took what, or nothing).
 */
static bool expect_lpi(enum how how, u32 devid, u32 event, u32 lpi, int cpu,
		       char *why, size_t len)
{
	int n = atomic_read(&taken), ret;

	clear_took();
	ret = fire(how, devid, event);
	if (ret) {
		snprintf(why, len, "event %u: %s failed (%d)", event,
			 how == BY_INT ? "INT" : "the MSI", ret);
		return false;
	}
	if (!wait_taken(n + 1, WAIT_US)) {
		snprintf(why, len, "event %u: no LPI", event);
		return false;
	}
	udelay(QUIET_US / 10);
	if (took_id != lpi || took_cpu != (u32)cpu || took_on[cpu] != 1 ||
	    atomic_read(&taken) != n + 1) {
		snprintf(why, len, "event %u: LPI %u at cpu%u (%d taken), wanted %u at cpu%d",
			 event, took_id, took_cpu, atomic_read(&taken) - n, lpi, cpu);
		return false;
	}
	snprintf(why, len, "event %u: LPI %u at cpu%d", event, lpi, cpu);
	return true;
}

/* Nothing at all is taken in QUIET_US after @how. */
static bool expect_none(enum how how, u32 devid, u32 event, int *ret)
{
	int n = atomic_read(&taken);

	*ret = fire(how, devid, event);
	udelay(QUIET_US);
	return atomic_read(&taken) == n;
}

/* ---- the tests ---- */

static void map_all(void)
{
	u64 itt = its_itt_alloc(EVENT_BITS);
	int i, bad = 0;

	bad += !!its_mapd(DEV, itt, EVENT_BITS, true);
	for (i = 0; i < ncoll; i++)
		bad += !!its_mapc(i, its_rdbase(cpu_of_coll(i)), true);
	for (i = 0; i < NR_EVENTS; i++) {
		coll_of[i] = i % ncoll;
		/* MAPTI reads the property byte: set it first. */
		its_lpi_config(LPI(i), PRIO, true);
		bad += !!its_mapti(DEV, i, LPI(i), coll_of[i]);
	}
	for (i = 0; i < ncpus; i++)
		bad += !!its_sync(its_rdbase(i));
	check(itt && !bad, "its.map",
	      "MAPD device %#x (ITT %#lx), MAPC %d collection(s), MAPTI %d events, SYNC: %d command(s) not consumed",
	      DEV, itt, ncoll, NR_EVENTS, bad);
}

/* Every event, by INT or by the device's MSI, at its collection's CPU. */
static void deliver_all(enum how how, const char *name)
{
	char why[96];
	int i, bad = 0, per_cpu[NR_CPUS] = { 0 };

	for (i = 0; i < NR_EVENTS; i++) {
		int cpu = cpu_of_coll(coll_of[i]);

		if (expect_lpi(how, DEV, i, LPI(i), cpu, why, sizeof(why)))
			per_cpu[cpu]++;
		else if (!bad++)
			pr_info("%s: %s", name, why);
	}
	for (i = 0; i < ncpus; i++)
		pr_info("%s: cpu%d took %d LPI(s) as mapped", name, i, per_cpu[i]);
	check(!bad, name, "%d of %d events delivered elsewhere or not at all",
	      bad, NR_EVENTS);
}

/* KVM's ITS takes device MSIs only from KVM_SIGNAL_MSI and MSI routes. */
static void translater_write(void)
{
	int n = atomic_read(&taken), i;

	for (i = 0; i < NR_EVENTS; i++)
		writel(i, base + GITS_TRANSLATER);
	udelay(QUIET_US);
	check(atomic_read(&taken) == n, "its.translater-cpu-write",
	      "%d LPI(s) from the CPU's own writes (they carry no device ID %#x)",
	      atomic_read(&taken) - n, DEV);
}

static void msi_negative(void)
{
	int n, ret;

	n = atomic_read(&taken);
	ret = testdev_msi(base + GITS_TRANSLATER, 1, DEV_UNMAPPED);
	udelay(QUIET_US);
	check(!ret && atomic_read(&taken) == n, "its.msi-unmapped-device",
	      "device %#x: sent (%d), %d LPI(s)", DEV_UNMAPPED, ret,
	      atomic_read(&taken) - n);
	ret = testdev_msi(base + GITS_TRANSLATER, NR_EVENTS + 1, DEV);
	udelay(QUIET_US);
	check(!ret && atomic_read(&taken) == n, "its.msi-unmapped-event",
	      "event %d: sent (%d), %d LPI(s)", NR_EVENTS + 1, ret,
	      atomic_read(&taken) - n);
	/* Not an ITS doorbell: the frame (KVM_SIGNAL_MSI) refuses it. */
	ret = testdev_msi(gic_dist_base() + 0x40, 1, DEV);
	udelay(QUIET_US);
	check(ret == TESTDEV_ESEND && atomic_read(&taken) == n,
	      "its.msi-bad-doorbell", "to the distributor: %d (ERR_SEND is %d), %d LPI(s)",
	      ret, TESTDEV_ESEND, atomic_read(&taken) - n);
}

static void discard(bool msi)
{
	int r1 = 0, r2 = 0;
	bool none1, none2 = true;

	check(!its_discard(DEV, 0), "its.discard-cmd", "DISCARD event 0");
	none1 = expect_none(BY_INT, DEV, 0, &r1);
	if (msi)
		none2 = expect_none(BY_MSI, DEV, 0, &r2);
	check(none1 && none2 && !r1 && !r2, "its.discard",
	      "after DISCARD: INT %s, MSI %s", none1 ? "nothing" : "an LPI",
	      !msi ? "not tried" : none2 ? "nothing" : "an LPI");
}

/* Event 1 and 2 swap collections: CPUs, with 2 CPUs or more. */
static void movi(bool msi)
{
	char why[96];
	int e, bad = 0;

	for (e = 1; e <= 2; e++) {
		int to = (coll_of[e] + 1) % ncoll;

		bad += !!its_movi(DEV, e, to);
		coll_of[e] = to;
	}
	for (e = 1; e <= 2; e++) {
		int cpu = cpu_of_coll(coll_of[e]);

		if (!expect_lpi(BY_INT, DEV, e, LPI(e), cpu, why, sizeof(why)))
			bad++;
		pr_info("its.movi: INT %s", why);
		if (msi && !expect_lpi(BY_MSI, DEV, e, LPI(e), cpu, why, sizeof(why)))
			bad++;
	}
	check(!bad, "its.movi",
	      "events 1, 2 moved to collections %d, %d (cpu%d, cpu%d): %d miss(es)",
	      coll_of[1], coll_of[2], cpu_of_coll(coll_of[1]),
	      cpu_of_coll(coll_of[2]), bad);
}

/*
 * The enable bit, through INV (event 3) and INVALL (event 4): disabled,
 * an INT is held, not taken; enabled again, the held LPI arrives.
 */
static void inv_enable(int e, bool all)
{
	const char *name = all ? "its.invall-enable" : "its.inv-enable";
	int cpu = cpu_of_coll(coll_of[e]), n, r, ok;
	bool none;

	its_lpi_config(LPI(e), PRIO, false);
	ok = all ? its_invall(coll_of[e]) : its_inv(DEV, e);
	none = expect_none(BY_INT, DEV, e, &r);
	check(!ok && !r && none, all ? "its.invall-disable" : "its.inv-disable",
	      "LPI %u disabled by %s: %s", LPI(e), all ? "INVALL" : "INV",
	      none ? "not taken" : "taken");
	n = atomic_read(&taken);
	clear_took();
	its_lpi_config(LPI(e), PRIO, true);
	ok = all ? its_invall(coll_of[e]) : its_inv(DEV, e);
	check(!ok && wait_taken(n + 1, WAIT_US) && took_id == LPI(e) &&
	      took_on[cpu] == 1, name, "enabled again: LPI %u at cpu%u (want cpu%d)",
	      took_id, took_cpu, cpu);
}

/*
 * The priority byte, through INV, on the driving CPU: below the mask
 * (PMR 0xc0) nothing; raised to 0x80, the pending LPI arrives.
 */
static void inv_priority(int e)
{
	int n, r, ok;
	bool none;

	if (cpu_of_coll(coll_of[e]) != 0) {
		its_movi(DEV, e, 0);
		coll_of[e] = 0;
	}
	gic_set_pmr(0xc0);
	its_lpi_config(LPI(e), 0xe0, true);
	ok = its_inv(DEV, e);
	none = expect_none(BY_INT, DEV, e, &r);
	n = atomic_read(&taken);
	clear_took();
	its_lpi_config(LPI(e), 0x80, true);
	ok |= its_inv(DEV, e);
	check(!ok && !r && none && wait_taken(n + 1, WAIT_US) &&
	      took_id == LPI(e) && took_on[0] == 1, "its.inv-priority",
	      "priority 0xe0 under PMR 0xc0: %s; 0x80: LPI %u at cpu%u",
	      none ? "held" : "taken", took_id, took_cpu);
	gic_set_pmr(0xff);
	its_lpi_config(LPI(e), PRIO, true);
	its_inv(DEV, e);
}

/* Consumed, GITS_CREADR past it, never Stalled, the ITS quiescent. */
static void check_skipped(const char *name, u64 dw0, u64 dw1, u64 dw2)
{
	u64 before = readq(base + GITS_CREADR), after;
	int ret = its_cmd_raw(dw0, dw1, dw2, 0);

	after = readq(base + GITS_CREADR);
	check(!ret && after == its_cwriter() && !(after & GITS_CREADR_STALLED) &&
	      (readl(base + GITS_CTLR) & GITS_CTLR_QUIESCENT), name,
	      "skipped: GITS_CREADR %#lx -> %#lx, not Stalled, GITS_CTLR %#x",
	      before, after, readl(base + GITS_CTLR));
}

/*
 * Commands the ITS cannot carry out. vgic_its_process_commands() hands
 * each to vgic_its_handle_command() and moves GITS_CREADR past it
 * whatever that returns: KVM skips, never stalls.
 */
static void invalid(void)
{
	static const struct { const char *name; u64 dw[4]; } bad[] = {
		{ "its.bad-int-device", { GITS_CMD_INT | (u64)DEV_UNMAPPED << 32, 0 } },
		{ "its.bad-int-event", { GITS_CMD_INT | (u64)DEV << 32, 1 << EVENT_BITS } },
		{ "its.bad-mapti-event", { GITS_CMD_MAPTI | (u64)DEV << 32,
					   (1 << EVENT_BITS) | (u64)LPI(9) << 32, 0 } },
		{ "its.bad-command", { 0xee, 0, 0, 0 } },
		/* A 64 KiB table of 8-byte entries holds collections 0-8191. */
		{ "its.bad-mapc-collection", { GITS_CMD_MAPC, 0, 0xffff | BIT(63), 0 } },
	};
	char why[96];
	unsigned int i;
	int ok;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		check_skipped(bad[i].name, bad[i].dw[0], bad[i].dw[1], bad[i].dw[2]);
	/*
	 * MAPC of collection 1 to a processor past the last vCPU (KVM:
	 * E_ITS_MAPC_PROCNUM_OOR): skipped, and the collection stays where
	 * it was, which the INT below shows (event 5 is in collection 1).
	 */
	check_skipped("its.bad-mapc-target", GITS_CMD_MAPC, 0,
		      1 | (u64)ncpus << 16 | BIT(63));
	ok = coll_of[5] == 1 &&
	     expect_lpi(BY_INT, DEV, 5, LPI(5), cpu_of_coll(1), why, sizeof(why));
	check(ok, "its.after-invalid", "collection %d, %s", coll_of[5], why);
}

/* More commands than the queue holds: GITS_CREADR wraps with CWRITER. */
static void wrap(void)
{
	u64 first = its_cwriter();
	int i, bad = 0, n = ITS_CMDQ_SIZE / 32 + 3;

	for (i = 0; i < n; i++)
		bad += !!its_sync(its_rdbase(i % ncpus));
	check(!bad && readq(base + GITS_CREADR) == its_cwriter(), "its.cmdq-wrap",
	      "%d SYNCs from offset %#lx: %d not consumed, GITS_CREADR %#lx",
	      n, first, bad, readq(base + GITS_CREADR));
}

static void unmap(void)
{
	int r;
	bool none;

	check(!its_mapd(DEV, 0, EVENT_BITS, false), "its.mapd-unmap-cmd",
	      "MAPD V=0");
	none = expect_none(BY_INT, DEV, 6, &r);
	check(none && !r, "its.mapd-unmap", "INT after MAPD V=0: %s",
	      none ? "nothing" : "an LPI");
}

static void drive(void)
{
	bool msi = testdev_has_msi();

	map_all();
	deliver_all(BY_INT, "its.int");
	translater_write();
	if (msi) {
		deliver_all(BY_MSI, "its.msi");
		msi_negative();
	} else {
		check_skip("its.msi", "no test device with MSIs (--test-device)");
	}
	movi(msi);
	inv_enable(3, false);
	inv_enable(4, true);
	inv_priority(7);
	wrap();
	invalid();
	discard(msi);
	unmap();
}

static void run_cpu(void *arg __unused)
{
	u64 end = timer_deadline_us(60 * 1000 * 1000);

	smp_barrier();
	local_irq_enable();
	if (!smp_processor_id()) {
		drive();
		WRITE_ONCE(done, 1);
	} else {
		while (!READ_ONCE(done) && !timer_expired(end))
			cpu_relax();
	}
	local_irq_disable();
	smp_barrier();
}

/* No ITS: nothing to map, and a device MSI has nowhere to go. */
static void no_its(void)
{
	u32 gicd = readl(gic_dist_base() + GICD_TYPER);
	int ret;

	if (!bootarg_present("its.require-none")) {
		if (bootarg_present("its.require"))
			check(false, "its.dt-node", "no arm,gic-v3-its in the DT");
		else
			check_skip("its.dt-node", "no arm,gic-v3-its");
		return;
	}
	if (gic_is_kvm())
		check(!(gicd & GICD_TYPER_LPIS), "its.none-no-lpis",
		      "GICD_TYPER %#x: KVM has LPIs only with an ITS", gicd);
	if (!testdev_present()) {
		check_skip("its.none-msi-refused", "no test device");
		return;
	}
	/* Refused by the doorbell write itself, whatever the address. */
	ret = testdev_msi(gic_dist_base() + 0x40, 0, DEV);
	check(ret == TESTDEV_ENOMSI, "its.none-msi-refused",
	      "the doorbell without an MSI frame: %d (ERR_NOMSI is %d)",
	      ret, TESTDEV_ENOMSI);
}

void test_main(void)
{
	int node, ok;

	ncpus = smp_boot_secondaries();
	check(ncpus == nr_cpus(), "its.cpus-online", "%d of %d", ncpus, nr_cpus());
	if (gic_version() != 3) {
		check_skip("its.dt-node", "a GICv%d: no ITS", gic_version());
		return;
	}
	testdev_probe();
	node = its_find_node();
	if (bootarg_present("its.require-none")) {
		check(node < 0, "its.none", "%s", node < 0 ? "no ITS in the DT" :
		      "an ITS in the DT");
		if (node >= 0)
			return;
	}
	if (node < 0) {
		no_its();
		return;
	}
	if (!check_node(node))
		return;
	check_regs();
	ncoll = MAX(ncpus, 2);
	ok = !its_lpis_enable();
	check(ok, "its.lpis-enable", "PROPBASER, PENDBASER, EnableLPIs on %d redistributor(s)",
	      ncpus);
	if (!ok)
		return;
	ok = !its_init(base);
	check(ok, "its.init", "device and collection tables, command queue, GITS_CTLR.Enabled %#x",
	      readl(base + GITS_CTLR));
	if (!ok)
		return;
	irq_set_lpi_handler(lpi_handler, NULL);
	smp_run(run_cpu, NULL);
	irq_set_lpi_handler(NULL, NULL);
}
