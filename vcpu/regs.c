// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a vCPU's registers for a dump: lkvm debug --dump, and the
 * dump before the error line when a vCPU's run ends in a failure, as
 * kvmtool prints one. KVM answers KVM_GET_ONE_REG only on a vCPU that
 * is not inside KVM_RUN, so these run on the vCPU's own thread.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "lib/log.h"
#include "vcpu/regs.h"
#include "vcpu/vcpu.h"
#include "machine/vm.h"

#define REGS_CORE(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
		      (offsetof(struct kvm_regs, x) / sizeof(__u32)))
#define REGS_ESR_EL1	ARM64_SYS_REG(3, 0, 5, 2, 0)
#define REGS_FAR_EL1	ARM64_SYS_REG(3, 0, 6, 0, 0)

static int regs_get(struct vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) ? -errno : 0;
}

/* A vCPU the guest never started, or stopped with PSCI CPU_OFF. */
static bool regs_halted(struct vcpu *vcpu)
{
	struct kvm_mp_state mp;

	if (ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp))
		return false;
	return mp.mp_state == KVM_MP_STATE_STOPPED;
}

/* The core registers, then ESR and FAR if KVM shows them. */
int vcpu_regs_read(struct vcpu *vcpu, struct vcpu_regs *r)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < 31 && !ret; i++)
		ret = regs_get(vcpu, REGS_CORE(regs.regs[i]), &r->x[i]);
	ret = ret ?: regs_get(vcpu, REGS_CORE(regs.sp), &r->sp_el0);
	ret = ret ?: regs_get(vcpu, REGS_CORE(regs.pc), &r->pc);
	ret = ret ?: regs_get(vcpu, REGS_CORE(regs.pstate), &r->pstate);
	ret = ret ?: regs_get(vcpu, REGS_CORE(sp_el1), &r->sp_el1);
	ret = ret ?: regs_get(vcpu, REGS_CORE(elr_el1), &r->elr_el1);
	ret = ret ?: regs_get(vcpu, REGS_CORE(spsr[KVM_SPSR_EL1]), &r->spsr_el1);
	if (ret)
		return ret;
	r->has_sys = !regs_get(vcpu, REGS_ESR_EL1, &r->esr_el1) &&
		     !regs_get(vcpu, REGS_FAR_EL1, &r->far_el1);
	if (regs_halted(vcpu))
		r->state = VCPU_REGS_HALTED;
	return 0;
}

/*
 * On the vCPU's thread, before the error line that ends its run: the
 * registers on stderr, as kvmtool prints them when a vCPU dies. One
 * write, so that the dump of one vCPU is not interleaved with others'.
 */
void vcpu_regs_report(struct vcpu *vcpu, enum vcpu_regs_state state)
{
	struct vcpu_regs r = { .state = state };
	char text[VCPU_REGS_TEXT_MAX];
	int n, ret;

	ret = vcpu_regs_read(vcpu, &r);
	if (ret) {
		pr_err(vcpu->vm->cfg.loglevel, "vCPU %u: cannot read its registers for a dump: %s",
		       vcpu->id, strerror(-ret));
		return;
	}
	n = vcpu_regs_format(&r, vcpu->id, text, sizeof(text));
	if (n > 0)
		(void)!write(STDERR_FILENO, text, n);
}
