// SPDX-License-Identifier: GPL-2.0
/*
 * The register dump's text: kvmtool's banner and first lines, then the
 * rest, every register once; too small a buffer is an error, not a
 * cut-off dump.
 */
#include <stdio.h>
#include <string.h>

#include "tests/unit.h"
#include "vcpu/regs.h"

static void fill(struct vcpu_regs *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 31; i++)
		r->x[i] = 0x1000 + i;
	r->pc = 0xffff800080010000ULL;
	r->pstate = 0x3c5;
	r->sp_el0 = 0x1234;
	r->sp_el1 = 0xffff800082003f00ULL;
	r->elr_el1 = 0x40080000;
	r->spsr_el1 = 0x3c5;
	r->esr_el1 = 0x96000045;
	r->far_el1 = 0xdead0000;
	r->has_sys = true;
}

static void test_format(struct unit *u)
{
	struct vcpu_regs r;
	char buf[VCPU_REGS_TEXT_MAX];
	int n;

	fill(&r);
	n = vcpu_regs_format(&r, 3, buf, sizeof(buf));
	CHECK(u, n > 0 && (size_t)n == strlen(buf));
	CHECK(u, strstr(buf, "\n #\n # vCPU #3's dump:\n #\n\n Registers:\n PC:    0xffff800080010000\n PSTATE:    0x3c5\n SP_EL1:    0xffff800082003f00\n LR:    0x101e\n") == buf);
	CHECK(u, strstr(buf, " SP_EL0:    0x1234\n"));
	CHECK(u, strstr(buf, " ELR_EL1:    0x40080000\n"));
	CHECK(u, strstr(buf, " ESR_EL1:    0x96000045\n"));
	CHECK(u, strstr(buf, " FAR_EL1:    0xdead0000\n"));
	CHECK(u, strstr(buf, " State:    running\n"));
	CHECK(u, strstr(buf, " x0:   0x0000000000001000    x1:   0x0000000000001001\n"));
	CHECK(u, strstr(buf, " x28:  0x000000000000101c    x29:  0x000000000000101d\n"));
	CHECK(u, strstr(buf, " x30:  0x000000000000101e\n"));
	CHECK(u, buf[n - 1] == '\n');

	/* Without the system registers, and halted. */
	r.has_sys = false;
	r.state = VCPU_REGS_HALTED;
	n = vcpu_regs_format(&r, 0, buf, sizeof(buf));
	CHECK(u, n > 0 && !strstr(buf, "ESR_EL1") && !strstr(buf, "FAR_EL1"));
	CHECK(u, strstr(buf, " State:    halted (powered off)\n"));
}

static void test_too_small(struct unit *u)
{
	struct vcpu_regs r;
	char buf[VCPU_REGS_TEXT_MAX];
	int n;

	fill(&r);
	n = vcpu_regs_format(&r, 511, buf, sizeof(buf));
	CHECK(u, n > 0 && n < VCPU_REGS_TEXT_MAX * 3 / 4);	/* room to spare */
	CHECK_EQ(u, vcpu_regs_format(&r, 511, buf, n), -28);
	CHECK_EQ(u, vcpu_regs_format(&r, 511, buf, 40), -28);
	CHECK_EQ(u, vcpu_regs_format(&r, 511, buf, 0), -28);
	CHECK_EQ(u, vcpu_regs_format(&r, 511, buf, n + 1), n);
}

int main(void)
{
	struct unit u = { 0 };

	test_format(&u);
	test_too_small(&u);
	return unit_done(&u, "test-vcpu-regs");
}
