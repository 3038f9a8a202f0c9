// SPDX-License-Identifier: GPL-2.0
/*
 * irqcost: what one interrupt delivered to the guest costs, measured
 * by the guest's own clock (CNTVCT_EL0). Written for "make bench"
 * (tests/bench, docs/performance.md); also a plain test guest.
 *
 *  1 CPU   "self": irqcost.n times, send an SGI to itself and spin,
 *          interrupts unmasked, until the handler has run: raise
 *          (GICD_SGIR or ICC_SGI1R_EL1), delivery, acknowledge, the
 *          handler, EOI. No WFI: the interrupt is pending when the
 *          write returns.
 *  2+ CPUs "pingpong": CPU 0 and CPU 1 both wait in WFI; CPU 0 sends
 *          an SGI to CPU 1, whose handler sends one back. irqcost.n
 *          deliveries, i.e. n/2 round trips: each delivery wakes a
 *          vCPU that is blocked, as an IPI wakes an idle Linux CPU.
 *  1 CPU   "msi" (irqcost.mode=msi): irqcost.n times, make one MSI
 *          arrive through the GIC's MSI frame and spin, interrupts
 *          unmasked, until its handler has run: on GICv2 a write of the
 *          SPI to the v2m frame's MSI_SETSPI_NS (lkvm's test device's
 *          write, with --test-device), on GICv3 a message of
 *          lkvm's test device translated by the ITS into an LPI
 *          (irqcost-msi.c says why not the guest's own write to
 *          GITS_TRANSLATER). Where the ITS has no device to send it
 *          (kvmtool) the run checks the ITS and reports src=none and
 *          no interrupts, as where the frame ignores the guest's write
 *          (kvmtool's v2m frame: src=ignored); "irqcost.require-msi"
 *          makes either a failure.
 *
 * irqcost.n=0 runs the same code, secondaries and all, without an
 * interrupt: the bench subtracts the VMM's exits of that run to get
 * exits per interrupt. A lost interrupt hangs the guest; the VMM's
 * caller has the timeout.
 *
 *   IRQCOST mode=self|pingpong|msi cpus=N gic=vN irqs=N ticks=N freq=HZ
 *           ns_per_irq=N [src=setspi|testdev|none intid=N]
 */
#include "guest.h"
#include "irqcost.h"

const char test_name[] = "irqcost";

#define SGI_SELF	1
#define SGI_PING	2	/* CPU 0 -> CPU 1 */
#define SGI_PONG	3	/* CPU 1 -> CPU 0 */
#define SPIN_TIMEOUT_US	(5 * 1000 * 1000)
#define PROBE_US	(200 * 1000)

static volatile u32 taken[NR_CPUS];
static u64 n, ticks;
static bool timed_out;

static struct irqcost_msi msi;

static void on_self(u32 intid __unused, u32 iar __unused, void *arg __unused)
{
	taken[0]++;
}

static void on_ping(u32 intid __unused, u32 iar __unused, void *arg __unused)
{
	taken[1]++;
	gic_send_sgi(SGI_PONG, 0);
}

static void on_pong(u32 intid __unused, u32 iar __unused, void *arg __unused)
{
	taken[0]++;
}

/* Waits in WFI until *ctr moves off @old; interrupts unmasked after. */
static void wfi_until_changed(volatile u32 *ctr, u32 old)
{
	local_irq_disable();
	while (*ctr == old) {
		wfi();
		local_irq_enable();
		isb();
		local_irq_disable();
	}
	local_irq_enable();
}

static void raise_self(void)
{
	if (msi.reg)
		writel(msi.val, msi.reg);
	else
		gic_send_sgi_self(SGI_SELF);
}

/* The self-SGI, or with msi.reg set the MSI: raise, wait for the handler. */
static void run_self(void)
{
	u64 i, t0, deadline;
	u32 old;

	if (!msi.reg) {
		irq_set_handler(SGI_SELF, on_self, NULL);
		gic_irq_enable(SGI_SELF);
	}
	local_irq_enable();
	t0 = timer_now();
	for (i = 0; i < n; i++) {
		old = taken[0];
		raise_self();
		if (taken[0] != old)
			continue;
		deadline = timer_deadline_us(SPIN_TIMEOUT_US);
		while (taken[0] == old)
			if (timer_expired(deadline)) {
				timed_out = true;
				goto out;
			}
	}
out:
	ticks = timer_now() - t0;
	local_irq_disable();
}

static void pingpong(void *arg __unused)
{
	int me = smp_processor_id();
	u64 i, t0;
	u32 old;

	if (me > 1) {
		smp_barrier();
		return;
	}
	gic_irq_enable(me ? SGI_PING : SGI_PONG);
	local_irq_enable();
	smp_barrier();
	if (me == 1) {
		/* n/2 pings, then the release: leave only once it is answered. */
		for (;;) {
			old = taken[1];
			if (old >= n / 2 + 1)
				break;
			wfi_until_changed(&taken[1], old);
		}
		local_irq_disable();
		return;
	}
	t0 = timer_now();
	for (i = 0; i < n / 2; i++) {
		old = taken[0];
		gic_send_sgi(SGI_PING, 1);
		wfi_until_changed(&taken[0], old);
	}
	ticks = timer_now() - t0;
	/* Release CPU 1: one more ping, outside the measurement. */
	old = taken[0];
	gic_send_sgi(SGI_PING, 1);
	wfi_until_changed(&taken[0], old);
	local_irq_disable();
}

/*
 * One message before the timing, in every run (the baseline's exits
 * too): whether the frame takes it at all. kvmtool's v2m frame only
 * translates its devices' MSI-X routes and ignores a CPU's write.
 */
static bool msi_probe(void)
{
	u64 deadline = timer_deadline_us(PROBE_US);

	local_irq_enable();
	writel(msi.val, msi.reg);
	while (!taken[0] && !timer_expired(deadline))
		cpu_relax();
	local_irq_disable();
	if (!taken[0])
		return false;
	taken[0] = 0;
	return true;
}

/* The MSI run: 0 once done, -1 when there is no frame to measure. */
static int run_msi(void)
{
	int ret = irqcost_msi_init(&msi, on_self);
	const char *why = "but no device the guest can make send an MSI (lkvm's --test-device)";

	if (ret < 0)
		return -1;
	if (!ret && !msi_probe()) {
		why = "but the frame raised nothing for the guest's message";
		msi.src = "ignored";
		ret = 1;
	}
	if (ret > 0 && bootarg_present("irqcost.require-msi")) {
		check(false, "irqcost.msi-source", "%s at %#lx, %s",
		      gic_version() == 3 ? "ITS" : "v2m frame", msi.frame, why);
		return -1;
	}
	if (ret > 0) {
		check_skip("irqcost.msi-source", "%s at %#lx, %s",
			   gic_version() == 3 ? "ITS" : "v2m frame", msi.frame, why);
		n = 0;
		return 0;
	}
	run_self();
	return 0;
}

void test_main(void)
{
	bool pp = nr_cpus() >= 2;
	bool is_msi = bootarg_present("irqcost.mode=msi");
	u64 irqs, freq = timer_freq();
	char line[160], src[32] = "";

	n = bootarg_u64("irqcost.n", 1000);
	if (is_msi) {
		if (run_msi())
			return;
		irqs = taken[0];
		snprintf(src, sizeof(src), " src=%s intid=%u", msi.src, msi.intid);
		pp = false;
	} else if (pp) {
		n &= ~1ULL;
		irq_set_handler(SGI_PING, on_ping, NULL);
		irq_set_handler(SGI_PONG, on_pong, NULL);
		smp_run(pingpong, NULL);
		check(nr_cpus_online() >= 2, "irqcost.cpus", "%d online",
		      nr_cpus_online());
		irqs = (u64)taken[0] + taken[1] - 2;	/* the release pair */
	} else {
		run_self();
		irqs = taken[0];
	}
	/*
	 * Fixed-width output, so that the run without interrupts writes as
	 * many console bytes (each one an exit or two) as the run with.
	 */
	check(!timed_out && irqs == n, "irqcost.delivered",
	      "%8lu of %8lu interrupts taken", irqs, n);
	snprintf(line, sizeof(line),
		 "IRQCOST mode=%s cpus=%d gic=v%d irqs=%lu ticks=%lu freq=%lu ns_per_irq=%lu%s",
		 is_msi ? "msi" : pp ? "pingpong" : "self", pp ? 2 : 1, gic_version(),
		 irqs, ticks, freq, irqs && freq ? ticks * 1000 / irqs * 1000000 / freq : 0,
		 src);
	printf("%-150s\n", line);
}
