// SPDX-License-Identifier: GPL-2.0
/*
 * spi: shared peripheral interrupts end to end, GICv2 and GICv3, with
 * lkvm's test device (docs/test-device.md) driving the lines from the
 * VMM's threads as a real device would:
 *  - nothing pending: IAR and HPPIR read 1023 (spurious);
 *  - level: pending while high (disabled, after ICPENDR too), active
 *    and pending once acknowledged, taken again after EOI until low;
 *  - a disabled SPI is not taken, and is taken once enabled; disabled
 *    while pending, it stays pending and is not taken;
 *  - ISPENDR / ICPENDR set and clear pending with the line low;
 *  - a pulse on an edge SPI is taken once (also pended while disabled);
 *  - a delayed raise arrives after its delay, never before; COUNTER
 *    moved means pending; a cancelled raise never arrives;
 *  - routing by ITARGETSR (v2) / IROUTER (v3) to each online CPU,
 *    spinning or in WFI.
 * Priorities, preemption, the priority mask, active state and split
 * EOI are spi-prio's. Without the device (QEMU) it prints "SKIP no
 * lkvm,test-device" and passes; with "spi.require-device" in the
 * bootargs (lkvm runs) it fails.
 */
#include "guest.h"
#include "gic-v2.h"
#include "gic-v3.h"
#include "spi-util.h"
#include "testdev.h"

const char test_name[] = "spi";

#define LINE_A		0
#define WAIT_US		SPI_WAIT_US
#define QUIET_US	SPI_QUIET_US
#define LATE_US		(3 * 1000 * 1000)
#define REFIRES		3
#define WAKE_SGI	1
#define IRQ_LEVEL_HIGH	4

enum mode {
	MODE_LOWER,	/* the handler lowers the line, as a driver would */
	MODE_COUNT,	/* the handler only counts */
	MODE_REFIRE,	/* lowers the line on the REFIRES-th time */
};

static u32 spi_a, spi_b;
static enum mode mode;
static atomic_t taken;
static volatile u32 hits[NR_CPUS];
static volatile u32 got;		/* for timer_wfi_until() */
static volatile u64 hit_at;
static volatile u32 route_done;
static u64 tolerance_us;

static void spi_handler(u32 intid, u32 iar __unused, void *arg __unused)
{
	int n = atomic_inc_return(&taken);

	hit_at = timer_now();
	hits[smp_processor_id()]++;
	if (mode == MODE_LOWER || (mode == MODE_REFIRE && n >= REFIRES))
		testdev_irq(spi_line_of(intid), TESTDEV_CMD_LOWER, 0);
	got = 1;
}

static void noop_handler(u32 intid __unused, u32 iar __unused,
			 void *arg __unused)
{
}

/* Between sections: both lines low and idle, counters zero. */
static void reset(void)
{
	int cpu;

	spi_quiesce(spi_a);
	spi_quiesce(spi_b);
	mode = MODE_LOWER;
	atomic_set(&taken, 0);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		hits[cpu] = 0;
	got = 0;
}

static bool wait_pending(u32 intid, bool want)
{
	return gic_wait_pending(intid, want, WAIT_US);
}

static bool wait_taken(int n, u64 us)
{
	u64 end = timer_deadline_us(us);

	while (atomic_read(&taken) < n)
		if (timer_expired(end))
			return false;
	return true;
}

static void test_device(void)
{
	u64 base = testdev_base();
	int n = testdev_nr_lines(), i, j, bad = 0;
	u32 feat = readl(base + TESTDEV_FEATURES);
	u32 ver = readl(base + TESTDEV_VERSION);

	/* Version 2 added the MSI registers; the lines are version 1's. */
	check(ver == 1 || ver == 2, "spi.device",
	      "at %#lx: version %u, %u lines, queue of %u", base, ver,
	      feat & 0xff, (feat >> 8) & 0xff);
	check(n == (int)(feat & 0xff), "spi.dt-lines",
	      "%d lines with an SPI in the DT, the device has %u", n,
	      feat & 0xff);
	for (i = 0; i < n; i++) {
		u32 id = testdev_spi(i);

		for (j = 0; j < i && testdev_spi(j) != id; j++)
			;
		if (id < GIC_FIRST_SPI || id >= gic_nr_lines() ||
		    testdev_spi_flags(i) != IRQ_LEVEL_HIGH || j < i)
			bad++;
		pr_info("line %d: INTID %u, flags %u", i, id,
			testdev_spi_flags(i));
	}
	check(!bad, "spi.dt-interrupts",
	      "%d of %d lines with a bad SPI (range, level-high, distinct)",
	      bad, n);
	writel(0x5a5aa5a5, base + TESTDEV_SCRATCH);
	check(readl(base + TESTDEV_SCRATCH) == 0x5a5aa5a5, "spi.scratch",
	      "%#x", readl(base + TESTDEV_SCRATCH));
	/* The other CPUs are idle: raw register use needs no lock. */
	writel(feat & 0xff, base + TESTDEV_IRQ_LINE);
	writel(0, base + TESTDEV_IRQ_DELAY_US);
	writel(TESTDEV_CMD_RAISE, base + TESTDEV_IRQ_CMD);
	check(readl(base + TESTDEV_IRQ_STATUS) == TESTDEV_ST_ERR_INVAL,
	      "spi.bad-line", "IRQ_STATUS %#x after a command on line %u",
	      readl(base + TESTDEV_IRQ_STATUS), feat & 0xff);
	writel(0, base + TESTDEV_IRQ_LINE);
}

static void test_spurious(void)
{
	u32 a, b, ha, hb;

	ha = gic_iar_intid(gic_hppir());
	a = spi_ack();
	spi_eoi(a);
	/* Pending but disabled is not signalled either. */
	spi_cmd(spi_a, TESTDEV_CMD_RAISE);
	wait_pending(spi_a, true);
	hb = gic_iar_intid(gic_hppir());
	b = spi_ack();
	spi_eoi(b);
	check(a == GIC_SPURIOUS && b == GIC_SPURIOUS, "spi.spurious",
	      "IAR %u with nothing pending, %u with a disabled SPI pending",
	      a, b);
	check(ha == GIC_SPURIOUS && hb == GIC_SPURIOUS, "spi.hppir-spurious",
	      "HPPIR %u with nothing pending, %u with a disabled SPI pending",
	      ha, hb);
}

static void test_level(void)
{
	bool pend, held, icpendr, act_pend, again, inactive, cleared;
	u32 first, second, last;

	spi_cmd(spi_a, TESTDEV_CMD_RAISE);
	pend = wait_pending(spi_a, true);
	udelay(2000);
	held = gic_irq_is_pending(spi_a);
	gic_irq_set_pending(spi_a, false);
	udelay(1000);
	icpendr = gic_irq_is_pending(spi_a);
	check(pend && held, "spi.level-pending",
	      "pending while high and disabled: %d, 2 ms later: %d", pend,
	      held);
	check(icpendr, "spi.level-icpendr",
	      "ICPENDR does not clear a line that is high");

	gic_irq_enable(spi_a);
	first = spi_ack();
	act_pend = gic_irq_is_active(spi_a) && gic_irq_is_pending(spi_a);
	spi_eoi(first);
	again = wait_pending(spi_a, true);
	inactive = !gic_irq_is_active(spi_a);
	second = spi_ack();
	spi_cmd(spi_a, TESTDEV_CMD_LOWER);
	cleared = wait_pending(spi_a, false);
	spi_eoi(second);
	last = spi_ack();
	spi_eoi(last);
	check(first == spi_a && act_pend, "spi.level-active-pending",
	      "IAR %u, then active and pending while high: %d", first,
	      act_pend);
	check(again && inactive && second == spi_a, "spi.level-after-eoi",
	      "after EOI: pending %d, inactive %d, IAR %u", again, inactive,
	      second);
	check(cleared && last == GIC_SPURIOUS, "spi.level-lowered",
	      "pending clears when lowered: %d, then IAR %u", cleared, last);
	reset();

	/* Taken, EOIed, taken again while high, until the handler lowers. */
	mode = MODE_REFIRE;
	gic_irq_enable(spi_a);
	local_irq_enable();
	spi_cmd(spi_a, TESTDEV_CMD_RAISE);
	wait_taken(REFIRES, WAIT_US);
	udelay(QUIET_US);
	local_irq_disable();
	check(atomic_read(&taken) == REFIRES, "spi.level-refire",
	      "taken %d times; the handler lowers the line at take %d",
	      atomic_read(&taken), REFIRES);
}

static void test_enable(void)
{
	int before, after;

	gic_irq_enable(spi_b);	/* a neighbour enabled changes nothing */
	local_irq_enable();
	spi_cmd(spi_a, TESTDEV_CMD_RAISE);
	wait_pending(spi_a, true);
	udelay(QUIET_US);
	before = atomic_read(&taken);
	gic_irq_enable(spi_a);
	wait_taken(1, WAIT_US);
	udelay(QUIET_US);
	after = atomic_read(&taken);
	local_irq_disable();
	check(before == 0 && after == 1, "spi.enable",
	      "taken %d times while disabled, %d once enabled", before, after);
}

/* Disabled while pending: it stays pending, and is not signalled. */
static void test_disable(void)
{
	bool pend, still;
	u32 iar;
	int n;

	gic_irq_enable(spi_a);
	spi_cmd(spi_a, TESTDEV_CMD_RAISE);
	pend = wait_pending(spi_a, true);
	gic_irq_disable(spi_a);
	local_irq_enable();
	udelay(QUIET_US);
	local_irq_disable();
	n = atomic_read(&taken);
	still = gic_irq_is_pending(spi_a);
	iar = spi_ack();
	spi_eoi(iar);
	check(pend && still && !n && iar == GIC_SPURIOUS, "spi.disable",
	      "pending %d, disabled: taken %d times, still pending %d, IAR %u",
	      pend, n, still, iar);
}

static void test_pend_regs(void)
{
	bool set, clr;
	int n;

	gic_irq_set_pending(spi_a, true);
	set = wait_pending(spi_a, true);
	gic_irq_set_pending(spi_a, false);
	clr = wait_pending(spi_a, false);
	check(set && clr, "spi.ispendr-icpendr",
	      "line low, disabled: ISPENDR sets pending %d, ICPENDR clears %d",
	      set, clr);

	mode = MODE_COUNT;
	gic_irq_enable(spi_a);
	local_irq_enable();
	gic_irq_set_pending(spi_a, true);
	wait_taken(1, WAIT_US);
	udelay(QUIET_US);
	local_irq_disable();
	n = atomic_read(&taken);
	check(n == 1 && !gic_irq_is_pending(spi_a), "spi.ispendr-taken",
	      "pended by ISPENDR with the line low: taken %d times", n);
}

static void test_pulse(void)
{
	int i, n, latched;
	bool ok = true;

	mode = MODE_COUNT;
	gic_irq_set_edge(spi_a, true);
	gic_irq_enable(spi_a);
	local_irq_enable();
	for (i = 1; i <= 3; i++) {
		spi_cmd(spi_a, TESTDEV_CMD_PULSE);
		wait_taken(i, WAIT_US);
		udelay(QUIET_US);
		ok &= atomic_read(&taken) == i;
	}
	n = atomic_read(&taken);
	gic_irq_disable(spi_a);
	spi_cmd(spi_a, TESTDEV_CMD_PULSE);
	latched = wait_pending(spi_a, true);
	gic_irq_enable(spi_a);
	wait_taken(4, WAIT_US);
	udelay(QUIET_US);
	local_irq_disable();
	check(ok && n == 3, "spi.pulse",
	      "3 pulses on an edge SPI: taken %d times", n);
	check(latched && atomic_read(&taken) == 4, "spi.pulse-latched",
	      "a pulse while disabled stays pending (%d), taken once enabled (%d)",
	      latched, atomic_read(&taken) - 3);
	check(!(testdev_status() & BIT(LINE_A)), "spi.pulse-low",
	      "line low after the pulses: IRQ_STATUS %#x", testdev_status());
}

/* One delayed raise, spinning or in WFI; early/late counted. */
static void delayed_once(u32 delay_us, bool sleep, u32 *early, u32 *late,
			 u32 *missed, u64 *worst)
{
	/*
	 * The device times with CLOCK_MONOTONIC, which NTP may slew by
	 * 500 ppm against the counter: allow 1000 ppm before "early".
	 */
	u64 min = timer_us_to_ticks(delay_us - delay_us / 1000);
	u64 end, t0, us, lat;

	atomic_set(&taken, 0);
	got = 0;
	t0 = timer_now();
	if (testdev_irq(LINE_A, TESTDEV_CMD_RAISE, delay_us)) {
		(*missed)++;
		return;
	}
	end = timer_deadline_us(delay_us + tolerance_us + WAIT_US);
	if (sleep)
		timer_wfi_until(&got, end);
	else
		while (!got && !timer_expired(end))
			cpu_relax();
	if (!got) {
		(*missed)++;
		return;
	}
	if (hit_at - t0 < min)
		(*early)++;
	us = timer_ticks_to_us(hit_at - t0);
	lat = us > delay_us ? us - delay_us : 0;
	*worst = MAX(*worst, lat);
	if (lat > tolerance_us)
		(*late)++;
}

static void test_delayed(void)
{
	static const u32 delays_us[] = { 1000, 5000, 2000, 20000, 3000, 10000 };
	u32 early = 0, late = 0, missed = 0, before, st;
	u64 worst = 0, end;
	unsigned int i;
	bool pend;

	gic_irq_enable(spi_a);
	local_irq_enable();
	for (i = 0; i < ARRAY_SIZE(delays_us); i++)
		delayed_once(delays_us[i], i & 1, &early, &late, &missed,
			     &worst);
	local_irq_disable();
	check(!early && !late && !missed, "spi.delayed",
	      "%lu delayed raises: %u early, %u late, %u missed; worst latency %lu us (tolerance %lu us)",
	      ARRAY_SIZE(delays_us), early, late, missed, worst, tolerance_us);
	reset();

	/* COUNTER moves only once the GIC has the interrupt. */
	before = testdev_counter();
	testdev_irq(LINE_A, TESTDEV_CMD_RAISE, 2000);
	end = timer_deadline_us(WAIT_US);
	while (testdev_counter() == before && !timer_expired(end))
		cpu_relax();
	pend = gic_irq_is_pending(spi_a);
	check(testdev_counter() == before + 1 && pend, "spi.counter",
	      "COUNTER %u -> %u, SPI pending then: %d", before,
	      testdev_counter(), pend);
	reset();

	before = testdev_counter();
	testdev_irq(LINE_A, TESTDEV_CMD_RAISE, 50000);
	st = testdev_status();
	testdev_irq(LINE_A, TESTDEV_CMD_CANCEL, 0);
	pend = testdev_status() & TESTDEV_ST_PENDING;
	udelay(70000);
	check((st & TESTDEV_ST_PENDING) && !pend &&
	      !gic_irq_is_pending(spi_a) && testdev_counter() == before,
	      "spi.cancel", "queued %d, after cancel %d, raised anyway %d",
	      !!(st & TESTDEV_ST_PENDING), pend,
	      gic_irq_is_pending(spi_a) || testdev_counter() != before);
}

struct route {
	int where;		/* the CPU that took it, -1 if none */
	int count;
	int settle_us;		/* until lowered by the handler and EOIed */
	int late_ms;		/* on a miss: when it came after all, -1 never */
	int raised;		/* on a miss: testdev_irq()'s result */
	bool high;		/* on a miss: the line's level, its state then */
	bool pending;
	bool active;
	u64 reg;		/* on a miss: ITARGETSR byte, or IROUTER */
};

static struct route routes[NR_CPUS];

static u64 route_reg(u32 intid)
{
	if (gic_version() == 3)
		return readq(gic_dist_base() + GICD_IROUTER + 8 * intid);
	return readb(gic_dist_base() + GICD_ITARGETSR + intid);
}

static bool busy(u32 intid)
{
	return (testdev_status() & BIT(spi_line_of(intid))) ||
	       gic_irq_is_pending(intid) || gic_irq_is_active(intid);
}

/* Waits for the line low and the SPI idle: 0 at once, else us, -1 never. */
static int settle(u32 intid)
{
	u64 t0 = timer_now(), end = timer_deadline_us(WAIT_US);

	if (!busy(intid))
		return 0;
	while (busy(intid))
		if (timer_expired(end))
			return -1;
	return MAX(timer_ticks_to_us(timer_now() - t0), 1UL);
}

static void route_one(int c, int online)
{
	struct route *r = &routes[c];
	u64 t0;
	int cpu;

	atomic_set(&taken, 0);
	for (cpu = 0; cpu < online; cpu++)
		hits[cpu] = 0;
	gic_irq_set_target(spi_a, c);
	/* Every other one from the device's thread, not this vCPU. */
	r->raised = testdev_irq(LINE_A, TESTDEV_CMD_RAISE, (c & 1) ? 1000 : 0);
	wait_taken(1, WAIT_US + 1000);
	udelay(QUIET_US);
	r->count = atomic_read(&taken);
	r->late_ms = -1;
	if (!r->count) {
		/* Lost, or only slow? Look at it, then give it more time. */
		r->high = testdev_status() & BIT(LINE_A);
		r->pending = gic_irq_is_pending(spi_a);
		r->active = gic_irq_is_active(spi_a);
		r->reg = route_reg(spi_a);
		t0 = timer_now();
		if (wait_taken(1, LATE_US))
			r->late_ms = timer_ticks_to_us(timer_now() - t0) /
				     1000 + WAIT_US / 1000;
		udelay(QUIET_US);
	}
	r->where = -1;
	for (cpu = 0; cpu < online; cpu++)
		if (hits[cpu])
			r->where = cpu;
	/*
	 * The taker counts, lowers the line, returns and EOIs. Its vCPU
	 * may stall in between: the next raise must not come before the
	 * line is low and the SPI idle, or the late lowering swallows it.
	 */
	r->settle_us = settle(spi_a);
}

static void route_cpu(void *arg __unused)
{
	int online = nr_cpus_online(), c;
	u64 end = timer_deadline_us(2 * 1000 * 1000 + (u64)online *
				    (2 * WAIT_US + LATE_US + 3 * QUIET_US));

	gic_irq_enable(WAKE_SGI);
	smp_barrier();
	if (smp_processor_id()) {
		/* Half the targets wait in WFI, half spin. */
		if (smp_processor_id() & 1) {
			timer_wfi_until(&route_done, end);
		} else {
			local_irq_enable();
			while (!READ_ONCE(route_done) && !timer_expired(end))
				cpu_relax();
			local_irq_disable();
		}
	} else {
		local_irq_enable();
		for (c = 0; c < online; c++)
			route_one(c, online);
		local_irq_disable();
		WRITE_ONCE(route_done, 1);
		gic_send_sgi_others(WAKE_SGI);
	}
	smp_barrier();
	gic_irq_disable(WAKE_SGI);
}

static void test_route(void)
{
	int online = nr_cpus_online(), c;
	const char *reg = gic_version() == 3 ? "IROUTER" : "ITARGETSR";
	struct route *r;

	irq_set_handler(WAKE_SGI, noop_handler, NULL);
	gic_irq_enable(spi_a);
	smp_run(route_cpu, NULL);
	for (c = 0; c < online; c++) {
		r = &routes[c];
		if (!r->count)
			pr_info("cpu%d missed it: raise %d, line high %d, pending %d, active %d, %s %#lx; %s%d ms",
				c, r->raised, r->high, r->pending, r->active,
				reg, r->reg,
				r->late_ms < 0 ? "not taken within " : "taken after ",
				r->late_ms < 0 ? (int)((WAIT_US + LATE_US) / 1000) :
				r->late_ms);
		if (r->settle_us > 0)
			pr_info("cpu%d: the handler lowered the line and EOIed %d us after the check",
				c, r->settle_us);
		check(r->where == c && r->count == 1 && r->settle_us >= 0,
		      "spi.route",
		      "target cpu%d (%s, %s, cpu%d %s): taken on cpu%d, %d time(s)%s",
		      c, reg, (c & 1) ? "raised by the device thread" :
		      "raised by cpu0", c, !c ? "raising it" :
		      (c & 1) ? "in WFI" : "spinning", r->where, r->count,
		      r->settle_us >= 0 ? "" : ", not lowered and EOIed in time");
	}
}

static void (*const sections[])(void) = {
	test_spurious, test_level, test_enable, test_disable, test_pend_regs,
	test_pulse, test_delayed, test_route,
};

void test_main(void)
{
	unsigned int i;
	int online;

	if (spi_setup(&spi_a, &spi_b))
		return;
	online = smp_boot_secondaries();
	tolerance_us = bootarg_u64("spi.tolerance-us", 10000);
	check(online == nr_cpus(), "spi.cpus-online", "%d of %d", online,
	      nr_cpus());
	test_device();
	irq_set_handler(spi_a, spi_handler, NULL);
	irq_set_handler(spi_b, spi_handler, NULL);
	for (i = 0; i < ARRAY_SIZE(sections); i++) {
		reset();
		sections[i]();
	}
	reset();
}
