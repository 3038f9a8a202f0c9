// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm debug's requests on the control socket: a SysRq on the serial
 * console and the vCPUs' register dump (vcpu/dump.c), as kvmtool's
 * DEBUG message has them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vcpu/vcpu.h"
#include "machine/uart-port.h"
#include "machine/vm.h"

/*
 * How long the vCPUs have to leave KVM_RUN and read their registers.
 * A kick takes microseconds on hardware; an emulated host is far
 * slower. Bounded, as it holds the main loop.
 */
#define DEBUG_DUMP_MS	1500

int vm_debug_sysrq(struct vm *vm, char key, char *msg, size_t len)
{
	int ret;

	if (!vm->uart) {
		snprintf(msg, len, "this VM has no serial port for a SysRq (it runs with --console virtio and no 8250)");
		return -ENODEV;
	}
	ret = uart8250_rx_sysrq(&vm->uart->uart, key);
	if (ret == -EBUSY)
		snprintf(msg, len, "the guest's serial console is not taking input now (no reader, or input pending); try again");
	else
		snprintf(msg, len, "sysrq %c sent", key);
	return ret;
}

/* As control_dump_t: every vCPU's registers, in order. */
int vm_debug_dump(void *opaque, char **text, size_t *len, char *msg,
		  size_t msg_len)
{
	struct vm *vm = opaque;
	unsigned int failed = 0;
	int ret;

	ret = vcpus_dump(vm, DEBUG_DUMP_MS, text, len, &failed);
	if (ret == -ETIMEDOUT)
		snprintf(msg, msg_len, "vCPU %u did not stop to give its registers within %u ms; it may be stuck in KVM: try again",
			 failed, DEBUG_DUMP_MS);
	else if (ret == -ENOMEM)
		snprintf(msg, msg_len, "out of memory for the dump");
	else if (ret)
		snprintf(msg, msg_len, "cannot read vCPU %u's registers: %s", failed,
			 strerror(-ret));
	return ret;
}
