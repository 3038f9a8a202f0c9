/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VCPU_VCPU_H
#define LKVM_VCPU_VCPU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/snapshot.h"
#include "vcpu/regs.h"

struct vm;
struct kvm_run;

/*
 * Returns from KVM_RUN, by cause. Written by the vCPU's own thread
 * only, read by the main thread (lkvm stat) with relaxed loads.
 */
struct vcpu_stats {
	unsigned long exits;	/* every return from KVM_RUN */
	unsigned long mmio;	/* of which KVM_EXIT_MMIO */
	unsigned long signal;	/* of which kicks (EINTR, KVM_EXIT_INTR) */
};

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;	/* shared with KVM, KVM_GET_VCPU_MMAP_SIZE */
	uint64_t mpidr;		/* as KVM reports it, for the DT */
	pthread_t thread;
	bool started;
	uint64_t device_irq_level;	/* last timer/PMU levels seen */
	/* For the idle kicker: entries into KVM_RUN, and whether inside. */
	atomic_ulong run_seq;
	atomic_bool in_kernel;
	/* The idle kicker's state: main thread only, but for the two flags. */
	unsigned long kick_seq;		/* run_seq at the last tick */
	unsigned int kick_idle;		/* ticks spent inside KVM_RUN */
	unsigned int kick_period;	/* kick after this many idle ticks */
	atomic_bool kicked;		/* a kick is on its way */
	atomic_bool kick_hit;		/* a kick revealed a timer level change */
	struct vcpu_stats stats;
	/* lkvm debug --dump (vcpu/dump.c): asked by the main thread, answered here. */
	atomic_bool dump_want;
	struct vcpu_regs dump;		/* under the VM's pause lock */
	int dump_ret;			/* 0, or why the registers are missing */
	/* lkvm snapshot (vcpu/snapshot.c): the same, for the whole state. */
	atomic_bool snap_want;
	struct snapshot snap;		/* under the VM's pause lock */
	int snap_ret;
};

/* The PMU's overflow interrupt (--pmu): PPI 23, as kvmtool and QEMU's virt. */
#define VCPU_PMU_PPI	23

int vcpus_create(struct vm *vm);
int vcpus_init_pmu(struct vm *vm);
int vcpu_set_boot_regs(struct vcpu *vcpu, uint64_t pc, uint64_t dtb);
void vcpus_destroy(struct vm *vm);
int vm_read_psci_version(struct vm *vm);

int vcpus_spawn(struct vm *vm);
void vcpu_kick(struct vcpu *vcpu);
bool vcpu_is_current(struct vcpu *vcpu);
void vcpus_kick_all(struct vm *vm);
void vcpus_join(struct vm *vm);
unsigned int vcpus_kick_idle(struct vm *vm, unsigned int ticks);
void vcpus_stats(struct vm *vm, struct vcpu_stats *sum);

void vcpu_snap_serve(struct vcpu *vcpu);
int vcpus_snap_collect(struct vm *vm, unsigned int ms, unsigned int *late);
int vcpu_snap_restore(struct vcpu *vcpu, struct snapshot *s, uint64_t *cnt,
		      uint64_t *bad_reg);
int vcpus_snap_time(struct vm *vm, uint64_t cnt);

int vcpus_dump(struct vm *vm, unsigned int ms, char **text, size_t *len,
	       unsigned int *failed);

#endif
