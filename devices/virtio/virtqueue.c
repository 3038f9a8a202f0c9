// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (virtio 1.x, 2.7), the device's side. The rings are
 * guest RAM that the guest may rewrite at any moment, from any vCPU:
 * every shared field is read once into a local, checked, and only the
 * local is used. The indexes that hand buffers between the two sides
 * are accessed atomically with acquire/release ordering, and the two
 * places that publish a value and then read the driver's answer take
 * a full fence. Everything is little-endian (the guest is arm64 LE;
 * legacy virtio is guest-native, so LE as well).
 */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "devices/virtio/virtqueue.h"
#include "lib/util.h"

/* A descriptor as read from the guest, converted to host order. */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* Offsets in the driver area (avail) and the device area (used). */
#define AVAIL_FLAGS		0
#define AVAIL_IDX		2
#define AVAIL_RING(i)		(4 + 2 * (size_t)(i))	/* [num]: used_event */
#define USED_FLAGS		0
#define USED_IDX		2
#define USED_RING(i)		(4 + 8 * (size_t)(i))	/* [num]: avail_event */

static void *virtq_field(void *area, size_t off)
{
	return (uint8_t *)area + off;
}

static uint16_t virtq_load16(void *area, size_t off)
{
	return le16toh(__atomic_load_n((uint16_t *)virtq_field(area, off),
				       __ATOMIC_RELAXED));
}

static void virtq_store16(void *area, size_t off, uint16_t val)
{
	__atomic_store_n((uint16_t *)virtq_field(area, off), htole16(val),
			 __ATOMIC_RELAXED);
}

static void virtq_store32(void *area, size_t off, uint32_t val)
{
	__atomic_store_n((uint32_t *)virtq_field(area, off), htole32(val),
			 __ATOMIC_RELAXED);
}

/*
 * avail->idx with acquire ordering: the ring entries and descriptors
 * the driver wrote before bumping it are read only after it.
 */
static uint16_t virtq_avail_idx(struct virtq *vq)
{
	uint16_t *idx = virtq_field(vq->avail, AVAIL_IDX);

	return le16toh(__atomic_load_n(idx, __ATOMIC_ACQUIRE));
}

static int virtq_fail(struct virtq *vq, const char *why)
{
	vq->broken = true;
	vq->error = why;
	return -EINVAL;
}

/* Drop the device's view of the rings; the driver's settings stay. */
static void virtq_unmap(struct virtq *vq)
{
	vq->mem = NULL;
	vq->desc = vq->avail = vq->used = NULL;
	vq->last_avail = vq->used_idx = vq->signalled = 0;
	vq->no_notify = false;
	vq->budget = UINT_MAX;
	vq->broken = false;
	vq->error = NULL;
}

void virtq_reset(struct virtq *vq)
{
	/* Not completed: lkvm stat may be reading it, and it is the VM's. */
	memset(vq, 0, offsetof(struct virtq, completed));
}

void virtq_stop(struct virtq *vq)
{
	virtq_unmap(vq);
	vq->ready = false;
}

static void *virtq_map(const struct guest_mem *mem, uint64_t gpa,
		       uint64_t len, uint64_t align)
{
	void *p;

	if (!IS_ALIGNED(gpa, align))
		return NULL;
	p = guest_mem_ptr(mem, gpa, len);
	/* The indexes are atomics: aligned in the host as in the guest. */
	if (!p || !IS_ALIGNED((uintptr_t)p, align))
		return NULL;
	return p;
}

int virtq_legacy_layout(uint32_t pfn, uint32_t page, uint32_t align,
			uint16_t num, uint64_t addr[3])
{
	if (!page || (page & (page - 1)) || !align || (align & (align - 1)))
		return -EINVAL;
	addr[0] = (uint64_t)pfn * page;	/* < 2^64: both are 32-bit */
	addr[1] = addr[0] + VIRTQ_DESC_BYTES(num);
	addr[2] = ALIGN_UP(addr[1] + VIRTQ_AVAIL_BYTES(num), align);
	return 0;
}

int virtq_start(struct virtq *vq, const struct guest_mem *mem)
{
	uint16_t num = vq->num;
	void *desc, *avail, *used;

	virtq_unmap(vq);
	if (!mem || !num || num > VIRTQ_MAX_SIZE || (num & (num - 1))) {
		vq->error = "queue size not a power of 2 up to the maximum";
		return -EINVAL;
	}
	desc = virtq_map(mem, vq->desc_gpa, VIRTQ_DESC_BYTES(num), 16);
	avail = virtq_map(mem, vq->avail_gpa, VIRTQ_AVAIL_BYTES(num), 2);
	used = virtq_map(mem, vq->used_gpa, VIRTQ_USED_BYTES(num), 4);
	if (!desc || !avail || !used) {
		vq->error = "ring misaligned or not wholly in RAM";
		return -EINVAL;
	}
	vq->mem = mem;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	return 0;
}

/* One copy of the descriptor: the guest may change it after this. */
static void virtq_desc_read(const void *table, unsigned int i,
			    struct virtq_desc *d)
{
	uint8_t raw[VIRTQ_DESC_SIZE];
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;

	memcpy(raw, (const uint8_t *)table + (size_t)i * VIRTQ_DESC_SIZE,
	       sizeof(raw));
	memcpy(&addr, raw, 8);
	memcpy(&len, raw + 8, 4);
	memcpy(&flags, raw + 12, 2);
	memcpy(&next, raw + 14, 2);
	d->addr = le64toh(addr);
	d->len = le32toh(len);
	d->flags = le16toh(flags);
	d->next = le16toh(next);
}

static int virtq_add_seg(struct virtq *vq, struct virtq_elem *e,
			 const struct virtq_desc *d)
{
	unsigned int n = e->nr_out + e->nr_in;
	bool write = d->flags & VIRTQ_DESC_F_WRITE;
	void *p;

	/* 2.7.4.2: device-writable buffers follow the readable ones. */
	if (!write && e->nr_in)
		return virtq_fail(vq, "readable descriptor after a writable one");
	if (!d->len)
		return 0;
	if (n == VIRTQ_CHAIN_MAX)
		return virtq_fail(vq, "chain has too many segments");
	p = guest_mem_ptr(vq->mem, d->addr, d->len);
	if (!p)
		return virtq_fail(vq, "buffer not wholly in RAM");
	e->iov[n].iov_base = p;
	e->iov[n].iov_len = d->len;
	if (write) {
		e->nr_in++;
		e->in_len += d->len;
	} else {
		e->nr_out++;
		e->out_len += d->len;
	}
	return 0;
}

/* 2.7.5.3: one level of indirection, and the table ends the chain. */
static int virtq_indirect(struct virtq *vq, const struct virtq_desc *d,
			  const void **table, unsigned int *max)
{
	if (!vq->indirect)
		return virtq_fail(vq, "indirect descriptor not negotiated");
	if (d->flags & VIRTQ_DESC_F_NEXT)
		return virtq_fail(vq, "indirect descriptor with NEXT set");
	if (!d->len || d->len % VIRTQ_DESC_SIZE ||
	    d->len / VIRTQ_DESC_SIZE > VIRTQ_INDIRECT_MAX)
		return virtq_fail(vq, "indirect table of a bad size");
	*table = guest_mem_ptr(vq->mem, d->addr, d->len);
	if (!*table)
		return virtq_fail(vq, "indirect table not wholly in RAM");
	*max = d->len / VIRTQ_DESC_SIZE;
	return 0;
}

/*
 * Follows the chain from head. A chain that is longer than its table
 * visits some descriptor twice, so counting bounds the walk: at most
 * num descriptors in the ring's table plus VIRTQ_INDIRECT_MAX in one
 * indirect table, whatever the guest wrote.
 */
static int virtq_walk(struct virtq *vq, uint16_t head, struct virtq_elem *e)
{
	const void *table = vq->desc;
	unsigned int max = vq->num, idx = head, seen = 0;
	bool in_indirect = false;
	struct virtq_desc d;
	int ret;

	for (;;) {
		if (idx >= max)
			return virtq_fail(vq, "descriptor index out of range");
		if (++seen > max)
			return virtq_fail(vq, "descriptor chain loops");
		virtq_desc_read(table, idx, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (in_indirect)
				return virtq_fail(vq, "nested indirect table");
			ret = virtq_indirect(vq, &d, &table, &max);
			if (ret)
				return ret;
			in_indirect = true;
			idx = 0;
			seen = 0;
			continue;
		}
		ret = virtq_add_seg(vq, e, &d);
		if (ret || !(d.flags & VIRTQ_DESC_F_NEXT))
			return ret;
		idx = d.next;
	}
}

/*
 * The ring looked empty. With EVENT_IDX the driver notifies only when
 * its index passes avail_event, so before going idle the device must
 * say where it stopped, then look again: a buffer added just before
 * the driver saw the new avail_event would otherwise go unnoticed.
 * Returns true when the ring is no longer empty.
 */
static bool virtq_rearm(struct virtq *vq)
{
	if (!vq->event_idx || vq->no_notify)
		return false;
	virtq_store16(vq->used, USED_RING(vq->num), vq->last_avail);
	/* The store above must be visible before the re-read below. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return virtq_avail_idx(vq) != vq->last_avail;
}

static void virtq_elem_clear(struct virtq_elem *e)
{
	e->nr_out = e->nr_in = 0;
	e->out_len = e->in_len = 0;
}

int virtq_pop(struct virtq *vq, struct virtq_elem *e)
{
	uint16_t avail_idx, head;
	int ret;

	if (vq->broken) {
		virtq_elem_clear(e);
		return -EINVAL;
	}
	if (!vq->desc || !vq->budget)
		return 0;
	avail_idx = virtq_avail_idx(vq);
	if (avail_idx == vq->last_avail) {
		if (!virtq_rearm(vq))
			return 0;
		avail_idx = virtq_avail_idx(vq);
	}
	virtq_elem_clear(e);
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num)
		return virtq_fail(vq, "avail index more than the queue size ahead");
	head = virtq_load16(vq->avail, AVAIL_RING(vq->last_avail & (vq->num - 1)));
	if (head >= vq->num)
		return virtq_fail(vq, "head index out of range");
	ret = virtq_walk(vq, head, e);
	if (ret) {
		virtq_elem_clear(e);
		return ret;
	}
	e->head = head;
	vq->last_avail++;
	if (vq->budget != UINT_MAX)
		vq->budget--;
	return 1;
}

void virtq_unpop(struct virtq *vq, unsigned int n)
{
	vq->last_avail -= n;
	if (vq->budget != UINT_MAX)
		vq->budget += n;
}

void virtq_batch_start(struct virtq *vq)
{
	vq->budget = vq->num;
}

bool virtq_batch_end(struct virtq *vq)
{
	bool more = vq->desc && !vq->broken && !vq->budget &&
		    virtq_avail_idx(vq) != vq->last_avail;

	vq->budget = UINT_MAX;
	return more;
}

void virtq_push(struct virtq *vq, const struct virtq_elem *e, uint32_t len)
{
	uint16_t *idx;
	size_t slot;

	if (!vq->used || vq->broken || e->head >= vq->num)
		return;
	if (len > e->in_len)
		len = e->in_len;
	slot = vq->used_idx & (vq->num - 1);
	virtq_store32(vq->used, USED_RING(slot), e->head);
	virtq_store32(vq->used, USED_RING(slot) + 4, len);
	vq->used_idx++;
	__atomic_store_n(&vq->completed, vq->completed + 1, __ATOMIC_RELAXED);
	/*
	 * Release: the entry, and what the device wrote into the buffers,
	 * are visible before the driver can see the new index.
	 */
	idx = virtq_field(vq->used, USED_IDX);
	__atomic_store_n(idx, htole16(vq->used_idx), __ATOMIC_RELEASE);
}

/* virtio 1.x, 2.7.10: whether new_idx passed event since old. */
static bool virtq_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

bool virtq_should_notify(struct virtq *vq)
{
	uint16_t old, event, flags;

	if (!vq->avail || vq->broken)
		return false;
	/*
	 * used->idx (a store) must be visible before the driver's wish is
	 * read (a load): a driver that re-enables interrupts and then
	 * checks used->idx would otherwise miss both our entry and the
	 * interrupt.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	old = vq->signalled;
	vq->signalled = vq->used_idx;
	if (vq->event_idx) {
		event = virtq_load16(vq->avail, AVAIL_RING(vq->num));
		return virtq_need_event(event, vq->used_idx, old);
	}
	flags = virtq_load16(vq->avail, AVAIL_FLAGS);
	return vq->used_idx != old && !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

bool virtq_notify_enable(struct virtq *vq, bool on)
{
	if (!vq->used || vq->broken)
		return false;
	vq->no_notify = !on;
	if (vq->event_idx) {
		/* Off: the driver notifies at most once more, at the old mark. */
		if (!on)
			return false;
		virtq_store16(vq->used, USED_RING(vq->num), vq->last_avail);
	} else {
		virtq_store16(vq->used, USED_FLAGS, on ? 0 : VIRTQ_USED_F_NO_NOTIFY);
		if (!on)
			return false;
	}
	/* As in virtq_rearm(): publish, then look for buffers. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* Past the batch's budget the next round drains: no need now. */
	return vq->budget && virtq_avail_idx(vq) != vq->last_avail;
}
