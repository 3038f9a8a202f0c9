// SPDX-License-Identifier: GPL-2.0
/*
 * A CPU that sleeps until an interrupt handler says so, with the EL1
 * physical timer as its watchdog: above the timer and the GIC, which
 * know nothing of it.
 */
#include "gic.h"
#include "irq.h"
#include "timer.h"
#include "wfi.h"

/* The watchdog only has to wake WFI; deassert it and carry on. */
static void watchdog_handler(u32 intid __unused, u32 iar __unused,
			     void *arg __unused)
{
	write_sysreg(CNTV_CTL_ENABLE | CNTV_CTL_IMASK, CNTP_CTL_EL0);
	isb();
}

/*
 * WFI until *@flag is non-zero (set by an interrupt handler) or the
 * counter reaches @deadline. A sleeping CPU lets the host run the
 * others (and, under KVM, exercises the blocked-vCPU wake-up path).
 * WFI only ends on an interrupt, so the EL1 physical timer is armed at
 * @deadline as a watchdog: a lost interrupt costs a FAIL, not a hang.
 * Interrupts are masked around the check, so one arriving between the
 * check and the WFI still ends the WFI (pending wakes it even masked).
 */
bool timer_wfi_until(volatile u32 *flag, u64 deadline)
{
	u32 wd = timer_intid(TIMER_PHYS);
	bool was_enabled = local_irq_enabled();

	irq_set_handler(wd, watchdog_handler, NULL);
	write_sysreg(deadline, CNTP_CVAL_EL0);
	write_sysreg(CNTV_CTL_ENABLE, CNTP_CTL_EL0);
	isb();
	gic_irq_enable(wd);
	local_irq_disable();
	while (!*flag && !timer_expired(deadline)) {
		wfi();
		local_irq_enable();
		isb();
		local_irq_disable();
	}
	write_sysreg(0, CNTP_CTL_EL0);
	isb();
	gic_irq_disable(wd);
	if (was_enabled)
		local_irq_enable();
	return *flag;
}
