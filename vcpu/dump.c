// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm debug --dump: every vCPU's registers, read by the vCPU's own
 * thread (KVM answers KVM_GET_ONE_REG only outside KVM_RUN; that side
 * is vcpu_dump_serve() in vcpu/run.c). The main thread raises each
 * vCPU's dump_want and kicks it out of KVM_RUN, or wakes it where lkvm
 * pause parks it; the thread reads its registers,
 * hands them over under the pause lock and goes on as before. The main
 * thread waits a bounded time: a vCPU stuck inside KVM is reported,
 * never waited on for ever.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vcpu/regs.h"
#include "vcpu/vcpu.h"
#include "machine/vm.h"

static void dump_deadline(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);	/* the condition's clock */
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* Under the pause lock: the first vCPU still to answer, or -1. */
static int dump_first_pending(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_cpus; i++)
		if (atomic_load(&vm->vcpus[i].dump_want))
			return i;
	return -1;
}

/*
 * Asks every vCPU and waits for all, up to ms. Returns 0, or -ETIMEDOUT
 * with *late the first vCPU that did not answer (its request withdrawn).
 */
static int dump_collect(struct vm *vm, unsigned int ms, unsigned int *late)
{
	struct timespec deadline;
	unsigned int i;
	int pending;

	pthread_mutex_lock(&vm->pause_lock);
	for (i = 0; i < vm->nr_cpus; i++)
		atomic_store(&vm->vcpus[i].dump_want, vm->vcpus[i].started);
	pthread_cond_broadcast(&vm->pause_cond);	/* paused vCPUs */
	pthread_mutex_unlock(&vm->pause_lock);
	vcpus_kick_all(vm);				/* running ones */
	dump_deadline(&deadline, ms);
	pthread_mutex_lock(&vm->pause_lock);
	while ((pending = dump_first_pending(vm)) >= 0 &&
	       pthread_cond_timedwait(&vm->pause_cond, &vm->pause_lock, &deadline) != ETIMEDOUT)
		;
	pending = dump_first_pending(vm);
	for (i = 0; i < vm->nr_cpus; i++)
		atomic_store(&vm->vcpus[i].dump_want, false);
	pthread_mutex_unlock(&vm->pause_lock);
	if (pending < 0)
		return 0;
	*late = pending;
	return -ETIMEDOUT;
}

/*
 * Every vCPU's dump, in order, as one text the caller frees. Returns 0,
 * or -errno with *failed the vCPU at fault: -ETIMEDOUT when it did not
 * leave KVM_RUN within ms, another when KVM refused its registers.
 */
int vcpus_dump(struct vm *vm, unsigned int ms, char **text, size_t *len,
	       unsigned int *failed)
{
	size_t max = (size_t)vm->nr_cpus * VCPU_REGS_TEXT_MAX, n = 0;
	unsigned int i;
	char *buf;
	int ret;

	ret = dump_collect(vm, ms, failed);
	if (ret)
		return ret;
	buf = malloc(max);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		int w = vcpu->dump_ret;

		if (!w)
			w = vcpu_regs_format(&vcpu->dump, i, buf + n, max - n);
		if (w < 0) {
			free(buf);
			*failed = i;
			return w;
		}
		n += w;
	}
	*text = buf;
	*len = n;
	return 0;
}
