/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_RTC_CMOS_H
#define LKVM_DEVICES_RTC_CMOS_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "devices/mmio.h"

#define RTC_CMOS_REGS		2	/* index, then data; byte-wide */
#define RTC_CMOS_RAM		128	/* the index's low seven bits */

/*
 * kvmtool's arm64 RTC: an MC146818 behind two byte-wide MMIO registers,
 * the CMOS index (write-only; bit 7, NMI disable, is dropped) and the
 * data of the indexed byte. The time registers read the host's clock
 * in BCD, 24-hour mode; the guest setting one keeps an offset from the
 * host's clock instead (the host's clock is never set). Every other
 * byte is plain CMOS RAM; C and D are read-only, D says the time is
 * valid. No alarm, no periodic interrupt, no IRQ: as kvmtool.
 */
struct rtc_cmos {
	pthread_mutex_t lock;
	struct mmio_region region;
	/* The host's clock in seconds since the epoch; injectable for tests. */
	time_t (*now)(void *opaque);
	void *opaque;
	int64_t offset;		/* guest time - host time, in seconds */
	uint8_t index;
	uint8_t ram[RTC_CMOS_RAM];
};

void rtc_cmos_init(struct rtc_cmos *r, uint64_t base,
		   time_t (*now)(void *opaque), void *opaque);
void rtc_cmos_destroy(struct rtc_cmos *r);
int rtc_cmos_mmio(struct mmio_region *region, struct mmio_access *acc);
int rtc_cmos_fdt_node(struct rtc_cmos *r, void *fdt);

#endif
