/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_IMAGE_H
#define GUEST_IMAGE_H

#include "layout.h"

/*
 * The 64-byte arm64 Image header. image_size comes from the linker
 * script and covers .bss and the stacks, so the loader keeps the DTB
 * clear of them. It is emitted as two 32-bit halves because a 64-bit
 * absolute reference would become a dynamic relocation in a PIE.
 */
.macro image_header, entry
	b	\entry			/* code0 */
	.long	0			/* code1 */
	.quad	IMAGE_TEXT_OFFSET	/* text_offset */
	.long	_image_size_lo		/* image_size: ABS32 halves, */
	.long	_image_size_hi		/* which a PIE link resolves */
	.quad	IMAGE_FLAGS		/* flags */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */
.endm

#endif
