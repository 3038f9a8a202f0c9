/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIB_UTIL_H
#define LKVM_LIB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)		(((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((uint64_t)(a) - 1)) == 0)
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))

#define SZ_4K		0x1000ULL
#define SZ_64K		0x10000ULL
#define SZ_1M		0x100000ULL
#define SZ_2M		0x200000ULL
#define SZ_256M		0x10000000ULL
#define SZ_1G		0x40000000ULL

/* CLOCK_MONOTONIC in nanoseconds: deadlines and durations. */
static inline uint64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#endif
