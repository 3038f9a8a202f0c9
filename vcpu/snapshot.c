// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's state in a snapshot: every register KVM lists for it
 * (KVM_GET_REG_LIST), read and written one by one, and its MP state.
 * Saving is done by the vCPU's own thread (KVM answers only outside
 * KVM_RUN), asked as lkvm debug --dump asks (vcpu/dump.c); restoring
 * by the main thread during set-up, before any vCPU has run.
 *
 * Time: the guest's virtual counter is saved as KVM_REG_ARM_TIMER_CNT,
 * whose write sets the VM's CNTVOFF so that the counter reads the value
 * written. A restore writes the largest count any vCPU saved, last, on
 * every vCPU: the guest's time goes on from where the snapshot stopped
 * it, never backwards, and the time the VM spent as a file is not seen.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <linux/kvm.h>

#include "lib/snapshot.h"
#include "vcpu/vcpu.h"
#include "machine/vm.h"

#define VCPU_REG_MAX_BYTES	256	/* an SVE Z register at 2048 bits */

static size_t vcpu_reg_size(uint64_t id)
{
	return (size_t)1 << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

/* KVM_GET_REG_LIST, grown until it fits. The caller frees. */
static int vcpu_reg_list(struct vcpu *vcpu, struct kvm_reg_list **out)
{
	struct kvm_reg_list probe = { .n = 0 }, *list = NULL;
	uint64_t n;

	if (!ioctl(vcpu->fd, KVM_GET_REG_LIST, &probe) || errno != E2BIG)
		return -EIO;
	n = probe.n;
	for (;;) {
		free(list);
		list = malloc(sizeof(*list) + n * sizeof(uint64_t));
		if (!list)
			return -ENOMEM;
		list->n = n;
		if (!ioctl(vcpu->fd, KVM_GET_REG_LIST, list))
			break;
		if (errno != E2BIG) {
			free(list);
			return -errno;
		}
		n = list->n;	/* the list grew meanwhile */
	}
	*out = list;
	return 0;
}

/*
 * A vCPU that left KVM_RUN on an MMIO exit has the access half done
 * until it enters again: KVM_RUN with immediate_exit completes it and
 * returns at once, as KVM's API documents for saving state.
 */
static void vcpu_complete_exit(struct vcpu *vcpu)
{
	vcpu->run->immediate_exit = 1;
	(void)!ioctl(vcpu->fd, KVM_RUN, 0);
	vcpu->run->immediate_exit = 0;
}

/* On the vCPU's thread: its state into s. */
static int vcpu_snap_read(struct vcpu *vcpu, struct snapshot *s)
{
	struct kvm_mp_state mp;
	struct kvm_reg_list *list = NULL;
	uint8_t val[VCPU_REG_MAX_BYTES];
	uint64_t i;
	int ret;

	vcpu_complete_exit(vcpu);
	if (ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp))
		return -errno;
	ret = vcpu_reg_list(vcpu, &list);
	if (ret)
		return ret;
	snapshot_put_u32(s, mp.mp_state);
	snapshot_put_u32(s, list->n);
	for (i = 0; i < list->n && !ret; i++) {
		struct kvm_one_reg r = { .id = list->reg[i], .addr = (uintptr_t)val };
		size_t size = vcpu_reg_size(r.id);

		if (size > sizeof(val)) {
			ret = -E2BIG;
			break;
		}
		if (ioctl(vcpu->fd, KVM_GET_ONE_REG, &r)) {
			ret = -errno;
			break;
		}
		snapshot_put_u64(s, r.id);
		snapshot_put(s, val, size);
	}
	free(list);
	return ret ?: snapshot_error(s);
}

/* On the vCPU's thread, outside KVM_RUN: answers a pending request. */
void vcpu_snap_serve(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct snapshot s = { 0 };
	int ret;

	if (!atomic_load(&vcpu->snap_want))
		return;
	ret = vcpu_snap_read(vcpu, &s);
	pthread_mutex_lock(&vm->pause_lock);
	if (atomic_load(&vcpu->snap_want)) {
		snapshot_free(&vcpu->snap);
		vcpu->snap = s;
		vcpu->snap_ret = ret;
		s.buf = NULL;
		atomic_store(&vcpu->snap_want, false);
		pthread_cond_broadcast(&vm->pause_cond);
	}
	pthread_mutex_unlock(&vm->pause_lock);
	snapshot_free(&s);
}

static int vcpus_snap_pending(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_cpus; i++)
		if (atomic_load(&vm->vcpus[i].snap_want))
			return i;
	return -1;
}

/*
 * The VM is paused: every vCPU reads its state on its thread, each into
 * its own vcpu->snap. Waits up to ms; returns 0, or -ETIMEDOUT with
 * *late the vCPU that did not answer, or the first vCPU's error.
 */
int vcpus_snap_collect(struct vm *vm, unsigned int ms, unsigned int *late)
{
	struct timespec deadline;
	unsigned int i;
	int pending;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (long)(ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&vm->pause_lock);
	for (i = 0; i < vm->nr_cpus; i++) {
		vm->vcpus[i].snap_ret = -ESRCH;
		atomic_store(&vm->vcpus[i].snap_want, vm->vcpus[i].started);
	}
	pthread_cond_broadcast(&vm->pause_cond);
	while (vcpus_snap_pending(vm) >= 0 &&
	       pthread_cond_timedwait(&vm->pause_cond, &vm->pause_lock, &deadline) != ETIMEDOUT)
		;
	pending = vcpus_snap_pending(vm);
	for (i = 0; i < vm->nr_cpus; i++)
		atomic_store(&vm->vcpus[i].snap_want, false);
	pthread_mutex_unlock(&vm->pause_lock);
	if (pending >= 0) {
		*late = pending;
		return -ETIMEDOUT;
	}
	for (i = 0; i < vm->nr_cpus; i++) {
		if (vm->vcpus[i].snap_ret) {
			*late = i;
			return vm->vcpus[i].snap_ret;
		}
	}
	return 0;
}

static int vcpu_set_one(struct vcpu *vcpu, uint64_t id, const uint8_t *val,
			size_t size)
{
	uint8_t now[VCPU_REG_MAX_BYTES];
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	if (!ioctl(vcpu->fd, KVM_SET_ONE_REG, &r))
		return 0;
	/*
	 * Some registers are fixed once the vCPU is made (the SVE vector
	 * lengths, invariant ID registers): refused writes of the value
	 * they already hold are fine.
	 */
	r.addr = (uintptr_t)now;
	if (!ioctl(vcpu->fd, KVM_GET_ONE_REG, &r) && !memcmp(now, val, size))
		return 0;
	return -EINVAL;
}

/*
 * On the main thread during set-up: s holds the vCPU's section. The
 * counter is kept back in *cnt (the largest seen) for vcpus_snap_time().
 * On failure, *bad_reg names the register KVM refused.
 */
int vcpu_snap_restore(struct vcpu *vcpu, struct snapshot *s, uint64_t *cnt,
		      uint64_t *bad_reg)
{
	struct kvm_mp_state mp = { .mp_state = snapshot_get_u32(s) };
	uint32_t i, n = snapshot_get_u32(s);
	uint8_t val[VCPU_REG_MAX_BYTES];

	if (s->err || n > snapshot_left(s) / 12)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		uint64_t id = snapshot_get_u64(s);
		size_t size = vcpu_reg_size(id);

		if (s->err || size > sizeof(val) || snapshot_get(s, val, size))
			return -EINVAL;
		if (id == KVM_REG_ARM_TIMER_CNT) {
			uint64_t c;

			memcpy(&c, val, sizeof(c));
			*cnt = c > *cnt ? c : *cnt;
			continue;
		}
		*bad_reg = id;
		if (vcpu_set_one(vcpu, id, val, size))
			return -EPERM;
	}
	if (snapshot_left(s))
		return -EINVAL;
	return ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp) ? -errno : 0;
}

/* After every vCPU's registers: the guest's counter goes on from cnt. */
int vcpus_snap_time(struct vm *vm, uint64_t cnt)
{
	unsigned int i;

	for (i = 0; i < vm->nr_cpus; i++) {
		struct kvm_one_reg r = {
			.id = KVM_REG_ARM_TIMER_CNT, .addr = (uintptr_t)&cnt,
		};

		if (ioctl(vm->vcpus[i].fd, KVM_SET_ONE_REG, &r))
			return -errno;
	}
	return 0;
}
