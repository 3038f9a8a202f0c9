/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_GIC_V2_H
#define GUEST_GIC_V2_H

#include "gic-dist.h"

/* GICv2 architecture specification (IHI 0048B), chapter 4 */
#define GICD_ITARGETSR		0x800
#define GICD_SGIR		0xf00
#define GICD_CPENDSGIR		0xf10
#define GICD_SPENDSGIR		0xf20
#define GICD_ICPIDR2		0xfe8

#define GICD_CTLR_ENABLE	0x1
#define GICD_TYPER_CPUS(t)	((((t) >> 5) & 0x7) + 1)
#define GICD_TYPER_SECEXT	(1 << 10)

#define GICD_SGIR_LIST		(0 << 24)
#define GICD_SGIR_OTHERS	(1 << 24)
#define GICD_SGIR_SELF		(2 << 24)
#define GICD_SGIR_TARGETS(m)	(((m) & 0xff) << 16)

#define GICC_CTLR		0x0000
#define GICC_PMR		0x0004
#define GICC_BPR		0x0008
#define GICC_IAR		0x000c
#define GICC_EOIR		0x0010
#define GICC_RPR		0x0014
#define GICC_HPPIR		0x0018
#define GICC_APR0		0x00d0
#define GICC_IIDR		0x00fc
#define GICC_DIR		0x1000

#define GICC_CTLR_ENABLE	(1 << 0)
#define GICC_CTLR_EOIMODE	(1 << 9)
#define GICC_IAR_CPUID(iar)	(((iar) >> 10) & 0x7)

#endif
