// SPDX-License-Identifier: GPL-2.0
/* Opening KVM: the device, its API version, the capabilities lkvm needs, the VM. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "lib/log.h"
#include "lib/util.h"
#include "machine/kvm.h"
#include "machine/vm.h"

struct kvm_cap_desc {
	int cap;
	const char *name;
	bool needed;		/* lkvm cannot run without it */
};

#define KVM_CAP_DESC(c, need)	{ KVM_CAP_##c, "KVM_CAP_" #c, need }

/* Every capability lkvm asks about: named in messages and in LKVM_HIDE_CAPS. */
static const struct kvm_cap_desc kvm_caps[] = {
	KVM_CAP_DESC(ONE_REG, true),
	KVM_CAP_DESC(ARM_PSCI_0_2, true),
	KVM_CAP_DESC(DEVICE_CTRL, true),
	KVM_CAP_DESC(USER_MEMORY, true),
	/* Asked where they matter: the userspace GIC, the vCPU limit, --pmu. */
	KVM_CAP_DESC(ARM_USER_IRQ, false),
	KVM_CAP_DESC(MAX_VCPUS, false),
	KVM_CAP_DESC(NR_VCPUS, false),
	KVM_CAP_DESC(ARM_PMU_V3, false),
	/* The CPU features (vcpu/vcpu.c): on where the host has them. */
	KVM_CAP_DESC(ARM_SVE, false),
	KVM_CAP_DESC(ARM_PTRAUTH_ADDRESS, false),
	KVM_CAP_DESC(ARM_PTRAUTH_GENERIC, false),
	KVM_CAP_DESC(ARM_MTE, false),
	KVM_CAP_DESC(STEAL_TIME, false),
	KVM_CAP_DESC(ARM_EL1_32BIT, false),
	KVM_CAP_DESC(ARM_EL2, false),
};

/* Is name in the comma-separated list (LKVM_HIDE_CAPS)? */
static bool kvm_cap_listed(const char *list, const char *name)
{
	size_t len = strlen(name);

	while (list && *list) {
		size_t n = strcspn(list, ",");

		if (n == len && !strncmp(list, name, n))
			return true;
		list += n + (list[n] == ',');
	}
	return false;
}

/*
 * LKVM_HIDE_CAPS makes lkvm act as if KVM lacked the capabilities it
 * names, so that tests reach the real error paths on hosts that have
 * them. Said aloud, so that it is never left set by mistake.
 */
static void kvm_report_hidden_caps(struct vm *vm)
{
	const char *p = vm->cfg.hide_caps;
	unsigned int i;

	while (p && *p) {
		size_t n = strcspn(p, ",");

		for (i = 0; i < ARRAY_SIZE(kvm_caps); i++)
			if (strlen(kvm_caps[i].name) == n &&
			    !strncmp(p, kvm_caps[i].name, n))
				break;
		if (i < ARRAY_SIZE(kvm_caps))
			pr_warn(vm->cfg.loglevel, "LKVM_HIDE_CAPS: acting as if KVM lacked %s",
				kvm_caps[i].name);
		else if (n)
			pr_warn(vm->cfg.loglevel, "LKVM_HIDE_CAPS: '%.*s' is not a capability lkvm asks about; ignored",
				(int)n, p);
		p += n + (p[n] == ',');
	}
}

static int kvm_open_dev(struct vm *vm)
{
	const char *path = kvm_dev_path(&vm->cfg);
	int th = vm->cfg.loglevel;

	vm->kvm_fd = open(path, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd >= 0)
		return 0;
	switch (errno) {
	case ENOENT:
		if (vm->cfg.kvm_dev)
			pr_err(th, "--dev %s does not exist; give KVM's device file (usually %s)",
			       path, KVM_DEV_PATH);
		else
			pr_err(th, "%s does not exist: this host has no KVM; load the kvm module, or enable virtualization in the firmware",
			       path);
		break;
	case EACCES:
	case EPERM:
		pr_err(th, "no permission to open %s; add yourself to its group (usually 'kvm') or run as root",
		       path);
		break;
	default:
		pr_err(th, "cannot open %s: %s", path, strerror(errno));
		break;
	}
	return -errno;
}

int kvm_check_cap(struct vm *vm, int cap)
{
	int fd = vm->vm_fd >= 0 ? vm->vm_fd : vm->kvm_fd;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(kvm_caps); i++)
		if (kvm_caps[i].cap == cap &&
		    kvm_cap_listed(vm->cfg.hide_caps, kvm_caps[i].name))
			return 0;
	ret = ioctl(fd, KVM_CHECK_EXTENSION, cap);
	return ret < 0 ? 0 : ret;
}

/*
 * As kvmtool: the VM's guest physical address size is what RAM's end
 * needs (at least 32 bits), where the host's KVM lets it be chosen
 * (KVM_CAP_ARM_VM_IPA_SIZE, its largest); else KVM's default, 40 bits.
 */
static int kvm_vm_type(struct vm *vm)
{
	uint64_t last = vm->ram_base + vm->ram_size - 1;
	int cap = kvm_check_cap(vm, KVM_CAP_ARM_VM_IPA_SIZE);
	int limit = cap > 0 ? cap : 40;
	int bits = MAX(32, 64 - __builtin_clzll(last));

	if (bits > limit) {
		pr_err(vm->cfg.loglevel, "-m: guest RAM would end at 0x%llx, beyond the %d-bit guest physical addresses this host's KVM gives; give a lower base or less RAM (RAM must end by %llu GiB)",
		       (unsigned long long)last + 1, limit,
		       (unsigned long long)(1ULL << limit) >> 30);
		return -E2BIG;
	}
	return cap > 0 ? (int)KVM_VM_TYPE_ARM_IPA_SIZE(bits) : 0;
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
	if (version < 0) {
		pr_err(th, "%s is not KVM's device file (it does not answer KVM_GET_API_VERSION: %s); give --dev %s or leave --dev out",
		       kvm_dev_path(&vm->cfg), strerror(errno), KVM_DEV_PATH);
		return -ENOTTY;
	}
	if (version != KVM_API_VERSION) {
		pr_err(th, "KVM API version %d, lkvm needs %d: update the host kernel",
		       version, KVM_API_VERSION);
		return -EINVAL;
	}
	kvm_report_hidden_caps(vm);
	for (i = 0; i < ARRAY_SIZE(kvm_caps); i++) {
		if (kvm_caps[i].needed && !kvm_check_cap(vm, kvm_caps[i].cap)) {
			pr_err(th, "this host's KVM lacks %s, which lkvm needs; use a newer host kernel (Linux 4.11 or later has all lkvm needs)",
			       kvm_caps[i].name);
			return -ENOSYS;
		}
	}
	ret = kvm_vm_type(vm);
	if (ret < 0)
		return ret;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, ret);
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
