/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_MMIO_H
#define LKVM_DEVICES_MMIO_H

#include <stdbool.h>
#include <stdint.h>

/*
 * One guest access to a device register. This is the only interface a
 * device model sees, so the same model runs under KVM (called from the
 * vCPU thread that took the MMIO exit) and in host-side unit tests and
 * fuzzers (called directly).
 */
struct mmio_access {
	uint64_t offset;	/* byte offset from the start of the region */
	uint32_t len;		/* 1, 2, 4 or 8; models must survive any value */
	bool is_write;
	uint64_t data;		/* value written, or the value read (zero-extended) */
	int cpu;		/* index of the accessing vCPU, -1 for none */
};

struct mmio_region;

/*
 * Returns 0, or -errno when the access is malformed (bad width,
 * misaligned). The bus logs the error at debug level and completes
 * the access as read-as-zero / write-ignored, as hardware would:
 * a guest can never make the VMM fail.
 */
typedef int (*mmio_handler_t)(struct mmio_region *region,
			      struct mmio_access *acc);

/*
 * Reads served from memory. A model whose register reads have no side
 * effects may offer render(): it fills buf with what 32-bit reads of
 * [off, off + len) return (off and len multiples of 4). The machine
 * may then keep a copy of the registers in a read-only page over the
 * region, so that reads cost no exit (machine/reg-mirror.c); it sets
 * mirror, and from then on the copy must follow every change. The bus
 * reports the guest's writes itself; whatever else changes what a read
 * returns (an interrupt raised on a device's own thread) the model
 * reports with mmio_region_changed(), before the guest can learn of
 * the change by other means (before the interrupt).
 */
struct mmio_mirror {
	void (*update)(void *opaque, struct mmio_region *region, uint64_t off,
		       uint64_t len);
	void *opaque;
};

struct mmio_region {
	const char *name;
	uint64_t base;
	uint64_t size;
	mmio_handler_t handler;
	void *opaque;		/* the device model's state */
	void (*render)(struct mmio_region *region, uint64_t off, uint64_t len,
		       uint8_t *buf);
	const struct mmio_mirror *mirror;	/* NULL: every read exits */
};

/* What reads of [off, off + len) return has changed. Any thread. */
static inline void mmio_region_changed(struct mmio_region *region,
				       uint64_t off, uint64_t len)
{
	const struct mmio_mirror *m = region->mirror;

	if (m)
		m->update(m->opaque, region, off, len);
}

#endif
