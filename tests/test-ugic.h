/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_TEST_UGIC_H
#define LKVM_TESTS_TEST_UGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gic/ugic.h"

/*
 * Register offsets and identification values, written out here from
 * the architecture and the design document rather than taken from the
 * model, so that the tests check the model against them.
 */
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
#define GICD_SGIR		0xf00
#define GICD_CPENDSGIR		0xf10
#define GICD_SPENDSGIR		0xf20
#define GICD_PIDR2		0xfe8

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
#define GICC_NSAPR0		0xe0
#define GICC_IIDR		0xfc
#define GICC_DIR		0x1000

#define EXPECT_GICD_IIDR	0x4c00043bU
#define EXPECT_GICC_IIDR	0x04c2043bU

#define SGIR(filter, list, id)	(((filter) << 24) | ((list) << 16) | (id))

/* ---- assertions ---- */

void t_check(bool ok, const char *expr, const char *file, int line);
void t_check_eq(uint64_t got, uint64_t want, const char *expr,
		const char *file, int line);
int t_report(void);

#define CHECK(e)	t_check(!!(e), #e, __FILE__, __LINE__)
#define CHECK_EQ(got, want) \
	t_check_eq((uint64_t)(got), (uint64_t)(want), \
		   #got " == " #want, __FILE__, __LINE__)

/* ---- a GIC under test and its observed output lines ---- */

struct tgic {
	struct ugic *gic;
	struct mmio_region dist;
	struct mmio_region cpu;
	bool line[UGIC_MAX_CPUS];
	unsigned int calls[UGIC_MAX_CPUS];
	bool bad_order;		/* a level was reported twice in a row */
};

void tg_setup(struct tgic *t, unsigned int nr_cpus, uint32_t nr_irqs);
void tg_teardown(struct tgic *t);
void tg_line_cb(void *opaque, int cpu, bool level);

int tg_access(struct mmio_region *r, int cpu, uint64_t off, uint32_t len,
	      bool write, uint64_t *data);
/*
 * Well-formed accesses: a non-zero return from the handler is itself
 * reported as a failure at the caller's line.
 */
uint64_t tg_rw(struct mmio_region *r, int cpu, uint32_t off, uint32_t len,
	       bool write, uint64_t val, const char *file, int line);

#define dread(t_, c_, o_) \
	((uint32_t)tg_rw(&(t_)->dist, c_, o_, 4, false, 0, __FILE__, __LINE__))
#define dwrite(t_, c_, o_, v_) \
	tg_rw(&(t_)->dist, c_, o_, 4, true, v_, __FILE__, __LINE__)
#define dread8(t_, c_, o_) \
	((uint8_t)tg_rw(&(t_)->dist, c_, o_, 1, false, 0, __FILE__, __LINE__))
#define dwrite8(t_, c_, o_, v_) \
	tg_rw(&(t_)->dist, c_, o_, 1, true, v_, __FILE__, __LINE__)
#define cread(t_, c_, o_) \
	((uint32_t)tg_rw(&(t_)->cpu, c_, o_, 4, false, 0, __FILE__, __LINE__))
#define cwrite(t_, c_, o_, v_) \
	tg_rw(&(t_)->cpu, c_, o_, 4, true, v_, __FILE__, __LINE__)

/* Distributor and every CPU interface on, PMR wide open. */
void tg_enable(struct tgic *t);
/* Priority, then enable. */
void tg_irq(struct tgic *t, int cpu, uint32_t intid, uint8_t prio);
void tg_pend(struct tgic *t, int cpu, uint32_t intid);
bool tg_is_pending(struct tgic *t, int cpu, uint32_t intid);
bool tg_is_active(struct tgic *t, int cpu, uint32_t intid);

/* ---- suites ---- */

void test_lifecycle(void);
void test_dist(void);
void test_dist_access(void);
void test_cpuif(void);
void test_cpuif_prio(void);
void test_irq(void);
void test_sgi(void);
void test_snap(void);

#endif
