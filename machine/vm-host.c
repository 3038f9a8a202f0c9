// SPDX-License-Identifier: GPL-2.0
/*
 * What devices may ask of the machine (devices/device.h): threads in
 * their sandbox, waking the main loop, ending the run, KVM ioeventfds,
 * and the host console. The only place devices reach struct vm.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "lib/log.h"
#include "machine/kvm.h"
#include "vcpu/vcpu.h"
#include "machine/vm.h"

static int vm_host_thread_enter(void *host, const char *role, unsigned int id)
{
	if (!strcmp(role, "testdev"))
		return sandbox_enter(host, SANDBOX_TESTDEV, id);
	if (!strcmp(role, "virtio"))
		return sandbox_enter(host, SANDBOX_VIRTIO, id);
	if (!strcmp(role, "net"))
		return sandbox_enter(host, SANDBOX_NET, id);
	if (!strcmp(role, "9p"))
		return sandbox_enter(host, SANDBOX_9P, id);
	return -EINVAL;
}

static void vm_host_wake(void *host)
{
	vm_wake(host);
}

static void vm_host_guest_exit(void *host, int status)
{
	struct vm *vm = host;

	vm->guest_status = status;
	pr_info(vm->cfg.loglevel, "the guest ended its run with status %d", status);
	vm_request_stop(vm, VM_STOP_GUEST_STATUS);
}

static void vm_host_fail(void *host)
{
	vm_request_stop(host, VM_STOP_ERROR);
}

static int vm_host_ioeventfd(void *host, uint64_t addr, uint32_t len, bool match,
			     uint64_t datamatch, int fd, bool on)
{
	struct vm *vm = host;
	struct kvm_ioeventfd io = {
		.datamatch = datamatch, .addr = addr, .len = len, .fd = fd,
		.flags = (match ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
			 (on ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	if (vm->cfg.no_ioeventfd)
		return -EOPNOTSUPP;
	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) ? -errno : 0;
}

static int vm_host_console_attach(void *host, const struct console_port *port)
{
	struct vm *vm = host;

	if (vm->console_port.dev)
		return -EBUSY;
	vm->console_port = *port;
	return 0;
}

/* Guest output; what does not fit now is the device's to hold. */
static size_t vm_host_console_write(void *host, const uint8_t *buf, size_t len)
{
	struct vm *vm = host;
	size_t i;

	for (i = 0; i < len; i++)
		if (!console_put(&vm->console, buf[i]))
			break;
	return i;
}

static int vm_host_poll_add(void *host, const struct device_poll *p)
{
	struct vm *vm = host;

	if (vm->nr_polls == VM_POLL_MAX)
		return -ENOSPC;
	vm->polls[vm->nr_polls++] = *p;
	return 0;
}

const struct device_host_ops vm_host_ops = {
	.thread_enter	= vm_host_thread_enter,
	.wake		= vm_host_wake,
	.guest_exit	= vm_host_guest_exit,
	.fail		= vm_host_fail,
	.ioeventfd	= vm_host_ioeventfd,
	.console_attach	= vm_host_console_attach,
	.console_write	= vm_host_console_write,
	.poll_add	= vm_host_poll_add,
};

/* On the console's writer thread: a byte the guest's console holds now fits. */
void vm_console_room(void *opaque)
{
	struct vm *vm = opaque;

	if (vm->console_port.tx_ready)
		vm->console_port.tx_ready(vm->console_port.dev);
}

/* First thing on the console's writer thread. */
void vm_console_thread_start(void *opaque)
{
	sandbox_enter(opaque, SANDBOX_CONSOLE, 0);	/* reports, stops the VM */
}

/* The guest wrote its first console byte: the main loop makes the writer. */
void vm_wake_opaque(void *opaque)
{
	vm_wake(opaque);
}

/* For the irqchip (gic/irqchip.h): the capabilities lkvm lets it see. */
int vm_host_check_cap(void *opaque, int cap)
{
	return kvm_check_cap(opaque, cap);
}

/* For the userspace GIC: a vCPU's IRQ input is applied on its own thread. */
bool vm_host_vcpu_kick(void *opaque, unsigned int cpu)
{
	struct vm *vm = opaque;
	struct vcpu *vcpu = &vm->vcpus[cpu];

	if (!vcpu->started || vcpu_is_current(vcpu))
		return false;
	vcpu_kick(vcpu);
	return true;
}

/* For the userspace GIC: a vCPU that may be waiting in WFI in the kernel. */
bool vm_host_vcpu_in_kvm(void *opaque, unsigned int cpu)
{
	struct vm *vm = opaque;
	struct vcpu *vcpu = &vm->vcpus[cpu];

	return vcpu->started && !vcpu_is_current(vcpu) &&
	       atomic_load(&vcpu->in_kernel);
}
