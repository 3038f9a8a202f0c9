// SPDX-License-Identifier: GPL-2.0
/*
 * snapcount: a guest to be snapshotted mid-run and restored
 * (tests/system/ctl-snapshot.sh). The boot CPU counts its virtual
 * timer's interrupts, rearmed every snapcount.tick-us, and prints a
 * progress line each second of its own time, until
 * snapcount.seconds have passed. It checks, all along and across the
 * snapshot: that the virtual counter never goes back, and that every
 * second brought interrupts (a restore that lost the timer's or the
 * GIC's state stops them). It spins rather than waits in WFI, so that a
 * lost interrupt is a failed check, not a hang.
 */
#include "guest.h"

const char test_name[] = "snapcount";

static volatile u64 ticks;
static volatile u64 last_irq_at;
static volatile u32 irq_backwards;
static u64 tick;

static void snap_tick(u32 intid __unused, u32 iar __unused, void *arg __unused)
{
	u64 now = timer_now();

	if (now < last_irq_at)
		irq_backwards++;
	last_irq_at = now;
	ticks++;
	timer_virt_arm(now + tick);
}

void test_main(void)
{
	u64 seconds = bootarg_u64("snapcount.seconds", 20);
	u64 tick_us = bootarg_u64("snapcount.tick-us", 10000);
	u64 min = bootarg_u64("snapcount.min-ticks", 10);
	/*
	 * Seconds allowed fewer than min: a host that stalls the vCPU for
	 * a second costs one; a restore that lost the timer or the GIC
	 * costs every second after it.
	 */
	u64 max_quiet = bootarg_u64("snapcount.max-quiet", 0);
	u32 vtimer = timer_intid(TIMER_VIRT);
	u64 start, prev, sec_end, last_ticks = 0, s, backwards = 0, quiet = 0;

	tick = timer_us_to_ticks(tick_us);
	irq_set_handler(vtimer, snap_tick, NULL);
	gic_irq_enable(vtimer);
	start = prev = timer_now();
	timer_virt_arm(start + tick);
	local_irq_enable();
	for (s = 1; s <= seconds; s++) {
		sec_end = start + timer_us_to_ticks(s * 1000000);
		for (;;) {
			u64 now = timer_now();

			if (now < prev)
				backwards++;
			prev = now;
			if (now >= sec_end)
				break;
		}
		if (ticks - last_ticks < min)
			quiet++;
		pr_info("snapcount: second %lu ticks %lu (+%lu)", s, ticks,
			ticks - last_ticks);
		last_ticks = ticks;
	}
	local_irq_disable();
	timer_virt_stop();
	check(!backwards && !irq_backwards, "snapcount.monotonic",
	      "the counter went back %lu times (%u in the handler)", backwards,
	      irq_backwards);
	check(quiet <= max_quiet, "snapcount.interrupts",
	      "%lu of %lu seconds had fewer than %lu timer interrupts (allowed %lu)",
	      quiet, seconds, min, max_quiet);
	check(ticks >= seconds * min, "snapcount.total", "%lu interrupts in %lu s",
	      ticks, seconds);
}
