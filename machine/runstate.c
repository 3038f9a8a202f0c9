// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's run state, shared by every thread: why it stops, whether it
 * is paused, and the eventfd that wakes the main loop. It calls nothing
 * else, so vCPU threads, devices and host services may all use it.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "machine/vm.h"

void vm_wake(struct vm *vm)
{
	uint64_t one = 1;

	if (write(vm->event_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_debug(vm->cfg.loglevel, "event write failed: %s", strerror(errno));
}

/*
 * The first reason wins; later ones (other vCPUs stopping) are ignored.
 * Returns whether this one won.
 */
bool vm_request_stop(struct vm *vm, enum vm_stop_reason reason)
{
	int expected = VM_RUNNING;

	if (!atomic_compare_exchange_strong(&vm->stop_reason, &expected, reason))
		return false;
	/* Paused vCPUs must see the stop too. */
	pthread_mutex_lock(&vm->pause_lock);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
	vm_wake(vm);
	return true;
}

/* On a vCPU thread: park while the VM is paused. */
void vm_wait_resume(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	while (atomic_load(&vm->paused) && !atomic_load(&vm->stop_reason))
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	pthread_mutex_unlock(&vm->pause_lock);
}
