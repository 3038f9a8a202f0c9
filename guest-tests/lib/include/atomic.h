/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_ATOMIC_H
#define GUEST_ATOMIC_H

#include "types.h"

/*
 * Built with -march=armv8-a -mno-outline-atomics, so these compile to
 * inline LDXR/STXR loops: no LSE requirement and no libgcc helpers.
 * Exclusives need Normal cacheable memory to be architecturally
 * reliable, which is why the runtime turns the MMU on before any CPU
 * shares data (see mmu.c).
 */
typedef struct {
	volatile int counter;
} atomic_t;

#define ATOMIC_INIT(v)	{ (v) }

static inline int atomic_read(const atomic_t *a)
{
	return __atomic_load_n(&a->counter, __ATOMIC_ACQUIRE);
}

static inline void atomic_set(atomic_t *a, int v)
{
	__atomic_store_n(&a->counter, v, __ATOMIC_RELEASE);
}

static inline int atomic_add_return(atomic_t *a, int v)
{
	return __atomic_add_fetch(&a->counter, v, __ATOMIC_SEQ_CST);
}

static inline int atomic_inc_return(atomic_t *a)
{
	return atomic_add_return(a, 1);
}

static inline void atomic_inc(atomic_t *a)
{
	atomic_add_return(a, 1);
}

static inline int atomic_xchg(atomic_t *a, int v)
{
	return __atomic_exchange_n(&a->counter, v, __ATOMIC_SEQ_CST);
}

static inline bool atomic_cmpxchg(atomic_t *a, int old, int new)
{
	return __atomic_compare_exchange_n(&a->counter, &old, new, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/*
 * Sleep until *p no longer reads @old. The exclusive load arms the
 * monitor; any store to the location clears it, which is a WFE wake-up
 * event, so a write landing between the load and the WFE is not lost.
 */
static inline u32 wait_while_eq(volatile u32 *p, u32 old)
{
	u32 v;

	asm volatile(
	"	sevl\n"
	"	wfe\n"
	"1:	ldaxr	%w0, %1\n"
	"	cmp	%w0, %w2\n"
	"	b.ne	2f\n"
	"	wfe\n"
	"	b	1b\n"
	"2:\n"
	: "=&r"(v)
	: "Q"(*p), "r"(old)
	: "cc", "memory");
	return v;
}

#endif
