// SPDX-License-Identifier: GPL-2.0
/*
 * --debug-single-step, kvmtool's: KVM stops each vCPU after every
 * instruction (KVM_GUESTDBG_SINGLESTEP) and lkvm prints where it is
 * before letting it go on. For bare-metal guests and the first
 * instructions of a kernel; a Linux boot would take hours.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "lib/log.h"
#include "machine/kvm.h"
#include "machine/vm.h"
#include "vcpu/step.h"
#include "vcpu/vcpu.h"

#define STEP_PC_REG (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
		     (offsetof(struct kvm_regs, regs.pc) / sizeof(__u32)))

int vcpu_step_enable(struct vcpu *vcpu)
{
	struct kvm_guest_debug dbg = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP,
	};
	int th = vcpu->vm->cfg.loglevel;

	if (!kvm_check_cap(vcpu->vm, KVM_CAP_SET_GUEST_DEBUG)) {
		pr_err(th, "--debug-single-step: this host's KVM cannot single-step guests (no KVM_CAP_SET_GUEST_DEBUG); leave the option out");
		return -EOPNOTSUPP;
	}
	if (ioctl(vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg)) {
		pr_err(th, "--debug-single-step: KVM refused to single-step vCPU %u (KVM_SET_GUEST_DEBUG: %s)",
		       vcpu->id, strerror(errno));
		return -errno;
	}
	return 0;
}

/* On the vCPU's thread, at each KVM_EXIT_DEBUG: where the vCPU stopped. */
void vcpu_step_report(void *opaque, const struct kvm_run *run)
{
	struct vcpu *vcpu = opaque;
	uint64_t pc = 0;
	struct kvm_one_reg reg = { .id = STEP_PC_REG, .addr = (uintptr_t)&pc };
	int th = vcpu->vm->cfg.loglevel;

	if (ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg)) {
		pr_warn(th, "vCPU %u: step: cannot read PC: %s", vcpu->id,
			strerror(errno));
		return;
	}
	pr_warn(th, "vCPU %u: step: PC 0x%016llx (ESR_EL2 0x%08x)", vcpu->id,
		(unsigned long long)pc, run->debug.arch.hsr);
}
