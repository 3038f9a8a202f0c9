/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VCPU_REGS_H
#define LKVM_VCPU_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vcpu;

/* Longest text vcpu_regs_format() writes for one vCPU, with room to spare. */
#define VCPU_REGS_TEXT_MAX	2048

/* What a vCPU's register dump says besides the registers. */
enum vcpu_regs_state {
	VCPU_REGS_RUNNING,	/* it was inside or about to enter KVM_RUN */
	VCPU_REGS_PAUSED,	/* lkvm pause holds it */
	VCPU_REGS_HALTED,	/* powered off (PSCI), never started or CPU_OFF */
	VCPU_REGS_STOPPED,	/* its run ended: the dump on a fatal exit */
};

/*
 * A vCPU's registers as KVM gives them (KVM_GET_ONE_REG), plain data so
 * that the formatter is tested without KVM. The system registers may be
 * missing on a kernel that does not expose them: has_sys says so.
 */
struct vcpu_regs {
	uint64_t x[31];
	uint64_t sp_el0, pc, pstate;
	uint64_t sp_el1, elr_el1, spsr_el1;
	uint64_t esr_el1, far_el1;
	bool has_sys;
	enum vcpu_regs_state state;
};

int vcpu_regs_read(struct vcpu *vcpu, struct vcpu_regs *r);
int vcpu_regs_format(const struct vcpu_regs *r, unsigned int id, char *buf,
		     size_t len);
void vcpu_regs_report(struct vcpu *vcpu, enum vcpu_regs_state state);

#endif
