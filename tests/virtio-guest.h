/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_VIRTIO_GUEST_H
#define LKVM_TESTS_VIRTIO_GUEST_H

/*
 * The guest's side of virtio, for unit tests and fuzzers: guest RAM
 * over a buffer of the test's own, and a driver that lays out a split
 * virtqueue, adds chains and collects used entries the way Linux's
 * virtio_ring does (ring entries first, then a release store of
 * avail->idx; used->idx read with acquire before its entries).
 * Everything is written little-endian, as an arm64 guest would.
 */
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/virtqueue.h"
#include "lib/guest-mem.h"

#define GUEST_RAM_BASE	0x80000000ULL

static inline int guest_ram_init(struct guest_mem *m, uint64_t size)
{
	m->hva = aligned_alloc(4096, size);
	if (!m->hva)
		return -1;
	memset(m->hva, 0, size);
	m->base = GUEST_RAM_BASE;
	m->size = size;
	return 0;
}

static inline void guest_ram_free(struct guest_mem *m)
{
	free(m->hva);
	m->hva = NULL;
}

/* The host address of a guest address the test knows to be in RAM. */
static inline void *gpa(const struct guest_mem *m, uint64_t addr)
{
	return m->hva + (addr - m->base);
}

struct vdrv {
	const struct guest_mem *mem;
	uint16_t num;
	uint64_t desc, avail, used;	/* guest addresses */
	uint16_t avail_idx;		/* the driver's copy */
	uint16_t last_used;
};

static inline void vdrv_init(struct vdrv *d, const struct guest_mem *m,
			     uint16_t num, uint64_t desc, uint64_t avail,
			     uint64_t used)
{
	*d = (struct vdrv) {
		.mem = m, .num = num, .desc = desc, .avail = avail, .used = used,
	};
	memset(gpa(m, desc), 0, VIRTQ_DESC_BYTES(num));
	memset(gpa(m, avail), 0, VIRTQ_AVAIL_BYTES(num));
	memset(gpa(m, used), 0, VIRTQ_USED_BYTES(num));
}

static inline void vdrv_put16(const struct guest_mem *m, uint64_t addr,
			      uint16_t val)
{
	__atomic_store_n((uint16_t *)gpa(m, addr), htole16(val), __ATOMIC_RELAXED);
}

static inline uint16_t vdrv_get16(const struct guest_mem *m, uint64_t addr)
{
	return le16toh(__atomic_load_n((uint16_t *)gpa(m, addr), __ATOMIC_RELAXED));
}

/* Descriptor i of the table at table (the ring's, or an indirect one). */
static inline void vdrv_desc_at(const struct vdrv *d, uint64_t table,
				unsigned int i, uint64_t addr, uint32_t len,
				uint16_t flags, uint16_t next)
{
	uint8_t *p = gpa(d->mem, table + 16ULL * i);
	uint64_t a = htole64(addr);
	uint32_t l = htole32(len);
	uint16_t f = htole16(flags), n = htole16(next);

	memcpy(p, &a, 8);
	memcpy(p + 8, &l, 4);
	memcpy(p + 12, &f, 2);
	memcpy(p + 14, &n, 2);
}

static inline void vdrv_desc(const struct vdrv *d, unsigned int i,
			     uint64_t addr, uint32_t len, uint16_t flags,
			     uint16_t next)
{
	vdrv_desc_at(d, d->desc, i, addr, len, flags, next);
}

/* Makes head available: its ring entry, then avail->idx (release). */
static inline void vdrv_publish(struct vdrv *d, uint16_t head)
{
	uint16_t *idx = gpa(d->mem, d->avail + 2);

	vdrv_put16(d->mem, d->avail + 4 + 2ULL * (d->avail_idx % d->num), head);
	d->avail_idx++;
	__atomic_store_n(idx, htole16(d->avail_idx), __ATOMIC_RELEASE);
}

/* A hostile driver: any avail->idx at all. */
static inline void vdrv_set_avail_idx(struct vdrv *d, uint16_t idx)
{
	d->avail_idx = idx;
	vdrv_put16(d->mem, d->avail + 2, idx);
}

static inline void vdrv_set_avail_flags(struct vdrv *d, uint16_t flags)
{
	vdrv_put16(d->mem, d->avail, flags);
}

static inline void vdrv_set_used_event(struct vdrv *d, uint16_t event)
{
	vdrv_put16(d->mem, d->avail + 4 + 2ULL * d->num, event);
}

static inline uint16_t vdrv_used_idx(const struct vdrv *d)
{
	uint16_t *idx = gpa(d->mem, d->used + 2);

	return le16toh(__atomic_load_n(idx, __ATOMIC_ACQUIRE));
}

static inline uint16_t vdrv_used_flags(const struct vdrv *d)
{
	return vdrv_get16(d->mem, d->used);
}

static inline uint16_t vdrv_avail_event(const struct vdrv *d)
{
	return vdrv_get16(d->mem, d->used + 4 + 8ULL * d->num);
}

/* The next used entry: true with *id and *len, false when none. */
static inline bool vdrv_get_used(struct vdrv *d, uint32_t *id, uint32_t *len)
{
	uint8_t *e;
	uint32_t v;

	if (vdrv_used_idx(d) == d->last_used)
		return false;
	e = gpa(d->mem, d->used + 4 + 8ULL * (d->last_used % d->num));
	memcpy(&v, e, 4);
	*id = le32toh(v);
	memcpy(&v, e + 4, 4);
	*len = le32toh(v);
	d->last_used++;
	return true;
}

#endif
