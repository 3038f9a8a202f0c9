/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GIC_UGIC_INTERNAL_H
#define LKVM_GIC_UGIC_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "gic/ugic.h"

/*
 * Five implemented priority bits, as in KVM's GICv2 emulation: the low
 * three bits of IPRIORITYR and PMR are RAZ/WI, which makes 2 the
 * smallest meaningful binary point and gives 32 preemption levels,
 * one bit each in GICC_APR0.
 */
#define UGIC_PRIO_MASK		0xf8
#define UGIC_PRIO_SHIFT		3
#define UGIC_PRIO_IDLE		0xff
#define UGIC_MIN_BPR		2
#define UGIC_MIN_ABPR		(UGIC_MIN_BPR + 1)

#define UGIC_FIRST_RESERVED_ID	1020

/* Identification values (see docs/userspace-gic.md). */
#define UGIC_GICD_IIDR		0x4c00043bU	/* product 'L', ARM */
#define UGIC_GICC_IIDR		0x04c2043bU	/* 'L', arch v2, ARM */
#define UGIC_GICD_PIDR2		0x20U		/* ArchRev 2 */

#define UGIC_GICC_CTLR_ENABLE	(1U << 0)
#define UGIC_GICC_CTLR_EOIMODE	(1U << 9)

/*
 * State of 32 consecutive interrupts: the banked INTIDs 0-31 of one
 * vCPU, or 32 SPIs. One bit per interrupt in each word.
 */
struct ugic_bank {
	uint32_t enabled;
	uint32_t latch;		/* pending from an edge or ISPENDR */
	uint32_t line;		/* input line level */
	uint32_t active;
	uint32_t group;		/* stored only, see the doc */
	uint32_t edge;		/* 1: edge-triggered, 0: level */
	uint8_t prio[32];
	uint8_t targets[32];	/* SPIs only */
};

struct ugic_cpu {
	struct ugic_bank priv;		/* INTIDs 0-31 */
	uint8_t sgi_src[UGIC_NR_SGIS];	/* pending SGIs: source mask */

	/* CPU interface */
	uint32_t ctlr;
	uint32_t pmr;
	uint32_t bpr;
	uint32_t abpr;
	uint32_t apr;		/* one bit per active group priority */
};

struct ugic {
	/* Immutable after ugic_create() */
	unsigned int nr_cpus;
	uint64_t phys_size;	/* 0: the whole 64-bit space */
	ugic_irq_line_fn set_irq_line;
	void *opaque;

	/*
	 * lock protects everything from here to line_want: configuration,
	 * distributor and CPU interfaces.
	 */
	pthread_mutex_t lock;
	uint32_t nr_spis;	/* 0 until set or frozen by init */
	uint64_t dist_base;
	uint64_t cpu_base;
	bool initialized;
	bool ready;
	bool dist_enabled;
	struct ugic_bank *spi;	/* nr_spis / 32 banks once initialized */
	struct ugic_cpu cpu[UGIC_MAX_CPUS];

	/* Output levels: written under lock, read by the flusher. */
	atomic_bool line_want[UGIC_MAX_CPUS];

	/* line_lock serialises set_irq_line calls; protects line_reported. */
	pthread_mutex_t line_lock;
	bool line_reported[UGIC_MAX_CPUS];
};

/* ugic-core.c: state helpers, all called with gic->lock held */
static inline uint32_t ugic_nr_irqs(const struct ugic *gic)
{
	return gic->nr_spis + UGIC_NR_PRIVATE_IRQS;
}

static inline uint32_t ugic_cpu_mask(const struct ugic *gic)
{
	return (1U << gic->nr_cpus) - 1;
}

static inline uint32_t ugic_bit(uint32_t intid)
{
	return 1U << (intid % 32);
}

struct ugic_bank *ugic_bank_of(struct ugic *gic, int cpu, uint32_t intid);
uint32_t ugic_bank_pending(const struct ugic *gic, int cpu,
			   const struct ugic_bank *bank);
uint32_t ugic_highest_pending(struct ugic *gic, int cpu, uint8_t *prio);
bool ugic_cpu_forwards(const struct ugic *gic, int cpu);
bool ugic_can_signal(const struct ugic *gic, int cpu, uint8_t prio);
uint8_t ugic_group_prio(uint32_t bpr, uint8_t prio);
uint32_t ugic_running_prio(const struct ugic_cpu *cpu);
bool ugic_update_lines(struct ugic *gic);
void ugic_flush_lines(struct ugic *gic);
int ugic_check_access(const struct ugic *gic, const struct mmio_access *acc,
		      uint64_t region_size, bool byte_ok);

#endif
