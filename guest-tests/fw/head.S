/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test firmware's entry (docs/guest-tests.md, "The test firmware").
 * The VMM enters _head, the first byte of the file, at the firmware
 * address, MMU off, with x0 = DTB and x1-x3 = 0. No Image header: a
 * firmware is loaded where --firmware-address says and entered at its
 * first byte, so it must not rely on one.
 *
 * The descriptor at offset 8 is filled in by fw-pack.sh, which appends
 * the payload kernel: where it starts in the file and its size.
 */
#include "layout.h"

	.section .head.text, "ax"
	.global _head
_head:
	b	fw_entry
	.long	0
	.ascii	"LKVMFWPL"		/* the packer's mark */
	.global fw_payload_desc
fw_payload_desc:
	.quad	0			/* payload offset in the file */
	.quad	0			/* payload size */

	.text
fw_entry:
	/* What the VMM handed over, before anything touches a register. */
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	mov	x22, x3
	mrs	x23, CurrentEL
	adr	x24, _head
	msr	daifset, #0xf
	adrp	x9, fw_stack_top
	add	x9, x9, :lo12:fw_stack_top
	mov	sp, x9
	msr	tpidr_el1, xzr		/* logical CPU 0, for the console */
	mov	x0, x24
	bl	fw_relocate

	sub	sp, sp, #48
	stp	x19, x20, [sp]
	stp	x21, x22, [sp, #16]
	lsr	x23, x23, #2
	stp	x23, x24, [sp, #32]
	mov	x0, sp
	bl	fw_main
	.global park
park:
	msr	daifset, #0xf
1:	wfi
	b	1b

/* As the runtime's head.S: R_AARCH64_RELATIVE for load base x0 (linked at 0). */
fw_relocate:
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldr	x3, [x1]
	ldr	x4, [x1, #8]
	ldr	x5, [x1, #16]
	add	x1, x1, #24
	cmp	x4, #R_AARCH64_RELATIVE
	b.ne	park
	add	x5, x5, x0
	str	x5, [x3, x0]
	b	1b
2:	ret

/*
 * fw_handover(entry, dtb): into the payload as a boot loader enters a
 * kernel (booting.rst): x0 = DTB, x1-x3 = 0, at this EL, MMU off,
 * interrupts masked.
 */
	.global fw_handover
fw_handover:
	mov	x9, x0
	mov	x0, x1
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x9

/*
 * In the file (no .bss: the payload follows the file), so the stack
 * lies inside the firmware's own extent, below the payload.
 */
	.data
	.balign	16
fw_stack:
	.skip	STACK_SIZE
fw_stack_top:
