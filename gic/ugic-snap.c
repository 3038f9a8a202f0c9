// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace GICv2 model's state to and from the architectural
 * record (gic/gicv2-state.h), for snapshots (docs/snapshot.md). The
 * model keeps a level-sensitive interrupt's line and its latch apart
 * (an ISPENDR write); the record has the pending state and the line,
 * so the latch is what is pending beyond the line. What the model does
 * not implement (a second group's enable, AckCtl, FIQEn, CBPR in
 * GICC_CTLR; GICC_APR1-3, beyond its five priority bits) reads as 0
 * and is dropped on the way in, as a guest's write to it would be.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "gic/gicv2-state.h"
#include "gic/ugic-internal.h"
#include "gic/ugic-snap.h"

static void ugic_bank_save(const struct ugic *gic, int cpu, const struct ugic_bank *b,
			   uint32_t *enabled, uint32_t *pending, uint32_t *active,
			   uint32_t *group, uint32_t *level, uint32_t *edge, uint8_t *prio)
{
	*enabled = b->enabled;
	*pending = ugic_bank_pending(gic, cpu, b);
	*active = b->active;
	*group = b->group;
	*level = b->line;
	*edge = b->edge;
	memcpy(prio, b->prio, sizeof(b->prio));
}

static void ugic_cpu_save(const struct ugic *gic, int cpu, struct gicv2_cpu_state *c)
{
	const struct ugic_cpu *u = &gic->cpu[cpu];

	ugic_bank_save(gic, cpu, &u->priv, &c->enabled, &c->pending, &c->active,
		       &c->group, &c->level, &c->edge, c->prio);
	memcpy(c->sgi_src, u->sgi_src, sizeof(c->sgi_src));
	c->ctlr = u->ctlr;
	c->pmr = u->pmr;
	c->bpr = u->bpr;
	c->abpr = u->abpr;
	c->apr[0] = u->apr;
}

int ugic_snap_save(struct ugic *gic, struct gicv2_state *st)
{
	unsigned int w, i;

	if (!gic)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&gic->lock);
	if (!gic->initialized) {
		pthread_mutex_unlock(&gic->lock);
		return -EBUSY;
	}
	st->nr_cpus = gic->nr_cpus;
	st->nr_irqs = ugic_nr_irqs(gic);
	st->ctlr = gic->dist_enabled;
	for (w = 1; w < st->nr_irqs / 32; w++) {
		const struct ugic_bank *b = &gic->spi[w - 1];

		ugic_bank_save(gic, 0, b, &st->enabled[w], &st->pending[w],
			       &st->active[w], &st->group[w], &st->level[w],
			       &st->edge[w], &st->prio[w * 32]);
		memcpy(&st->targets[w * 32], b->targets, sizeof(b->targets));
	}
	for (i = 0; i < gic->nr_cpus; i++)
		ugic_cpu_save(gic, i, &st->cpu[i]);
	pthread_mutex_unlock(&gic->lock);
	return 0;
}

/* A level interrupt pending while its line is high needs no latch. */
static void ugic_bank_load(struct ugic_bank *b, uint32_t enabled, uint32_t pending,
			   uint32_t active, uint32_t group, uint32_t level,
			   uint32_t edge, const uint8_t *prio, uint8_t mask)
{
	unsigned int i;

	b->enabled = enabled;
	b->edge = edge;
	b->line = level;
	b->latch = pending & ~(level & ~edge);
	b->active = active;
	b->group = group;
	for (i = 0; i < 32; i++)
		b->prio[i] = prio[i] & mask;
}

static uint32_t ugic_bp_clamp(uint32_t val, uint32_t min)
{
	val &= 7;
	return val < min ? min : val;
}

static void ugic_cpu_load(struct ugic *gic, int cpu, const struct gicv2_cpu_state *c)
{
	struct ugic_cpu *u = &gic->cpu[cpu];
	unsigned int i;

	/* SGIs are edges, always; their pending state is their sources. */
	ugic_bank_load(&u->priv, c->enabled, c->pending & ~0xffffu, c->active,
		       c->group, c->level & ~0xffffu, c->edge | 0xffffu, c->prio,
		       UGIC_PRIO_MASK);
	for (i = 0; i < UGIC_NR_SGIS; i++)
		u->sgi_src[i] = c->sgi_src[i] & ugic_cpu_mask(gic);
	u->ctlr = c->ctlr & (UGIC_GICC_CTLR_ENABLE | UGIC_GICC_CTLR_EOIMODE);
	u->pmr = c->pmr & UGIC_PRIO_MASK;
	u->bpr = ugic_bp_clamp(c->bpr, UGIC_MIN_BPR);
	u->abpr = ugic_bp_clamp(c->abpr, UGIC_MIN_ABPR);
	u->apr = c->apr[0];
}

static void ugic_load(struct ugic *gic, const struct gicv2_state *st)
{
	unsigned int w, i;

	gic->dist_enabled = st->ctlr & 1;
	for (w = 1; w < st->nr_irqs / 32; w++) {
		struct ugic_bank *b = &gic->spi[w - 1];

		ugic_bank_load(b, st->enabled[w], st->pending[w], st->active[w],
			       st->group[w], st->level[w], st->edge[w],
			       &st->prio[w * 32], UGIC_PRIO_MASK);
		for (i = 0; i < 32; i++)
			b->targets[i] = st->targets[w * 32 + i] & ugic_cpu_mask(gic);
	}
	for (i = 0; i < gic->nr_cpus; i++)
		ugic_cpu_load(gic, i, &st->cpu[i]);
}

int ugic_snap_restore(struct ugic *gic, const struct gicv2_state *st)
{
	bool changed;

	if (!gic)
		return -EINVAL;
	pthread_mutex_lock(&gic->lock);
	if (!gic->initialized || st->nr_cpus != gic->nr_cpus ||
	    st->nr_irqs != ugic_nr_irqs(gic)) {
		pthread_mutex_unlock(&gic->lock);
		return -EINVAL;
	}
	ugic_load(gic, st);
	changed = ugic_update_lines(gic);
	pthread_mutex_unlock(&gic->lock);
	if (changed)
		ugic_flush_lines(gic);
	return 0;
}
