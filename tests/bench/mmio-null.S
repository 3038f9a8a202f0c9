/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit-cost guest: its count of 32-bit writes (default 20000) to
 * 0x0a00_0000, where neither lkvm nor kvmtool has a device, then
 * power off. Each write is one MMIO exit that the VMM looks up, finds
 * nothing for, and ignores: the floor under any emulated register.
 */
#include "bench-guest.h"

#define NULL_MMIO_ADDR	0x0a000000

	bench_head 20000

	ldr	x2, _head + BENCH_COUNT_OFFSET
	movz	x0, #(NULL_MMIO_ADDR >> 16), lsl #16
	cbz	x2, 2f
1:	str	w2, [x0]
	subs	x2, x2, #1
	b.ne	1b
2:	system_off
