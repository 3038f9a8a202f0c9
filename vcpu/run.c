// SPDX-License-Identifier: GPL-2.0
/* The vCPU threads: KVM_RUN and the exits lkvm handles. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "lib/log.h"
#include "lib/thread.h"
#include "vcpu/exit.h"
#include "vcpu/step.h"
#include "vcpu/regs.h"
#include "vcpu/vcpu.h"
#include "machine/vm.h"

/*
 * Kicks a vCPU out of KVM_RUN. The vCPU threads keep it blocked and
 * KVM unblocks it only inside KVM_RUN (KVM_SET_SIGNAL_MASK), so a kick
 * ends KVM_RUN with EINTR and leaves the signal pending, to be taken
 * with sigtimedwait(): no handler runs, and no signal frame is written
 * on the thread's stack (a page or two of memory per vCPU, touched at
 * every stop). The handler still has to exist: a signal with the
 * default action would kill the process as soon as it is unblocked.
 */
#define VCPU_KICK_SIGNAL	SIGUSR1
/* The idle kicker's longest back-off, in ticks (LKVM_WFI_KICK_MS each). */
#define VCPU_KICK_MAX_TICKS	16

static void vcpu_kick_handler(int sig)
{
	(void)sig;
}

static void vcpu_kick_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, VCPU_KICK_SIGNAL);
}

/* Takes a kick left pending, so that the next KVM_RUN does not end at once. */
static void vcpu_kick_clear(void)
{
	static const struct timespec now;
	sigset_t set;

	vcpu_kick_sigset(&set);
	while (sigtimedwait(&set, NULL, &now) == VCPU_KICK_SIGNAL)
		;
}

/*
 * Inside KVM_RUN only the kick is let through. KVM reads the set right
 * after len, at offset 4: a struct with a uint64_t member would put it
 * at 8, and KVM would take 4 bytes of uninitialised padding for signals
 * 1 to 32, the kick among them (vCPUs that ignore a stop, depending on
 * what the stack held before).
 */
static int vcpu_set_kvm_sigmask(struct vcpu *vcpu)
{
	uint64_t set = ~(1ULL << (VCPU_KICK_SIGNAL - 1));	/* the kernel's sigset_t */
	union {
		struct kvm_signal_mask head;
		uint8_t bytes[sizeof(struct kvm_signal_mask) + sizeof(uint64_t)];
	} mask;

	mask.head.len = sizeof(set);
	memcpy(mask.bytes + sizeof(mask.head), &set, sizeof(set));
	return ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, &mask) ? -errno : 0;
}

static void vcpu_exit_dump(void *opaque)
{
	vcpu_regs_report(opaque, VCPU_REGS_STOPPED);
}

/* Returns true when the vCPU thread should stop. */
static bool vcpu_handle_exit(struct vcpu *vcpu)
{
	static const enum vm_stop_reason reasons[] = {
		[VCPU_EXIT_POWEROFF] = VM_STOP_POWEROFF,
		[VCPU_EXIT_RESET] = VM_STOP_RESET,
		[VCPU_EXIT_CRASH] = VM_STOP_CRASH,
		[VCPU_EXIT_ERROR] = VM_STOP_ERROR,
	};
	struct vm *vm = vcpu->vm;
	struct vcpu_exit_ctx ctx = {
		.bus = &vm->bus, .id = vcpu->id, .loglevel = vm->cfg.loglevel,
		.warn_mmio = vm->cfg.debug_mmio, .warn_ioport = vm->cfg.debug_ioport,
		.fatal = vcpu_exit_dump, .opaque = vcpu,
		.step = vm->cfg.single_step ? vcpu_step_report : NULL,
	};
	enum vcpu_exit_action act = vcpu_exit_dispatch(&ctx, vcpu->run);

	if (act == VCPU_EXIT_CONTINUE)
		return false;
	/* Read once the vCPU threads are joined (vm_report_stop()). */
	if (vm_request_stop(vm, reasons[act]))
		vm->stop_vcpu = vcpu->id;
	return true;
}

/* Owner-only increment that the main thread may read at any time. */
static inline void vcpu_count(unsigned long *counter)
{
	__atomic_store_n(counter, *counter + 1, __ATOMIC_RELAXED);
}

static void vcpu_count_exit(struct vcpu *vcpu, int ret)
{
	vcpu_count(&vcpu->stats.exits);
	if (ret < 0 || vcpu->run->exit_reason == KVM_EXIT_INTR)
		vcpu_count(&vcpu->stats.signal);
	else if (vcpu->run->exit_reason == KVM_EXIT_MMIO)
		vcpu_count(&vcpu->stats.mmio);
}

/* On the vCPU's thread, outside KVM_RUN: answers a pending request. */
static void vcpu_dump_serve(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct vcpu_regs r = {
		.state = atomic_load(&vm->paused) ? VCPU_REGS_PAUSED : VCPU_REGS_RUNNING,
	};
	int ret;

	if (!atomic_load(&vcpu->dump_want))
		return;
	ret = vcpu_regs_read(vcpu, &r);
	pthread_mutex_lock(&vm->pause_lock);
	/* The main thread may have given up meanwhile: then keep nothing. */
	if (atomic_load(&vcpu->dump_want)) {
		vcpu->dump = r;
		vcpu->dump_ret = ret;
		atomic_store(&vcpu->dump_want, false);
		pthread_cond_broadcast(&vm->pause_cond);
	}
	pthread_mutex_unlock(&vm->pause_lock);
}

/*
 * On a vCPU thread: park while the VM is paused, as vm_wait_resume(),
 * but answer dump requests meanwhile.
 */
static void vcpu_wait_resume(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->pause_lock);
	while (atomic_load(&vm->paused) && !atomic_load(&vm->stop_reason)) {
		if (atomic_load(&vcpu->dump_want) || atomic_load(&vcpu->snap_want)) {
			pthread_mutex_unlock(&vm->pause_lock);
			vcpu_dump_serve(vcpu);
			vcpu_snap_serve(vcpu);
			pthread_mutex_lock(&vm->pause_lock);
			continue;
		}
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	}
	pthread_mutex_unlock(&vm->pause_lock);
}

/* The sum over all vCPUs, for lkvm stat. */
void vcpus_stats(struct vm *vm, struct vcpu_stats *sum)
{
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < vm->nr_cpus; i++) {
		struct vcpu_stats *s = &vm->vcpus[i].stats;

		sum->exits += __atomic_load_n(&s->exits, __ATOMIC_RELAXED);
		sum->mmio += __atomic_load_n(&s->mmio, __ATOMIC_RELAXED);
		sum->signal += __atomic_load_n(&s->signal, __ATOMIC_RELAXED);
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	const struct irqchip_ops *ic;

	if (sandbox_enter(vm, SANDBOX_VCPU, vcpu->id))
		return NULL;
	/* Parked until set-up is done: the GIC did not exist at the spawn. */
	vm_wait_resume(vm);
	ic = vm->irqchip.ops;
	while (!atomic_load(&vm->stop_reason)) {
		int ret, err;

		vcpu_dump_serve(vcpu);
		if (atomic_load(&vm->paused)) {
			vcpu_wait_resume(vcpu);
			continue;
		}

		atomic_fetch_add(&vcpu->run_seq, 1);
		atomic_store(&vcpu->in_kernel, true);
		ret = ioctl(vcpu->fd, KVM_RUN, 0);
		err = ret < 0 ? errno : 0;	/* what follows may change errno */
		atomic_store(&vcpu->in_kernel, false);
		/*
		 * Taken before anything a kick asks for is looked at: a kick
		 * sent after this stays pending and ends the next KVM_RUN.
		 */
		if (err == EINTR)
			vcpu_kick_clear();
		vcpu_count_exit(vcpu, ret);
		/* Queued writes happened first: replay them before this exit. */
		if (mmio_batch_drain(&vm->batch, &vm->bus) &&
		    !atomic_exchange(&vm->batch.active, true))
			vm_wake(vm);
		if (ic->vcpu_sync)
			ic->vcpu_sync(&vm->irqchip, vcpu);
		if (ret < 0) {
			if (err == EINTR || err == EAGAIN)
				continue;
			vcpu_regs_report(vcpu, VCPU_REGS_STOPPED);
			pr_err(vm->cfg.loglevel, "vCPU %u: KVM_RUN failed: %s",
			       vcpu->id, strerror(err));
			vm_request_stop(vm, VM_STOP_ERROR);
			break;
		}
		if (vcpu_handle_exit(vcpu))
			break;
	}
	return NULL;
}

/*
 * --vcpu-affinity: the vCPU threads run on the given host CPUs only, as
 * kvmtool pins its vCPU threads. Set from here, on the parked thread,
 * so that no vCPU thread needs sched_setaffinity in its sandbox.
 */
static int vcpu_pin(struct vcpu *vcpu)
{
	const struct vm_config *c = &vcpu->vm->cfg;
	int ret;

	if (!c->has_vcpu_affinity)
		return 0;
	ret = -pthread_setaffinity_np(vcpu->thread, sizeof(c->vcpu_affinity),
				      &c->vcpu_affinity);
	if (ret)
		pr_err(c->loglevel, "--vcpu-affinity: cannot pin vCPU %u's thread (%s); give host CPUs that lkvm may run on (see lscpu and taskset -p %d)",
		       vcpu->id, strerror(-ret), (int)getpid());
	return ret;
}

/*
 * A set-up stage: the threads are made, enter their sandbox and park
 * (the VM starts paused) while the main thread finishes the set-up, so
 * that this work overlaps it; vm_run() releases them.
 */
int vcpus_spawn(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = vcpu_kick_handler };
	sigset_t kick;
	unsigned int i;
	int ret;

	atomic_store(&vm->paused, true);
	/* No SA_RESTART: KVM_RUN must return EINTR when kicked. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL))
		return -errno;
	/* Blocked here, so every thread made from now on has it blocked. */
	vcpu_kick_sigset(&kick);
	ret = -pthread_sigmask(SIG_BLOCK, &kick, NULL);
	if (ret)
		return ret;
	for (i = 0; i < vm->nr_cpus; i++) {
		ret = vcpu_set_kvm_sigmask(&vm->vcpus[i]);
		if (ret) {
			pr_err(vm->cfg.loglevel, "vCPU %u: KVM_SET_SIGNAL_MASK: %s",
			       i, strerror(-ret));
			return ret;
		}
	}
	for (i = 0; i < vm->nr_cpus; i++) {
		ret = thread_start(&vm->vcpus[i].thread, vcpu_thread,
				   &vm->vcpus[i]);
		if (ret) {
			pr_err(vm->cfg.loglevel, "cannot start the vCPU threads: %s",
			       strerror(-ret));
			return ret;
		}
		vm->vcpus[i].started = true;
		ret = vcpu_pin(&vm->vcpus[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The caller has already changed what the vCPU is to notice (stop,
 * pause, a line). The signal stays pending until the vCPU's thread takes
 * it right after KVM_RUN returns, and it is taken before that change is
 * looked at, so a kick is never lost, whether the vCPU is inside
 * KVM_RUN, about to enter it, or away from it.
 */
void vcpu_kick(struct vcpu *vcpu)
{
	if (!vcpu->started)
		return;
	pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
}

void vcpus_kick_all(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_cpus; i++)
		vcpu_kick(&vm->vcpus[i]);
}

/* True on the vCPU's own thread, the one that may call KVM_RUN on it. */
bool vcpu_is_current(struct vcpu *vcpu)
{
	return vcpu->started && pthread_equal(pthread_self(), vcpu->thread);
}

/*
 * With the GIC in userspace, a vCPU waiting in WFI for its own timer is
 * not woken by kernels from 5.19 until the fix ("KVM: arm64: Wake-up
 * from WFI when irqchip is in userspace"): the timer's level only
 * reaches lkvm when KVM_RUN returns. So a vCPU that stays inside
 * KVM_RUN is kicked out; KVM then reports its timer level and lkvm's GIC
 * raises the PPI. Kicks back off while they find nothing (1, 2, 4 ...
 * up to VCPU_KICK_MAX_TICKS ticks) and return to every tick as soon as
 * one reveals a timer that fired unseen, that is, on a kernel with the
 * bug. Cost: on a fixed kernel, a few exits per second per idle vCPU;
 * on one with the bug, a timer is late by at most a tick or two.
 * ticks: how many ticks passed since the last call. Returns how many
 * ticks may pass before the next call is due.
 */
unsigned int vcpus_kick_idle(struct vm *vm, unsigned int ticks)
{
	unsigned int i, next = VCPU_KICK_MAX_TICKS;

	for (i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		unsigned long seq = atomic_load(&vcpu->run_seq);

		if (atomic_exchange(&vcpu->kick_hit, false) || !vcpu->kick_period)
			vcpu->kick_period = 1;
		if (!vcpu->started || seq != vcpu->kick_seq ||
		    !atomic_load(&vcpu->in_kernel)) {
			/* Busy, or just gone idle: a full period from now. */
			vcpu->kick_seq = seq;
			vcpu->kick_idle = 0;
			next = vcpu->kick_period < next ? vcpu->kick_period : next;
			continue;
		}
		vcpu->kick_idle += ticks;
		if (vcpu->kick_idle < vcpu->kick_period) {
			if (vcpu->kick_period - vcpu->kick_idle < next)
				next = vcpu->kick_period - vcpu->kick_idle;
			continue;
		}
		vcpu->kick_idle = 0;
		if (vcpu->kick_period < VCPU_KICK_MAX_TICKS)
			vcpu->kick_period *= 2;
		atomic_store(&vcpu->kicked, true);
		pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
		next = vcpu->kick_period < next ? vcpu->kick_period : next;
	}
	return next;
}

void vcpus_join(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_cpus; i++) {
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
		vm->vcpus[i].started = false;
	}
}
