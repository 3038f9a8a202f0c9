/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Idle guest: waits in WFI with interrupts masked and no timer armed,
 * forever. A VM that costs nothing but its VMM's own threads: the
 * benchmark samples the VMM's memory and threads while it runs and
 * counts the CPU time it spends meanwhile. The count is unused.
 */
#include "bench-guest.h"

	bench_head 0

1:	wfi
	b	1b
