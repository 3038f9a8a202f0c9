/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_RAND_H
#define GUEST_RAND_H

#include "types.h"

/*
 * The hostile guests' generator: xorshift64*, one stream a CPU, seeded
 * through splitmix64, so that what CPU 0 does follows from the seed
 * alone and a run can be replayed.
 */
void rnd_seed(u64 seed);
u64 rnd(void);

static inline u32 rnd_below(u32 n)
{
	return n ? (u32)(((rnd() >> 32) * n) >> 32) : 0;
}

static inline bool rnd_pct(u32 pct)
{
	return rnd_below(100) < pct;
}

#endif
