/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_SPI_UTIL_H
#define GUEST_SPI_UTIL_H

#include "types.h"

/*
 * Helpers for tests that drive SPIs with lkvm's test device (spi,
 * spi-prio): two of its lines, A and B, by INTID; manual acknowledge
 * and EOI with interrupts masked at PSTATE.
 */
#define SPI_WAIT_US	(500 * 1000)	/* for what should be immediate */
#define SPI_QUIET_US	5000		/* watched for "not taken (again)" */
#define SPI_PRIO_DEFAULT 0xa0

/*
 * Probe the device and return its lines 0 and 1 in @a and @b: 0 when
 * the test can go on. Otherwise -1, having reported: without the
 * device, "SKIP no lkvm,test-device" and a pass, unless the bootargs
 * carry "<test>.require-device" (lkvm runs), which makes it a failed
 * check; fewer than 2 lines is a failed check.
 */
int spi_setup(u32 *a, u32 *b);

/* The device line that drives @intid, -1 if none. */
int spi_line_of(u32 intid);

/* An immediate command on @intid's line; a refusal is a failed check. */
void spi_cmd(u32 intid, u32 cmd);

/*
 * Back to the idle state: disabled, line low and nothing queued,
 * level-sensitive, neither pending nor active, default priority,
 * routed to CPU 0.
 */
void spi_quiesce(u32 intid);

/*
 * Manual acknowledge, with PSTATE.I set: the IAR works regardless. For
 * an SPI the IAR is the INTID on both GICs (GICv2's CPUID field is for
 * SGIs), so the INTID serves for EOI and DIR; spurious IDs are not
 * written back.
 */
u32 spi_ack(void);
void spi_eoi(u32 intid);
void spi_dir(u32 intid);

#endif
