// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU exit dispatch against a fake kvm_run: MMIO reads and writes
 * reach the bus with the vCPU's index, system events and KVM's errors
 * end the run with the right action, unknown exits are errors.
 */
#include <string.h>

#include <linux/kvm.h>

#include "devices/bus.h"
#include "lib/log.h"
#include "tests/unit.h"
#include "vcpu/exit.h"

struct fake_dev {
	struct mmio_access last;
	int calls;
};

static int fake_handler(struct mmio_region *r, struct mmio_access *acc)
{
	struct fake_dev *d = r->opaque;

	d->calls++;
	d->last = *acc;
	if (!acc->is_write)
		acc->data = 0xa5a5a5a5;
	return 0;
}

static void run_mmio(struct kvm_run *run, uint64_t addr, uint32_t len, bool write)
{
	memset(run, 0, sizeof(*run));
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = addr;
	run->mmio.len = len;
	run->mmio.is_write = write;
	if (write)
		memcpy(run->mmio.data, "\x11\x22\x33\x44", 4);
}

static void test_mmio(struct unit *u, const struct vcpu_exit_ctx *ctx,
		      struct fake_dev *d)
{
	static struct kvm_run run;

	run_mmio(&run, 0x1004, 4, false);
	CHECK_EQ(u, vcpu_exit_dispatch(ctx, &run), VCPU_EXIT_CONTINUE);
	CHECK_EQ(u, d->calls, 1);
	CHECK_EQ(u, d->last.offset, 4);
	CHECK_EQ(u, d->last.cpu, 3);
	CHECK(u, !memcmp(run.mmio.data, "\xa5\xa5\xa5\xa5", 4));

	run_mmio(&run, 0x1008, 4, true);
	CHECK_EQ(u, vcpu_exit_dispatch(ctx, &run), VCPU_EXIT_CONTINUE);
	CHECK_EQ(u, d->last.is_write, true);
	CHECK_EQ(u, d->last.data, 0x44332211);

	/* Where no device sits: ignored, reads as zero, the guest goes on. */
	run_mmio(&run, 0x5000, 4, false);
	memset(run.mmio.data, 0xff, sizeof(run.mmio.data));
	CHECK_EQ(u, vcpu_exit_dispatch(ctx, &run), VCPU_EXIT_CONTINUE);
	CHECK_EQ(u, d->calls, 2);
	CHECK(u, !memcmp(run.mmio.data, "\0\0\0\0", 4));
}

static enum vcpu_exit_action event(const struct vcpu_exit_ctx *ctx, uint32_t type)
{
	static struct kvm_run run;

	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_SYSTEM_EVENT;
	run.system_event.type = type;
	return vcpu_exit_dispatch(ctx, &run);
}

static enum vcpu_exit_action reason(const struct vcpu_exit_ctx *ctx, uint32_t why)
{
	static struct kvm_run run;

	memset(&run, 0, sizeof(run));
	run.exit_reason = why;
	return vcpu_exit_dispatch(ctx, &run);
}

static unsigned int steps;

static void count_step(void *opaque, const struct kvm_run *run)
{
	steps += run->exit_reason == KVM_EXIT_DEBUG;
}

/* A debug exit is a step to report with --debug-single-step, else fatal. */
static void test_step(struct unit *u, struct vcpu_exit_ctx ctx)
{
	CHECK_EQ(u, reason(&ctx, KVM_EXIT_DEBUG), VCPU_EXIT_ERROR);
	ctx.step = count_step;
	CHECK_EQ(u, reason(&ctx, KVM_EXIT_DEBUG), VCPU_EXIT_CONTINUE);
	CHECK_EQ(u, reason(&ctx, KVM_EXIT_DEBUG), VCPU_EXIT_CONTINUE);
	CHECK_EQ(u, steps, 2);
}

int main(void)
{
	struct fake_dev d = { 0 };
	struct mmio_region r = { .name = "fake", .base = 0x1000, .size = 0x100, .handler = fake_handler, .opaque = &d };
	struct mmio_bus bus = { 0 };
	struct vcpu_exit_ctx ctx = { .bus = &bus, .id = 3, .loglevel = -1 };
	struct unit u = { 0 };

	CHECK_EQ(&u, mmio_bus_register(&bus, &r), 0);
	test_mmio(&u, &ctx, &d);
	CHECK_EQ(&u, event(&ctx, KVM_SYSTEM_EVENT_SHUTDOWN), VCPU_EXIT_POWEROFF);
	CHECK_EQ(&u, event(&ctx, KVM_SYSTEM_EVENT_RESET), VCPU_EXIT_RESET);
	CHECK_EQ(&u, event(&ctx, KVM_SYSTEM_EVENT_CRASH), VCPU_EXIT_CRASH);
	CHECK_EQ(&u, event(&ctx, 0x7777), VCPU_EXIT_ERROR);
	CHECK_EQ(&u, reason(&ctx, KVM_EXIT_INTR), VCPU_EXIT_CONTINUE);
	CHECK_EQ(&u, reason(&ctx, KVM_EXIT_FAIL_ENTRY), VCPU_EXIT_ERROR);
	CHECK_EQ(&u, reason(&ctx, KVM_EXIT_INTERNAL_ERROR), VCPU_EXIT_ERROR);
	CHECK_EQ(&u, reason(&ctx, KVM_EXIT_HYPERCALL), VCPU_EXIT_ERROR);
	CHECK_EQ(&u, reason(&ctx, 0xdead), VCPU_EXIT_ERROR);
	test_step(&u, ctx);
	return unit_done(&u, "test-vcpu-exit");
}
