/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include "layout.h"
#include "sysreg.h"
#include "types.h"

enum cpu_state {
	CPU_OFF,
	CPU_BOOTING,
	CPU_ONLINE,
	CPU_FAILED,
};

struct cpu_info {
	u64 mpidr;		/* affinity, as in the DT cpu node's reg */
	int node;		/* DT cpu node */
	volatile int state;
};

int smp_init(void);
int nr_cpus(void);
int nr_cpus_online(void);
int smp_cpus_ignored(void);
const struct cpu_info *smp_cpu(int cpu);
int smp_cpu_by_mpidr(u64 mpidr);
int smp_boot_secondaries(void);

/*
 * Run @fn(@arg) on every online CPU, the caller included, and return
 * when all have finished. Boot CPU only; @fn must not call smp_run().
 * Secondaries are started on first use.
 */
void smp_run(void (*fn)(void *arg), void *arg);

/* Rendezvous of all online CPUs; only valid inside smp_run(). */
void smp_barrier(void);

void smp_secondary_loop(int cpu) __noreturn;

#endif
