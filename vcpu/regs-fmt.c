// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's register dump as text, in kvmtool's shape (its
 * kvm_cpu__show_registers() on arm64: a "vCPU #N's dump" banner, then
 * PC, PSTATE, SP_EL1 and LR), followed by what kvmtool leaves out: the
 * stack pointers, the exception registers and x0-x30. Pure, so the unit
 * tests check it.
 */
#include <errno.h>
#include <stdio.h>

#include "vcpu/regs.h"

static const char *const vcpu_regs_states[] = {
	[VCPU_REGS_RUNNING] = "running",
	[VCPU_REGS_PAUSED] = "paused",
	[VCPU_REGS_HALTED] = "halted (powered off)",
	[VCPU_REGS_STOPPED] = "stopped",
};

/* snprintf() that accumulates at *n and remembers truncation as n >= len. */
static void vcpu_regs_put(char *buf, size_t len, size_t *n, const char *fmt,
			  unsigned long long a, unsigned long long b)
{
	int w;

	if (*n >= len)
		return;
	w = snprintf(buf + *n, len - *n, fmt, a, b);
	*n = w < 0 ? len : *n + w;
}

static void vcpu_regs_gprs(const struct vcpu_regs *r, char *buf, size_t len,
			   size_t *n)
{
	unsigned int i;
	char fmt[32];

	for (i = 0; i < 31; i++) {
		/* Two a line, aligned: " x0:  0x... x1:  0x..." */
		snprintf(fmt, sizeof(fmt), " x%u:%s 0x%%016llx%s", i,
			 i < 10 ? "  " : " ", i % 2 || i == 30 ? "\n" : "   ");
		vcpu_regs_put(buf, len, n, fmt, r->x[i], 0);
	}
}

/* Returns the text's length, or -ENOSPC when buf is too small. */
int vcpu_regs_format(const struct vcpu_regs *r, unsigned int id, char *buf,
		     size_t len)
{
	size_t n = 0;

	if (!len)
		return -ENOSPC;
	vcpu_regs_put(buf, len, &n, "\n #\n # vCPU #%llu's dump:\n #\n", id, 0);
	vcpu_regs_put(buf, len, &n, "\n Registers:\n PC:    0x%llx\n", r->pc, 0);
	vcpu_regs_put(buf, len, &n, " PSTATE:    0x%llx\n", r->pstate, 0);
	vcpu_regs_put(buf, len, &n, " SP_EL1:    0x%llx\n", r->sp_el1, 0);
	vcpu_regs_put(buf, len, &n, " LR:    0x%llx\n", r->x[30], 0);
	vcpu_regs_put(buf, len, &n, " SP_EL0:    0x%llx\n", r->sp_el0, 0);
	vcpu_regs_put(buf, len, &n, " ELR_EL1:    0x%llx\n", r->elr_el1, 0);
	vcpu_regs_put(buf, len, &n, " SPSR_EL1:    0x%llx\n", r->spsr_el1, 0);
	if (r->has_sys) {
		vcpu_regs_put(buf, len, &n, " ESR_EL1:    0x%llx\n", r->esr_el1, 0);
		vcpu_regs_put(buf, len, &n, " FAR_EL1:    0x%llx\n", r->far_el1, 0);
	}
	if (n < len)
		n += snprintf(buf + n, len - n, " State:    %s\n\n",
			      vcpu_regs_states[r->state]);
	vcpu_regs_gprs(r, buf, len, &n);
	return n < len ? (int)n : -ENOSPC;
}
