/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_TYPES_H
#define GUEST_TYPES_H

/*
 * The runtime is built with -nostdinc: nothing from the host C library
 * may leak into a guest, so the few types we need are spelled out here.
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long s64;

typedef unsigned long size_t;
typedef long ssize_t;
typedef unsigned long uintptr_t;
typedef long ptrdiff_t;

typedef _Bool bool;
#define true	1
#define false	0
#define NULL	((void *)0)

typedef __builtin_va_list va_list;
#define va_start(ap, last)	__builtin_va_start(ap, last)
#define va_arg(ap, type)	__builtin_va_arg(ap, type)
#define va_end(ap)		__builtin_va_end(ap)
#define va_copy(d, s)		__builtin_va_copy(d, s)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BIT(n)			(1UL << (n))
#define GENMASK(h, l)		((~0UL << (l)) & (~0UL >> (63 - (h))))
#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((u64)(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((u64)(a) - 1))
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))

#define __noreturn		__attribute__((noreturn))
#define __aligned(x)		__attribute__((aligned(x)))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __unused		__attribute__((unused))
#define __weak			__attribute__((weak))

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

/* Set bits; __builtin_popcount would need libgcc without FP/SIMD. */
static inline int hweight32(u32 v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

#define SZ_4K			0x1000UL
#define SZ_64K			0x10000UL
#define SZ_2M			0x200000UL
#define SZ_1G			0x40000000UL

#endif
