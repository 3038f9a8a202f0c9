// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's answers on its control socket (host/control.c serves it from
 * the main loop): status, stop, pause and resume, the test device's
 * lines, counters, SysRq and snapshots.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "machine/snapshot.h"
#include "machine/testdev-port.h"
#include "machine/vm.h"

/* For lkvm list: a panicked guest is about to be stopped, paused or not. */
static const char *vm_state_name(struct vm *vm, bool paused)
{
	uint64_t wait;

	if (console_panic_wait(&vm->console, &wait))
		return "panicked";
	return paused ? "paused" : "running";
}

/* A control-socket request; msg gets the reply's text. */
int vm_control(void *opaque, const struct control_cmd *cmd, char *msg, size_t len)
{
	struct vm *vm = opaque;
	bool paused = atomic_load(&vm->paused);

	switch (cmd->op) {
	case CONTROL_STATUS:
		snprintf(msg, len, "%s %s %d", vm_state_name(vm, paused),
			 vm->name, (int)getpid());
		return 0;
	case CONTROL_STOP:
		vm_request_stop(vm, VM_STOP_USER);
		snprintf(msg, len, "stopping");
		return 0;
	case CONTROL_PAUSE:
	case CONTROL_RESUME:
		vm_set_paused(vm, cmd->op == CONTROL_PAUSE);
		snprintf(msg, len, "%s", cmd->op == CONTROL_PAUSE ? "paused" : "running");
		return 0;
	case CONTROL_IRQ:
		return testdev_port_irq(vm->testdev, cmd, msg, len);
	case CONTROL_STATS:
		vm_stats_line(vm, msg, len);
		return 0;
	case CONTROL_SYSRQ:
		return vm_debug_sysrq(vm, cmd->sysrq, msg, len);
	case CONTROL_DUMP:
		break;	/* host/control.c asks vm_debug_dump() */
	case CONTROL_SNAPSHOT:
		return vm_snapshot(vm, cmd, msg, len);
	}
	snprintf(msg, len, "unknown request");
	return -EINVAL;
}
