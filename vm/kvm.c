// SPDX-License-Identifier: GPL-2.0
/* Opening KVM: the device, its API version, the capabilities lkvm needs, the VM. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "lib/log.h"
#include "lib/util.h"
#include "vm/kvm.h"
#include "vm/vm.h"

struct kvm_cap_need {
	int cap;
	const char *name;
};

static const struct kvm_cap_need kvm_caps_needed[] = {
	{ KVM_CAP_ONE_REG, "KVM_CAP_ONE_REG" },
	{ KVM_CAP_ARM_PSCI_0_2, "KVM_CAP_ARM_PSCI_0_2" },
	{ KVM_CAP_DEVICE_CTRL, "KVM_CAP_DEVICE_CTRL" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
};

static int kvm_open_dev(struct vm *vm)
{
	int th = vm->cfg.loglevel;

	vm->kvm_fd = open(KVM_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd >= 0)
		return 0;
	switch (errno) {
	case ENOENT:
		pr_err(th, "%s does not exist: this host has no KVM (load the kvm module, or enable virtualization in the firmware)",
		       KVM_DEV_PATH);
		break;
	case EACCES:
	case EPERM:
		pr_err(th, "no permission to open %s: add yourself to its group (usually 'kvm') or run as root",
		       KVM_DEV_PATH);
		break;
	default:
		pr_err(th, "cannot open %s: %s", KVM_DEV_PATH, strerror(errno));
		break;
	}
	return -errno;
}

int kvm_check_cap(struct vm *vm, int cap)
{
	int fd = vm->vm_fd >= 0 ? vm->vm_fd : vm->kvm_fd;
	int ret = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return ret < 0 ? 0 : ret;
}

/* Stage 1: /dev/kvm, the API version, the capabilities, then the VM. */
int kvm_open(struct vm *vm)
{
	int th = vm->cfg.loglevel, ret, version;
	unsigned int i;

	ret = kvm_open_dev(vm);
	if (ret)
		return ret;
	version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		pr_err(th, "KVM API version %d, lkvm needs %d: update the host kernel",
		       version, KVM_API_VERSION);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(kvm_caps_needed); i++) {
		if (!kvm_check_cap(vm, kvm_caps_needed[i].cap)) {
			pr_err(th, "this host's KVM lacks %s, which lkvm needs: use a newer host kernel",
			       kvm_caps_needed[i].name);
			return -ENOSYS;
		}
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		pr_err(th, "KVM_CREATE_VM failed: %s", strerror(errno));
		return -errno;
	}
	vm->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size <= 0) {
		pr_err(th, "KVM_GET_VCPU_MMAP_SIZE failed: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * KVM's vCPU limit for this VM. GICv2's own limit of 8 is left to the
 * kernel, which refuses it when the GIC is created (E2BIG).
 */
int kvm_max_vcpus(struct vm *vm)
{
	int n = kvm_check_cap(vm, KVM_CAP_MAX_VCPUS);

	return n ? n : kvm_check_cap(vm, KVM_CAP_NR_VCPUS);
}

void kvm_close(struct vm *vm)
{
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vm_fd = vm->kvm_fd = -1;
}
