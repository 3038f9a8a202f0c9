/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_GIC_V3_H
#define GUEST_GIC_V3_H

#include "gic-dist.h"
#include "types.h"

/* GICv3/v4 architecture specification (IHI 0069), chapter 12 */
#define GICD_IGRPMODR		0x0d00
#define GICD_IROUTER		0x6000
#define GICD_PIDR2		0xffe8

#define GICD_CTLR_RWP		(1U << 31)
#define GICD_CTLR_DS		(1 << 6)
#define GICD_CTLR_ARE		(1 << 4)
#define GICD_CTLR_GRP1A		(1 << 1)
#define GICD_CTLR_GRP1		(1 << 0)
#define GICD_TYPER_IDBITS(t)	((((t) >> 19) & 0x1f) + 1)

/* Redistributor: RD_base frame, then SGI_base frame 64K above */
#define GICR_CTLR		0x0000
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_PIDR2		0xffe8
#define GICR_SGI_BASE		SZ_64K
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180
#define GICR_ISPENDR0		0x0200
#define GICR_ICPENDR0		0x0280
#define GICR_ISACTIVER0		0x0300
#define GICR_ICACTIVER0		0x0380
#define GICR_IPRIORITYR0	0x0400
#define GICR_ICFGR0		0x0c00
#define GICR_ICFGR1		0x0c04

#define GICR_CTLR_RWP		(1 << 3)
#define GICR_TYPER_VLPIS	(1 << 1)
#define GICR_TYPER_LAST		(1 << 4)
#define GICR_TYPER_PROCNUM(t)	(((t) >> 8) & 0xffff)
#define GICR_TYPER_AFF(t)	((t) >> 32)
#define GICR_WAKER_PSLEEP	(1 << 1)
#define GICR_WAKER_CASLEEP	(1 << 2)

#define GIC_PIDR2_ARCH(p)	(((p) >> 4) & 0xf)

#define ICC_SRE_SRE		(1 << 0)
#define ICC_SRE_DFB		(1 << 1)
#define ICC_SRE_DIB		(1 << 2)
#define ICC_CTLR_EOIMODE	(1 << 1)
#define ICC_CTLR_PRIBITS(c)	((((c) >> 8) & 0x7) + 1)
#define ICC_CTLR_RSS		(1 << 18)
#define ICC_SGI1R_IRM		(1UL << 40)

/* Per-CPU redistributor base, for tests that inspect it directly. */
u64 gicv3_rdist_base(int cpu);
/* Redistributors found in the DT regions, and the i-th one's base. */
int gicv3_rdist_count(void);
u64 gicv3_rdist_frame(int i);

#endif
