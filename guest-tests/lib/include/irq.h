/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_IRQ_H
#define GUEST_IRQ_H

#include "types.h"

#define IRQ_MAX_INTID	1020
#define IRQ_FIRST_LPI	8192

/*
 * Called with interrupts masked, after the acknowledge and before the
 * EOI, on the CPU that took the interrupt. @iar is the raw IAR value
 * (the GICv2 SGI source lives there). With split EOI mode on, the
 * handler must deactivate (gic_deactivate) itself.
 */
typedef void (*irq_handler_t)(u32 intid, u32 iar, void *arg);

/* One handler per INTID, shared by all CPUs. */
int irq_set_handler(u32 intid, irq_handler_t fn, void *arg);
/*
 * One handler for every LPI (INTIDs from 8192, GICv3 with LPIs on): a
 * test that maps LPIs knows which ones. Without it an LPI is a failed
 * check (irq.unexpected).
 */
void irq_set_lpi_handler(irq_handler_t fn, void *arg);
void irq_set_eoi_split(bool split);
void irq_dispatch(void);

/* Per-CPU statistics since boot */
u64 irq_count(int cpu);
u64 irq_spurious_count(int cpu);

#endif
