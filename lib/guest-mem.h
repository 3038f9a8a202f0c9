/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIB_GUEST_MEM_H
#define LKVM_LIB_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Guest RAM as device models and loaders see it: one contiguous range
 * of guest physical addresses backed by host memory. It is the only way
 * a device reaches guest memory, so every address a guest hands a
 * device (a descriptor, a ring) is checked here: a range that is not
 * wholly RAM, or that wraps, is refused. Unit tests and fuzzers give
 * models a guest_mem over a buffer of their own.
 */
struct guest_mem {
	uint64_t base;		/* guest physical address of the first byte */
	uint64_t size;		/* bytes */
	uint8_t *hva;		/* host address of the first byte */
};

/* True when [gpa, gpa + len) lies wholly in RAM; len 0 is refused. */
static inline bool guest_mem_valid(const struct guest_mem *m, uint64_t gpa,
				   uint64_t len)
{
	uint64_t off = gpa - m->base;

	return m->hva && len && gpa >= m->base && off < m->size &&
	       len <= m->size - off;
}

/* The host address of [gpa, gpa + len), or NULL when it is not all RAM. */
static inline void *guest_mem_ptr(const struct guest_mem *m, uint64_t gpa,
				  uint64_t len)
{
	return guest_mem_valid(m, gpa, len) ? m->hva + (gpa - m->base) : NULL;
}

#endif
