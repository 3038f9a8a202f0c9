// SPDX-License-Identifier: GPL-2.0
/*
 * nowhere: plain loads and stores where no device is, one in the I/O
 * port window and one above it. KVM hands each to lkvm as MMIO; lkvm
 * ignores them (reads as zero) and the guest goes on. What lkvm says
 * about them is tests/system/ctl-debugopts.sh's to check: nothing by
 * default, a warning for each with --debug-mmio, for the I/O window's
 * only with --debug-ioport; --debug-iodelay slows each one down.
 */
#include "guest.h"

const char test_name[] = "nowhere";

/* In the I/O port window, which holds no device on lkvm's map. */
#define NOWHERE_IOPORT	0x00000100UL
/* Between the test device and virtio-mmio: no device, no memory. */
#define NOWHERE_MMIO	0x02000000UL
#define NOWHERE_ROUNDS	4

void test_main(void)
{
	u32 io = 0, mmio = 0;
	int i;

	pr_info("NOWHERE %#lx %#lx, %d reads and writes each",
		NOWHERE_IOPORT, NOWHERE_MMIO, NOWHERE_ROUNDS);
	for (i = 0; i < NOWHERE_ROUNDS; i++) {
		writel(0x5a5a5a5a, NOWHERE_IOPORT);
		io |= readl(NOWHERE_IOPORT);
		writel(0xa5a5a5a5, NOWHERE_MMIO);
		mmio |= readl(NOWHERE_MMIO);
	}
	check(io == 0, "nowhere.ioport-reads-zero", "%#x", io);
	check(mmio == 0, "nowhere.mmio-reads-zero", "%#x", mmio);
}
