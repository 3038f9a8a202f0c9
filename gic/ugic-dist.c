/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace GICv2: distributor registers (GIC architecture v2, 4.3).
 *
 * Only the first 4 KiB of the 64 KiB region hold registers; the rest,
 * and every reserved or unimplemented offset, reads as zero and
 * ignores writes.
 */
#include <errno.h>

#include "gic/ugic-internal.h"

#define GICD_CTLR		0x000
#define GICD_TYPER		0x004
#define GICD_IIDR		0x008
#define GICD_IGROUPR		0x080
#define GICD_ISENABLER		0x100
#define GICD_ICENABLER		0x180
#define GICD_ISPENDR		0x200
#define GICD_ICPENDR		0x280
#define GICD_ISACTIVER		0x300
#define GICD_ICACTIVER		0x380
#define GICD_IPRIORITYR		0x400
#define GICD_ITARGETSR		0x800
#define GICD_ICFGR		0xc00
#define GICD_ICFGR_END		0xd00
#define GICD_SGIR		0xf00
#define GICD_CPENDSGIR		0xf10
#define GICD_SPENDSGIR		0xf20
#define GICD_SGI_END		0xf30
#define GICD_PIDR2		0xfe8

#define GICD_CTLR_ENABLE	(1U << 0)
#define GICD_SGIR_FILTER(v)	(((v) >> 24) & 3)
#define GICD_SGIR_TARGETS(v)	(((v) >> 16) & 0xff)
#define GICD_SGIR_ID(v)		((v) & 0xf)

enum ugic_sgir_filter {
	UGIC_SGI_TO_LIST,
	UGIC_SGI_TO_OTHERS,
	UGIC_SGI_TO_SELF,
};

/* The architecture allows byte access to these registers only. */
static bool ugic_dist_byte_ok(uint64_t offset)
{
	return (offset >= GICD_IPRIORITYR && offset < GICD_ICFGR) ||
	       (offset >= GICD_CPENDSGIR && offset < GICD_SGI_END);
}

/* ---- IGROUPR .. ICACTIVER: one bit per interrupt ---- */

/* NULL for words past the configured interrupts: RAZ/WI. */
static struct ugic_bank *ugic_word_bank(struct ugic *gic, int cpu,
					uint32_t offset)
{
	uint32_t intid = (offset & 0x7f) * 8;

	return ugic_bank_of(gic, cpu, intid);
}

static uint32_t ugic_bits_read(struct ugic *gic, int cpu, uint32_t offset)
{
	struct ugic_bank *bank = ugic_word_bank(gic, cpu, offset);

	if (!bank)
		return 0;
	switch (offset & ~0x7fU) {
	case GICD_IGROUPR:
		return bank->group;
	case GICD_ISENABLER:
	case GICD_ICENABLER:
		return bank->enabled;
	case GICD_ISPENDR:
	case GICD_ICPENDR:
		return ugic_bank_pending(gic, cpu, bank);
	default:
		return bank->active;
	}
}

static void ugic_bits_write(struct ugic *gic, int cpu, uint32_t offset,
			    uint32_t val)
{
	struct ugic_bank *bank = ugic_word_bank(gic, cpu, offset);
	/* SGI pending bits are WI here: SPENDSGIR/CPENDSGIR own them. */
	uint32_t pend = (bank == &gic->cpu[cpu].priv) ? val & ~0xffffU : val;

	if (!bank)
		return;
	switch (offset & ~0x7fU) {
	case GICD_IGROUPR:
		bank->group = val;
		break;
	case GICD_ISENABLER:
		bank->enabled |= val;
		break;
	case GICD_ICENABLER:
		bank->enabled &= ~val;
		break;
	case GICD_ISPENDR:
		bank->latch |= pend;
		break;
	case GICD_ICPENDR:
		/* A level line still high keeps the interrupt pending. */
		bank->latch &= ~pend;
		break;
	case GICD_ISACTIVER:
		bank->active |= val;
		break;
	default:
		bank->active &= ~val;
		break;
	}
}

/* ---- IPRIORITYR, ITARGETSR: one byte per interrupt ---- */

static uint8_t ugic_byte_read(struct ugic *gic, int cpu, uint32_t offset)
{
	bool prio = offset < GICD_ITARGETSR;
	uint32_t intid = offset - (prio ? GICD_IPRIORITYR : GICD_ITARGETSR);
	struct ugic_bank *bank = ugic_bank_of(gic, cpu, intid);

	if (!bank)
		return 0;
	if (prio)
		return bank->prio[intid % 32];
	/*
	 * GICv2 spec: in a uniprocessor implementation every interrupt
	 * targets the one CPU and ITARGETSR is RAZ/WI (delivery still
	 * uses the init-time target, CPU 0).
	 */
	if (gic->nr_cpus == 1)
		return 0;
	/* Banked targets read as the accessing CPU's own bit. */
	if (intid < UGIC_NR_PRIVATE_IRQS)
		return 1U << cpu;
	return bank->targets[intid % 32];
}

static void ugic_byte_write(struct ugic *gic, int cpu, uint32_t offset,
			    uint8_t val)
{
	bool prio = offset < GICD_ITARGETSR;
	uint32_t intid = offset - (prio ? GICD_IPRIORITYR : GICD_ITARGETSR);
	struct ugic_bank *bank = ugic_bank_of(gic, cpu, intid);

	if (!bank)
		return;
	if (prio)
		bank->prio[intid % 32] = val & UGIC_PRIO_MASK;
	else if (intid >= UGIC_NR_PRIVATE_IRQS && gic->nr_cpus > 1)
		bank->targets[intid % 32] = val & ugic_cpu_mask(gic);
}

/* ---- ICFGR: two bits per interrupt, bit 1 set for edge ---- */

static uint32_t ugic_cfg_read(struct ugic *gic, int cpu, uint32_t offset)
{
	uint32_t first = (offset - GICD_ICFGR) * 4, val = 0, edge, i;
	struct ugic_bank *bank = ugic_bank_of(gic, cpu, first);

	if (!bank)
		return 0;
	edge = bank->edge >> (first % 32);
	for (i = 0; i < 16; i++)
		if (edge & (1U << i))
			val |= 2U << (2 * i);
	return val;
}

static void ugic_cfg_write(struct ugic *gic, int cpu, uint32_t offset,
			   uint32_t val)
{
	uint32_t first = (offset - GICD_ICFGR) * 4, i, bit;
	struct ugic_bank *bank = ugic_bank_of(gic, cpu, first);

	/* SGIs are always edge-triggered. */
	if (!bank || first < UGIC_NR_SGIS)
		return;
	for (i = 0; i < 16; i++) {
		bit = 1U << (first % 32 + i);
		if (val & (2U << (2 * i)))
			bank->edge |= bit;
		else
			bank->edge &= ~bit;
	}
}

/* ---- SGIs ---- */

static void ugic_sgir_write(struct ugic *gic, int cpu, uint32_t val)
{
	uint32_t targets, id = GICD_SGIR_ID(val);
	unsigned int t;

	/* NSATT (bit 15) means nothing without the Security Extensions. */
	switch (GICD_SGIR_FILTER(val)) {
	case UGIC_SGI_TO_LIST:
		targets = GICD_SGIR_TARGETS(val);
		break;
	case UGIC_SGI_TO_OTHERS:
		targets = ~(1U << cpu);
		break;
	case UGIC_SGI_TO_SELF:
		targets = 1U << cpu;
		break;
	default:
		return;		/* reserved filter value */
	}
	targets &= ugic_cpu_mask(gic);
	for (t = 0; t < gic->nr_cpus; t++)
		if (targets & (1U << t))
			gic->cpu[t].sgi_src[id] |= 1U << cpu;
}

/* One byte per SGI of the accessing CPU, one bit per source CPU. */
static uint8_t ugic_sgipend_read(struct ugic *gic, int cpu, uint32_t offset)
{
	return gic->cpu[cpu].sgi_src[(offset - GICD_CPENDSGIR) % UGIC_NR_SGIS];
}

static void ugic_sgipend_write(struct ugic *gic, int cpu, uint32_t offset,
			       uint8_t val)
{
	uint8_t *src = &gic->cpu[cpu].sgi_src[(offset - GICD_CPENDSGIR) %
					       UGIC_NR_SGIS];

	/* Absent CPUs cannot be sources: IAR must never report one. */
	if (offset >= GICD_SPENDSGIR)
		*src |= val & ugic_cpu_mask(gic);
	else
		*src &= ~val;
}

/* ---- dispatch ---- */

static uint32_t ugic_misc_read(struct ugic *gic, uint32_t offset)
{
	switch (offset) {
	case GICD_CTLR:
		return gic->dist_enabled ? GICD_CTLR_ENABLE : 0;
	case GICD_TYPER:
		/* SecurityExtn and LSPI are 0. */
		return ((gic->nr_cpus - 1) << 5) | (ugic_nr_irqs(gic) / 32 - 1);
	case GICD_IIDR:
		return UGIC_GICD_IIDR;
	case GICD_PIDR2:
		return UGIC_GICD_PIDR2;
	default:
		return 0;
	}
}

static uint32_t ugic_dist_read_word(struct ugic *gic, int cpu,
				    uint32_t offset)
{
	if (offset >= GICD_IGROUPR && offset < GICD_IPRIORITYR)
		return ugic_bits_read(gic, cpu, offset);
	if (offset >= GICD_ICFGR && offset < GICD_ICFGR_END)
		return ugic_cfg_read(gic, cpu, offset);
	return ugic_misc_read(gic, offset);
}

static uint64_t ugic_dist_read(struct ugic *gic, int cpu, uint32_t offset,
			       uint32_t len)
{
	uint64_t val = 0;
	uint32_t i;

	if (!ugic_dist_byte_ok(offset))
		return ugic_dist_read_word(gic, cpu, offset);

	for (i = 0; i < len; i++) {
		uint32_t off = offset + i;
		uint8_t b = off < GICD_ICFGR ? ugic_byte_read(gic, cpu, off) :
					       ugic_sgipend_read(gic, cpu, off);

		val |= (uint64_t)b << (8 * i);
	}
	return val;
}

static void ugic_dist_write_word(struct ugic *gic, int cpu, uint32_t offset,
				 uint32_t val)
{
	if (offset >= GICD_IGROUPR && offset < GICD_IPRIORITYR)
		ugic_bits_write(gic, cpu, offset, val);
	else if (offset >= GICD_ICFGR && offset < GICD_ICFGR_END)
		ugic_cfg_write(gic, cpu, offset, val);
	else if (offset == GICD_CTLR)
		gic->dist_enabled = val & GICD_CTLR_ENABLE;
	else if (offset == GICD_SGIR)
		ugic_sgir_write(gic, cpu, val);
}

static void ugic_dist_write(struct ugic *gic, int cpu, uint32_t offset,
			    uint32_t len, uint64_t val)
{
	uint32_t i;

	if (!ugic_dist_byte_ok(offset)) {
		ugic_dist_write_word(gic, cpu, offset, (uint32_t)val);
		return;
	}

	for (i = 0; i < len; i++) {
		uint32_t off = offset + i;
		uint8_t b = val >> (8 * i);

		if (off < GICD_ICFGR)
			ugic_byte_write(gic, cpu, off, b);
		else
			ugic_sgipend_write(gic, cpu, off, b);
	}
}

int ugic_dist_mmio(struct mmio_region *region, struct mmio_access *acc)
{
	struct ugic *gic = region ? region->opaque : NULL;
	bool changed = false;
	int ret;

	if (!acc)
		return -EINVAL;
	if (!gic) {
		ret = -EINVAL;
		goto raz;
	}
	ret = ugic_check_access(gic, acc, UGIC_DIST_REGION_SIZE,
				ugic_dist_byte_ok(acc->offset));
	if (ret)
		goto raz;

	pthread_mutex_lock(&gic->lock);
	if (!gic->initialized) {
		pthread_mutex_unlock(&gic->lock);
		ret = -ENODEV;
		goto raz;
	}
	if (acc->is_write) {
		ugic_dist_write(gic, acc->cpu, acc->offset, acc->len,
				acc->data);
		changed = ugic_update_lines(gic);
	} else {
		acc->data = ugic_dist_read(gic, acc->cpu, acc->offset,
					   acc->len);
	}
	pthread_mutex_unlock(&gic->lock);
	if (changed)
		ugic_flush_lines(gic);
	return 0;

raz:
	if (!acc->is_write)
		acc->data = 0;
	return ret;
}

void ugic_dist_region(struct ugic *gic, struct mmio_region *region)
{
	region->name = "gicv2-dist";
	region->base = ugic_get_addr(gic, UGIC_ADDR_DIST);
	region->size = UGIC_DIST_REGION_SIZE;
	region->handler = ugic_dist_mmio;
	region->opaque = gic;
}
