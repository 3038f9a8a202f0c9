/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The smallest useful Image: PSCI SYSTEM_OFF through hvc, right after
 * the header. No runtime, no stack, no DT; for VM start/stop timing.
 * Assumes entry at EL1 with PSCI on hvc (kvmtool/lkvm, QEMU virt
 * without virtualization=on).
 */
#include "image.h"

	.section .head.text, "ax"
	.global _head
_head:
	image_header 1f
1:	movz	w0, #0x0008
	movk	w0, #0x8400, lsl #16		/* PSCI SYSTEM_OFF */
	hvc	#0
2:	wfi					/* SYSTEM_OFF cannot fail... */
	b	2b
