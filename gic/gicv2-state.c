// SPDX-License-Identifier: GPL-2.0
/*
 * The GICv2 architectural record's encoding (docs/snapshot.md, "The
 * GICv2's record"): a head of u32s, then per block of 32 SPIs its
 * words and bytes, then per CPU its banked interrupts and its CPU
 * interface. Every count is checked before it is used and the record
 * must fill its section exactly.
 */
#include <errno.h>
#include <string.h>

#include "gic/gicv2-state.h"
#include "lib/snapshot.h"

#define GICV2_HEAD_WORDS	8

static void gicv2_put_words(struct snapshot *s, const uint32_t *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		snapshot_put_u32(s, w[i]);
}

static void gicv2_get_words(struct snapshot *s, uint32_t *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		w[i] = snapshot_get_u32(s);
}

static void gicv2_encode_cpu(const struct gicv2_cpu_state *c, struct snapshot *s)
{
	const uint32_t w[] = {
		c->enabled, c->pending, c->active, c->group, c->level, c->edge,
		c->ctlr, c->pmr, c->bpr, c->abpr,
		c->apr[0], c->apr[1], c->apr[2], c->apr[3],
	};

	gicv2_put_words(s, w, sizeof(w) / sizeof(w[0]));
	snapshot_put(s, c->prio, sizeof(c->prio));
	snapshot_put(s, c->sgi_src, sizeof(c->sgi_src));
}

static void gicv2_decode_cpu(struct gicv2_cpu_state *c, struct snapshot *s)
{
	uint32_t w[14];

	gicv2_get_words(s, w, 14);
	c->enabled = w[0];
	c->pending = w[1];
	c->active = w[2];
	c->group = w[3];
	c->level = w[4];
	c->edge = w[5];
	c->ctlr = w[6];
	c->pmr = w[7];
	c->bpr = w[8];
	c->abpr = w[9];
	memcpy(c->apr, &w[10], sizeof(c->apr));
	snapshot_get(s, c->prio, sizeof(c->prio));
	snapshot_get(s, c->sgi_src, sizeof(c->sgi_src));
}

void gicv2_state_encode(const struct gicv2_state *st, struct snapshot *s)
{
	const uint32_t head[GICV2_HEAD_WORDS] = {
		GICV2_STATE_MAGIC, GICV2_STATE_VERSION, st->nr_cpus, st->nr_irqs,
		st->flags, st->v2m_first, st->v2m_nr, st->ctlr,
	};
	unsigned int w, i;

	gicv2_put_words(s, head, GICV2_HEAD_WORDS);
	for (w = 1; w < st->nr_irqs / 32; w++) {
		const uint32_t bits[] = {
			st->enabled[w], st->pending[w], st->active[w],
			st->group[w], st->level[w], st->edge[w],
		};

		gicv2_put_words(s, bits, 6);
		snapshot_put(s, &st->prio[w * 32], 32);
		snapshot_put(s, &st->targets[w * 32], 32);
	}
	for (i = 0; i < st->nr_cpus; i++)
		gicv2_encode_cpu(&st->cpu[i], s);
}

static int gicv2_check_head(const struct gicv2_state *st, uint32_t magic,
			    uint32_t version)
{
	if (magic != GICV2_STATE_MAGIC || version != GICV2_STATE_VERSION)
		return -EINVAL;
	if (!st->nr_cpus || st->nr_cpus > GICV2_STATE_MAX_CPUS)
		return -EINVAL;
	if (st->nr_irqs < 64 || st->nr_irqs > GICV2_STATE_MAX_IRQS ||
	    st->nr_irqs % 32)
		return -EINVAL;
	if (st->flags & ~GICV2_STATE_F_V2M)
		return -EINVAL;
	if ((st->flags & GICV2_STATE_F_V2M) &&
	    (st->v2m_first < 32 || !st->v2m_nr ||
	     st->v2m_nr > st->nr_irqs - st->v2m_first))
		return -EINVAL;
	return 0;
}

int gicv2_state_decode(struct gicv2_state *st, struct snapshot *s)
{
	uint32_t head[GICV2_HEAD_WORDS];
	unsigned int w, i;
	int ret;

	memset(st, 0, sizeof(*st));
	gicv2_get_words(s, head, GICV2_HEAD_WORDS);
	if (snapshot_error(s))
		return -EINVAL;
	st->nr_cpus = head[2];
	st->nr_irqs = head[3];
	st->flags = head[4];
	st->v2m_first = head[5];
	st->v2m_nr = head[6];
	st->ctlr = head[7];
	ret = gicv2_check_head(st, head[0], head[1]);
	if (ret)
		return ret;
	for (w = 1; w < st->nr_irqs / 32; w++) {
		uint32_t bits[6];

		gicv2_get_words(s, bits, 6);
		st->enabled[w] = bits[0];
		st->pending[w] = bits[1];
		st->active[w] = bits[2];
		st->group[w] = bits[3];
		st->level[w] = bits[4];
		st->edge[w] = bits[5];
		snapshot_get(s, &st->prio[w * 32], 32);
		snapshot_get(s, &st->targets[w * 32], 32);
	}
	for (i = 0; i < st->nr_cpus; i++)
		gicv2_decode_cpu(&st->cpu[i], s);
	if (snapshot_error(s) || snapshot_left(s))
		return -EINVAL;
	return 0;
}
