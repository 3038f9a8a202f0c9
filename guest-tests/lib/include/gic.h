/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include "types.h"

/*
 * One interface over GICv2 (MMIO CPU interface) and GICv3 (system
 * register CPU interface), picked from the DT at boot. CPU arguments
 * are logical CPU numbers (smp.h). Calls on SGIs and PPIs act on the
 * calling CPU's banked copy.
 */
#define GIC_NR_SGIS		16
#define GIC_FIRST_SPI		32
#define GIC_SPURIOUS		1023

enum gic_sgi_target {
	SGI_TARGET_CPU,		/* the one CPU given */
	SGI_TARGET_OTHERS,	/* all but self */
	SGI_TARGET_SELF,
};

struct gic_ops {
	const char *name;
	int version;
	int (*init)(int node);
	int (*cpu_init)(int cpu);
	void (*irq_enable)(u32 intid, bool on);
	void (*set_priority)(u32 intid, u8 prio);
	void (*set_target)(u32 intid, int cpu);
	void (*set_edge)(u32 intid, bool edge);
	void (*send_sgi)(u32 sgi, enum gic_sgi_target tgt, int cpu);
	u32 (*ack)(void);
	void (*eoi)(u32 iar);
	void (*deactivate)(u32 iar);
	void (*set_pmr)(u8 pmr);
	u8 (*get_pmr)(void);
	u8 (*get_rpr)(void);
	u32 (*get_apr)(void);
	u32 (*hppir)(void);
	void (*set_eoi_split)(bool split);
	bool (*get_eoi_split)(void);
	bool (*is_pending)(u32 intid);
	bool (*is_active)(u32 intid);
	void (*set_pending)(u32 intid, bool pend);
	void (*set_active)(u32 intid, bool act);
	int (*iar_source)(u32 iar);
	u32 iar_intid_mask;
	u32 (*nr_lines)(void);
};

int gic_init(void);
int gic_cpu_init(int cpu);
int gic_version(void);
const char *gic_name(void);
int gic_node(void);
u64 gic_dist_base(void);
u32 gic_nr_lines(void);
u32 gic_iidr(void);

/*
 * KVM's in-kernel vGIC: GICD_IIDR with implementer ARM (0x43b) and
 * product ID 'K' (0x4b). Tests use it to tell known deviations of
 * that implementation from failures.
 */
#define GICD_IIDR_IMPL(i)	((i) & 0xfff)
#define GICD_IIDR_PRODUCT(i)	((i) >> 24)
#define GIC_IMPL_ARM		0x43b
#define GIC_PRODUCT_KVM		0x4b
bool gic_is_kvm(void);

void gic_irq_enable(u32 intid);
void gic_irq_disable(u32 intid);
void gic_irq_set_priority(u32 intid, u8 prio);
void gic_irq_set_target(u32 intid, int cpu);
void gic_irq_set_edge(u32 intid, bool edge);
bool gic_irq_is_pending(u32 intid);
bool gic_irq_is_active(u32 intid);
void gic_irq_set_pending(u32 intid, bool pend);
void gic_irq_set_active(u32 intid, bool act);
/* Polls the pending state until it is @want, for at most @us. */
bool gic_wait_pending(u32 intid, bool want, u64 us);

void gic_send_sgi(u32 sgi, int cpu);
void gic_send_sgi_others(u32 sgi);
void gic_send_sgi_self(u32 sgi);

/* Acknowledge: returns the raw IAR value; see gic_iar_intid(). */
u32 gic_ack(void);
/* Priority drop, and deactivation unless split EOI mode is on. */
void gic_eoi(u32 iar);
/* Deactivation, for split EOI mode (EOImode = 1). */
void gic_deactivate(u32 iar);
void gic_set_eoi_split(bool split);
/* GICC_CTLR.EOImode / ICC_CTLR_EL1.EOImode as read back. */
bool gic_get_eoi_split(void);
void gic_set_pmr(u8 pmr);
u8 gic_get_pmr(void);
/* Running priority (GICC_RPR / ICC_RPR_EL1): 0xff when idle. */
u8 gic_get_rpr(void);
/*
 * The first active priorities register (GICC_APR0 / ICC_AP1R0_EL1):
 * one bit per preempting priority level in the GIC's own layout.
 */
u32 gic_get_apr(void);
/* Highest priority pending INTID (GICC_HPPIR / ICC_HPPIR1_EL1). */
u32 gic_hppir(void);

/* The INTID in @iar: bits [9:0] on GICv2 (CPUID above), [23:0] on v3. */
u32 gic_iar_intid(u32 iar);

/*
 * The logical CPU that sent the SGI in @iar (GICv2 IAR[12:10]), or -1
 * where the IAR carries no source: always on GICv3.
 */
int gic_iar_source(u32 iar);

/* Drivers */
extern const struct gic_ops gicv2_ops;
extern const struct gic_ops gicv3_ops;

#endif
