/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace GICv2: CPU interface registers (GIC architecture v2, 4.4).
 *
 * One security state and one interrupt group as seen by the guest:
 * GICC_CTLR bit 0 enables the interface, bit 9 (EOImodeNS) splits
 * priority drop (EOIR) from deactivation (DIR). The aliased registers
 * act on the same interrupts as the main ones.
 */
#include <errno.h>

#include "gic/ugic-internal.h"

#define GICC_CTLR		0x00
#define GICC_PMR		0x04
#define GICC_BPR		0x08
#define GICC_IAR		0x0c
#define GICC_EOIR		0x10
#define GICC_RPR		0x14
#define GICC_HPPIR		0x18
#define GICC_ABPR		0x1c
#define GICC_AIAR		0x20
#define GICC_AEOIR		0x24
#define GICC_AHPPIR		0x28
#define GICC_APR0		0xd0
#define GICC_IIDR		0xfc
#define GICC_DIR		0x1000

#define GICC_CTLR_MASK \
	(UGIC_GICC_CTLR_ENABLE | UGIC_GICC_CTLR_EOIMODE)
#define GICC_INTID(v)		((v) & 0x3ff)
#define GICC_SRC_SHIFT		10

/* ---- acknowledge, priority drop, deactivation ---- */

/* IAR value of the highest candidate, with the SGI's lowest source. */
static uint32_t ugic_iar_value(struct ugic *gic, int cpu, uint32_t intid)
{
	uint8_t src;

	if (intid >= UGIC_NR_SGIS)
		return intid;
	src = gic->cpu[cpu].sgi_src[intid];
	return intid | (uint32_t)__builtin_ctz(src) << GICC_SRC_SHIFT;
}

/*
 * Make the interrupt active. An edge loses its pending state; a level
 * interrupt loses its latch but stays pending (active and pending)
 * while its line is high; an SGI loses only the acknowledged source.
 */
static void ugic_activate(struct ugic *gic, int cpu, uint32_t iar)
{
	uint32_t intid = GICC_INTID(iar), src = iar >> GICC_SRC_SHIFT;
	struct ugic_bank *bank = ugic_bank_of(gic, cpu, intid);

	if (intid < UGIC_NR_SGIS)
		gic->cpu[cpu].sgi_src[intid] &= ~(1U << src);
	else
		bank->latch &= ~ugic_bit(intid);
	bank->active |= ugic_bit(intid);
}

static uint32_t ugic_ack(struct ugic *gic, int cpu)
{
	struct ugic_cpu *c = &gic->cpu[cpu];
	uint32_t intid, iar;
	uint8_t prio;

	if (!ugic_cpu_forwards(gic, cpu))
		return UGIC_SPURIOUS;
	intid = ugic_highest_pending(gic, cpu, &prio);
	if (intid == UGIC_SPURIOUS || !ugic_can_signal(gic, cpu, prio))
		return UGIC_SPURIOUS;

	iar = ugic_iar_value(gic, cpu, intid);
	ugic_activate(gic, cpu, iar);
	/* The running priority becomes this interrupt's group priority. */
	c->apr |= 1U << (ugic_group_prio(c->bpr, prio) >> UGIC_PRIO_SHIFT);
	return iar;
}

/* HPPIR ignores the priority mask and the running priority. */
static uint32_t ugic_hppir(struct ugic *gic, int cpu)
{
	uint32_t intid;
	uint8_t prio;

	if (!ugic_cpu_forwards(gic, cpu))
		return UGIC_SPURIOUS;
	intid = ugic_highest_pending(gic, cpu, &prio);
	if (intid == UGIC_SPURIOUS)
		return intid;
	return ugic_iar_value(gic, cpu, intid);
}

static void ugic_deactivate(struct ugic *gic, int cpu, uint32_t intid)
{
	struct ugic_bank *bank = ugic_bank_of(gic, cpu, intid);

	if (bank)
		bank->active &= ~ugic_bit(intid);
}

/*
 * Priority drop clears the highest active priority, whatever INTID is
 * written: a guest is required to EOI in reverse order of acknowledge.
 */
static void ugic_eoi(struct ugic *gic, int cpu, uint32_t val)
{
	struct ugic_cpu *c = &gic->cpu[cpu];
	uint32_t intid = GICC_INTID(val);

	if (intid >= UGIC_FIRST_RESERVED_ID || intid >= ugic_nr_irqs(gic))
		return;		/* spurious and absent IDs are ignored */
	c->apr &= c->apr - 1;
	if (!(c->ctlr & UGIC_GICC_CTLR_EOIMODE))
		ugic_deactivate(gic, cpu, intid);
}

/* DIR only has an effect with EOImode set (otherwise UNPREDICTABLE). */
static void ugic_dir(struct ugic *gic, int cpu, uint32_t val)
{
	if (gic->cpu[cpu].ctlr & UGIC_GICC_CTLR_EOIMODE)
		ugic_deactivate(gic, cpu, GICC_INTID(val));
}

/* ---- register file ---- */

static uint32_t ugic_cpuif_read(struct ugic *gic, int cpu, uint32_t offset)
{
	struct ugic_cpu *c = &gic->cpu[cpu];

	switch (offset) {
	case GICC_CTLR:
		return c->ctlr;
	case GICC_PMR:
		return c->pmr;
	case GICC_BPR:
		return c->bpr;
	case GICC_IAR:
	case GICC_AIAR:
		return ugic_ack(gic, cpu);
	case GICC_RPR:
		return ugic_running_prio(c);
	case GICC_HPPIR:
	case GICC_AHPPIR:
		return ugic_hppir(gic, cpu);
	case GICC_ABPR:
		return c->abpr;
	case GICC_APR0:
		return c->apr;
	case GICC_IIDR:
		return UGIC_GICC_IIDR;
	default:
		return 0;	/* APR1-3, NSAPRn, reserved, write-only */
	}
}

static uint32_t ugic_clamp(uint32_t val, uint32_t min)
{
	val &= 7;
	return val < min ? min : val;
}

static void ugic_cpuif_write(struct ugic *gic, int cpu, uint32_t offset,
			     uint32_t val)
{
	struct ugic_cpu *c = &gic->cpu[cpu];

	switch (offset) {
	case GICC_CTLR:
		c->ctlr = val & GICC_CTLR_MASK;
		break;
	case GICC_PMR:
		c->pmr = val & UGIC_PRIO_MASK;
		break;
	case GICC_BPR:
		c->bpr = ugic_clamp(val, UGIC_MIN_BPR);
		break;
	case GICC_ABPR:
		c->abpr = ugic_clamp(val, UGIC_MIN_ABPR);
		break;
	case GICC_EOIR:
	case GICC_AEOIR:
		ugic_eoi(gic, cpu, val);
		break;
	case GICC_DIR:
		ugic_dir(gic, cpu, val);
		break;
	case GICC_APR0:
		/* Only for save/restore of the value read; see the doc. */
		c->apr = val;
		break;
	default:
		break;		/* read-only, RAZ/WI, reserved */
	}
}

int ugic_cpuif_mmio(struct mmio_region *region, struct mmio_access *acc)
{
	struct ugic *gic = region ? region->opaque : NULL;
	bool changed;
	int ret;

	if (!acc)
		return -EINVAL;
	if (!gic) {
		ret = -EINVAL;
		goto raz;
	}
	ret = ugic_check_access(gic, acc, UGIC_CPU_REGION_SIZE, false);
	if (ret)
		goto raz;

	pthread_mutex_lock(&gic->lock);
	if (!gic->initialized) {
		pthread_mutex_unlock(&gic->lock);
		ret = -ENODEV;
		goto raz;
	}
	/* Reads change state too: IAR acknowledges. */
	if (acc->is_write)
		ugic_cpuif_write(gic, acc->cpu, acc->offset, acc->data);
	else
		acc->data = ugic_cpuif_read(gic, acc->cpu, acc->offset);
	changed = ugic_update_lines(gic);
	pthread_mutex_unlock(&gic->lock);
	if (changed)
		ugic_flush_lines(gic);
	return 0;

raz:
	if (!acc->is_write)
		acc->data = 0;
	return ret;
}

void ugic_cpuif_region(struct ugic *gic, struct mmio_region *region)
{
	region->name = "gicv2-cpu";
	region->base = ugic_get_addr(gic, UGIC_ADDR_CPU);
	region->size = UGIC_CPU_REGION_SIZE;
	region->handler = ugic_cpuif_mmio;
	region->opaque = gic;
}
