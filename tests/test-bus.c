// SPDX-License-Identifier: GPL-2.0
/* MMIO bus dispatch: placement, lookup, unclaimed and straddling accesses. */
#include <string.h>

#include "devices/bus.h"
#include "tests/unit.h"

struct fake_dev {
	struct mmio_access last;
	int calls;
	uint64_t value;
};

static int fake_handler(struct mmio_region *r, struct mmio_access *acc)
{
	struct fake_dev *d = r->opaque;

	d->calls++;
	d->last = *acc;
	if (acc->len == 3)
		return -22;
	if (!acc->is_write)
		acc->data = d->value;
	return 0;
}

int main(void)
{
	struct fake_dev d1 = { .value = 0x1122334455667788ULL }, d2 = { 0 };
	struct mmio_region r1 = { .name = "a", .base = 0x1000, .size = 0x100, .handler = fake_handler, .opaque = &d1 };
	struct mmio_region r2 = { .name = "b", .base = 0x3000, .size = 0x1000, .handler = fake_handler, .opaque = &d2 };
	struct mmio_region clash = { .name = "c", .base = 0x10f0, .size = 0x20, .handler = fake_handler, .opaque = &d2 };
	struct mmio_region empty = { .name = "e", .base = 0x9000, .size = 0, .handler = fake_handler, .opaque = &d2 };
	struct mmio_bus bus = { 0 };
	struct unit u = { 0 };
	uint8_t buf[16];
	uint32_t w;

	CHECK_EQ(&u, mmio_bus_register(&bus, &r2), 0);
	CHECK_EQ(&u, mmio_bus_register(&bus, &r1), 0);
	CHECK_EQ(&u, mmio_bus_register(&bus, &clash), -17);
	CHECK_EQ(&u, mmio_bus_register(&bus, &empty), -22);
	CHECK(&u, bus.regions[0] == &r1);	/* kept sorted */

	CHECK(&u, mmio_bus_find(&bus, 0x1000, 4) == &r1);
	CHECK(&u, mmio_bus_find(&bus, 0x10fc, 4) == &r1);
	CHECK(&u, mmio_bus_find(&bus, 0x10fe, 4) == NULL);	/* straddles */
	CHECK(&u, mmio_bus_find(&bus, 0x3fff, 1) == &r2);
	CHECK(&u, mmio_bus_find(&bus, 0x2000, 4) == NULL);
	CHECK(&u, mmio_bus_find(&bus, ~0ULL, 8) == NULL);

	/* Reads come back little-endian and truncated to the width. */
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(&u, mmio_bus_access(&bus, 0x1010, buf, 4, false, 1), 0);
	memcpy(&w, buf, 4);
	CHECK_EQ(&u, w, 0x55667788);
	CHECK_EQ(&u, d1.last.offset, 0x10);
	CHECK_EQ(&u, d1.last.cpu, 1);

	buf[0] = 0x34; buf[1] = 0x12;
	CHECK_EQ(&u, mmio_bus_access(&bus, 0x3002, buf, 2, true, 0), 0);
	CHECK_EQ(&u, d2.last.data, 0x1234);
	CHECK_EQ(&u, d2.last.len, 2);

	/* Nothing there: reads as zero, the device is not called. */
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(&u, mmio_bus_access(&bus, 0x2000, buf, 8, false, 0), -2);
	CHECK_EQ(&u, buf[0] | buf[7], 0);
	/* A device's error still completes the read as zero. */
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(&u, mmio_bus_access(&bus, 0x1000, buf, 3, false, 0), -22);
	CHECK_EQ(&u, buf[0] | buf[1] | buf[2], 0);
	/* Wider than any register: refused before any device sees it. */
	d1.calls = 0;
	CHECK_EQ(&u, mmio_bus_access(&bus, 0x1000, buf, 8, false, 0), 0);
	CHECK_EQ(&u, mmio_bus_access(&bus, 0x1000, buf, 16, false, 0), -22);
	CHECK_EQ(&u, d1.calls, 1);
	return unit_done(&u, "test-bus");
}
