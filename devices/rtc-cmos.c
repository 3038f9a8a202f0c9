// SPDX-License-Identifier: GPL-2.0
/* The MC146818 CMOS RTC model: plain C, no KVM, driven through mmio_access. */
#include <errno.h>
#include <string.h>

#include "devices/rtc-cmos.h"

enum {
	RTC_SECONDS = 0x00, RTC_MINUTES = 0x02, RTC_HOURS = 0x04,
	RTC_DAY_OF_WEEK = 0x06, RTC_DAY_OF_MONTH = 0x07, RTC_MONTH = 0x08,
	RTC_YEAR = 0x09, RTC_REG_A = 0x0a, RTC_REG_B = 0x0b, RTC_REG_C = 0x0c,
	RTC_REG_D = 0x0d, RTC_CENTURY = 0x32,
};

#define RTC_REG_B_24H	0x02	/* the hours read in 24-hour form */
#define RTC_REG_D_VRT	0x80	/* valid RAM and time */
#define RTC_INDEX_MASK	0x7f	/* bit 7 disables NMIs on a PC: dropped */

void rtc_cmos_init(struct rtc_cmos *r, uint64_t base,
		   time_t (*now)(void *opaque), void *opaque)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->now = now;
	r->opaque = opaque;
	r->ram[RTC_REG_B] = RTC_REG_B_24H;
	r->ram[RTC_REG_D] = RTC_REG_D_VRT;
	r->region = (struct mmio_region) {
		.name = "rtc-cmos", .base = base, .size = RTC_CMOS_REGS,
		.handler = rtc_cmos_mmio, .opaque = r,
	};
}

void rtc_cmos_destroy(struct rtc_cmos *r)
{
	pthread_mutex_destroy(&r->lock);
}

static uint8_t bin2bcd(unsigned int v)
{
	return ((v / 10) << 4) | (v % 10);
}

/* -1 for a byte that is not two BCD digits. */
static int bcd2bin(uint8_t v)
{
	if ((v & 0x0f) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0x0f);
}

/* The guest's time, broken down (UTC, as kvmtool). */
static void rtc_guest_tm(struct rtc_cmos *r, struct tm *tm)
{
	time_t t = r->now(r->opaque) + r->offset;

	if (!gmtime_r(&t, tm))
		memset(tm, 0, sizeof(*tm));
}

static uint8_t rtc_read_time(struct rtc_cmos *r, uint8_t idx)
{
	struct tm tm;
	int year;

	rtc_guest_tm(r, &tm);
	year = tm.tm_year + 1900;
	switch (idx) {
	case RTC_SECONDS:	return bin2bcd(tm.tm_sec);
	case RTC_MINUTES:	return bin2bcd(tm.tm_min);
	case RTC_HOURS:		return bin2bcd(tm.tm_hour);
	case RTC_DAY_OF_WEEK:	return bin2bcd(tm.tm_wday + 1);
	case RTC_DAY_OF_MONTH:	return bin2bcd(tm.tm_mday);
	case RTC_MONTH:		return bin2bcd(tm.tm_mon + 1);
	case RTC_YEAR:		return bin2bcd(year % 100);
	default:		return bin2bcd(year / 100 % 100);	/* century */
	}
}

/* The clock's registers; the alarms (1, 3, 5) are plain RAM here. */
static bool rtc_is_time(uint8_t idx)
{
	switch (idx) {
	case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS:
	case RTC_DAY_OF_WEEK: case RTC_DAY_OF_MONTH: case RTC_MONTH:
	case RTC_YEAR: case RTC_CENTURY:
		return true;
	}
	return false;
}

/*
 * Setting one field of the time: the guest's time with that field
 * replaced becomes the new offset from the host's clock. Values out of
 * range are ignored (the chip's behaviour is undefined for them), as
 * is the day of the week, which follows from the date.
 */
static void rtc_write_time(struct rtc_cmos *r, uint8_t idx, uint8_t val)
{
	int v = bcd2bin(val), year;
	struct tm tm;
	time_t t;

	if (v < 0 || idx == RTC_DAY_OF_WEEK)
		return;
	rtc_guest_tm(r, &tm);
	year = tm.tm_year + 1900;
	switch (idx) {
	case RTC_SECONDS:	if (v > 59) return; tm.tm_sec = v; break;
	case RTC_MINUTES:	if (v > 59) return; tm.tm_min = v; break;
	case RTC_HOURS:		if (v > 23) return; tm.tm_hour = v; break;
	case RTC_DAY_OF_MONTH:	if (!v || v > 31) return; tm.tm_mday = v; break;
	case RTC_MONTH:		if (!v || v > 12) return; tm.tm_mon = v - 1; break;
	case RTC_YEAR:		tm.tm_year = year / 100 * 100 + v - 1900; break;
	default:		tm.tm_year = v * 100 + year % 100 - 1900; break;
	}
	t = timegm(&tm);
	if (t != (time_t)-1)
		r->offset = (int64_t)t - r->now(r->opaque);
}

static uint8_t rtc_read(struct rtc_cmos *r)
{
	uint8_t idx = r->index;

	if (rtc_is_time(idx))
		return rtc_read_time(r, idx);
	return r->ram[idx];
}

static void rtc_write(struct rtc_cmos *r, uint8_t val)
{
	uint8_t idx = r->index;

	switch (idx) {
	case RTC_REG_C:
	case RTC_REG_D:
		return;		/* read-only */
	case RTC_REG_B:
		val |= RTC_REG_B_24H;	/* the time is only kept in 24-hour form */
		break;
	}
	if (rtc_is_time(idx))
		rtc_write_time(r, idx, val);
	r->ram[idx] = val;
}

int rtc_cmos_mmio(struct mmio_region *region, struct mmio_access *acc)
{
	struct rtc_cmos *r = region->opaque;

	/* Byte-wide registers only, as kvmtool's (reg is two bytes). */
	if (acc->len != 1 || acc->offset >= RTC_CMOS_REGS) {
		acc->data = 0;
		return -EINVAL;
	}
	pthread_mutex_lock(&r->lock);
	if (acc->offset == 0) {
		if (acc->is_write)
			r->index = acc->data & RTC_INDEX_MASK;
		else
			acc->data = 0;	/* the index is write-only */
	} else if (acc->is_write) {
		rtc_write(r, acc->data);
	} else {
		acc->data = rtc_read(r);
	}
	pthread_mutex_unlock(&r->lock);
	return 0;
}
