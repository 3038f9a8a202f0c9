// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (devices/virtio/virtqueue.c) under a well-behaved
 * driver and under every malformed ring the device must refuse.
 */
#include <errno.h>
#include <string.h>

#include "devices/virtio/virtqueue.h"
#include "tests/unit.h"
#include "tests/virtio-guest.h"

#define RAM_SIZE	0x100000ULL
#define DESC		(GUEST_RAM_BASE + 0x1000)
#define AVAIL		(GUEST_RAM_BASE + 0x3000)
#define USED		(GUEST_RAM_BASE + 0x4000)
#define TABLE		(GUEST_RAM_BASE + 0x6000)	/* indirect tables */
#define BUF		(GUEST_RAM_BASE + 0x10000)	/* buffers */
#define NUM		8

struct fixture {
	struct guest_mem mem;
	struct virtq vq;
	struct vdrv drv;
	struct virtq_elem e;
};

/* A fresh queue of num entries, started; features as given. */
static int fx_start(struct fixture *f, uint16_t num, bool indirect,
		    bool event_idx)
{
	vdrv_init(&f->drv, &f->mem, num, DESC, AVAIL, USED);
	virtq_reset(&f->vq);
	f->vq.num = num;
	f->vq.desc_gpa = DESC;
	f->vq.avail_gpa = AVAIL;
	f->vq.used_gpa = USED;
	f->vq.ready = true;
	f->vq.indirect = indirect;
	f->vq.event_idx = event_idx;
	return virtq_start(&f->vq, &f->mem);
}

static int start_with(struct fixture *f, uint16_t num, uint64_t desc,
		      uint64_t avail, uint64_t used)
{
	virtq_reset(&f->vq);
	f->vq.num = num;
	f->vq.desc_gpa = desc;
	f->vq.avail_gpa = avail;
	f->vq.used_gpa = used;
	return virtq_start(&f->vq, &f->mem);
}

static void test_start(struct unit *u, struct fixture *f)
{
	uint64_t end = GUEST_RAM_BASE + RAM_SIZE;

	CHECK_EQ(u, start_with(f, 8, DESC, AVAIL, USED), 0);
	CHECK_EQ(u, start_with(f, 256, DESC, AVAIL, USED), 0);
	CHECK_EQ(u, start_with(f, 1, DESC, AVAIL, USED), 0);
	CHECK_EQ(u, start_with(f, 0, DESC, AVAIL, USED), -EINVAL);
	CHECK_EQ(u, start_with(f, 6, DESC, AVAIL, USED), -EINVAL);
	CHECK_EQ(u, start_with(f, 512, DESC, AVAIL, USED), -EINVAL);
	CHECK(u, f->vq.error != NULL);
	/* Alignment: 16, 2 and 4 bytes (2.7). */
	CHECK_EQ(u, start_with(f, 8, DESC + 8, AVAIL, USED), -EINVAL);
	CHECK_EQ(u, start_with(f, 8, DESC, AVAIL + 1, USED), -EINVAL);
	CHECK_EQ(u, start_with(f, 8, DESC, AVAIL + 2, USED), 0);
	CHECK_EQ(u, start_with(f, 8, DESC, AVAIL, USED + 2), -EINVAL);
	/* Outside RAM, over MMIO, straddling its end, wrapping. */
	CHECK_EQ(u, start_with(f, 8, 0x0a000000, AVAIL, USED), -EINVAL);
	CHECK_EQ(u, start_with(f, 8, DESC, end, USED), -EINVAL);
	CHECK_EQ(u, start_with(f, 8, DESC, AVAIL, end - 64), -EINVAL);
	CHECK_EQ(u, start_with(f, 8, DESC, AVAIL, end - VIRTQ_USED_BYTES(8) - 2), 0);
	CHECK_EQ(u, start_with(f, 8, 0xfffffffffffffff0ULL, AVAIL, USED), -EINVAL);
	CHECK(u, !f->vq.desc);
	/* Not started: nothing to take, nothing pushed. */
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 0);
	CHECK(u, !virtq_should_notify(&f->vq));
	CHECK(u, !virtq_notify_enable(&f->vq, true));
}

static void test_simple(struct unit *u, struct fixture *f)
{
	uint32_t id, len;

	CHECK_EQ(u, fx_start(f, NUM, false, false), 0);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 0);
	vdrv_desc(&f->drv, 3, BUF, 16, VIRTQ_DESC_F_NEXT, 5);
	vdrv_desc(&f->drv, 5, BUF + 0x100, 32, VIRTQ_DESC_F_WRITE, 0);
	vdrv_publish(&f->drv, 3);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK_EQ(u, f->e.head, 3);
	CHECK_EQ(u, f->e.nr_out, 1);
	CHECK_EQ(u, f->e.nr_in, 1);
	CHECK_EQ(u, f->e.out_len, 16);
	CHECK_EQ(u, f->e.in_len, 32);
	CHECK(u, f->e.iov[0].iov_base == gpa(&f->mem, BUF));
	CHECK(u, f->e.iov[1].iov_base == gpa(&f->mem, BUF + 0x100));
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 0);

	virtq_push(&f->vq, &f->e, 10);
	CHECK(u, vdrv_get_used(&f->drv, &id, &len));
	CHECK_EQ(u, id, 3);
	CHECK_EQ(u, len, 10);
	CHECK(u, virtq_should_notify(&f->vq));
	CHECK(u, !virtq_should_notify(&f->vq));	/* nothing new */

	/* More than the in-buffers hold is clamped. */
	vdrv_publish(&f->drv, 3);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	virtq_push(&f->vq, &f->e, 1000);
	CHECK(u, vdrv_get_used(&f->drv, &id, &len));
	CHECK_EQ(u, len, 32);

	/* The driver asks for no interrupts. */
	vdrv_set_avail_flags(&f->drv, VIRTQ_AVAIL_F_NO_INTERRUPT);
	vdrv_publish(&f->drv, 3);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	virtq_push(&f->vq, &f->e, 0);
	CHECK(u, !virtq_should_notify(&f->vq));
	CHECK_EQ(u, vdrv_used_idx(&f->drv), 3);

	/* Zero-length descriptors add no segment. */
	vdrv_desc(&f->drv, 0, 0, 0, VIRTQ_DESC_F_NEXT, 1);
	vdrv_desc(&f->drv, 1, BUF, 4, VIRTQ_DESC_F_NEXT, 2);
	vdrv_desc(&f->drv, 2, 0xdead, 0, VIRTQ_DESC_F_WRITE, 0);
	vdrv_publish(&f->drv, 0);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK_EQ(u, f->e.nr_out + f->e.nr_in, 1);
	CHECK_EQ(u, f->e.out_len, 4);
}

/* Far past 2^16 requests: the indexes wrap as the driver's do. */
static void test_wrap(struct unit *u, struct fixture *f)
{
	uint32_t id, len, i, bad = 0;

	CHECK_EQ(u, fx_start(f, 4, false, false), 0);
	vdrv_desc(&f->drv, 1, BUF, 8, VIRTQ_DESC_F_WRITE, 0);
	for (i = 0; i < 70000; i++) {
		vdrv_publish(&f->drv, 1);
		if (virtq_pop(&f->vq, &f->e) != 1)
			bad++;
		virtq_push(&f->vq, &f->e, 8);
		if (!vdrv_get_used(&f->drv, &id, &len) || id != 1 || len != 8)
			bad++;
	}
	CHECK_EQ(u, bad, 0);
	CHECK_EQ(u, vdrv_used_idx(&f->drv), 70000 & 0xffff);

	/* A full ring, taken at once: exactly num ahead is fine. */
	for (i = 0; i < 4; i++)
		vdrv_publish(&f->drv, 1);
	for (i = 0; i < 4; i++)
		CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 0);
}

static void test_event_idx(struct unit *u, struct fixture *f)
{
	unsigned int i;

	CHECK_EQ(u, fx_start(f, NUM, false, true), 0);
	vdrv_desc(&f->drv, 0, BUF, 8, VIRTQ_DESC_F_WRITE, 0);
	/* Finding the ring empty publishes avail_event. */
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 0);
	CHECK_EQ(u, vdrv_avail_event(&f->drv), 0);
	vdrv_publish(&f->drv, 0);
	vdrv_publish(&f->drv, 0);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 0);
	CHECK_EQ(u, vdrv_avail_event(&f->drv), 2);

	/* used_event 0: the first entry interrupts, the next do not. */
	vdrv_set_used_event(&f->drv, 0);
	virtq_push(&f->vq, &f->e, 0);
	CHECK(u, virtq_should_notify(&f->vq));
	virtq_push(&f->vq, &f->e, 0);
	CHECK(u, !virtq_should_notify(&f->vq));
	/* used_event 4: only when used->idx passes 4, even in a batch. */
	vdrv_set_used_event(&f->drv, 4);
	for (i = 0; i < 2; i++)
		virtq_push(&f->vq, &f->e, 0);
	CHECK(u, !virtq_should_notify(&f->vq));		/* idx 4 */
	for (i = 0; i < 3; i++)
		virtq_push(&f->vq, &f->e, 0);
	CHECK(u, virtq_should_notify(&f->vq));		/* idx 7 */
	CHECK(u, !virtq_should_notify(&f->vq));

	/* Off: no avail_event update; on again: written, pending seen. */
	virtq_notify_enable(&f->vq, false);
	vdrv_publish(&f->drv, 0);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 0);
	CHECK_EQ(u, vdrv_avail_event(&f->drv), 2);
	vdrv_publish(&f->drv, 0);
	CHECK(u, virtq_notify_enable(&f->vq, true));
	CHECK_EQ(u, vdrv_avail_event(&f->drv), 3);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK(u, !virtq_notify_enable(&f->vq, true));
	CHECK_EQ(u, vdrv_avail_event(&f->drv), 4);
}

static void test_notify_flags(struct unit *u, struct fixture *f)
{
	CHECK_EQ(u, fx_start(f, NUM, false, false), 0);
	vdrv_desc(&f->drv, 0, BUF, 8, 0, 0);
	CHECK(u, !virtq_notify_enable(&f->vq, false));
	CHECK_EQ(u, vdrv_used_flags(&f->drv), VIRTQ_USED_F_NO_NOTIFY);
	CHECK(u, !virtq_notify_enable(&f->vq, true));
	CHECK_EQ(u, vdrv_used_flags(&f->drv), 0);
	vdrv_publish(&f->drv, 0);
	CHECK(u, virtq_notify_enable(&f->vq, true));
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK(u, !virtq_notify_enable(&f->vq, true));
}

static void test_indirect(struct unit *u, struct fixture *f)
{
	unsigned int i;

	CHECK_EQ(u, fx_start(f, NUM, true, false), 0);
	vdrv_desc_at(&f->drv, TABLE, 0, BUF, 4, VIRTQ_DESC_F_NEXT, 2);
	vdrv_desc_at(&f->drv, TABLE, 2, BUF + 4, 6, VIRTQ_DESC_F_NEXT, 1);
	vdrv_desc_at(&f->drv, TABLE, 1, BUF + 64, 100, VIRTQ_DESC_F_WRITE, 0);
	/* WRITE on the descriptor that points at a table is ignored. */
	vdrv_desc(&f->drv, 7, TABLE, 48, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
	vdrv_publish(&f->drv, 7);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK_EQ(u, f->e.head, 7);
	CHECK_EQ(u, f->e.nr_out, 2);
	CHECK_EQ(u, f->e.nr_in, 1);
	CHECK_EQ(u, f->e.out_len, 10);
	CHECK_EQ(u, f->e.in_len, 100);
	CHECK(u, f->e.iov[2].iov_base == gpa(&f->mem, BUF + 64));

	/* Direct descriptors, then a table ending the chain. */
	vdrv_desc_at(&f->drv, TABLE + 0x2000, 0, BUF, 2, 0, 0);
	vdrv_desc(&f->drv, 0, BUF, 1, VIRTQ_DESC_F_NEXT, 1);
	vdrv_desc(&f->drv, 1, TABLE + 0x2000, 16, VIRTQ_DESC_F_INDIRECT, 0);
	vdrv_publish(&f->drv, 0);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK_EQ(u, f->e.nr_out, 2);

	/* The largest table: VIRTQ_INDIRECT_MAX segments, one chain's worth. */
	for (i = 0; i < VIRTQ_INDIRECT_MAX; i++)
		vdrv_desc_at(&f->drv, TABLE, i, BUF + i, 1,
			     i + 1 < VIRTQ_INDIRECT_MAX ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	vdrv_desc(&f->drv, 2, TABLE, 16 * VIRTQ_INDIRECT_MAX, VIRTQ_DESC_F_INDIRECT, 0);
	vdrv_publish(&f->drv, 2);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK_EQ(u, f->e.nr_out, VIRTQ_CHAIN_MAX);
	/* A chain as long as the ring's table. */
	for (i = 0; i < NUM; i++)
		vdrv_desc(&f->drv, i, BUF, 1, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	vdrv_publish(&f->drv, 0);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK_EQ(u, f->e.nr_out, NUM);
}

/* After a malformed chain the queue is broken for good. */
static void check_broken(struct unit *u, struct fixture *f, int line)
{
	uint16_t used = vdrv_used_idx(&f->drv);
	int ret = virtq_pop(&f->vq, &f->e);

	if (ret != -EINVAL || !f->vq.broken || !f->vq.error)
		fprintf(stderr, "%s:%d: hostile ring accepted (%d)\n", __FILE__, line, ret);
	CHECK_EQ(u, ret, -EINVAL);
	CHECK(u, f->vq.broken && f->vq.error);
	CHECK_EQ(u, f->e.nr_out + f->e.nr_in, 0);
	vdrv_publish(&f->drv, 0);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), -EINVAL);
	f->e.head = 0;
	f->e.in_len = 8;
	virtq_push(&f->vq, &f->e, 8);
	CHECK_EQ(u, vdrv_used_idx(&f->drv), used);
	CHECK(u, !virtq_should_notify(&f->vq));
	CHECK(u, !virtq_notify_enable(&f->vq, true));
}

#define HOSTILE(u, f, indirect, setup) do {				\
	CHECK_EQ(u, fx_start(f, NUM, indirect, false), 0);		\
	setup;								\
	check_broken(u, f, __LINE__);					\
} while (0)

#define D(i, a, l, fl, n)	vdrv_desc(&f->drv, i, a, l, fl, n)
#define T(i, a, l, fl, n)	vdrv_desc_at(&f->drv, TABLE, i, a, l, fl, n)
#define PUB(h)			vdrv_publish(&f->drv, h)
#define NEXT			VIRTQ_DESC_F_NEXT
#define WR			VIRTQ_DESC_F_WRITE
#define IND			VIRTQ_DESC_F_INDIRECT

static void test_hostile_chains(struct unit *u, struct fixture *f)
{
	uint64_t end = GUEST_RAM_BASE + RAM_SIZE;
	unsigned int i;

	/* Loops, of two and of one. */
	HOSTILE(u, f, false, (D(0, BUF, 1, NEXT, 1), D(1, BUF, 1, NEXT, 0), PUB(0)));
	HOSTILE(u, f, false, (D(4, BUF, 1, NEXT, 4), PUB(4)));
	/* A loop of writable descriptors (no ordering error to stop it). */
	HOSTILE(u, f, false, (D(0, BUF, 1, NEXT | WR, 1), D(1, BUF, 1, NEXT | WR, 0), PUB(0)));
	/* next and head out of range. */
	HOSTILE(u, f, false, (D(0, BUF, 1, NEXT, NUM), PUB(0)));
	HOSTILE(u, f, false, (PUB(NUM)));
	HOSTILE(u, f, false, (PUB(0xffff)));
	/* avail->idx more than num ahead. */
	HOSTILE(u, f, false, (D(0, BUF, 1, 0, 0), vdrv_set_avail_idx(&f->drv, NUM + 1)));
	HOSTILE(u, f, false, (vdrv_set_avail_idx(&f->drv, 0x8000)));
	/* A readable buffer after a writable one. */
	HOSTILE(u, f, false, (D(0, BUF, 8, NEXT | WR, 1), D(1, BUF, 8, 0, 0), PUB(0)));
	/* Buffers outside RAM, over MMIO, straddling its end, wrapping. */
	HOSTILE(u, f, false, (D(0, 0x09000000, 8, 0, 0), PUB(0)));
	HOSTILE(u, f, false, (D(0, GUEST_RAM_BASE - 4, 8, 0, 0), PUB(0)));
	HOSTILE(u, f, false, (D(0, end - 4, 8, 0, 0), PUB(0)));
	HOSTILE(u, f, false, (D(0, end, 1, WR, 0), PUB(0)));
	HOSTILE(u, f, false, (D(0, 0xfffffffffffff000ULL, 0x2000, 0, 0), PUB(0)));
	HOSTILE(u, f, false, (D(0, BUF, 0xffffffff, 0, 0), PUB(0)));
	/* Too many segments: a direct one, then a full indirect table. */
	HOSTILE(u, f, true, ({
		for (i = 0; i < VIRTQ_INDIRECT_MAX; i++)
			T(i, BUF, 1, i + 1 < VIRTQ_INDIRECT_MAX ? NEXT : 0, i + 1);
		D(0, BUF, 1, NEXT, 1);
		D(1, TABLE, 16 * VIRTQ_INDIRECT_MAX, IND, 0);
		PUB(0);
	}));
}

static void test_hostile_indirect(struct unit *u, struct fixture *f)
{
	/* Not negotiated. */
	HOSTILE(u, f, false, (T(0, BUF, 1, 0, 0), D(0, TABLE, 16, IND, 0), PUB(0)));
	/* A table inside a table. */
	HOSTILE(u, f, true, (T(0, TABLE, 16, IND, 0), D(0, TABLE, 16, IND, 0), PUB(0)));
	/* Sizes: zero, not a multiple of 16, above the maximum. */
	HOSTILE(u, f, true, (D(0, TABLE, 0, IND, 0), PUB(0)));
	HOSTILE(u, f, true, (D(0, TABLE, 24, IND, 0), PUB(0)));
	HOSTILE(u, f, true, (D(0, TABLE, 16 * (VIRTQ_INDIRECT_MAX + 1), IND, 0), PUB(0)));
	HOSTILE(u, f, true, (D(0, TABLE, 0xfffffff0, IND, 0), PUB(0)));
	/* INDIRECT and NEXT together. */
	HOSTILE(u, f, true, (T(0, BUF, 1, 0, 0), D(0, TABLE, 16, IND | NEXT, 1),
			     D(1, BUF, 1, 0, 0), PUB(0)));
	/* The table outside RAM, or wrapping. */
	HOSTILE(u, f, true, (D(0, 0x09000000, 32, IND, 0), PUB(0)));
	HOSTILE(u, f, true, (D(0, 0xfffffffffffffff0ULL, 32, IND, 0), PUB(0)));
	/* Loops and next out of range inside the table. */
	HOSTILE(u, f, true, (T(0, BUF, 1, NEXT, 1), T(1, BUF, 1, NEXT, 0),
			     D(0, TABLE, 32, IND, 0), PUB(0)));
	HOSTILE(u, f, true, (T(0, BUF, 1, NEXT, 2), T(1, BUF, 1, 0, 0), T(2, BUF, 1, 0, 0),
			     D(0, TABLE, 32, IND, 0), PUB(0)));
	/* Writable, then readable, inside the table. */
	HOSTILE(u, f, true, (T(0, BUF, 1, NEXT | WR, 1), T(1, BUF, 1, 0, 0),
			     D(0, TABLE, 32, IND, 0), PUB(0)));
	/* A buffer outside RAM in the table. */
	HOSTILE(u, f, true, (T(0, 0x08000000, 4, 0, 0), D(0, TABLE, 16, IND, 0), PUB(0)));
}

/* A batch takes at most num chains; outside one there is no limit. */
static void test_batch(struct unit *u, struct fixture *f)
{
	unsigned int i;

	CHECK_EQ(u, fx_start(f, 4, false, false), 0);
	vdrv_desc(&f->drv, 0, BUF, 8, 0, 0);
	for (i = 0; i < 4; i++)
		vdrv_publish(&f->drv, 0);
	CHECK(u, !virtq_batch_end(&f->vq));	/* not in a batch: nothing */
	virtq_batch_start(&f->vq);
	for (i = 0; i < 4; i++) {
		CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
		virtq_push(&f->vq, &f->e, 0);
	}
	vdrv_publish(&f->drv, 0);	/* the driver keeps adding */
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 0);
	CHECK(u, !virtq_notify_enable(&f->vq, true));	/* no drain loop */
	CHECK(u, virtq_batch_end(&f->vq));	/* served in the next round */
	virtq_batch_start(&f->vq);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 0);
	CHECK(u, !virtq_batch_end(&f->vq));
	/* Budget left, ring empty: no further round. */
	virtq_batch_start(&f->vq);
	CHECK(u, !virtq_batch_end(&f->vq));
	for (i = 0; i < 5; i++) {
		vdrv_publish(&f->drv, 0);
		CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	}
}

/* virtq_stop keeps the driver's settings; reset forgets them. */
static void test_stop_reset(struct unit *u, struct fixture *f)
{
	CHECK_EQ(u, fx_start(f, NUM, false, false), 0);
	vdrv_desc(&f->drv, 0, BUF, 8, 0, 0);
	vdrv_publish(&f->drv, 0);
	virtq_stop(&f->vq);
	CHECK(u, !f->vq.ready && !f->vq.desc);
	CHECK_EQ(u, f->vq.num, NUM);
	CHECK_EQ(u, f->vq.desc_gpa, DESC);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 0);
	/* Started again, it takes up from the start of the ring. */
	CHECK_EQ(u, virtq_start(&f->vq, &f->mem), 0);
	CHECK_EQ(u, virtq_pop(&f->vq, &f->e), 1);
	f->vq.completed = 0;
	virtq_push(&f->vq, &f->e, 0);
	CHECK_EQ(u, f->vq.completed, 1);
	virtq_reset(&f->vq);
	CHECK(u, !f->vq.num && !f->vq.desc_gpa && !f->vq.broken);
	/* The count of chains used is for lkvm stat: a reset keeps it. */
	CHECK_EQ(u, f->vq.completed, 1);
	/* A broken queue starts afresh. */
	HOSTILE(u, f, false, (PUB(NUM)));
	CHECK_EQ(u, fx_start(f, NUM, false, false), 0);
	CHECK(u, !f->vq.broken);
}

int main(void)
{
	struct unit u = { 0 };
	struct fixture f = { 0 };

	if (guest_ram_init(&f.mem, RAM_SIZE))
		return 1;
	test_start(&u, &f);
	test_simple(&u, &f);
	test_wrap(&u, &f);
	test_event_idx(&u, &f);
	test_notify_flags(&u, &f);
	test_indirect(&u, &f);
	test_hostile_chains(&u, &f);
	test_hostile_indirect(&u, &f);
	test_batch(&u, &f);
	test_stop_reset(&u, &f);
	guest_ram_free(&f.mem);
	return unit_done(&u, "virtqueue");
}
