// SPDX-License-Identifier: GPL-2.0
/*
 * spi: shared peripheral interrupts end to end, GICv2 and GICv3, with
 * lkvm's test device (docs/test-device.md) driving the lines from the
 * VMM's threads as a real device would:
 *  - nothing pending: IAR reads 1023 (spurious);
 *  - level: pending while high (disabled, after ICPENDR too), active
 *    and pending once acknowledged, taken again after EOI until low;
 *  - a disabled SPI is not taken, and is taken once enabled;
 *  - ISPENDR / ICPENDR set and clear pending with the line low;
 *  - a pulse on an edge SPI is taken once (also pended while disabled);
 *  - a delayed raise arrives after its delay, never before; COUNTER
 *    moved means pending; a cancelled raise never arrives;
 *  - the higher of two pending SPIs comes first, the lower not while
 *    the higher is active; PMR masks;
 *  - EOImode = 1: EOI drops the priority, DIR deactivates;
 *  - routing by ITARGETSR (v2) / IROUTER (v3) to each online CPU,
 *    spinning or in WFI.
 * Without the device (QEMU) it prints "SKIP no lkvm,test-device" and
 * passes; with "spi.require-device" in the bootargs (lkvm runs) it
 * fails.
 */
#include "guest.h"
#include "testdev.h"

const char test_name[] = "spi";

#define LINE_A		0
#define LINE_B		1
#define PRIO_HIGH	0x40
#define PRIO_LOW	0x80
#define PRIO_DEFAULT	0xa0
#define WAIT_US		(500 * 1000)	/* for what should be immediate */
#define QUIET_US	5000		/* watched for "not taken (again)" */
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

static int line_of(u32 intid)
{
	return intid == spi_a ? LINE_A : LINE_B;
}

static void spi_handler(u32 intid, u32 iar __unused, void *arg __unused)
{
	int n = atomic_inc_return(&taken);

	hit_at = timer_now();
	hits[smp_processor_id()]++;
	if (mode == MODE_LOWER || (mode == MODE_REFIRE && n >= REFIRES))
		testdev_irq(line_of(intid), TESTDEV_CMD_LOWER, 0);
	got = 1;
}

static void noop_handler(u32 intid __unused, u32 iar __unused,
			 void *arg __unused)
{
}

static void line(u32 intid, u32 cmd)
{
	int ret = testdev_irq(line_of(intid), cmd, 0);

	if (ret)
		check(false, "spi.command", "INTID %u command %u refused: %d",
		      intid, cmd, ret);
}

static void quiesce(u32 intid)
{
	gic_irq_disable(intid);
	testdev_irq(line_of(intid), TESTDEV_CMD_CANCEL, 0);
	line(intid, TESTDEV_CMD_LOWER);
	gic_irq_set_edge(intid, false);
	gic_irq_set_pending(intid, false);
	gic_irq_set_active(intid, false);
	gic_irq_set_priority(intid, PRIO_DEFAULT);
	gic_irq_set_target(intid, 0);
}

/* Between sections: both lines low and idle, counters zero. */
static void reset(void)
{
	int cpu;

	quiesce(spi_a);
	quiesce(spi_b);
	mode = MODE_LOWER;
	atomic_set(&taken, 0);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		hits[cpu] = 0;
	got = 0;
}

static bool wait_pending(u32 intid, bool want)
{
	u64 end = timer_deadline_us(WAIT_US);

	while (gic_irq_is_pending(intid) != want)
		if (timer_expired(end))
			return false;
	return true;
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
 * Manual acknowledge, with PSTATE.I set: the IAR works regardless. For
 * an SPI the IAR is the INTID on both GICs (GICv2's CPUID field is for
 * SGIs), so the INTID serves for EOI and DIR.
 */
static u32 ack(void)
{
	return gic_iar_intid(gic_ack());
}

static void eoi(u32 intid)
{
	if (intid < 1020)
		gic_eoi(intid);
}

static void dir(u32 intid)
{
	if (intid < 1020)
		gic_deactivate(intid);
}

static void test_device(void)
{
	u64 base = testdev_base();
	int n = testdev_nr_lines(), i, j, bad = 0;
	u32 feat = readl(base + TESTDEV_FEATURES);

	check(readl(base + TESTDEV_VERSION) == 1, "spi.device",
	      "at %#lx: version %u, %u lines, queue of %u", base,
	      readl(base + TESTDEV_VERSION), feat & 0xff, (feat >> 8) & 0xff);
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
	u32 a, b;

	a = ack();
	eoi(a);
	/* Pending but disabled is not signalled either. */
	line(spi_a, TESTDEV_CMD_RAISE);
	wait_pending(spi_a, true);
	b = ack();
	eoi(b);
	check(a == GIC_SPURIOUS && b == GIC_SPURIOUS, "spi.spurious",
	      "IAR %u with nothing pending, %u with a disabled SPI pending",
	      a, b);
}

static void test_level(void)
{
	bool pend, held, icpendr, act_pend, again, inactive, cleared;
	u32 first, second, last;

	line(spi_a, TESTDEV_CMD_RAISE);
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
	first = ack();
	act_pend = gic_irq_is_active(spi_a) && gic_irq_is_pending(spi_a);
	eoi(first);
	again = wait_pending(spi_a, true);
	inactive = !gic_irq_is_active(spi_a);
	second = ack();
	line(spi_a, TESTDEV_CMD_LOWER);
	cleared = wait_pending(spi_a, false);
	eoi(second);
	last = ack();
	eoi(last);
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
	line(spi_a, TESTDEV_CMD_RAISE);
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
	line(spi_a, TESTDEV_CMD_RAISE);
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
		line(spi_a, TESTDEV_CMD_PULSE);
		wait_taken(i, WAIT_US);
		udelay(QUIET_US);
		ok &= atomic_read(&taken) == i;
	}
	n = atomic_read(&taken);
	gic_irq_disable(spi_a);
	line(spi_a, TESTDEV_CMD_PULSE);
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

/* @hi and @lo both pending: @hi first, @lo only once @hi is done. */
static void priority_pair(u32 hi, u32 lo)
{
	u32 a, b, c, d;

	gic_irq_set_priority(hi, PRIO_HIGH);
	gic_irq_set_priority(lo, PRIO_LOW);
	gic_irq_enable(hi);
	gic_irq_enable(lo);
	line(lo, TESTDEV_CMD_RAISE);
	line(hi, TESTDEV_CMD_RAISE);
	wait_pending(hi, true);
	wait_pending(lo, true);
	a = ack();
	b = ack();		/* below the running priority */
	eoi(b);
	line(hi, TESTDEV_CMD_LOWER);
	wait_pending(hi, false);
	eoi(a);
	c = ack();
	line(lo, TESTDEV_CMD_LOWER);
	eoi(c);
	d = ack();
	eoi(d);
	check(a == hi && b == GIC_SPURIOUS && c == lo && d == GIC_SPURIOUS,
	      "spi.priority-order",
	      "INTID %u at %#x and %u at %#x: IAR %u, %u while active, %u after EOI, then %u",
	      hi, PRIO_HIGH, lo, PRIO_LOW, a, b, c, d);
	reset();
}

static void test_priority(void)
{
	u32 a, b, c;
	u8 pmr;

	priority_pair(spi_a, spi_b);
	priority_pair(spi_b, spi_a);

	gic_set_pmr(PRIO_LOW);
	pmr = gic_get_pmr();
	gic_irq_set_priority(spi_a, PRIO_LOW);
	gic_irq_set_priority(spi_b, PRIO_HIGH);
	gic_irq_enable(spi_a);
	gic_irq_enable(spi_b);
	line(spi_a, TESTDEV_CMD_RAISE);
	wait_pending(spi_a, true);
	a = ack();
	eoi(a);
	line(spi_b, TESTDEV_CMD_RAISE);
	wait_pending(spi_b, true);
	b = ack();
	line(spi_b, TESTDEV_CMD_LOWER);
	eoi(b);
	gic_set_pmr(0xff);
	c = ack();
	line(spi_a, TESTDEV_CMD_LOWER);
	eoi(c);
	check(pmr == PRIO_LOW && a == GIC_SPURIOUS && b == spi_b && c == spi_a,
	      "spi.pmr",
	      "PMR %#x: IAR %u for priority %#x, %u for %#x; PMR 0xff: %u",
	      pmr, a, PRIO_LOW, b, PRIO_HIGH, c);
}

static void test_eoimode(void)
{
	u32 a, b, c, d, e;
	bool act_after_eoi, inactive_after_dir;

	gic_set_eoi_split(true);
	gic_irq_set_priority(spi_a, PRIO_HIGH);
	gic_irq_set_priority(spi_b, PRIO_LOW);
	gic_irq_enable(spi_a);
	gic_irq_enable(spi_b);
	line(spi_a, TESTDEV_CMD_RAISE);
	line(spi_b, TESTDEV_CMD_RAISE);
	wait_pending(spi_a, true);
	wait_pending(spi_b, true);
	a = ack();
	b = ack();		/* running priority still A's */
	eoi(b);
	dir(b);
	eoi(a);			/* priority drop only */
	act_after_eoi = gic_irq_is_active(spi_a);
	c = ack();		/* B now; A stays active though high */
	line(spi_b, TESTDEV_CMD_LOWER);
	eoi(c);
	dir(c);
	dir(a);
	inactive_after_dir = !gic_irq_is_active(spi_a);
	wait_pending(spi_a, true);
	d = ack();		/* A again: still high */
	line(spi_a, TESTDEV_CMD_LOWER);
	eoi(d);
	dir(d);
	e = ack();
	eoi(e);
	dir(e);
	gic_set_eoi_split(false);
	check(a == spi_a && b == GIC_SPURIOUS && act_after_eoi && c == spi_b,
	      "spi.eoimode-drop",
	      "IAR %u, %u before EOI; after EOI active %d, IAR %u",
	      a, b, act_after_eoi, c);
	check(inactive_after_dir && d == spi_a && e == GIC_SPURIOUS,
	      "spi.eoimode-dir",
	      "after DIR inactive %d, IAR %u (still high), then %u",
	      inactive_after_dir, d, e);
}

/* Per target CPU: where it was taken, and how many times. */
static int route_where[NR_CPUS];
static int route_count[NR_CPUS];

static void route_drive(int online)
{
	int c, cpu;

	for (c = 0; c < online; c++) {
		atomic_set(&taken, 0);
		for (cpu = 0; cpu < online; cpu++)
			hits[cpu] = 0;
		gic_irq_set_target(spi_a, c);
		/* Every other one from the device's thread, not this vCPU. */
		testdev_irq(LINE_A, TESTDEV_CMD_RAISE, (c & 1) ? 1000 : 0);
		wait_taken(1, WAIT_US + 1000);
		udelay(QUIET_US);
		route_count[c] = atomic_read(&taken);
		route_where[c] = -1;
		for (cpu = 0; cpu < online; cpu++)
			if (hits[cpu])
				route_where[c] = cpu;
	}
}

static void route_cpu(void *arg __unused)
{
	int online = nr_cpus_online();
	u64 end = timer_deadline_us(2 * 1000 * 1000 +
				    (u64)online * (WAIT_US + 2 * QUIET_US));

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
		route_drive(online);
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

	irq_set_handler(WAKE_SGI, noop_handler, NULL);
	gic_irq_enable(spi_a);
	smp_run(route_cpu, NULL);
	for (c = 0; c < online; c++)
		check(route_where[c] == c && route_count[c] == 1, "spi.route",
		      "target cpu%d (%s): taken on cpu%d, %d time(s)", c,
		      gic_version() == 3 ? "IROUTER" : "ITARGETSR",
		      route_where[c], route_count[c]);
}

/* Not required: SKIP, and pass. Required: one failed check. */
static void no_device(void)
{
	bool required = bootarg_present("spi.require-device") &&
			bootarg_u64("spi.require-device", 1);

	if (required) {
		check(false, "spi.device",
		      "no %s in the DT, and spi.require-device is set",
		      TESTDEV_COMPAT);
		return;
	}
	pr_info("no %s in the DT (QEMU has none; lkvm: run --test-device)",
		TESTDEV_COMPAT);
	printf("SKIP no %s\n", TESTDEV_COMPAT);
	printf("TEST %s 0 passed, 0 failed\n", test_name);
	test_exit(0);
}

static void (*const sections[])(void) = {
	test_spurious, test_level, test_enable, test_pend_regs, test_pulse,
	test_delayed, test_priority, test_eoimode, test_route,
};

void test_main(void)
{
	unsigned int i;
	int online;

	if (testdev_probe()) {
		no_device();
		return;
	}
	online = smp_boot_secondaries();
	tolerance_us = bootarg_u64("spi.tolerance-us", 10000);
	check(online == nr_cpus(), "spi.cpus-online", "%d of %d", online,
	      nr_cpus());
	test_device();
	if (testdev_nr_lines() < 2) {
		check(false, "spi.lines", "the test needs 2 lines, the device has %d",
		      testdev_nr_lines());
		return;
	}
	spi_a = testdev_spi(LINE_A);
	spi_b = testdev_spi(LINE_B);
	irq_set_handler(spi_a, spi_handler, NULL);
	irq_set_handler(spi_b, spi_handler, NULL);
	for (i = 0; i < ARRAY_SIZE(sections); i++) {
		reset();
		sections[i]();
	}
	reset();
}
