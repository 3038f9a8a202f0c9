/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Console throughput guest: writes its count of bytes (default 64 KiB)
 * to the 8250 at 0x0100_0000 the way Linux's serial console does, one
 * byte at a time, polling LSR.THRE before each THR write (two MMIO
 * exits per byte), waits for LSR.TEMT and powers off.
 *
 * The text is 64-byte lines: 62 characters '0', '1', ... 'm', then
 * "\r\n", so the output of N bytes is checkable by its size alone.
 */
#include "bench-guest.h"

	bench_head 65536

	ldr	x2, _head + BENCH_COUNT_OFFSET
	movz	x0, #(UART_BASE >> 16), lsl #16
	mov	x3, #0				/* bytes written */
	cbz	x2, 3f
1:	and	w5, w3, #63			/* column */
	add	w6, w5, #'0'
	mov	w7, #'\r'
	cmp	w5, #62
	csel	w6, w7, w6, eq
	mov	w7, #'\n'
	cmp	w5, #63
	csel	w6, w7, w6, eq
2:	ldrb	w4, [x0, #UART_LSR]
	tbz	w4, #LSR_THRE_BIT, 2b
	strb	w6, [x0, #UART_THR]
	add	x3, x3, #1
	cmp	x3, x2
	b.lo	1b
3:	ldrb	w4, [x0, #UART_LSR]
	tbz	w4, #LSR_TEMT_BIT, 3b
	system_off
