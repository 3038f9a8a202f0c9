// SPDX-License-Identifier: GPL-2.0
/*
 * spi-prio: the CPU interface's priority machinery, on SPIs that lkvm's
 * test device drives (docs/test-device.md), GICv2 and GICv3. All of it
 * on the boot CPU with interrupts masked at PSTATE, acknowledging by
 * hand:
 *  - the higher of two pending SPIs comes first, the lower not while
 *    the higher is active, then once it is done (both ways round);
 *  - preemption: a higher priority SPI is signalled while a lower one
 *    is active, one of equal priority is not; the running priority
 *    (RPR) follows each acknowledge and EOI;
 *  - the priority mask (PMR) holds back what is not above it;
 *  - active state through the distributor: ISACTIVER sets it, an
 *    active SPI is not signalled again, ICACTIVER clears it;
 *  - split EOI (GICC_CTLR.EOImode / ICC_CTLR_EL1.EOImode = 1): the bit
 *    reads back, EOI only drops the priority, DIR deactivates.
 * Without the device (QEMU) it prints "SKIP no lkvm,test-device" and
 * passes; "spi-prio.require-device" (lkvm runs) makes that a failure.
 */
#include "guest.h"
#include "spi-util.h"
#include "testdev.h"

const char test_name[] = "spi-prio";

#define PRIO_HIGH	0x40
#define PRIO_LOW	0x80
#define PRIO_IDLE	0xff
#define WAIT_US		SPI_WAIT_US

static u32 spi_a, spi_b;

static void set_high(u32 intid)
{
	spi_cmd(intid, TESTDEV_CMD_RAISE);
	gic_wait_pending(intid, true, WAIT_US);
}

static void set_low(u32 intid)
{
	spi_cmd(intid, TESTDEV_CMD_LOWER);
	gic_wait_pending(intid, false, WAIT_US);
}

static void reset(void)
{
	spi_quiesce(spi_a);
	spi_quiesce(spi_b);
	gic_set_pmr(PRIO_IDLE);
	gic_set_eoi_split(false);
}

static void setup_pair(u32 hi, u8 hi_prio, u32 lo, u8 lo_prio)
{
	gic_irq_set_priority(hi, hi_prio);
	gic_irq_set_priority(lo, lo_prio);
	gic_irq_enable(hi);
	gic_irq_enable(lo);
}

/* @hi and @lo both pending: @hi first, @lo only once @hi is done. */
static void priority_pair(u32 hi, u32 lo)
{
	u32 a, b, c, d;

	setup_pair(hi, PRIO_HIGH, lo, PRIO_LOW);
	set_high(lo);
	set_high(hi);
	a = spi_ack();
	b = spi_ack();		/* below the running priority */
	spi_eoi(b);
	set_low(hi);
	spi_eoi(a);
	c = spi_ack();
	set_low(lo);
	spi_eoi(c);
	d = spi_ack();
	spi_eoi(d);
	check(a == hi && b == GIC_SPURIOUS && c == lo && d == GIC_SPURIOUS,
	      "spi-prio.order",
	      "INTID %u at %#x and %u at %#x: IAR %u, %u while active, %u after EOI, then %u",
	      hi, PRIO_HIGH, lo, PRIO_LOW, a, b, c, d);
	reset();
}

static void test_order(void)
{
	priority_pair(spi_a, spi_b);
	priority_pair(spi_b, spi_a);
}

/* A (low) active; B (high) preempts it, RPR follows. */
static void test_preempt(void)
{
	u8 idle, r_a, r_b, r_back, r_end;
	u32 a, b, c;

	setup_pair(spi_b, PRIO_HIGH, spi_a, PRIO_LOW);
	idle = gic_get_rpr();
	set_high(spi_a);
	a = spi_ack();
	r_a = gic_get_rpr();
	set_high(spi_b);
	b = spi_ack();		/* higher than the running priority */
	r_b = gic_get_rpr();
	set_low(spi_b);
	spi_eoi(b);
	r_back = gic_get_rpr();
	set_low(spi_a);
	spi_eoi(a);
	r_end = gic_get_rpr();
	c = spi_ack();
	spi_eoi(c);
	check(a == spi_a && b == spi_b && c == GIC_SPURIOUS, "spi-prio.preempt",
	      "INTID %u at %#x active, %u at %#x: IAR %u, then %u; after both EOIs %u",
	      spi_a, PRIO_LOW, spi_b, PRIO_HIGH, a, b, c);
	check(idle == PRIO_IDLE && r_a == PRIO_LOW && r_b == PRIO_HIGH &&
	      r_back == PRIO_LOW && r_end == PRIO_IDLE, "spi-prio.rpr",
	      "RPR idle %#x, %#x with %u active, %#x preempted by %u, %#x after its EOI, %#x after both",
	      idle, r_a, spi_a, r_b, spi_b, r_back, r_end);
	reset();

	/* Equal priority never preempts. */
	setup_pair(spi_b, PRIO_LOW, spi_a, PRIO_LOW);
	set_high(spi_a);
	a = spi_ack();
	set_high(spi_b);
	b = spi_ack();
	spi_eoi(b);
	set_low(spi_a);
	spi_eoi(a);
	c = spi_ack();
	set_low(spi_b);
	spi_eoi(c);
	check(a == spi_a && b == GIC_SPURIOUS && c == spi_b,
	      "spi-prio.no-preempt-equal",
	      "both at %#x: IAR %u, %u while it is active, %u after its EOI",
	      PRIO_LOW, a, b, c);
}

static void test_pmr(void)
{
	u32 a, b, c;
	u8 pmr;

	gic_set_pmr(PRIO_LOW);
	pmr = gic_get_pmr();
	setup_pair(spi_b, PRIO_HIGH, spi_a, PRIO_LOW);
	set_high(spi_a);
	a = spi_ack();
	spi_eoi(a);
	set_high(spi_b);
	b = spi_ack();
	set_low(spi_b);
	spi_eoi(b);
	gic_set_pmr(PRIO_IDLE);
	c = spi_ack();
	set_low(spi_a);
	spi_eoi(c);
	check(pmr == PRIO_LOW && a == GIC_SPURIOUS && b == spi_b && c == spi_a,
	      "spi-prio.pmr",
	      "PMR %#x: IAR %u for priority %#x, %u for %#x; PMR 0xff: %u",
	      pmr, a, PRIO_LOW, b, PRIO_HIGH, c);
}

static void test_active(void)
{
	bool set, clr, done;
	u32 a, b;

	gic_irq_enable(spi_a);
	gic_irq_set_active(spi_a, true);
	set = gic_irq_is_active(spi_a);
	set_high(spi_a);
	a = spi_ack();		/* active and pending: not signalled */
	spi_eoi(a);
	gic_irq_set_active(spi_a, false);
	clr = !gic_irq_is_active(spi_a);
	b = spi_ack();
	set_low(spi_a);
	spi_eoi(b);
	done = !gic_irq_is_active(spi_a) && !gic_irq_is_pending(spi_a);
	check(set && clr, "spi-prio.active-regs",
	      "ISACTIVER sets active: %d, ICACTIVER clears it: %d", set, clr);
	check(a == GIC_SPURIOUS && b == spi_a && done, "spi-prio.active-blocks",
	      "IAR %u while active and pending, %u once inactive; idle after EOI: %d",
	      a, b, done);
}

static void test_eoimode(void)
{
	u32 a, b, c, d, e;
	bool on, off, act_after_eoi, inactive_after_dir;

	gic_set_eoi_split(true);
	on = gic_get_eoi_split();
	setup_pair(spi_a, PRIO_HIGH, spi_b, PRIO_LOW);
	set_high(spi_a);
	set_high(spi_b);
	a = spi_ack();
	b = spi_ack();		/* running priority still A's */
	spi_eoi(b);
	spi_dir(b);
	spi_eoi(a);		/* priority drop only */
	act_after_eoi = gic_irq_is_active(spi_a);
	c = spi_ack();		/* B now; A stays active though high */
	set_low(spi_b);
	spi_eoi(c);
	spi_dir(c);
	spi_dir(a);
	inactive_after_dir = !gic_irq_is_active(spi_a);
	gic_wait_pending(spi_a, true, WAIT_US);
	d = spi_ack();		/* A again: still high */
	set_low(spi_a);
	spi_eoi(d);
	spi_dir(d);
	e = spi_ack();
	spi_eoi(e);
	spi_dir(e);
	gic_set_eoi_split(false);
	off = !gic_get_eoi_split();
	check(on && off, "spi-prio.eoimode-bit", "%s.EOImode reads 1 when set: %d, 0 when cleared: %d",
	      gic_version() == 3 ? "ICC_CTLR_EL1" : "GICC_CTLR", on, off);
	check(a == spi_a && b == GIC_SPURIOUS && act_after_eoi && c == spi_b,
	      "spi-prio.eoimode-drop",
	      "IAR %u, %u before EOI; after EOI active %d, IAR %u",
	      a, b, act_after_eoi, c);
	check(inactive_after_dir && d == spi_a && e == GIC_SPURIOUS,
	      "spi-prio.eoimode-dir",
	      "after DIR inactive %d, IAR %u (still high), then %u",
	      inactive_after_dir, d, e);
}

static void (*const sections[])(void) = {
	test_order, test_preempt, test_pmr, test_active, test_eoimode,
};

void test_main(void)
{
	unsigned int i;

	if (spi_setup(&spi_a, &spi_b))
		return;
	pr_info("%s, %d CPU(s); lines A = INTID %u, B = INTID %u", gic_name(),
		nr_cpus(), spi_a, spi_b);
	/* The others online and idle: the GIC has several interfaces. */
	smp_boot_secondaries();
	for (i = 0; i < ARRAY_SIZE(sections); i++) {
		reset();
		sections[i]();
	}
	reset();
}
