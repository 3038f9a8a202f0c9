/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_SPINLOCK_H
#define GUEST_SPINLOCK_H

#include "types.h"

typedef struct {
	volatile u32 lock;
} spinlock_t;

#define SPINLOCK_INIT	{ 0 }

/*
 * Test-and-set lock with acquire/release exclusives. Waiters sleep in
 * WFE: the releasing STLR clears their exclusive monitor, which is a
 * wake-up event, so no explicit SEV is needed.
 */
static inline void spin_lock(spinlock_t *l)
{
	u32 tmp, busy;

	asm volatile(
	"	sevl\n"
	"1:	wfe\n"
	"2:	ldaxr	%w0, %2\n"
	"	cbnz	%w0, 1b\n"
	"	mov	%w0, #1\n"
	"	stxr	%w1, %w0, %2\n"
	"	cbnz	%w1, 2b\n"
	: "=&r"(tmp), "=&r"(busy), "+Q"(l->lock)
	:
	: "memory");
}

static inline bool spin_trylock(spinlock_t *l)
{
	u32 tmp, fail;

	asm volatile(
	"1:	ldaxr	%w0, %2\n"
	"	cbnz	%w0, 2f\n"
	"	mov	%w0, #1\n"
	"	stxr	%w1, %w0, %2\n"
	"	cbnz	%w1, 1b\n"
	"	b	3f\n"
	"2:	clrex\n"
	"	mov	%w1, #1\n"
	"3:\n"
	: "=&r"(tmp), "=&r"(fail), "+Q"(l->lock)
	:
	: "memory");
	return !fail;
}

static inline void spin_unlock(spinlock_t *l)
{
	asm volatile("stlr wzr, %0" : "=Q"(l->lock) :: "memory");
}

#endif
