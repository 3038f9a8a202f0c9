// SPDX-License-Identifier: GPL-2.0
/*
 * timer: the virtual timer on every CPU, all at once.
 *  - its PPI (INTID 27, SBSA) fires at the programmed deadline: never
 *    before CVAL, and no later than a tolerance (timer.tolerance-us=),
 *    both while the CPU spins and while it sleeps in WFI;
 *  - it is level-sensitive: with the interrupt disabled in the GIC the
 *    PPI is pending for as long as the condition holds, survives
 *    ICPENDR, and goes away when CVAL moves to the future or IMASK is
 *    set, while CNTV_CTL.ISTATUS keeps telling the truth;
 *  - taken and EOIed without touching the timer it fires again, until
 *    it is reprogrammed.
 */
#include "guest.h"

const char test_name[] = "timer";

#define SBSA_VTIMER_INTID	27
#define STATE_TIMEOUT_US	(200 * 1000)
#define FIRE_SLACK_US		(1000 * 1000)
#define REFIRES			3

static const u32 deltas_us[] = { 2000, 5000, 1000, 10000, 3000 };

enum mode {
	MODE_MASK,		/* handler masks: one interrupt per arm */
	MODE_REFIRE,		/* handler leaves it asserted REFIRES times */
};

struct vtimer_state {
	volatile u32 fired;
	volatile u64 at;
	volatile u32 intid;
	enum mode mode;
	bool sleep;		/* wait in WFI rather than spinning */
	u32 early;
	u32 late;
	u32 missed;
	u64 max_latency[2];	/* spinning, in WFI */
	bool pend_disabled;
	bool pend_held;
	bool pend_icpendr;
	bool cleared_cval;
	bool cleared_imask;
	bool istatus_masked;
	bool refire_ok;
	u32 refire_count;
	u64 cntfrq;
} __aligned(64);

static struct vtimer_state st[NR_CPUS];
static u32 vtimer;
static u64 tolerance_us;
static u64 iterations;

static void timer_handler(u32 intid, u32 iar __unused, void *arg __unused)
{
	struct vtimer_state *s = &st[smp_processor_id()];

	s->at = timer_now();
	s->intid = intid;
	s->fired++;
	if (s->mode == MODE_REFIRE && s->fired < REFIRES)
		return;		/* still asserted: must come straight back */
	if (s->mode == MODE_REFIRE)
		write_sysreg(timer_now() + timer_us_to_ticks(3600UL * 1000000),
			     CNTV_CVAL_EL0);
	else
		timer_virt_set_ctl(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	isb();
}

static bool wait_pending(bool want)
{
	u64 end = timer_deadline_us(STATE_TIMEOUT_US);

	while (gic_irq_is_pending(vtimer) != want)
		if (timer_expired(end))
			return false;
	return true;
}

static void one_deadline(struct vtimer_state *s, u64 delta_us)
{
	u64 cval, end, lat;

	s->fired = 0;
	cval = timer_now() + timer_us_to_ticks(delta_us);
	timer_virt_arm(cval);
	end = timer_deadline_us(delta_us + FIRE_SLACK_US);
	if (s->sleep)
		timer_wfi_until(&s->fired, end);
	else
		while (!s->fired && !timer_expired(end))
			cpu_relax();
	timer_virt_stop();
	if (!s->fired || s->intid != vtimer) {
		s->missed++;
		return;
	}
	if (s->at < cval) {
		s->early++;
		return;
	}
	lat = timer_ticks_to_us(s->at - cval);
	s->max_latency[s->sleep] = MAX(s->max_latency[s->sleep], lat);
	if (lat > tolerance_us)
		s->late++;
}

static void deadlines(struct vtimer_state *s)
{
	u64 i;

	s->mode = MODE_MASK;
	gic_irq_enable(vtimer);
	local_irq_enable();
	for (i = 0; i < iterations; i++) {
		s->sleep = i & 1;
		one_deadline(s, deltas_us[i % ARRAY_SIZE(deltas_us)]);
	}
	local_irq_disable();
	gic_irq_disable(vtimer);
}

/* Interrupt disabled in the GIC and at PSTATE: watch pending alone. */
static void level_state(struct vtimer_state *s)
{
	gic_irq_disable(vtimer);
	gic_irq_set_pending(vtimer, false);

	timer_virt_arm(timer_now());
	s->pend_disabled = wait_pending(true);
	udelay(5000);
	s->pend_held = gic_irq_is_pending(vtimer) &&
		       (timer_virt_ctl() & CNTV_CTL_ISTATUS);
	gic_irq_set_pending(vtimer, false);
	udelay(1000);
	s->pend_icpendr = gic_irq_is_pending(vtimer);

	write_sysreg(timer_now() + timer_us_to_ticks(3600UL * 1000000),
		     CNTV_CVAL_EL0);
	isb();
	s->cleared_cval = wait_pending(false);

	timer_virt_arm(timer_now());
	wait_pending(true);
	timer_virt_set_ctl(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	s->cleared_imask = wait_pending(false);
	s->istatus_masked = timer_virt_ctl() & CNTV_CTL_ISTATUS;
	timer_virt_stop();
}

static void refire(struct vtimer_state *s)
{
	u64 end;

	s->mode = MODE_REFIRE;
	s->fired = 0;
	gic_irq_set_pending(vtimer, false);
	gic_irq_enable(vtimer);
	timer_virt_arm(timer_now());
	local_irq_enable();
	/*
	 * Until the REFIRES takes, however long the host keeps this vCPU
	 * off its CPU (a fixed 20 ms saw two takes on a loaded emulated
	 * host), then quiet for 20 ms: a take after the handler moved CVAL
	 * an hour away would be counted.
	 */
	end = timer_deadline_us(STATE_TIMEOUT_US + FIRE_SLACK_US);
	while (s->fired < REFIRES && !timer_expired(end))
		cpu_relax();
	udelay(20000);
	local_irq_disable();
	s->refire_count = s->fired;
	s->refire_ok = s->refire_count == REFIRES;
	timer_virt_stop();
	gic_irq_disable(vtimer);
}

static void timer_cpu(void *arg __unused)
{
	struct vtimer_state *s = &st[smp_processor_id()];

	s->cntfrq = read_sysreg(CNTFRQ_EL0);
	/* The DT says level (flags 4); make the GIC agree. */
	gic_irq_set_edge(vtimer, false);
	deadlines(s);
	level_state(s);
	refire(s);
}

static void check_cpu(int cpu)
{
	struct vtimer_state *s = &st[cpu];

	check(s->cntfrq == timer_freq(), "timer.cntfrq",
	      "cpu%d: %lu Hz", cpu, s->cntfrq);
	check(!s->missed && !s->early && !s->late, "timer.deadline",
	      "cpu%d: %lu armed, %u missed, %u early, %u late; max latency %lu us spinning, %lu us in WFI (tolerance %lu us)",
	      cpu, iterations, s->missed, s->early, s->late,
	      s->max_latency[0], s->max_latency[1], tolerance_us);
	check(s->pend_disabled, "timer.level-pending",
	      "cpu%d: pending in the GIC while disabled there", cpu);
	check(s->pend_held, "timer.level-held",
	      "cpu%d: still pending 5 ms later, ISTATUS set", cpu);
	check(s->pend_icpendr, "timer.level-icpendr",
	      "cpu%d: ICPENDR does not clear an asserted level", cpu);
	check(s->cleared_cval, "timer.level-cval",
	      "cpu%d: pending clears once CVAL is in the future", cpu);
	check(s->cleared_imask, "timer.level-imask",
	      "cpu%d: pending clears once IMASK is set", cpu);
	check(s->istatus_masked, "timer.istatus-masked",
	      "cpu%d: ISTATUS stays set under IMASK", cpu);
	check(s->refire_ok, "timer.level-refire",
	      "cpu%d: taken %u times, expected %u (EOI without reprogramming refires; reprogramming stops it)",
	      cpu, s->refire_count, REFIRES);
}

void test_main(void)
{
	int cpu, online = smp_boot_secondaries();

	vtimer = timer_intid(TIMER_VIRT);
	tolerance_us = bootarg_u64("timer.tolerance-us", 10000);
	iterations = bootarg_u64("timer.iterations", 10);
	check(online == nr_cpus(), "timer.cpus-online", "%d of %d", online,
	      nr_cpus());
	check(vtimer == SBSA_VTIMER_INTID, "timer.ppi",
	      "virtual timer INTID %u from the DT", vtimer);
	check(timer_irq_flags(TIMER_VIRT) & 0xf, "timer.dt-trigger",
	      "DT flags %#x", timer_irq_flags(TIMER_VIRT));
	irq_set_handler(vtimer, timer_handler, NULL);
	smp_run(timer_cpu, NULL);
	for (cpu = 0; cpu < online; cpu++)
		check_cpu(cpu);
}
