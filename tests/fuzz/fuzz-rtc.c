// SPDX-License-Identifier: GPL-2.0
/*
 * The MC146818 RTC model under a guest that writes anything anywhere,
 * at any width, while the host's clock jumps about.
 *
 * Input: a sequence of operations, each an opcode byte (modulo 4):
 *   0  write the index: u8
 *   1  write the data register: u8
 *   2  read the data register
 *   3  raw access: u64 offset, u32 len, u8 write, u64 data; then the
 *      host's clock moves by an s32 of seconds
 *
 * Invariants: the index never leaves the CMOS RAM, register D stays
 * "valid", a malformed access reads as zero, and the time registers
 * always read as BCD.
 */
#include "devices/rtc-cmos.h"
#include "tests/fuzz/fuzz.h"

static time_t fuzz_now(void *opaque)
{
	return *(time_t *)opaque;
}

static bool is_bcd(uint64_t v)
{
	return v <= 0x99 && (v & 0x0f) <= 9;
}

static void fuzz_rtc_op(struct rtc_cmos *r, struct fuzz_input *in, time_t *now)
{
	struct mmio_access a = { .len = 1 };
	uint8_t op = fuzz_u8(in) % 4;
	int ret;

	switch (op) {
	case 0:
	case 1:
		a.offset = op;
		a.is_write = true;
		a.data = fuzz_u8(in);
		break;
	case 2:
		a.offset = 1;
		break;
	default:
		a.offset = fuzz_u64(in);
		a.len = fuzz_u32(in);
		a.is_write = fuzz_u8(in) & 1;
		a.data = fuzz_u64(in);
		*now += (int32_t)fuzz_u32(in);
		break;
	}
	ret = rtc_cmos_mmio(&r->region, &a);
	FUZZ_CHECK(r->index < RTC_CMOS_RAM);
	FUZZ_CHECK(r->ram[0x0d] == 0x80);
	if (ret)
		FUZZ_CHECK(!a.data || a.is_write);
	if (!ret && !a.is_write && a.offset == 1 &&
	    (r->index <= 0x09 && r->index != 1 && r->index != 3 && r->index != 5))
		FUZZ_CHECK(is_bcd(a.data));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	time_t now = 1796575807;
	struct fuzz_input in;
	struct rtc_cmos r;

	fuzz_input_init(&in, data, size);
	rtc_cmos_init(&r, 0x1010000, fuzz_now, &now);
	now += (int32_t)fuzz_u32(&in);
	while (!fuzz_input_done(&in))
		fuzz_rtc_op(&r, &in, &now);
	rtc_cmos_destroy(&r);
	return 0;
}
