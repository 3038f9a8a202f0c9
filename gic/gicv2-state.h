/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GIC_GICV2_STATE_H
#define LKVM_GIC_GICV2_STATE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A GICv2's state as the GIC architecture defines it, the same whichever
 * backend made it: the in-kernel vGIC (gic/kvm-gicv2-snap.c) and lkvm's
 * own model (gic/ugic-snap.c) each translate to and from it, so that a
 * snapshot taken on one restores onto the other (docs/snapshot.md).
 * Words hold one bit per interrupt (bit n of word w: INTID 32w + n);
 * word 0 of the distributor's arrays is unused, the banked INTIDs 0-31
 * being per CPU. Pure code: unit tests and the fuzzer drive it.
 */
#define GICV2_STATE_MAGIC	0x32434947u	/* "GIC2" */
#define GICV2_STATE_VERSION	1
#define GICV2_STATE_MAX_CPUS	8
#define GICV2_STATE_MAX_IRQS	1024
#define GICV2_STATE_WORDS	(GICV2_STATE_MAX_IRQS / 32)

/* GICC_CTLR bits lkvm's own model implements (the rest it reads as 0). */
#define GICV2_CTLR_ENABLE_GRP0	(1u << 0)
#define GICV2_CTLR_EOIMODE	(1u << 9)

/* flags */
#define GICV2_STATE_F_V2M	(1u << 0)	/* a GICv2m frame, its SPIs first */

/* INTIDs 0-31 of one CPU (GICD_*R0, the banked words) and its CPU interface. */
struct gicv2_cpu_state {
	uint32_t enabled, pending, active, group, level;
	uint32_t edge;			/* GICD_ICFGR's bit 1 per interrupt */
	uint8_t prio[32];
	uint8_t sgi_src[16];		/* GICD_SPENDSGIR: each SGI's sources */
	uint32_t ctlr, pmr, bpr, abpr;	/* GICC_* */
	uint32_t apr[4];		/* GICC_APR0-3: the active priorities */
};

struct gicv2_state {
	uint32_t nr_cpus;
	uint32_t nr_irqs;		/* 64..1024, a multiple of 32 */
	uint32_t flags;			/* GICV2_STATE_F_* */
	uint32_t v2m_first, v2m_nr;	/* the frame's INTIDs, with F_V2M */
	uint32_t ctlr;			/* GICD_CTLR */
	/* SPIs, words 1.. (nr_irqs / 32 - 1). */
	uint32_t enabled[GICV2_STATE_WORDS], pending[GICV2_STATE_WORDS];
	uint32_t active[GICV2_STATE_WORDS], group[GICV2_STATE_WORDS];
	uint32_t level[GICV2_STATE_WORDS], edge[GICV2_STATE_WORDS];
	uint8_t prio[GICV2_STATE_MAX_IRQS], targets[GICV2_STATE_MAX_IRQS];
	struct gicv2_cpu_state cpu[GICV2_STATE_MAX_CPUS];
};

struct snapshot;

/* The record into s; s's error sticks as usual. */
void gicv2_state_encode(const struct gicv2_state *st, struct snapshot *s);
/*
 * The record from s, whole: 0, or -EINVAL for a bad magic, version,
 * count or length (nothing of st is to be used then).
 */
int gicv2_state_decode(struct gicv2_state *st, struct snapshot *s);

/* PPIs the vCPU's timers and PMU drive: KVM recomputes their levels. */
static inline bool gicv2_ppi_from_kvm(unsigned int intid)
{
	return intid == 23 || intid == 27 || intid == 30;
}

#define GICV2_KVM_PPIS	((1u << 23) | (1u << 27) | (1u << 30))

#endif
