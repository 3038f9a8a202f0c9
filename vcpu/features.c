// SPDX-License-Identifier: GPL-2.0
/*
 * CPU features (vcpu/features.h), beyond the base architecture: SVE,
 * pointer authentication, MTE and stolen time on by default where the
 * host has them (as kvmtool); a PMU, AArch32 at EL1 and EL2 when asked
 * for. Documentation/virt/kvm/api.rst fixes the order: MTE before any
 * vCPU exists, the vCPU features at KVM_ARM_VCPU_INIT, SVE's vector
 * lengths and then its finalisation before any other register access.
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
#include "machine/memmap.h"
#include "machine/vm.h"

/* Newer than the 6.1 headers lkvm builds against (Linux 6.16 uapi). */
#ifndef KVM_ARM_VCPU_HAS_EL2
#define KVM_ARM_VCPU_HAS_EL2	7
#endif

#define SVE_VQ_BITS	128	/* a quadword: vector lengths come in these */

static bool has_cap(struct vm *vm, int cap)
{
	return kvm_check_cap(vm, cap) > 0;
}

/* What the user asked for explicitly must be there: refuse, naming what lacks. */
static int features_check_asked(struct vm *vm)
{
	const struct vm_config *c = &vm->cfg;
	int th = c->loglevel;

	if (c->pmu && !has_cap(vm, KVM_CAP_ARM_PMU_V3)) {
		pr_err(th, "--pmu: this host's KVM cannot give guests a PMU (no KVM_CAP_ARM_PMU_V3: the host has no PMU driver, or KVM lacks PMU support); leave --pmu out");
		return -ENODEV;
	}
	if (c->sve_max_vl && !has_cap(vm, KVM_CAP_ARM_SVE)) {
		pr_err(th, "--sve-max-vl: this host's KVM cannot give guests SVE (no KVM_CAP_ARM_SVE: the CPU has no SVE, or the kernel is older than Linux 5.2); leave --sve-max-vl out");
		return -ENODEV;
	}
	if (c->aarch32 && !has_cap(vm, KVM_CAP_ARM_EL1_32BIT)) {
		pr_err(th, "--aarch32: this host's CPUs cannot run AArch32 at EL1 (no KVM_CAP_ARM_EL1_32BIT); boot an arm64 kernel without --aarch32, or use a host whose CPUs have AArch32 EL1");
		return -ENODEV;
	}
	if (c->nested && !has_cap(vm, KVM_CAP_ARM_EL2)) {
		pr_err(th, "--nested: this host's KVM cannot run a guest at EL2 (no KVM_CAP_ARM_EL2: it needs a CPU with nested virtualization, FEAT_NV2, and Linux 6.16 or later booted with kvm-arm.mode=nested); leave --nested out");
		return -ENODEV;
	}
	/* Default RAM grows with the vCPUs: checked here, once it is known. */
	if (c->aarch32 && vm->ram_base + vm->ram_size > MEMMAP_RAM_END_AARCH32) {
		pr_err(th, "--aarch32: %llu MiB of RAM would reach above 4 GiB, which an AArch32 guest cannot address; give -m %llu or less",
		       (unsigned long long)(vm->ram_size >> 20),
		       (unsigned long long)(MEMMAP_RAM_END_AARCH32 - vm->ram_base) >> 20);
		return -EINVAL;
	}
	return 0;
}

/* The KVM_ARM_VCPU_INIT bits: asked-for features, then the default-on ones. */
static uint32_t features_init_bits(struct vm *vm)
{
	const struct vm_config *c = &vm->cfg;
	uint32_t f = 0;

	if (c->pmu)
		f |= 1U << KVM_ARM_VCPU_PMU_V3;
	if (c->aarch32)
		f |= 1U << KVM_ARM_VCPU_EL1_32BIT;
	if (c->nested)
		f |= 1U << KVM_ARM_VCPU_HAS_EL2;
	/* KVM takes the two halves of pointer authentication together only. */
	if (has_cap(vm, KVM_CAP_ARM_PTRAUTH_ADDRESS) &&
	    has_cap(vm, KVM_CAP_ARM_PTRAUTH_GENERIC))
		f |= 1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
		     1U << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	if (has_cap(vm, KVM_CAP_ARM_SVE))
		f |= 1U << KVM_ARM_VCPU_SVE;
	return f;
}

/*
 * MTE is a property of the VM, enabled before any vCPU exists. Its
 * guest RAM must be able to hold tags: lkvm's is private anonymous
 * memory, which can. KVM refuses MTE to AArch32 guests; so does lkvm.
 */
static int features_enable_mte(struct vm *vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_MTE };

	if (vm->cfg.no_mte || vm->cfg.aarch32 || !has_cap(vm, KVM_CAP_ARM_MTE))
		return 0;
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap)) {
		int ret = -errno;

		pr_err(vm->cfg.loglevel, "KVM refused to enable MTE for the guest (%s); run with --disable-mte",
		       strerror(-ret));
		return ret;
	}
	vm->cpu.mte = true;
	return 0;
}

/*
 * The stolen-time records: a memslot of their own where kvmtool puts
 * them, registered before the vCPUs are told their record's address
 * (KVM checks it is memory). Private anonymous memory, as guest RAM, so
 * that KVM takes it with MTE on.
 */
static int features_map_pvtime(struct vm *vm)
{
	struct kvm_userspace_memory_region slot = {
		.slot = MEMMAP_PVTIME_SLOT,
		.guest_phys_addr = MEMMAP_PVTIME_BASE,
		.memory_size = MEMMAP_PVTIME_SIZE,
	};
	void *mem;

	if (vm->cfg.no_pvtime || !has_cap(vm, KVM_CAP_STEAL_TIME))
		return 0;
	mem = mmap(NULL, MEMMAP_PVTIME_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		int ret = -errno;

		pr_err(vm->cfg.loglevel, "cannot map 64 KiB for the stolen-time records: %s",
		       strerror(-ret));
		return ret;
	}
	vm->cpu.pvtime_mem = mem;
	slot.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot)) {
		int ret = -errno;

		pr_err(vm->cfg.loglevel, "KVM refused the stolen-time memory at 0x%llx (%s); run with --no-pvtime",
		       MEMMAP_PVTIME_BASE, strerror(-ret));
		return ret;
	}
	vm->cpu.pvtime = true;
	return 0;
}

static void features_report(struct vm *vm)
{
	const struct cpu_features *f = &vm->cpu;

	pr_info(vm->cfg.loglevel, "CPU features:%s%s%s%s%s%s%s",
		f->init & 1U << KVM_ARM_VCPU_SVE ? " SVE" : "",
		f->init & 1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS ? " pointer-auth" : "",
		f->mte ? " MTE" : "", f->pvtime ? " stolen-time" : "",
		f->init & 1U << KVM_ARM_VCPU_PMU_V3 ? " PMU" : "",
		f->init & 1U << KVM_ARM_VCPU_EL1_32BIT ? " AArch32-EL1" : "",
		f->init & 1U << KVM_ARM_VCPU_HAS_EL2 ? " EL2" : "");
}

/* Set-up stage, after the VM exists and before guest RAM and the vCPUs. */
int cpu_features_setup(struct vm *vm)
{
	int ret = features_check_asked(vm);

	if (ret)
		return ret;
	vm->cpu.init = features_init_bits(vm);
	vm->cpu.sve_max_vq = vm->cfg.sve_max_vl / SVE_VQ_BITS;
	ret = features_enable_mte(vm);
	if (!ret)
		ret = features_map_pvtime(vm);
	if (ret) {
		cpu_features_teardown(vm);	/* a failed stage is not undone */
		return ret;
	}
	features_report(vm);
	return 0;
}

/* The VM's fd closes after this (an earlier stage), taking the memslot. */
void cpu_features_teardown(struct vm *vm)
{
	if (vm->cpu.pvtime_mem)
		munmap(vm->cpu.pvtime_mem, MEMMAP_PVTIME_SIZE);
	vm->cpu.pvtime_mem = NULL;
	vm->cpu.pvtime = false;
}

static bool vq_test(const uint64_t *vls, unsigned int vq)
{
	unsigned int b = vq - KVM_ARM64_SVE_VQ_MIN;

	return vls[b / 64] >> (b % 64) & 1;
}

/* "128 256 512": the host's power-of-two lengths, for a message. */
static void sve_list_vls(const uint64_t *vls, char *buf, size_t len)
{
	unsigned int vq;
	size_t n = 0;

	buf[0] = '\0';
	for (vq = 1; vq <= KVM_ARM64_SVE_VQ_MAX && n < len; vq <<= 1)
		if (vq_test(vls, vq))
			n += snprintf(buf + n, len - n, "%s%u", n ? " " : "",
				      vq * SVE_VQ_BITS);
}

/*
 * --sve-max-vl, as kvmtool: the host's set of vector lengths with
 * those above the maximum taken out. The maximum must be one the host
 * has; KVM wants the set exactly as the host's below it.
 */
static int vcpu_sve_limit(struct vcpu *vcpu, unsigned int max_vq)
{
	uint64_t vls[KVM_ARM64_SVE_VLS_WORDS] = { 0 };
	struct kvm_one_reg reg = { .id = KVM_REG_ARM64_SVE_VLS, .addr = (uintptr_t)vls };
	int th = vcpu->vm->cfg.loglevel, ret;
	unsigned int vq;
	char have[96];

	if (ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg)) {
		ret = -errno;
		pr_err(th, "--sve-max-vl: cannot read vCPU %u's SVE vector lengths (%s)",
		       vcpu->id, strerror(-ret));
		return ret;
	}
	if (max_vq > KVM_ARM64_SVE_VQ_MAX || !vq_test(vls, max_vq)) {
		sve_list_vls(vls, have, sizeof(have));
		pr_err(th, "--sve-max-vl %u: this host's SVE has no such vector length; give one it has: %s",
		       max_vq * SVE_VQ_BITS, have);
		return -EINVAL;
	}
	for (vq = max_vq + 1; vq <= KVM_ARM64_SVE_VQ_MAX; vq++) {
		unsigned int b = vq - KVM_ARM64_SVE_VQ_MIN;

		vls[b / 64] &= ~(1ULL << (b % 64));
	}
	if (ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg)) {
		ret = -errno;
		pr_err(th, "--sve-max-vl %u: KVM refused vCPU %u's vector lengths (%s); leave --sve-max-vl out",
		       max_vq * SVE_VQ_BITS, vcpu->id, strerror(-ret));
		return ret;
	}
	return 0;
}

static int vcpu_sve_finalize(struct vcpu *vcpu)
{
	int feature = KVM_ARM_VCPU_SVE, ret;
	unsigned int max_vq = vcpu->vm->cpu.sve_max_vq;

	if (max_vq) {
		ret = vcpu_sve_limit(vcpu, max_vq);
		if (ret)
			return ret;
	}
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_FINALIZE, &feature)) {
		ret = -errno;
		pr_err(vcpu->vm->cfg.loglevel, "KVM refused to finalise vCPU %u's SVE (%s)",
		       vcpu->id, strerror(-ret));
		return ret;
	}
	return 0;
}

static int vcpu_pvtime_set(struct vcpu *vcpu)
{
	uint64_t ipa = MEMMAP_PVTIME_BASE + vcpu->id * MEMMAP_PVTIME_STRIDE;
	struct kvm_device_attr a = {
		.group = KVM_ARM_VCPU_PVTIME_CTRL,
		.attr = KVM_ARM_VCPU_PVTIME_IPA,
		.addr = (uintptr_t)&ipa,
	};

	return ioctl(vcpu->fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

/*
 * Right after KVM_ARM_VCPU_INIT, before any other register access
 * (KVM refuses those until SVE is finalised): SVE's vector lengths and
 * finalisation, then the vCPU's stolen-time record.
 */
int vcpu_features_finalize(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	int ret = 0;

	if (vm->cpu.init & 1U << KVM_ARM_VCPU_SVE) {
		ret = vcpu_sve_finalize(vcpu);
		if (ret)
			return ret;
	}
	if (vm->cpu.pvtime) {
		ret = vcpu_pvtime_set(vcpu);
		if (ret)
			pr_err(vm->cfg.loglevel, "KVM refused vCPU %u's stolen-time record (%s); run with --no-pvtime",
			       vcpu->id, strerror(-ret));
	}
	return ret;
}
