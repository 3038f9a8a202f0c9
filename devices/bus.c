// SPDX-License-Identifier: GPL-2.0
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "devices/bus.h"

static bool regions_overlap(const struct mmio_region *a,
			    const struct mmio_region *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

/* Keeps the table sorted by base so lookups can bisect. */
int mmio_bus_register(struct mmio_bus *bus, struct mmio_region *region)
{
	unsigned int i, pos;

	if (!region->size || region->base + region->size < region->base)
		return -EINVAL;
	if (bus->nr_regions == MMIO_BUS_MAX_REGIONS)
		return -ENOSPC;
	for (i = 0; i < bus->nr_regions; i++)
		if (regions_overlap(bus->regions[i], region))
			return -EEXIST;
	for (pos = 0; pos < bus->nr_regions; pos++)
		if (bus->regions[pos]->base > region->base)
			break;
	memmove(&bus->regions[pos + 1], &bus->regions[pos],
		(bus->nr_regions - pos) * sizeof(bus->regions[0]));
	bus->regions[pos] = region;
	bus->nr_regions++;
	return 0;
}

/* How many regions share some byte of [addr, addr + len). */
unsigned int mmio_bus_count(struct mmio_bus *bus, uint64_t addr, uint64_t len)
{
	struct mmio_region span = { .base = addr, .size = len };
	unsigned int i, n = 0;

	for (i = 0; i < bus->nr_regions; i++)
		n += regions_overlap(bus->regions[i], &span);
	return n;
}

/* The region holding [addr, addr + len), or NULL. */
struct mmio_region *mmio_bus_find(struct mmio_bus *bus, uint64_t addr,
				  uint32_t len)
{
	unsigned int lo = 0, hi = bus->nr_regions;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		struct mmio_region *r = bus->regions[mid];

		if (addr < r->base) {
			hi = mid;
		} else if (addr - r->base >= r->size) {
			lo = mid + 1;
		} else {
			if (len > r->size - (addr - r->base))
				return NULL;	/* straddles the end */
			return r;
		}
	}
	return NULL;
}

/*
 * Dispatches one guest access. data is the guest's little-endian byte
 * buffer (kvm_run->mmio.data). Returns -ENOENT where no device sits;
 * the access then reads as zero, as on kvmtool. A device's own error
 * is returned after completing the access as read-as-zero/write-ignored.
 */
int mmio_bus_access(struct mmio_bus *bus, uint64_t addr, void *data,
		    uint32_t len, bool is_write, int cpu)
{
	struct mmio_access acc = {
		.len = len, .is_write = is_write, .cpu = cpu,
	};
	struct mmio_region *r;
	uint64_t v = 0;
	int ret;

	if (len > sizeof(v)) {
		if (!is_write)
			memset(data, 0, len);
		return -EINVAL;
	}
	r = mmio_bus_find(bus, addr, len);
	if (!r) {
		if (!is_write)
			memset(data, 0, len);
		return -ENOENT;
	}
	if (is_write) {
		memcpy(&v, data, len);
		acc.data = le64toh(v);
	}
	acc.offset = addr - r->base;
	ret = r->handler(r, &acc);
	/* Before the vCPU goes on: its next read may come from the copy. */
	if (is_write)
		mmio_region_changed(r, 0, r->size);
	if (!is_write) {
		v = htole64(ret ? 0 : acc.data);
		memcpy(data, &v, len);
	}
	return ret;
}
