// SPDX-License-Identifier: GPL-2.0
/* The MC146818 RTC as a guest's CMOS driver sees it, against a fake clock. */
#include <string.h>

#include "devices/rtc-cmos.h"
#include "tests/unit.h"

static time_t fake_now(void *opaque)
{
	return *(time_t *)opaque;
}

static uint64_t rd(struct rtc_cmos *r, uint8_t idx)
{
	struct mmio_access a = { .offset = 0, .len = 1, .is_write = true, .data = idx };

	rtc_cmos_mmio(&r->region, &a);
	a = (struct mmio_access) { .offset = 1, .len = 1 };
	rtc_cmos_mmio(&r->region, &a);
	return a.data;
}

static void wr(struct rtc_cmos *r, uint8_t idx, uint8_t v)
{
	struct mmio_access a = { .offset = 0, .len = 1, .is_write = true, .data = idx };

	rtc_cmos_mmio(&r->region, &a);
	a = (struct mmio_access) { .offset = 1, .len = 1, .is_write = true, .data = v };
	rtc_cmos_mmio(&r->region, &a);
}

int main(void)
{
	/* 2026-12-06 16:50:07 UTC, a Sunday */
	time_t now = 1796575807;
	struct mmio_access a;
	struct rtc_cmos r;
	struct unit u = { 0 };

	rtc_cmos_init(&r, 0x1010000, fake_now, &now);
	CHECK_EQ(&u, rd(&r, 0x00), 0x07);
	CHECK_EQ(&u, rd(&r, 0x02), 0x50);
	CHECK_EQ(&u, rd(&r, 0x04), 0x16);
	CHECK_EQ(&u, rd(&r, 0x06), 0x01);	/* Sunday is 1 */
	CHECK_EQ(&u, rd(&r, 0x07), 0x06);
	CHECK_EQ(&u, rd(&r, 0x08), 0x12);
	CHECK_EQ(&u, rd(&r, 0x09), 0x26);
	CHECK_EQ(&u, rd(&r, 0x32), 0x20);
	CHECK_EQ(&u, rd(&r, 0x0b) & 0x02, 0x02);	/* 24-hour */
	CHECK_EQ(&u, rd(&r, 0x0d), 0x80);		/* valid time */

	/* The clock follows the host's. */
	now += 61;
	CHECK_EQ(&u, rd(&r, 0x00), 0x08);
	CHECK_EQ(&u, rd(&r, 0x02), 0x51);

	/* Setting the year keeps an offset; the host's clock goes on. */
	wr(&r, 0x09, 0x30);
	CHECK_EQ(&u, rd(&r, 0x09), 0x30);
	CHECK_EQ(&u, rd(&r, 0x08), 0x12);
	now += 1;
	CHECK_EQ(&u, rd(&r, 0x00), 0x09);
	wr(&r, 0x09, 0x26);
	CHECK_EQ(&u, r.offset, 0);

	/* Out-of-range and non-BCD values leave the time alone. */
	wr(&r, 0x02, 0x99);
	wr(&r, 0x04, 0x2a);
	CHECK_EQ(&u, r.offset, 0);

	/* C and D are read-only; other bytes are RAM; bit 7 of the index is dropped. */
	wr(&r, 0x0d, 0x00);
	CHECK_EQ(&u, rd(&r, 0x0d), 0x80);
	wr(&r, 0x40, 0x5a);
	CHECK_EQ(&u, rd(&r, 0xc0), 0x5a);
	wr(&r, 0x01, 0x33);			/* an alarm: RAM */
	CHECK_EQ(&u, rd(&r, 0x01), 0x33);

	/* The index reads as zero; other widths and offsets are refused. */
	a = (struct mmio_access) { .offset = 0, .len = 1, .data = 0xff };
	CHECK_EQ(&u, rtc_cmos_mmio(&r.region, &a), 0);
	CHECK_EQ(&u, a.data, 0);
	a = (struct mmio_access) { .offset = 1, .len = 4, .data = 0xff };
	CHECK(&u, rtc_cmos_mmio(&r.region, &a) < 0 && !a.data);
	a = (struct mmio_access) { .offset = 2, .len = 1, .is_write = true };
	CHECK(&u, rtc_cmos_mmio(&r.region, &a) < 0);
	a = (struct mmio_access) { .offset = ~0ULL, .len = 0 };
	CHECK(&u, rtc_cmos_mmio(&r.region, &a) < 0);
	rtc_cmos_destroy(&r);
	return unit_done(&u, "test-rtc");
}
