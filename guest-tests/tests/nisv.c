// SPDX-License-Identifier: GPL-2.0
/*
 * nisv: a load pair from an address where nothing is mapped, outside
 * RAM. A pair gives no instruction syndrome, so KVM cannot hand the
 * access to lkvm as MMIO and fails the run: lkvm must print the vCPU's
 * registers before its error line, with PC at that load. The guest
 * prints the load's address first (tests/system/ctl-debug.sh compares).
 * Never passes by itself: lkvm ends the run.
 */
#include "guest.h"

const char test_name[] = "nisv";

/* Between the test device and virtio-mmio: no device, no memory. */
#define NISV_ADDR	0x02000000UL

/* Its own symbol, so that the guest knows the faulting instruction's address. */
asm(".pushsection .text.nisv_ldp, \"ax\"\n"
    ".global nisv_ldp\n"
    ".type nisv_ldp, %function\n"
    "nisv_ldp:\n"
    "	ldp	x0, x1, [x0]\n"
    "	ret\n"
    ".popsection\n");
void nisv_ldp(u64 addr);

void test_main(void)
{
	pr_info("NISV-PC %#lx", (u64)nisv_ldp);
	nisv_ldp(NISV_ADDR);
	check(false, "nisv.ended", "the load pair at %#lx came back", NISV_ADDR);
}
