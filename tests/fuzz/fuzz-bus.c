// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO bus dispatch: registration of arbitrary regions, then accesses
 * of 0 to 16 bytes anywhere in the 64-bit space.
 *
 * Input:
 *   u8 n                      regions to register (n % 20: more than fit)
 *   n x region                u8 flags, then base and size:
 *                               flags bit 0: the handler fails (-EIO)
 *                               flags bit 1: u64 base, u64 size
 *                               otherwise:   u32 base, u16 size
 *   accesses until the end    u8 ctl, address, s8 cpu, data if a write:
 *                               ctl bit 0: write
 *                               ctl bits 1-5: len (modulo 17)
 *                               ctl bits 6-7: address is region[u8]'s
 *                                 base + s8, its end + s8, a u64, a u32
 *
 * A reference lookup over the registered regions says which region,
 * if any, must see each access; the data buffer is exactly the access
 * length, so any byte written beyond it is an AddressSanitizer report.
 */
#include <errno.h>

#include "devices/bus.h"
#include "tests/fuzz/fuzz.h"

#define BUS_MAX_TRIES	20
#define BUS_MAX_LEN	16
#define BUS_PATTERN	0x0123456789abcdefULL

struct bus_dev {
	struct mmio_region region;
	bool fail;
	unsigned int calls;
	struct mmio_access last;
};

static int bus_dev_handler(struct mmio_region *r, struct mmio_access *acc)
{
	struct bus_dev *d = r->opaque;

	/* The bus hands over whole accesses within the region only. */
	FUZZ_CHECK(d && &d->region == r);
	FUZZ_CHECK(acc->offset < r->size);
	FUZZ_CHECK(acc->len <= r->size - acc->offset);
	FUZZ_CHECK(acc->len <= 8);
	d->calls++;
	d->last = *acc;
	if (!acc->is_write)
		acc->data = BUS_PATTERN ^ acc->offset;
	return d->fail ? -EIO : 0;
}

struct bus_state {
	struct mmio_bus bus;
	struct bus_dev devs[BUS_MAX_TRIES];
	struct bus_dev *reg[BUS_MAX_TRIES];	/* registered, in order */
	unsigned int nr_reg;
};

static bool bus_overlap(const struct mmio_region *a,
			const struct mmio_region *b)
{
	return a->base <= b->base + (b->size - 1) &&
	       b->base <= a->base + (a->size - 1);
}

static int bus_ref_register(struct bus_state *st, struct mmio_region *r)
{
	unsigned int i;

	if (!r->size || r->base + r->size < r->base)
		return -EINVAL;
	if (st->nr_reg == MMIO_BUS_MAX_REGIONS)
		return -ENOSPC;
	for (i = 0; i < st->nr_reg; i++)
		if (bus_overlap(&st->reg[i]->region, r))
			return -EEXIST;
	return 0;
}

static void bus_register_one(struct bus_state *st, struct bus_dev *d,
			     struct fuzz_input *in)
{
	uint8_t flags = fuzz_u8(in);
	int want;

	d->fail = flags & 1;
	d->region.name = "fuzz";
	d->region.handler = bus_dev_handler;
	d->region.opaque = d;
	if (flags & 2) {
		d->region.base = fuzz_u64(in);
		d->region.size = fuzz_u64(in);
	} else {
		d->region.base = fuzz_u32(in);
		d->region.size = fuzz_u16(in);
	}
	want = bus_ref_register(st, &d->region);
	FUZZ_CHECK_EQ(mmio_bus_register(&st->bus, &d->region), want);
	if (!want)
		st->reg[st->nr_reg++] = d;
	FUZZ_CHECK_EQ(st->bus.nr_regions, st->nr_reg);
}

/* The region that must take [addr, addr + len), or NULL. */
static struct bus_dev *bus_ref_find(struct bus_state *st, uint64_t addr,
				    uint32_t len)
{
	unsigned int i;

	for (i = 0; i < st->nr_reg; i++) {
		struct mmio_region *r = &st->reg[i]->region;

		if (addr >= r->base && addr - r->base < r->size)
			return len <= r->size - (addr - r->base) ? st->reg[i] :
								    NULL;
	}
	return NULL;
}

static uint64_t bus_pick_addr(struct bus_state *st, unsigned int class,
			      struct fuzz_input *in)
{
	struct mmio_region *r;
	uint8_t idx;
	int8_t delta;

	switch (class) {
	case 0:
	case 1:
		idx = fuzz_u8(in);
		delta = fuzz_u8(in);
		if (!st->nr_reg)
			return (uint64_t)(int64_t)delta;
		r = &st->reg[idx % st->nr_reg]->region;
		return (class ? r->base + r->size : r->base) + delta;
	case 2:
		return fuzz_u64(in);
	default:
		return fuzz_u32(in);
	}
}

static uint64_t bus_le(const uint8_t *buf, uint32_t len)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < len && i < 8; i++)
		v |= (uint64_t)buf[i] << (8 * i);
	return v;
}

static void bus_check_read(const uint8_t *buf, uint32_t len, uint64_t want)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		FUZZ_CHECK_EQ(buf[i], i < 8 ? (uint8_t)(want >> (8 * i)) : 0);
}

static void bus_access_one(struct bus_state *st, struct fuzz_input *in)
{
	uint8_t ctl = fuzz_u8(in), *buf;
	uint32_t len = ((ctl >> 1) & 0x1f) % (BUS_MAX_LEN + 1);
	bool is_write = ctl & 1;
	uint64_t addr = bus_pick_addr(st, ctl >> 6, in), want = 0;
	int cpu = (int8_t)fuzz_u8(in);
	struct bus_dev *hit = bus_ref_find(st, addr, len);
	struct bus_dev *d = len <= 8 ? hit : NULL;
	unsigned int calls = d ? d->calls : 0;
	int ret, want_ret;

	FUZZ_CHECK(mmio_bus_find(&st->bus, addr, len) ==
		   (hit ? &hit->region : NULL));

	/* Exactly len bytes: an overrun is an AddressSanitizer report. */
	buf = malloc(len ? len : 1);
	FUZZ_CHECK(buf);
	if (is_write)
		fuzz_bytes(in, buf, len);
	else
		memset(buf, 0xa5, len);

	ret = mmio_bus_access(&st->bus, addr, buf, len, is_write, cpu);
	if (len > 8)
		want_ret = -EINVAL;
	else if (!d)
		want_ret = -ENOENT;
	else
		want_ret = d->fail ? -EIO : 0;
	FUZZ_CHECK_EQ(ret, want_ret);

	if (d) {
		FUZZ_CHECK_EQ(d->calls, calls + 1);
		FUZZ_CHECK_EQ(d->last.offset, addr - d->region.base);
		FUZZ_CHECK_EQ(d->last.len, len);
		FUZZ_CHECK_EQ(d->last.is_write, is_write);
		FUZZ_CHECK_EQ(d->last.cpu, cpu);
		if (is_write)
			FUZZ_CHECK_EQ(d->last.data, bus_le(buf, len));
		else if (!d->fail)
			want = BUS_PATTERN ^ (addr - d->region.base);
	}
	/* Unclaimed, oversized and failed reads all read as zero. */
	if (!is_write)
		bus_check_read(buf, len, want);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bus_state *st;
	struct fuzz_input in;
	unsigned int i, n;

	st = calloc(1, sizeof(*st));
	FUZZ_CHECK(st);
	fuzz_input_init(&in, data, size);
	n = fuzz_u8(&in) % BUS_MAX_TRIES;
	for (i = 0; i < n; i++)
		bus_register_one(st, &st->devs[i], &in);
	for (i = 1; i < st->bus.nr_regions; i++)
		FUZZ_CHECK(st->bus.regions[i - 1]->base <
			   st->bus.regions[i]->base);
	while (!fuzz_input_done(&in))
		bus_access_one(st, &in);
	free(st);
	return 0;
}
