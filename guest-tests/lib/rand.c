// SPDX-License-Identifier: GPL-2.0
/* The seeded generator of the hostile guests (rand.h). */
#include "rand.h"
#include "smp.h"

static u64 rng_state[NR_CPUS];

u64 rnd(void)
{
	u64 *st = &rng_state[smp_processor_id()], x = *st;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*st = x;
	return x * 0x2545f4914f6cdd1dUL;
}

void rnd_seed(u64 seed)
{
	u64 z;
	int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		z = seed + (cpu + 1) * 0x9e3779b97f4a7c15UL;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
		z ^= z >> 31;
		rng_state[cpu] = z ? z : 1;
	}
}
