/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

/*
 * Shared by C and assembly. Stacks live in .bss, one per logical CPU;
 * the boot CPU is always logical CPU 0.
 */
#define NR_CPUS			64
#define STACK_SIZE		8192

/*
 * Image header (Documentation/arch/arm64/booting.rst). The loader puts
 * the image TEXT_OFFSET bytes above a 2 MiB aligned base; 0x80000 is
 * the historical Linux value, honoured by kvmtool, lkvm and QEMU alike.
 * flags: bit 0 = 0 little endian, bits 2:1 = 1 4K pages, bit 3 = 1 the
 * image may sit anywhere in RAM (the runtime relocates itself).
 */
#define IMAGE_TEXT_OFFSET	0x80000
#define IMAGE_FLAGS		((1 << 1) | (1 << 3))

/* SCTLR_EL1 with the MMU and caches off; only the bits RES1 in v8.0. */
#define SCTLR_EL1_RES1		0x30d00800
#define SCTLR_EL1_M		(1 << 0)
#define SCTLR_EL1_C		(1 << 2)
#define SCTLR_EL1_SA		(1 << 3)
#define SCTLR_EL1_I		(1 << 12)

/* MAIR_EL1 attribute indexes used by the identity map */
#define MT_DEVICE_nGnRnE	0
#define MT_NORMAL		1
#define MAIR_EL1_VALUE		0x000000000000ff00

/*
 * TCR_EL1: 39-bit VA through TTBR0 only (T0SZ = 25, walk starts at
 * level 1), 4K granule, inner-shareable write-back table walks, TTBR1
 * walks disabled. IPS is filled in from ID_AA64MMFR0_EL1 at run time.
 */
#define TCR_T0SZ		25
#define TCR_EL1_VALUE		(TCR_T0SZ | (1 << 8) | (1 << 10) | \
				 (3 << 12) | (1 << 23))

#define R_AARCH64_RELATIVE	1027

#endif
