/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry points. The loader enters _head at EL1 (or EL2) with the MMU
 * off and x0 = DTB; secondaries enter secondary_entry through PSCI
 * CPU_ON with x0 = their logical CPU number (the context id).
 *
 * Until the MMU is on, data accesses are Device and non-cacheable: code
 * here must not leave data in memory that a cacheable alias could hide
 * (see mmu_enable_boot), and secondaries touch no memory at all before
 * their MMU is on.
 */
#include "image.h"

	.section .head.text, "ax"
	.global _head
_head:
	image_header primary_entry

	.text
primary_entry:
	mov	x19, x0
	mrs	x20, CurrentEL
	bl	el2_drop
	msr	daifset, #0xf
	bl	sctlr_reset

	adr	x0, _head
	bl	relocate

	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b

2:	adrp	x0, stacks + STACK_SIZE
	add	x0, x0, :lo12:(stacks + STACK_SIZE)
	mov	sp, x0
	msr	tpidr_el1, xzr
	bl	vectors_install
	mov	x0, x19
	lsr	x1, x20, #2
	bl	boot_primary
	b	park

	.global secondary_entry
secondary_entry:
	mov	x19, x0
	bl	el2_drop
	msr	daifset, #0xf
	bl	sctlr_reset
	bl	mmu_enable
	adrp	x1, stacks
	add	x1, x1, :lo12:stacks
	mov	x2, #STACK_SIZE
	madd	x1, x19, x2, x1
	add	sp, x1, x2
	msr	tpidr_el1, x19
	bl	vectors_install
	mov	x0, x19
	bl	boot_secondary
	b	park

/*
 * Entered at EL2 (a VMM without its own EL2 emulation never does this,
 * but QEMU with virtualization=on and some firmware do): give EL1 an
 * AArch64, untrapped view of the CPU and return to the caller at EL1.
 * Uses no stack. EL3 entry is not supported and parks the CPU.
 */
el2_drop:
	mrs	x9, CurrentEL
	cmp	x9, #(1 << 2)
	b.eq	9f
	cmp	x9, #(2 << 2)
	b.ne	park

	mov	x9, #(1 << 31)			/* HCR_EL2.RW, no traps */
	msr	hcr_el2, x9
	mov	x9, #3				/* EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mrs	x9, midr_el1
	msr	vpidr_el2, x9
	mrs	x9, mpidr_el1
	msr	vmpidr_el2, x9
	mov	x9, #0x33ff			/* CPTR_EL2: no FP trap */
	msr	cptr_el2, x9
	msr	hstr_el2, xzr

	mrs	x9, id_aa64pfr0_el1		/* GICv3 system registers? */
	ubfx	x9, x9, #24, #4
	cbz	x9, 1f
	mrs	x9, S3_4_C12_C9_5		/* ICC_SRE_EL2 */
	orr	x9, x9, #(1 << 0)		/* SRE */
	orr	x9, x9, #(1 << 3)		/* Enable: EL1 owns SRE */
	msr	S3_4_C12_C9_5, x9
	isb
	msr	S3_4_C12_C11_0, xzr		/* ICH_HCR_EL2: no vGIC */

1:	ldr	x9, =SCTLR_EL1_RES1
	msr	sctlr_el1, x9
	mov	x9, #0x3c5			/* EL1h, DAIF masked */
	msr	spsr_el2, x9
	msr	elr_el2, x30
	isb
	eret
9:	ret

sctlr_reset:
	ldr	x9, =SCTLR_EL1_RES1
	msr	sctlr_el1, x9
	isb
	ic	iallu
	dsb	nsh
	isb
	ret

/*
 * Apply R_AARCH64_RELATIVE entries for load base x0 (linked at 0). The
 * build refuses any other dynamic relocation type, so anything else
 * means a corrupt image: park rather than run with bad pointers.
 */
relocate:
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldr	x3, [x1]			/* r_offset */
	ldr	x4, [x1, #8]			/* r_info */
	ldr	x5, [x1, #16]			/* r_addend */
	add	x1, x1, #24
	cmp	x4, #R_AARCH64_RELATIVE
	b.ne	park
	add	x5, x5, x0
	str	x5, [x3, x0]
	b	1b
2:	ret

vectors_install:
	adr	x9, vectors
	msr	vbar_el1, x9
	isb
	ret

	.global park
park:
	msr	daifset, #0xf
1:	wfi
	b	1b

/*
 * Turn the MMU on with the identity map built by mmu_init(). Registers
 * only: secondaries call this before they own a usable stack.
 */
	.global mmu_enable
mmu_enable:
	ldr	x9, =MAIR_EL1_VALUE
	msr	mair_el1, x9
	mrs	x10, id_aa64mmfr0_el1
	and	x10, x10, #0xf			/* PARange */
	cmp	x10, #5
	mov	x11, #5
	csel	x10, x10, x11, ls		/* 48 bits at most: no LPA */
	ldr	x9, =TCR_EL1_VALUE
	bfi	x9, x10, #32, #3		/* IPS */
	msr	tcr_el1, x9
	adrp	x9, idmap_l1
	msr	ttbr0_el1, x9
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mrs	x9, sctlr_el1
	mov	x10, #(SCTLR_EL1_M | SCTLR_EL1_C | SCTLR_EL1_SA)
	orr	x9, x9, x10
	orr	x9, x9, #SCTLR_EL1_I
	msr	sctlr_el1, x9
	isb
	ic	iallu
	dsb	nsh
	isb
	ret

/*
 * Boot CPU only: everything in [_text, _end) was written with the MMU
 * off (relocations, .bss, stack, page tables), so drop any cache line a
 * loader may have left for it before it becomes visible through a
 * cacheable mapping. Secondaries must not do this: it would discard
 * the boot CPU's dirty lines.
 */
	.global mmu_enable_boot
mmu_enable_boot:
	mrs	x9, ctr_el0
	ubfx	x9, x9, #16, #4			/* DminLine, log2(words) */
	mov	x10, #4
	lsl	x10, x10, x9			/* line size in bytes */
	sub	x11, x10, #1
	adr	x12, _head
	bic	x12, x12, x11
	adrp	x13, _end
	add	x13, x13, :lo12:_end
1:	dc	ivac, x12
	add	x12, x12, x10
	cmp	x12, x13
	b.lo	1b
	dsb	sy
	b	mmu_enable

	.ltorg

	.bss
	.balign	16
	.global stacks
stacks:
	.skip	NR_CPUS * STACK_SIZE
