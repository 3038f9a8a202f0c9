/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BENCH_GUEST_H
#define BENCH_GUEST_H

/*
 * Shared by the benchmark guests: runtime-free Images entered at EL1
 * with the MMU off (every data access is Device memory, every MMIO
 * access a single instruction the VMM decodes), PSCI on hvc, as lkvm
 * and kvmtool provide.
 *
 * The 64-bit word right after the 64-byte Image header (file offset
 * 64) is the guest's count: bytes to write, or MMIO writes to make.
 * scripts/bench.sh patches it; the built value is the default.
 */
#include "image.h"

#define BENCH_COUNT_OFFSET	64
#define PSCI_SYSTEM_OFF		0x84000008
#define UART_BASE		0x01000000	/* 8250 #0, lkvm and kvmtool */
#define UART_THR		0
#define UART_LSR		5
#define LSR_THRE_BIT		5
#define LSR_TEMT_BIT		6

.macro bench_head, count
	.section .head.text, "ax"
	.global _head
_head:
	image_header .Lentry
	.quad	\count			/* file offset 64 */
.Lentry:
.endm

.macro system_off
	movz	w0, #(PSCI_SYSTEM_OFF & 0xffff)
	movk	w0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
	hvc	#0
.Lhang\@:
	wfi				/* SYSTEM_OFF does not return */
	b	.Lhang\@
.endm

#endif
