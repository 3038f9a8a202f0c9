/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include "io.h"
#include "sysreg.h"

/* Architected timer PPIs, in DT "interrupts" order (arm,armv8-timer) */
enum timer_ppi {
	TIMER_SEC_PHYS,
	TIMER_PHYS,
	TIMER_VIRT,
	TIMER_HYP,
	TIMER_NR_PPIS,
};

int timer_init(void);
u64 timer_freq(void);
u32 timer_intid(enum timer_ppi which);
u32 timer_irq_flags(enum timer_ppi which);
u64 timer_us_to_ticks(u64 us);
u64 timer_ticks_to_us(u64 ticks);
void udelay(u64 us);
void mdelay(u64 ms);

/* The ISB keeps the counter read from being hoisted or speculated. */
static inline u64 timer_now(void)
{
	isb();
	return read_sysreg(CNTVCT_EL0);
}

/* Absolute counter value @us microseconds from now, for timeouts. */
static inline u64 timer_deadline_us(u64 us)
{
	return timer_now() + timer_us_to_ticks(us);
}

static inline bool timer_expired(u64 deadline)
{
	return timer_now() >= deadline;
}

/* Virtual timer (CNTV_*), for the calling CPU. */
static inline u32 timer_virt_ctl(void)
{
	return read_sysreg(CNTV_CTL_EL0);
}

static inline void timer_virt_set_ctl(u32 ctl)
{
	write_sysreg(ctl, CNTV_CTL_EL0);
	isb();
}

/* Fire when CNTVCT >= @cval, unmasked. */
static inline void timer_virt_arm(u64 cval)
{
	write_sysreg(cval, CNTV_CVAL_EL0);
	timer_virt_set_ctl(CNTV_CTL_ENABLE);
}

static inline void timer_virt_stop(void)
{
	timer_virt_set_ctl(0);
}

#endif
