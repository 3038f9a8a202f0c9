// SPDX-License-Identifier: GPL-2.0
/*
 * hostirq: an SPI driven from a host shell, "lkvm irq -n NAME --spi N
 * --level 0|1|pulse", reaches the guest with the right semantics. The
 * guest prints a marker line for each step and waits for the host:
 *  HOSTIRQ-PULSE spi=N  a pulse on an edge-triggered SPI is taken once;
 *  HOSTIRQ-RAISE spi=N  a raised level SPI is taken, and stays pending
 *                       (masked in the GIC) for as long as it is high;
 *  HOSTIRQ-LOWER spi=N  once lowered, it is no longer pending.
 * Runs with --test-device (its line 0); tests/system/ctl-hostirq.sh is
 * the host side. Waits hostirq.timeout-us (default 60 s) per step.
 */
#include "guest.h"
#include "testdev.h"

const char test_name[] = "hostirq";

static volatile u32 got;
static atomic_t taken;
static u32 spi;

static void on_spi(u32 intid __unused, u32 iar __unused, void *arg __unused)
{
	atomic_inc(&taken);
	/* A level line stays high until the host lowers it: mask, not EOI-loop. */
	gic_irq_disable(spi);
	got = 1;
}

static bool wait_for(volatile u32 *flag, u64 us)
{
	return timer_wfi_until(flag, timer_now() + timer_us_to_ticks(us));
}

static bool wait_pending(bool want, u64 us)
{
	u64 end = timer_now() + timer_us_to_ticks(us);

	while (gic_irq_is_pending(spi) != want)
		if (timer_now() >= end)
			return false;
	return true;
}

void test_main(void)
{
	u64 timeout = bootarg_u64("hostirq.timeout-us", 60 * 1000 * 1000);

	if (testdev_probe()) {
		check(false, "hostirq.device", "no %s: run with --test-device",
		      TESTDEV_COMPAT);
		return;
	}
	spi = testdev_spi(0);
	irq_set_handler(spi, on_spi, NULL);

	gic_irq_set_edge(spi, true);
	gic_irq_enable(spi);
	local_irq_enable();
	printf("HOSTIRQ-PULSE spi=%u\n", spi - GIC_FIRST_SPI);
	check(wait_for(&got, timeout), "hostirq.pulse", "taken %d time(s)",
	      atomic_read(&taken));
	udelay(20000);
	check(atomic_read(&taken) == 1, "hostirq.pulse-once", "taken %d time(s)",
	      atomic_read(&taken));

	got = 0;
	gic_irq_set_edge(spi, false);
	gic_irq_enable(spi);
	printf("HOSTIRQ-RAISE spi=%u\n", spi - GIC_FIRST_SPI);
	check(wait_for(&got, timeout), "hostirq.level", "taken %d time(s) in all",
	      atomic_read(&taken));
	local_irq_disable();
	check(wait_pending(true, 100000), "hostirq.level-held",
	      "pending while the host holds the line high");

	printf("HOSTIRQ-LOWER spi=%u\n", spi - GIC_FIRST_SPI);
	check(wait_pending(false, timeout), "hostirq.lowered",
	      "no longer pending once the host lowered it");
}
