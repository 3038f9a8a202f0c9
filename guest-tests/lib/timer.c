// SPDX-License-Identifier: GPL-2.0
/*
 * Generic timer: frequency from CNTFRQ_EL0 (the DT's clock-frequency
 * only when CNTFRQ is unset, as booting.rst allows) and the PPIs from
 * the arm,armv8-timer node.
 */
#include "fdt.h"
#include "timer.h"

#define CNTP_CTL_EL0		cntp_ctl_el0
#define CNTP_CVAL_EL0		cntp_cval_el0

/* Defaults of the SBSA/kvmtool/QEMU timer wiring (PPI 13, 14, 11, 10) */
static u32 ppi_intid[TIMER_NR_PPIS] = { 29, 30, 27, 26 };
static u32 ppi_flags[TIMER_NR_PPIS] = { 4, 4, 4, 4 };
static u64 freq;

int timer_init(void)
{
	int node = fdt_find_compatible(-1, "arm,armv8-timer");
	struct fdt_irq irq;
	u32 v;
	int i;

	freq = read_sysreg(CNTFRQ_EL0) & 0xffffffff;
	if (node < 0)
		return freq ? 0 : -1;
	if (!freq && fdt_getprop_u32(node, "clock-frequency", &v))
		freq = v;
	for (i = 0; i < TIMER_NR_PPIS; i++) {
		if (!fdt_read_irq(node, i, &irq))
			break;
		ppi_intid[i] = irq.intid;
		ppi_flags[i] = irq.flags;
	}
	return freq ? 0 : -1;
}

u64 timer_freq(void)
{
	return freq;
}

u32 timer_intid(enum timer_ppi which)
{
	return ppi_intid[which];
}

u32 timer_irq_flags(enum timer_ppi which)
{
	return ppi_flags[which];
}

u64 timer_us_to_ticks(u64 us)
{
	return us * freq / 1000000;
}

u64 timer_ticks_to_us(u64 ticks)
{
	return ticks * 1000000 / freq;
}

void udelay(u64 us)
{
	u64 end = timer_deadline_us(us);

	while (!timer_expired(end))
		cpu_relax();
}

void mdelay(u64 ms)
{
	udelay(ms * 1000);
}
