// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (devices/virtio/virtqueue.c) under a guest that
 * writes anything into its rings and buffers, at any moment.
 *
 * Input: a header, guest RAM, then operations.
 *   u8 config: bits 0-3 log2 of the queue size (9-15: too big),
 *              bit 4 INDIRECT_DESC, bit 5 EVENT_IDX, bit 6 ring
 *              addresses from the input (else desc at RAM + 0, avail
 *              at + 0x1000, used at + 0x2000)
 *   [u64 desc, u64 avail, u64 used]   with bit 6
 *   u16 n, then n bytes: the start of RAM (32 KiB at 0x10000)
 *   operations, each an opcode byte (modulo 10):
 *     0 pop           1 push the oldest taken chain: u32 len
 *     2 guest write: u16 RAM offset, u8 n, n bytes
 *     3 should_notify 4 notify_enable: u8 (bit 0: on)
 *     5 drain: pop and push until the ring is empty or refused
 *     6 stop and start again
 *     7 avail->idx = u16
 *     8 publish: u16 head into the avail ring, then avail->idx + 1
 *     9 descriptor: u8 index (ring table, or with bit 7 set the
 *       table at RAM + 0x3000), u16 RAM offset (0xffff: u64 raw
 *       address follows), u32 len, u16 flags, u16 next
 *    10 virtq_batch_start  11 virtq_batch_end
 *    12 indirect table: u16 n (up to VIRTQ_INDIRECT_MAX + 2), u32 len,
 *       u16 flags: n descriptors at RAM + 0x3000 chained with NEXT
 *       (the last without), each len bytes, flags added to each
 * A final drain ends every input.
 *
 * The harness is the guest and keeps its own account of the device:
 * every result is checked against a plain reference walk of the chain
 * (a visited set instead of a counter), each segment must lie in RAM,
 * used entries and indexes must be what was pushed, the notification
 * decisions must follow 2.7.7 and 2.7.10, a batch must take no more
 * than num chains, and a refusal must stick.
 */
#include <errno.h>
#include <limits.h>

#include "devices/virtio/virtqueue.h"
#include "tests/fuzz/fuzz.h"
#include "tests/virtio-guest.h"

#define RAM_BASE	0x10000ULL
#define RAM_SIZE	0x8000ULL
#define ITABLE		(RAM_BASE + 0x3000)
#define OP_COUNT	13

struct taken {
	uint16_t head;
	uint64_t in_len;
};

struct fz {
	struct guest_mem mem;
	struct virtq vq;
	bool started;
	/* The harness's account of the device. */
	uint16_t last_avail, used_idx, signalled;
	bool no_notify;
	unsigned int budget;
	struct taken taken[VIRTQ_MAX_SIZE];
	unsigned int nr_taken, first_taken;
	struct virtq_elem e;
};

struct ref {
	unsigned int nr_out, nr_in;
	uint64_t out_len, in_len;
};

static bool ram_ok(uint64_t addr, uint64_t len)
{
	return len && addr >= RAM_BASE &&
	       (unsigned __int128)addr + len <= RAM_BASE + RAM_SIZE;
}

static uint64_t rd64(struct fz *z, uint64_t addr)
{
	uint64_t v;

	memcpy(&v, gpa(&z->mem, addr), 8);
	return le64toh(v);
}

static uint32_t rd32(struct fz *z, uint64_t addr)
{
	uint32_t v;

	memcpy(&v, gpa(&z->mem, addr), 4);
	return le32toh(v);
}

static uint16_t rd16(struct fz *z, uint64_t addr)
{
	uint16_t v;

	memcpy(&v, gpa(&z->mem, addr), 2);
	return le16toh(v);
}

static void wr16(struct fz *z, uint64_t addr, uint16_t val)
{
	val = htole16(val);
	memcpy(gpa(&z->mem, addr), &val, 2);
}

static bool ref_start_ok(const struct virtq *vq)
{
	uint16_t n = vq->num;

	return n && n <= VIRTQ_MAX_SIZE && !(n & (n - 1)) &&
	       !(vq->desc_gpa & 15) && !(vq->avail_gpa & 1) && !(vq->used_gpa & 3) &&
	       ram_ok(vq->desc_gpa, 16ULL * n) && ram_ok(vq->avail_gpa, 6 + 2ULL * n) &&
	       ram_ok(vq->used_gpa, 6 + 8ULL * n);
}

/* The chain from head as the spec allows it; false when malformed. */
static bool ref_walk(struct fz *z, uint16_t head, struct ref *r)
{
	uint64_t table = z->vq.desc_gpa, addr, len;
	unsigned int max = z->vq.num, idx = head;
	bool seen[VIRTQ_INDIRECT_MAX + VIRTQ_MAX_SIZE] = { false };
	bool in_table = false;
	uint16_t flags;

	memset(r, 0, sizeof(*r));
	for (;;) {
		if (idx >= max || seen[idx])
			return false;
		seen[idx] = true;
		addr = rd64(z, table + 16ULL * idx);
		len = rd32(z, table + 16ULL * idx + 8);
		flags = rd16(z, table + 16ULL * idx + 12);
		if (flags & VIRTQ_DESC_F_INDIRECT) {
			if (!z->vq.indirect || in_table || (flags & VIRTQ_DESC_F_NEXT) ||
			    !len || len % 16 || len > 16 * VIRTQ_INDIRECT_MAX ||
			    !ram_ok(addr, len))
				return false;
			table = addr;
			max = len / 16;
			idx = 0;
			in_table = true;
			memset(seen, 0, sizeof(seen));
			continue;
		}
		if (!(flags & VIRTQ_DESC_F_WRITE) && r->nr_in)
			return false;
		if (len) {
			if (r->nr_out + r->nr_in == VIRTQ_CHAIN_MAX || !ram_ok(addr, len))
				return false;
			if (flags & VIRTQ_DESC_F_WRITE) {
				r->nr_in++;
				r->in_len += len;
			} else {
				r->nr_out++;
				r->out_len += len;
			}
		}
		if (!(flags & VIRTQ_DESC_F_NEXT))
			return true;
		idx = rd16(z, table + 16ULL * idx + 14);
	}
}

static void check_elem(struct fz *z, const struct virtq_elem *e,
		       const struct ref *r)
{
	uint64_t out = 0, in = 0;
	unsigned int i;

	FUZZ_CHECK(e->head < z->vq.num);
	FUZZ_CHECK_EQ(e->nr_out, r->nr_out);
	FUZZ_CHECK_EQ(e->nr_in, r->nr_in);
	FUZZ_CHECK_EQ(e->out_len, r->out_len);
	FUZZ_CHECK_EQ(e->in_len, r->in_len);
	for (i = 0; i < e->nr_out + e->nr_in; i++) {
		uint8_t *p = e->iov[i].iov_base;

		FUZZ_CHECK(e->iov[i].iov_len);
		FUZZ_CHECK(p >= z->mem.hva &&
			   e->iov[i].iov_len <= RAM_SIZE - (uint64_t)(p - z->mem.hva));
		if (i < e->nr_out)
			out += e->iov[i].iov_len;
		else
			in += e->iov[i].iov_len;
		/* Touch every byte: the device writes in-buffers, reads the rest. */
		if (i >= e->nr_out)
			memset(p, 0xa5, e->iov[i].iov_len);
		else
			(void)*(volatile uint8_t *)&p[e->iov[i].iov_len - 1];
	}
	FUZZ_CHECK_EQ(out, e->out_len);
	FUZZ_CHECK_EQ(in, e->in_len);
}

static void check_refused(struct fz *z)
{
	struct virtq_elem e;

	FUZZ_CHECK(z->vq.broken && z->vq.error);
	FUZZ_CHECK_EQ(virtq_pop(&z->vq, &e), -EINVAL);
	FUZZ_CHECK(!virtq_should_notify(&z->vq));
	FUZZ_CHECK(!virtq_notify_enable(&z->vq, true));
}

/* One pop, checked against the reference. Returns what pop returned. */
static int fz_pop(struct fz *z)
{
	struct virtq_elem *e = &z->e;
	uint16_t avail_idx, ahead, head;
	struct ref r;
	bool want_ok;
	int ret;

	if (!z->started) {
		FUZZ_CHECK_EQ(virtq_pop(&z->vq, e), 0);
		return 0;
	}
	if (z->vq.broken) {
		check_refused(z);
		return -EINVAL;
	}
	if (!z->budget) {
		FUZZ_CHECK_EQ(virtq_pop(&z->vq, e), 0);
		return 0;
	}
	/*
	 * An idle device writes avail_event, then looks again; with rings
	 * that overlap, that write may change what it finds. Write it
	 * first, as the device will, and read the ring after.
	 */
	if (z->vq.event_idx && !z->no_notify &&
	    rd16(z, z->vq.avail_gpa + 2) == z->last_avail)
		wr16(z, z->vq.used_gpa + 4 + 8ULL * z->vq.num, z->last_avail);
	avail_idx = rd16(z, z->vq.avail_gpa + 2);
	ahead = avail_idx - z->last_avail;
	head = rd16(z, z->vq.avail_gpa + 4 + 2ULL * (z->last_avail % z->vq.num));
	ret = virtq_pop(&z->vq, e);
	if (!ahead) {
		FUZZ_CHECK_EQ(ret, 0);
		/* 2.7.10: an idle device tells the driver where it stopped. */
		if (z->vq.event_idx && !z->no_notify)
			FUZZ_CHECK_EQ(rd16(z, z->vq.used_gpa + 4 + 8ULL * z->vq.num),
				      z->last_avail);
		return 0;
	}
	want_ok = ahead <= z->vq.num && head < z->vq.num && ref_walk(z, head, &r);
	FUZZ_CHECK_EQ(ret, want_ok ? 1 : -EINVAL);
	if (!want_ok) {
		check_refused(z);
		return ret;
	}
	FUZZ_CHECK_EQ(e->head, head);
	check_elem(z, e, &r);
	z->last_avail++;
	if (z->budget != UINT_MAX)
		z->budget--;
	if (z->nr_taken < VIRTQ_MAX_SIZE) {
		z->taken[(z->first_taken + z->nr_taken) % VIRTQ_MAX_SIZE] =
			(struct taken) { .head = e->head, .in_len = e->in_len };
		z->nr_taken++;
	}
	return 1;
}

static void fz_push(struct fz *z, uint32_t len)
{
	struct virtq_elem e;
	struct taken t;
	uint64_t slot;

	if (!z->nr_taken)
		return;
	t = z->taken[z->first_taken];
	z->first_taken = (z->first_taken + 1) % VIRTQ_MAX_SIZE;
	z->nr_taken--;
	e.head = t.head;
	e.in_len = t.in_len;
	virtq_push(&z->vq, &e, len);
	if (!z->started || z->vq.broken) {
		FUZZ_CHECK_EQ(z->vq.used_idx, z->used_idx);
		return;
	}
	slot = z->vq.used_gpa + 4 + 8ULL * (z->used_idx % z->vq.num);
	z->used_idx++;
	FUZZ_CHECK_EQ(rd16(z, z->vq.used_gpa + 2), z->used_idx);
	FUZZ_CHECK_EQ(rd32(z, slot), t.head);
	FUZZ_CHECK_EQ(rd32(z, slot + 4), len < t.in_len ? len : t.in_len);
}

static void fz_should_notify(struct fz *z)
{
	uint16_t old = z->signalled, now = z->used_idx, event;
	bool want;

	if (!z->started || z->vq.broken) {
		FUZZ_CHECK(!virtq_should_notify(&z->vq));
		return;
	}
	if (z->vq.event_idx) {
		event = rd16(z, z->vq.avail_gpa + 4 + 2ULL * z->vq.num);
		want = (uint16_t)(now - event - 1) < (uint16_t)(now - old);
	} else {
		want = now != old && !(rd16(z, z->vq.avail_gpa) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	FUZZ_CHECK_EQ(virtq_should_notify(&z->vq), want);
	z->signalled = now;
}

static void fz_notify_enable(struct fz *z, bool on)
{
	bool ret = virtq_notify_enable(&z->vq, on);
	uint64_t used = z->vq.used_gpa;

	if (!z->started || z->vq.broken) {
		FUZZ_CHECK(!ret);
		return;
	}
	z->no_notify = !on;
	if (z->vq.event_idx) {
		if (on)
			FUZZ_CHECK_EQ(rd16(z, used + 4 + 8ULL * z->vq.num), z->last_avail);
	} else {
		FUZZ_CHECK_EQ(rd16(z, used), on ? 0 : VIRTQ_USED_F_NO_NOTIFY);
	}
	FUZZ_CHECK_EQ(ret, on && z->budget &&
		      rd16(z, z->vq.avail_gpa + 2) != z->last_avail);
}

/* Pop and push until the ring is empty or refused: bounded by num. */
static void fz_drain(struct fz *z)
{
	unsigned int i;

	for (i = 0; i <= z->vq.num; i++) {
		if (fz_pop(z) != 1)
			break;
		fz_push(z, ~0u);
	}
	fz_should_notify(z);
}

static void fz_start(struct fz *z)
{
	int ret = virtq_start(&z->vq, &z->mem);

	FUZZ_CHECK_EQ(ret, ref_start_ok(&z->vq) ? 0 : -EINVAL);
	z->started = !ret;
	z->last_avail = z->used_idx = z->signalled = 0;
	z->no_notify = false;
	z->budget = UINT_MAX;
	z->nr_taken = z->first_taken = 0;
}

static void fz_batch_end(struct fz *z)
{
	bool more = virtq_batch_end(&z->vq);

	FUZZ_CHECK_EQ(more, z->started && !z->vq.broken && !z->budget &&
		      rd16(z, z->vq.avail_gpa + 2) != z->last_avail);
	z->budget = UINT_MAX;
}

static void fz_guest_write(struct fz *z, struct fuzz_input *in)
{
	uint16_t off = fuzz_u16(in) % RAM_SIZE;
	uint8_t n = fuzz_u8(in);

	if (n > RAM_SIZE - off)
		n = RAM_SIZE - off;
	fuzz_bytes(in, z->mem.hva + off, n);
}

static void fz_desc(struct fz *z, struct fuzz_input *in)
{
	uint8_t idx = fuzz_u8(in);
	uint64_t table = (idx & 0x80) ? ITABLE : z->vq.desc_gpa;
	uint16_t off = fuzz_u16(in);
	uint64_t addr = off == 0xffff ? fuzz_u64(in) : RAM_BASE + off % RAM_SIZE;
	uint32_t len = fuzz_u32(in);
	uint16_t flags = fuzz_u16(in), next = fuzz_u16(in);
	uint64_t at = table + 16ULL * (idx & 0x7f);

	if (!ram_ok(at, 16))
		return;
	addr = htole64(addr);
	len = htole32(len);
	memcpy(gpa(&z->mem, at), &addr, 8);
	memcpy(gpa(&z->mem, at + 8), &len, 4);
	wr16(z, at + 12, flags);
	wr16(z, at + 14, next);
}

/* A long chain in one go: the limits are hundreds of descriptors away. */
static void fz_table(struct fz *z, struct fuzz_input *in)
{
	unsigned int n = fuzz_u16(in) % (VIRTQ_INDIRECT_MAX + 3), i;
	uint32_t len = htole32(fuzz_u32(in));
	uint16_t flags = fuzz_u16(in);
	uint64_t at, addr;

	for (i = 0; i < n; i++) {
		at = ITABLE + 16ULL * i;
		addr = htole64(RAM_BASE + 0x4000 + i);
		memcpy(gpa(&z->mem, at), &addr, 8);
		memcpy(gpa(&z->mem, at + 8), &len, 4);
		wr16(z, at + 12, flags | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		wr16(z, at + 14, i + 1);
	}
}

static void fz_publish(struct fz *z, uint16_t head)
{
	uint64_t avail = z->vq.avail_gpa;
	uint16_t idx;

	if (!z->started)
		return;
	idx = rd16(z, avail + 2);
	wr16(z, avail + 4 + 2ULL * (idx % z->vq.num), head);
	wr16(z, avail + 2, idx + 1);
}

static void fz_op(struct fz *z, unsigned int op, struct fuzz_input *in)
{
	switch (op) {
	case 0: fz_pop(z); break;
	case 1: fz_push(z, fuzz_u32(in)); break;
	case 2: fz_guest_write(z, in); break;
	case 3: fz_should_notify(z); break;
	case 4: fz_notify_enable(z, fuzz_u8(in) & 1); break;
	case 5: fz_drain(z); break;
	case 6: virtq_stop(&z->vq); fz_start(z); break;
	case 7:
		if (z->started)
			wr16(z, z->vq.avail_gpa + 2, fuzz_u16(in));
		break;
	case 8: fz_publish(z, fuzz_u16(in)); break;
	case 9: fz_desc(z, in); break;
	case 10:
		virtq_batch_start(&z->vq);
		z->budget = z->vq.num;
		break;
	case 11: fz_batch_end(z); break;
	case 12: fz_table(z, in); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz *z = calloc(1, sizeof(*z));
	struct fuzz_input in;
	uint8_t cfg;
	uint16_t n;

	fuzz_input_init(&in, data, size);
	if (!z || guest_ram_init(&z->mem, RAM_SIZE)) {
		free(z);
		return 0;
	}
	z->mem.base = RAM_BASE;
	cfg = fuzz_u8(&in);
	z->vq.num = 1u << (cfg & 15);	/* above 256: refused */
	z->vq.indirect = cfg & 0x10;
	z->vq.event_idx = cfg & 0x20;
	z->vq.desc_gpa = RAM_BASE;
	z->vq.avail_gpa = RAM_BASE + 0x1000;
	z->vq.used_gpa = RAM_BASE + 0x2000;
	if (cfg & 0x40) {
		z->vq.desc_gpa = fuzz_u64(&in);
		z->vq.avail_gpa = fuzz_u64(&in);
		z->vq.used_gpa = fuzz_u64(&in);
	}
	n = fuzz_u16(&in);
	fuzz_bytes(&in, z->mem.hva, n < RAM_SIZE ? n : RAM_SIZE);
	z->vq.ready = true;
	fz_start(z);
	while (!fuzz_input_done(&in))
		fz_op(z, fuzz_u8(&in) % OP_COUNT, &in);
	fz_drain(z);
	guest_ram_free(&z->mem);
	free(z);
	return 0;
}
