/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_TESTS_VIRTIO_HOSTILE_H
#define GUEST_TESTS_VIRTIO_HOSTILE_H

/*
 * virtio-hostile, shared between its files: virtio-hostile.c (the
 * parameters, the memory the guest must keep to itself, the register
 * accesses, the run, the report), virtio-hostile-ops.c (the
 * operations), virtio-hostile-ring.c (rings full of hostile content)
 * and virtio-hostile-sanity.c (the rounds of a well-behaved driver).
 */
#include "rand.h"
#include "types.h"
#include "virtio.h"

/* A device, and what the guest knows of the transport's state. */
struct hdev {
	struct virtio_dev d;
	int index;
	u32 vendor;		/* VendorID at probe */
	u64 capacity;		/* virtio-blk: config capacity at probe */
	bool ro;		/* virtio-blk: VIRTIO_BLK_F_RO offered */
	u32 unanswered;		/* sanity requests that timed out */
	/* From the interrupt handler. */
	volatile u32 irqs;
	volatile u32 irq_queue;	/* with the used-buffer bit in the ISR */
};

/* Counters that every CPU may bump. */
#define STAT_INC(x)	__atomic_fetch_add(&(x), 1, __ATOMIC_RELAXED)


/*
 * Guest physical memory. The guest's image (code, data, stacks, page
 * tables, the sanity rings) and the DTB are its own; every other byte
 * of RAM is scratch that devices may be pointed at. A range is unsafe
 * when some byte of it is the guest's own.
 */
struct hmem {
	u64 ram_base, ram_end;
	u64 own[2][2];			/* [start, end) */
	u64 scratch, scratch_size;	/* where the guest writes tables */
	u64 mmio[8];			/* windows of other devices, GIC, ... */
	int nr_mmio;
};
extern struct hmem mem;
bool range_unsafe(u64 addr, u64 len);
/* Anywhere, hostile: RAM, its edges, MMIO, unmapped, near 2^64. */
u64 rand_addr(void);
/* A length: small, sector sized, large, or one that cannot be RAM. */
u32 rand_len(void);
/* [addr, addr + len) in the scratch area, aligned to align. */
u64 rand_scratch(u64 len, u64 align);

/* Register values that mean something, mostly, and random ones. */
u64 rand_val(void);

/* Register accesses of width 1, 2, 4 or 8, through the guards. */
void hw_write(struct hdev *h, u32 off, int width, u64 val);
u64 hw_read(struct hdev *h, u32 off, int width);
static inline void hw_w32(struct hdev *h, u32 off, u32 val)
{
	hw_write(h, off, 4, val);
}

/* virtio-hostile-ops.c: one operation on one of the devices. */
enum op {
	OP_READ, OP_WRITE, OP_REG, OP_STATUS, OP_HANDSHAKE, OP_QUEUE,
	OP_RING, OP_NOTIFY, OP_RESET, OP_CROSS, OP_CONFIG, OP_ISR, NR_OPS,
};
extern const char *const op_names[NR_OPS];
extern u32 op_count[NR_OPS];
int run_op(struct hdev *devs, int nr_devs);	/* returns the op */

/* virtio-hostile-ring.c */
/* Descriptor i of the table at table (16-byte aligned). */
void put_desc(u64 table, u32 i, u64 addr, u32 len, u16 flags, u16 next);
/* Fill count descriptors at table with hostile content. */
void ring_fill_desc(u64 table, u32 count, u16 num, int depth);
/* Random rings for queue q in scratch, made ready, notified, meddled with. */
int ring_hostile(struct hdev *h, u32 q, u16 num);

/* virtio-hostile-sanity.c */
struct sanity {
	u32 rounds;
	u32 magic_bad;
	u32 rng_ok, rng_bad;
	u32 blk_ok, blk_bad;
	u32 net_ok, net_bad;
	u32 irq_ok, irq_bad;
	u32 printed;
};
extern struct sanity san;
/* Each device: identity registers, and a proper request where it can. */
void sanity_round(struct hdev *devs, int n, u64 timeout_us);

#endif
