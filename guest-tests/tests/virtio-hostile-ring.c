// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-hostile's rings: queues brought up almost properly, on rings in
 * scratch RAM that hold everything a device must refuse (loops, chains
 * longer than the queue, indirect tables inside indirect tables, huge
 * and wrapping lengths, addresses outside RAM, head indexes out of
 * range, avail index jumps) next to requests a device may well serve,
 * changed while the device works on them.
 */
#include "guest.h"
#include "virtio-hostile.h"

/* Descriptors one ring_hostile() may write, indirect tables included. */
#define FILL_BUDGET	2048
#define MAX_HEADS	64
#define LEGACY_PAGE	SZ_4K

/* Per CPU: what one ring_hostile() has written so far. */
static struct fill {
	u32 budget;
	u16 heads[MAX_HEADS];	/* of chains a device may take */
	u32 nr_heads;
} fills[NR_CPUS];

static struct fill *this_fill(void)
{
	return &fills[smp_processor_id()];
}

void put_desc(u64 table, u32 i, u64 addr, u32 len, u16 flags, u16 next)
{
	u64 p = table + (u64)i * VRING_DESC_SIZE;

	*(volatile u64 *)p = addr;
	*(volatile u32 *)(p + 8) = len;
	*(volatile u16 *)(p + 12) = flags;
	*(volatile u16 *)(p + 14) = next;
}

/* A buffer the device may write: in RAM, never on the guest's own. */
static u64 safe_buf(u64 addr, u32 len)
{
	if (!range_unsafe(addr, len))
		return addr;
	if (len <= SZ_64K)
		return rand_scratch(len, 1);
	/* Runs past the end of RAM: the device must refuse all of it. */
	addr = mem.ram_end - 1 - rnd_below(SZ_4K);
	return range_unsafe(addr, len) ? 0 : addr;
}

/*
 * A virtio-blk header at hdr (any type, sectors mostly on a small disk),
 * and for DISCARD and WRITE_ZEROES segments of sector, count and flags
 * at data. Returns the data's direction: device-writable for IN and
 * GET_ID.
 */
static u16 put_header(u64 hdr, u64 data, u32 len)
{
	static const u32 types[] = { 0, 1, 4, 8, 11, 13 };
	u32 type = rnd_pct(85) ? types[rnd_below(ARRAY_SIZE(types))] : rand_val();
	u64 seg;

	*(volatile u32 *)hdr = type;
	*(volatile u32 *)(hdr + 4) = rnd();
	*(volatile u64 *)(hdr + 8) = rnd_pct(80) ? rnd_below(0x8000) : rand_val();
	for (seg = data; (type == 11 || type == 13) && seg + 16 <= data + len &&
	     seg < data + 64; seg += 16) {
		*(volatile u64 *)seg = rnd_below(0x8000);
		*(volatile u32 *)(seg + 8) = rnd_pct(80) ? rnd_below(64) : rand_val();
		*(volatile u32 *)(seg + 12) = rnd_below(4);
	}
	return type == 0 || type == 8 ? VRING_DESC_F_WRITE : 0;
}

/* Data lengths: whole sectors mostly, up to 4 KiB, or a few bytes off. */
static u32 data_len(void)
{
	u32 len = 512 * rnd_below(9);

	return rnd_pct(80) ? len : len + 1 + rnd_below(511);
}

/*
 * A chain a device will take, in descriptors first to first + m - 1:
 * a request (the header whole or split, data in the middle, a status
 * byte last) or a run of writable buffers; its contents hostile.
 */
static void put_chain(u64 table, u32 first, u32 m)
{
	u32 i = first, last = first + m - 1, len;
	u64 hdr, data;
	u16 dflags;

	if (m < 2 || rnd_pct(40)) {
		for (; i <= last; i++) {
			len = rnd_pct(10) ? 0 : 1 + rnd_below(SZ_4K);
			put_desc(table, i, rand_scratch(len, 1), len, VRING_DESC_F_WRITE |
				 (i < last ? VRING_DESC_F_NEXT : 0), i + 1);
		}
		return;
	}
	hdr = rand_scratch(16, 8);
	len = data_len();
	data = rand_scratch(len, 512);
	dflags = put_header(hdr, data, len);
	if (m >= 4 && rnd_pct(30)) {
		put_desc(table, i, hdr, 8, VRING_DESC_F_NEXT, i + 1);
		i++;
		put_desc(table, i, hdr + 8, 8, VRING_DESC_F_NEXT, i + 1);
	} else {
		put_desc(table, i, hdr, 16, VRING_DESC_F_NEXT, i + 1);
	}
	/* The data, in as many buffers as are left before the status. */
	for (i++; i < last; i++) {
		put_desc(table, i, data, len, dflags | VRING_DESC_F_NEXT, i + 1);
		len = data_len();
		data = rand_scratch(len, 512);
	}
	put_desc(table, last, rand_scratch(1, 1), 1, VRING_DESC_F_WRITE, 0);
}

/* A ring of chains a device will take, some through indirect tables. */
static void fill_valid(u64 table, u16 n, bool indirect)
{
	struct fill *fs = this_fill();
	u32 i = 0, m;
	u64 sub;

	while (i < n) {
		if (fs->nr_heads < MAX_HEADS)
			fs->heads[fs->nr_heads++] = i;
		m = 2 + rnd_below(6);
		if (indirect && rnd_pct(25)) {
			sub = rand_scratch(m * VRING_DESC_SIZE, VRING_DESC_SIZE);
			put_chain(sub, 0, m);
			put_desc(table, i++, sub, m * VRING_DESC_SIZE,
				 VRING_DESC_F_INDIRECT, 0);
			continue;
		}
		m = MIN(m, n - i);
		put_chain(table, i, m);
		i += m;
	}
}

/*
 * A request that virtio-blk may serve, at i, i + 1 and i + 2. Any device
 * may take it; for virtio-rng it is buffers.
 */
static void put_request(u64 table, u32 i, int depth)
{
	struct fill *fs = this_fill();
	u32 len = rnd_pct(80) ? 512 * (1 + rnd_below(8)) : rand_len() & 0xffff;
	u64 hdr = rand_scratch(16, 8), data = rand_scratch(len, 512);
	u16 dflags = put_header(hdr, data, len);

	put_desc(table, i, hdr, 16, VRING_DESC_F_NEXT, i + 1);
	put_desc(table, i + 1, data, len, VRING_DESC_F_NEXT | dflags, i + 2);
	put_desc(table, i + 2, rand_scratch(1, 1), 1, VRING_DESC_F_WRITE, 0);
	if (!depth && fs->nr_heads < MAX_HEADS)
		fs->heads[fs->nr_heads++] = i;
}

/* An indirect descriptor, its table filled in turn while the budget lasts. */
static void put_indirect(u64 table, u32 i, int depth)
{
	u32 n = rnd_pct(80) ? 1 + rnd_below(depth ? 8 : 32) : rnd_below(300);
	u64 sub = rand_scratch((u64)n * VRING_DESC_SIZE, VRING_DESC_SIZE);
	u32 len = rnd_pct(80) ? n * VRING_DESC_SIZE : rand_len();
	u16 flags = VRING_DESC_F_INDIRECT;

	if (rnd_pct(15))
		flags |= VRING_DESC_F_NEXT;
	if (rnd_pct(15))
		flags |= VRING_DESC_F_WRITE;
	if (depth < 2)
		ring_fill_desc(sub, n, n, depth + 1);
	put_desc(table, i, safe_buf(sub, len), len, flags, rnd_below(4));
}

void ring_fill_desc(u64 table, u32 count, u16 num, int depth)
{
	struct fill *fs = this_fill();
	u32 i, len;
	u64 addr;
	u16 flags, next;

	for (i = 0; i < count && fs->budget; i++) {
		fs->budget--;
		len = rand_len();
		addr = rand_scratch(len, 1UL << rnd_below(10));
		flags = rnd_below(4);	/* NEXT and WRITE */
		next = rnd_pct(50) ? i + 1 : rnd_below(num + 2);
		switch (rnd_below(16)) {
		case 0: case 1: case 2: case 3:
			if (!depth && fs->nr_heads < MAX_HEADS &&
			    !(flags & VRING_DESC_F_NEXT))
				fs->heads[fs->nr_heads++] = i;
			break;
		case 4:		/* back to itself or an earlier one */
			flags |= VRING_DESC_F_NEXT;
			next = rnd_below(i + 1);
			break;
		case 5:		/* all of the table, and round again */
			flags |= VRING_DESC_F_NEXT;
			next = num ? (i + 1) % num : 0;
			break;
		case 6: case 7:
			put_indirect(table, i, depth);
			continue;
		case 8:		/* far more than RAM (safe_buf() puts it at its end) */
			len = 0x80000000U | rnd();
			break;
		case 9:		/* wraps at 2^64 */
			addr = -(u64)(1 + rnd_below(SZ_64K));
			len = SZ_64K + rnd_below(0x100000);
			break;
		case 10: case 11:
			addr = rand_addr();
			break;
		case 12:
			if (i + 3 <= count) {
				put_request(table, i, depth);
				i += 2;
				fs->budget -= MIN(fs->budget, 2U);
				continue;
			}
			break;
		case 13:
			flags = rnd();
			next = rnd();
			break;
		case 14:
			len = 0;
			break;
		default:
			next = num + rnd_below(0x10000 - num);
			flags |= VRING_DESC_F_NEXT;
			break;
		}
		put_desc(table, i, safe_buf(addr, len), len, flags, next);
	}
}

/*
 * avail->ring entries from slot first on: chains we made, or (unless
 * good) anything.
 */
static void put_avail(u64 avail, u16 num, u16 first, u16 count, bool good)
{
	struct fill *fs = this_fill();
	volatile u16 *ring = (volatile u16 *)(avail + 4);
	u16 i, head;

	for (i = 0; i < count && num; i++) {
		if (fs->nr_heads && (good || rnd_pct(70)))
			head = fs->heads[rnd_below(fs->nr_heads)];
		else
			head = rnd_pct(80) ? rnd_below(num) : rnd();
		ring[(u16)(first + i) % num] = head;
	}
}

static u16 rand_jump(u16 num)
{
	switch (rnd_below(10)) {
	case 0:	return num;
	case 1:	return num + 1 + rnd_below(8);
	case 2:	return 0x8000;
	case 3:	return rnd();
	case 4:	return 0;
	default: return 1 + rnd_below(4);
	}
}

/*
 * Where the rings go: the legacy layout (the only one a legacy device
 * has, its used ring aligned to align), apart as that, or unless asked
 * to keep them apart, over each other or misaligned.
 */
static void place_rings(bool legacy, bool apart, u16 n, u64 align, u64 *desc,
			u64 *avail, u64 *used)
{
	u64 span = 16UL * n + 6 + 2UL * n + 2 * SZ_4K + 8UL * n;

	*desc = rand_scratch(span, SZ_4K);
	*avail = *desc + 16UL * n;
	*used = ALIGN_UP(*avail + 6 + 2UL * n, legacy ? align : SZ_4K);
	if (legacy || apart)
		return;
	switch (rnd_below(8)) {
	case 0:		/* the used ring over the avail ring or the table */
		*used = rnd_pct(50) ? *desc : ALIGN_DOWN(*avail, 4);
		break;
	case 1:
		*desc += 1 + rnd_below(15);
		break;
	case 2:
		*avail |= 1;
		*used += 2;
		break;
	case 3:
		*avail = rand_scratch(6 + 2UL * n, 2);
		*used = rand_scratch(6 + 8UL * n, 4);
		break;
	}
}

/* One of the things a driver must not do in the middle of it all. */
static void meddle(struct hdev *h, u32 q)
{
	switch (rnd_below(20)) {
	case 0:	hw_w32(h, VM_STATUS, 0); break;
	case 1:	hw_w32(h, VM_QUEUE_NUM, rand_val()); break;
	case 2:
		if (virtio_is_legacy(&h->d)) {
			hw_w32(h, VM_QUEUE_PFN, 0);
		} else {
			hw_w32(h, VM_QUEUE_READY, 0);
			hw_w32(h, VM_QUEUE_READY, 1);
		}
		break;
	case 3:	hw_w32(h, VM_STATUS, 1U << rnd_below(8)); break;
	case 4:	hw_w32(h, VM_INTERRUPT_ACK, hw_read(h, VM_INTERRUPT_STATUS, 4)); break;
	case 5:	hw_w32(h, VM_QUEUE_SEL, q ^ 1); break;
	case 6:	udelay(rnd_below(200)); break;
	}
}

int ring_hostile(struct hdev *h, u32 q, u16 num)
{
	struct fill *fs = this_fill();
	bool legacy = virtio_is_legacy(&h->d);
	u64 f = virtio_dev_features(&h->d), desc, avail, used;
	u32 st = VIRTIO_ST_ACKNOWLEDGE | VIRTIO_ST_DRIVER, rounds, r;
	u32 align = rnd_pct(80) ? SZ_4K : 1U << rnd_below(13);
	u16 n = MIN(num ? num : 1, 256), idx = 0, jump;
	/* Two rings in five hold only chains a device takes: work for it. */
	bool good = rnd_pct(40);

	if (rnd_pct(50))
		f &= rnd();
	if (rnd_pct(5) && !good)
		f |= 1UL << rnd_below(64);
	if (good)
		f |= virtio_dev_features(&h->d) & BIT(VIRTIO_F_VERSION_1);
	hw_w32(h, VM_STATUS, 0);
	hw_w32(h, VM_STATUS, VIRTIO_ST_ACKNOWLEDGE);
	hw_w32(h, VM_STATUS, st);
	hw_w32(h, VM_DRV_FEATURES_SEL, 0);
	hw_w32(h, VM_DRV_FEATURES, f);
	if (!legacy) {
		hw_w32(h, VM_DRV_FEATURES_SEL, 1);
		hw_w32(h, VM_DRV_FEATURES, f >> 32);
		st |= VIRTIO_ST_FEATURES_OK;
		hw_w32(h, VM_STATUS, st);
	}
	hw_w32(h, VM_QUEUE_SEL, q);
	hw_w32(h, VM_QUEUE_NUM, num);
	place_rings(legacy, good, n, align, &desc, &avail, &used);
	fs->nr_heads = 0;
	fs->budget = FILL_BUDGET;
	if (desc & 15)
		good = false;
	else if (good)
		fill_valid(desc, n, f & BIT(VIRTIO_F_INDIRECT_DESC));
	else
		ring_fill_desc(desc, n, n, 0);
	if (!(avail & 1)) {
		*(volatile u16 *)avail = rnd_pct(80) ? 0 : rnd();
		*(volatile u16 *)(avail + 2) = 0;
		*(volatile u16 *)(avail + 4 + 2UL * n) = rnd_pct(50) ? 0 : rnd();
	}
	if (legacy) {
		hw_w32(h, VM_GUEST_PAGE_SIZE, LEGACY_PAGE);
		hw_w32(h, VM_QUEUE_ALIGN, align);
		hw_w32(h, VM_QUEUE_PFN, desc / LEGACY_PAGE);
	} else {
		hw_w32(h, VM_QUEUE_DESC_LOW, desc);
		hw_w32(h, VM_QUEUE_DESC_HIGH, desc >> 32);
		hw_w32(h, VM_QUEUE_DRIVER_LOW, avail);
		hw_w32(h, VM_QUEUE_DRIVER_HIGH, avail >> 32);
		hw_w32(h, VM_QUEUE_DEVICE_LOW, used);
		hw_w32(h, VM_QUEUE_DEVICE_HIGH, used >> 32);
		hw_w32(h, VM_QUEUE_READY, 1);
	}
	if (good || rnd_pct(90))
		hw_w32(h, VM_STATUS, st | VIRTIO_ST_DRIVER_OK);
	/* Now and then a flood: the I/O thread busy while the driver meddles. */
	rounds = rnd_pct(10) ? 50 + rnd_below(200) : 1 + rnd_below(good ? 12 : 6);
	for (r = 0; r < rounds; r++) {
		jump = good ? 1 + rnd_below(3) : rand_jump(n);
		if (!(avail & 1)) {
			put_avail(avail, n, idx, MIN(jump, n), good);
			idx += jump;
			dmb(ish);
			*(volatile u16 *)(avail + 2) = idx;
		}
		if (rnd_pct(30) && !good && !(desc & 15)) {
			fs->budget = 16;
			ring_fill_desc(desc + VRING_DESC_SIZE * rnd_below(n), 1, n, 0);
		}
		dsb(sy);
		hw_w32(h, VM_QUEUE_NOTIFY, rnd_pct(85) ? q : rand_val());
		meddle(h, q);
	}
	return 0;
}
