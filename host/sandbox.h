/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_SANDBOX_H
#define LKVM_VM_SANDBOX_H

#include <stdatomic.h>
#include <stdbool.h>

#include <linux/filter.h>

struct vm;

/*
 * What a thread does decides the system calls it may make: each role
 * has an allow-list (host/sandbox.c, docs/sandbox.md). A new kind of
 * thread gets a role here and a list there.
 */
enum sandbox_role {
	SANDBOX_MAIN,		/* main loop, control socket, stop and teardown */
	SANDBOX_VCPU,		/* KVM_RUN and the exits it returns */
	SANDBOX_TESTDEV,	/* the test device's delayed line changes, its MSIs */
	SANDBOX_CONSOLE,	/* the console's writer */
	SANDBOX_VIRTIO,		/* a virtio device's I/O thread */
	SANDBOX_NET,		/* a user-mode NIC's slirp thread */
	SANDBOX_9P,		/* a virtio-9p device's I/O thread: its share */
	SANDBOX_RAM,		/* a restore's RAM, populated ahead */
	SANDBOX_NR_ROLES,
};

/* System calls the report names (host/sandbox-gen.c); the rest by number. */
#define SANDBOX_NR_NAMES	512
/* Room for every role's program, one after the other. */
#define SANDBOX_MAX_INSNS	1024

struct sandbox {
	bool on;
	int selftest;		/* LKVM_SANDBOX_SELFTEST's role, or -1 */
	atomic_bool faulted;	/* a thread made a forbidden call */
	/*
	 * Each role's program with lkvm's PID put in, made once by
	 * sandbox_setup(): a thread entering only loads it (no copy on
	 * its stack, no work per thread).
	 */
	struct sock_fprog progs[SANDBOX_NR_ROLES];
	struct sock_filter insns[SANDBOX_MAX_INSNS];
};

/* Set-up stage: kernel support and the SIGSYS handler. */
int sandbox_setup(struct vm *vm);

/*
 * Puts the calling thread under its role's allow-list, for good. Call
 * it once the thread's own set-up is done; the main thread goes last,
 * after every other thread exists, as a thread it created afterwards
 * would inherit its list on top of its own. On failure reports the
 * error, asks the VM to stop and returns -errno. @id numbers the
 * threads of one role (the vCPU's index) in reports.
 */
int sandbox_enter(struct vm *vm, enum sandbox_role role, unsigned int id);

/* True once a thread made a forbidden call (reported already). */
static inline bool sandbox_faulted(struct sandbox *sb)
{
	return atomic_load(&sb->faulted);
}

#endif
