// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU creation and boot state: KVM_CREATE_VCPU, KVM_ARM_VCPU_INIT with
 * the VM's CPU features (decided in vcpu/features.c), registers.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "lib/log.h"
#include "lib/util.h"
#include "vcpu/features.h"
#include "vcpu/vcpu.h"
#include "machine/kvm.h"
#include "vcpu/step.h"
#include "machine/memmap.h"
#include "machine/vm.h"

#define ARM64_CORE_REG(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
			   KVM_REG_ARM_CORE | (offsetof(struct kvm_regs, x) / sizeof(__u32)))
#define ARM64_MPIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 5)
/* EL1h with D, A, I and F masked, as booting.rst asks. */
#define PSTATE_EL1H_DAIF 0x3c5ULL
#define PSTATE_EL2H_DAIF 0x3c9ULL	/* --nested: the same at EL2h */
/* --aarch32: SVC mode, IRQ and FIQ masked, as kvmtool and arm's booting.rst. */
#define PSTATE_AARCH32_SVC_IF 0xd3ULL
#define MPIDR_AFF_MASK	0xff00ffffffULL

static int vcpu_get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) ? -errno : 0;
}

static int vcpu_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

/*
 * The boot CPU starts running; the others start powered off and are
 * brought up by the guest through PSCI CPU_ON, which KVM handles. The
 * CPU features (vcpu/features.h) are the same on every vCPU.
 */
static int vcpu_arch_init(struct vcpu *vcpu, const struct kvm_vcpu_init *pref)
{
	struct kvm_vcpu_init init = *pref;
	int th = vcpu->vm->cfg.loglevel, ret;

	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2 | vcpu->vm->cpu.init;
	if (vcpu->id)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init)) {
		ret = -errno;
		pr_err(th, "KVM refused to initialise vCPU %u with its features (KVM_ARM_VCPU_INIT: %s)",
		       vcpu->id, strerror(-ret));
		return ret;
	}
	ret = vcpu_features_finalize(vcpu);
	if (ret)
		return ret;
	ret = vcpu_get_reg(vcpu, ARM64_MPIDR_EL1, &vcpu->mpidr);
	if (ret)
		pr_err(th, "cannot read vCPU %u's MPIDR: %s", vcpu->id, strerror(-ret));
	return ret;
}

/* Reports its own failure: the KVM call that failed knows the context. */
static int vcpu_create_one(struct vm *vm, struct vcpu *vcpu,
			   const struct kvm_vcpu_init *pref)
{
	void *run;
	int ret;

	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, vcpu->id);
	if (vcpu->fd < 0) {
		ret = -errno;
		pr_err(vm->cfg.loglevel, "cannot create vCPU %u: %s", vcpu->id,
		       strerror(-ret));
		return ret;
	}
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED) {
		ret = -errno;
		pr_err(vm->cfg.loglevel, "cannot map vCPU %u's kvm_run: %s",
		       vcpu->id, strerror(-ret));
		return ret;
	}
	vcpu->run = run;
	ret = vcpu_arch_init(vcpu, pref);
	if (ret)
		return ret;
	if (vm->cfg.single_step) {
		ret = vcpu_step_enable(vcpu);
		if (ret)
			return ret;
	}
	vcpu->mpidr &= MPIDR_AFF_MASK;
	return 0;
}

int vcpus_create(struct vm *vm)
{
	struct kvm_vcpu_init pref;
	unsigned int i;
	int ret;

	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &pref)) {
		ret = -errno;
		pr_err(vm->cfg.loglevel, "KVM has no preferred CPU target for this host (%s)",
		       strerror(-ret));
		return ret;
	}
	vm->vcpus = calloc(vm->nr_cpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -ENOMEM;
	for (i = 0; i < vm->nr_cpus; i++) {
		vm->vcpus[i].fd = -1;
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].id = i;
	}
	for (i = 0; i < vm->nr_cpus; i++) {
		ret = vcpu_create_one(vm, &vm->vcpus[i], &pref);
		if (ret)
			return ret;
	}
	return 0;
}

static int vcpu_pmu_attr(struct vcpu *vcpu, uint64_t attr, void *val)
{
	struct kvm_device_attr a = {
		.group = KVM_ARM_VCPU_PMU_V3_CTRL,
		.attr = attr,
		.addr = (uintptr_t)val,
	};

	return ioctl(vcpu->fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

/*
 * --pmu, after the GIC's initialisation, which the kernel wants first
 * (Documentation/virt/kvm/devices/vcpu.rst): each vCPU's PMU gets its
 * overflow interrupt, the same PPI on all, then is initialised. lkvm's
 * own GIC takes the PMU's level from kvm_run instead, as the timers':
 * KVM refuses an interrupt number without an in-kernel GIC.
 */
int vcpus_init_pmu(struct vm *vm)
{
	bool in_kernel = vm->irqchip.ops->kind != IRQCHIP_USER;
	int irq = VCPU_PMU_PPI, ret = 0;
	unsigned int i;

	if (!vm->cfg.pmu)
		return 0;
	for (i = 0; i < vm->nr_cpus && !ret; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];

		if (in_kernel)
			ret = vcpu_pmu_attr(vcpu, KVM_ARM_VCPU_PMU_V3_IRQ, &irq);
		if (!ret)
			ret = vcpu_pmu_attr(vcpu, KVM_ARM_VCPU_PMU_V3_INIT, NULL);
		if (ret)
			pr_err(vm->cfg.loglevel, "--pmu: KVM refused vCPU %u's PMU (%s); leave --pmu out",
			       i, strerror(-ret));
	}
	return ret;
}

/*
 * The boot protocols: arm64's booting.rst (x0 = DTB, at EL1h, or at
 * EL2h with --nested), or with --aarch32 arm's booting.rst (SVC mode,
 * r0 = 0, r1 = ~0 for "no machine number: use the DT", r2 = DTB), as
 * kvmtool sets them.
 */
int vcpu_set_boot_regs(struct vcpu *vcpu, uint64_t pc, uint64_t dtb)
{
	const struct vm_config *c = &vcpu->vm->cfg;
	uint64_t pstate = c->nested ? PSTATE_EL2H_DAIF : PSTATE_EL1H_DAIF;
	int ret;

	if (c->aarch32)
		pstate = PSTATE_AARCH32_SVC_IF;
	ret = vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.pstate), pstate);
	if (!ret && c->aarch32) {
		ret = vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[0]), 0);
		ret = ret ?: vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[1]), ~0ULL);
		ret = ret ?: vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[2]), dtb);
	} else if (!ret) {
		ret = vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[0]), dtb);
	}
	if (!ret)
		ret = vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.pc), pc);
	return ret;
}

void vcpus_destroy(struct vm *vm)
{
	unsigned int i;

	if (!vm->vcpus)
		return;
	for (i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];

		if (vcpu->run)
			munmap(vcpu->run, vm->run_size);
		if (vcpu->fd >= 0)
			close(vcpu->fd);
	}
	free(vm->vcpus);
	vm->vcpus = NULL;
}

/*
 * The PSCI version KVM implements for this VM, from the firmware
 * pseudo-register; the DT's psci node advertises it.
 */
int vm_read_psci_version(struct vm *vm)
{
	uint64_t v;
	int ret;

	ret = vcpu_get_reg(&vm->vcpus[0], KVM_REG_ARM_PSCI_VERSION, &v);
	if (ret) {
		/* Kernels before the register existed implement PSCI 0.2. */
		vm->psci_version = 0x2;
		return 0;
	}
	vm->psci_version = v;
	pr_debug(vm->cfg.loglevel, "PSCI %u.%u", (unsigned int)(v >> 16),
		 (unsigned int)(v & 0xffff));
	return 0;
}
