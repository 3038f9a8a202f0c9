// SPDX-License-Identifier: GPL-2.0
/*
 * IRQ dispatch: acknowledge, run the registered handler, EOI. An
 * interrupt nobody registered for is a test failure; it is disabled so
 * a level-triggered source cannot storm.
 */
#include "gic.h"
#include "irq.h"
#include "layout.h"
#include "smp.h"
#include "test.h"

static struct {
	irq_handler_t fn;
	void *arg;
} handlers[IRQ_MAX_INTID];

static struct {
	irq_handler_t fn;
	void *arg;
} lpi_handler;

static struct {
	u64 taken;
	u64 spurious;
	bool eoi_split;
} stats[NR_CPUS];

int irq_set_handler(u32 intid, irq_handler_t fn, void *arg)
{
	if (intid >= IRQ_MAX_INTID)
		return -1;
	handlers[intid].arg = arg;
	WRITE_ONCE(handlers[intid].fn, fn);
	return 0;
}

void irq_set_lpi_handler(irq_handler_t fn, void *arg)
{
	lpi_handler.arg = arg;
	WRITE_ONCE(lpi_handler.fn, fn);
}

/*
 * LPIs are edge-triggered and have no active state: they cannot storm,
 * and the priority drop (EOI) is all the GIC needs, whatever EOImode.
 */
static void lpi_dispatch(int cpu, u32 intid, u32 iar)
{
	irq_handler_t fn = READ_ONCE(lpi_handler.fn);

	stats[cpu].taken++;
	if (fn)
		fn(intid, iar, lpi_handler.arg);
	else
		check(false, "irq.unexpected", "cpu%d took LPI %u", cpu, intid);
	gic_eoi(iar);
}

/* Per CPU, like the GIC's EOImode bit it mirrors. */
void irq_set_eoi_split(bool split)
{
	stats[smp_processor_id()].eoi_split = split;
	gic_set_eoi_split(split);
}

void irq_dispatch(void)
{
	int cpu = smp_processor_id();
	u32 iar = gic_ack();
	u32 intid = gic_iar_intid(iar);
	irq_handler_t fn;

	if (intid >= IRQ_FIRST_LPI) {
		lpi_dispatch(cpu, intid, iar);
		return;
	}
	if (intid >= IRQ_MAX_INTID) {
		stats[cpu].spurious++;
		return;
	}
	stats[cpu].taken++;
	fn = READ_ONCE(handlers[intid].fn);
	if (fn) {
		fn(intid, iar, handlers[intid].arg);
	} else {
		gic_irq_disable(intid);
		check(false, "irq.unexpected", "cpu%d took INTID %u (iar %#x)",
		      cpu, intid, iar);
	}
	gic_eoi(iar);
	if (!fn && stats[cpu].eoi_split)
		gic_deactivate(iar);
}

u64 irq_count(int cpu)
{
	return stats[cpu].taken;
}

u64 irq_spurious_count(int cpu)
{
	return stats[cpu].spurious;
}
