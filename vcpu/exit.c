// SPDX-License-Identifier: GPL-2.0
/*
 * The exits a vCPU brings back to lkvm: MMIO goes to the bus, system
 * events end the run, anything else is an error. Pure: it reads and
 * writes kvm_run and calls the bus, so unit tests drive it without KVM.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/kvm.h>

#include "devices/bus.h"
#include "lib/log.h"
#include "machine/memmap.h"
#include "vcpu/exit.h"

/* Warned about rather than logged at debug level when the user asked. */
static bool vcpu_exit_warn_nowhere(const struct vcpu_exit_ctx *ctx, uint64_t addr)
{
	return ctx->warn_mmio ||
	       (ctx->warn_ioport && addr < MEMMAP_IOPORT_BASE + MEMMAP_PCI_IO_SIZE);
}

static void vcpu_exit_mmio(const struct vcpu_exit_ctx *ctx, struct kvm_run *run)
{
	uint64_t addr = run->mmio.phys_addr;
	int th = ctx->loglevel, ret;

	ret = mmio_bus_access(ctx->bus, addr, run->mmio.data, run->mmio.len,
			      run->mmio.is_write, ctx->id);
	if (!ret)
		return;
	if (ret == -ENOENT && vcpu_exit_warn_nowhere(ctx, addr))
		pr_warn(th, "vCPU %u: ignoring MMIO %s of %u bytes at 0x%llx: no device there",
			ctx->id, run->mmio.is_write ? "write" : "read",
			run->mmio.len, (unsigned long long)addr);
	else
		pr_debug(th, "vCPU %u: %s of %u bytes at 0x%llx: %s", ctx->id,
			 run->mmio.is_write ? "write" : "read", run->mmio.len,
			 (unsigned long long)addr,
			 ret == -ENOENT ? "no device there, ignored" : strerror(-ret));
}

static enum vcpu_exit_action vcpu_exit_system_event(const struct vcpu_exit_ctx *ctx,
						    struct kvm_run *run)
{
	int th = ctx->loglevel;

	/*
	 * No word here: the guest's last console output may still be on
	 * its way out, and a line printed now would land inside it. The
	 * VM says why it stopped once the console is written out.
	 */
	switch (run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		return VCPU_EXIT_POWEROFF;
	case KVM_SYSTEM_EVENT_RESET:
		return VCPU_EXIT_RESET;
	case KVM_SYSTEM_EVENT_CRASH:
		return VCPU_EXIT_CRASH;
	}
	pr_err(th, "vCPU %u: unknown system event %u", ctx->id,
	       run->system_event.type);
	return VCPU_EXIT_ERROR;
}

/* An exit lkvm cannot go on from: the registers first, as kvmtool shows them. */
static void vcpu_exit_fatal(const struct vcpu_exit_ctx *ctx)
{
	if (ctx->fatal)
		ctx->fatal(ctx->opaque);
}

enum vcpu_exit_action vcpu_exit_dispatch(const struct vcpu_exit_ctx *ctx,
					 struct kvm_run *run)
{
	int th = ctx->loglevel;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		vcpu_exit_mmio(ctx, run);
		return VCPU_EXIT_CONTINUE;
	case KVM_EXIT_INTR:
		return VCPU_EXIT_CONTINUE;
	case KVM_EXIT_SYSTEM_EVENT:
		return vcpu_exit_system_event(ctx, run);
	case KVM_EXIT_DEBUG:
		if (!ctx->step)
			break;
		ctx->step(ctx->opaque, run);
		return VCPU_EXIT_CONTINUE;
	}
	vcpu_exit_fatal(ctx);
	switch (run->exit_reason) {
	case KVM_EXIT_FAIL_ENTRY:
		pr_err(th, "vCPU %u: KVM could not enter the guest (hardware reason 0x%llx)",
		       ctx->id, (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		pr_err(th, "vCPU %u: KVM internal error (suberror %u)",
		       ctx->id, run->internal.suberror);
		break;
	default:
		pr_err(th, "vCPU %u: unhandled exit reason %u", ctx->id,
		       run->exit_reason);
		break;
	}
	return VCPU_EXIT_ERROR;
}
