/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_SYSREG_H
#define GUEST_SYSREG_H

#include "types.h"

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

/* Registers are named by encoding so that any binutils accepts them. */
#define read_sysreg(r) ({						\
	u64 __v;							\
	asm volatile("mrs %0, " __stringify(r) : "=r"(__v) :: "memory"); \
	__v;								\
})

#define write_sysreg(v, r) do {						\
	u64 __v = (u64)(v);						\
	asm volatile("msr " __stringify(r) ", %x0" :: "rZ"(__v) : "memory"); \
} while (0)

/* GICv3 CPU interface (EL1) */
#define ICC_PMR_EL1		S3_0_C4_C6_0
#define ICC_IAR1_EL1		S3_0_C12_C12_0
#define ICC_EOIR1_EL1		S3_0_C12_C12_1
#define ICC_HPPIR1_EL1		S3_0_C12_C12_2
#define ICC_BPR1_EL1		S3_0_C12_C12_3
#define ICC_CTLR_EL1		S3_0_C12_C12_4
#define ICC_SRE_EL1		S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1		S3_0_C12_C12_7
#define ICC_DIR_EL1		S3_0_C12_C11_1
#define ICC_RPR_EL1		S3_0_C12_C11_3
#define ICC_AP1R0_EL1		S3_0_C12_C9_0
#define ICC_SGI1R_EL1		S3_0_C12_C11_5

/* Generic timer, virtual view */
#define CNTFRQ_EL0		cntfrq_el0
#define CNTVCT_EL0		cntvct_el0
#define CNTV_CTL_EL0		cntv_ctl_el0
#define CNTV_CVAL_EL0		cntv_cval_el0
#define CNTV_TVAL_EL0		cntv_tval_el0

#define CNTV_CTL_ENABLE		BIT(0)
#define CNTV_CTL_IMASK		BIT(1)
#define CNTV_CTL_ISTATUS	BIT(2)

#define MPIDR_AFF_MASK		0xff00ffffffUL

static inline u64 mpidr_affinity(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}

static inline unsigned int current_el(void)
{
	return (read_sysreg(CurrentEL) >> 2) & 3;
}

static inline void local_irq_enable(void)
{
	asm volatile("msr daifclr, #2" ::: "memory");
}

static inline void local_irq_disable(void)
{
	asm volatile("msr daifset, #2" ::: "memory");
}

static inline bool local_irq_enabled(void)
{
	return !(read_sysreg(daif) & BIT(7));
}


/*
 * Logical CPU numbers: 0 is the boot CPU, the others follow the DT's
 * cpu node order. TPIDR_EL1 holds the caller's own number.
 */
static inline int smp_processor_id(void)
{
	return read_sysreg(tpidr_el1);
}

#endif
