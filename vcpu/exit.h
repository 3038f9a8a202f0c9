/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VCPU_EXIT_H
#define LKVM_VCPU_EXIT_H

#include <stdbool.h>

struct kvm_run;
struct mmio_bus;

/* What a vCPU's thread does after an exit. */
enum vcpu_exit_action {
	VCPU_EXIT_CONTINUE,	/* back into KVM_RUN */
	VCPU_EXIT_POWEROFF,	/* PSCI SYSTEM_OFF */
	VCPU_EXIT_RESET,	/* PSCI SYSTEM_RESET: lkvm stops, as kvmtool */
	VCPU_EXIT_CRASH,	/* PSCI SYSTEM_EVENT_CRASH */
	VCPU_EXIT_ERROR,	/* KVM could not go on: reported already */
};

/* Only what handling an exit needs, so tests drive it with a fake kvm_run. */
struct vcpu_exit_ctx {
	struct mmio_bus *bus;
	unsigned int id;	/* the vCPU's index, for the bus and messages */
	int loglevel;
	/* kvmtool's --debug-mmio and --debug-ioport */
	bool warn_mmio, warn_ioport;
	/* --debug-single-step: a KVM_EXIT_DEBUG is a step to report, then go on */
	void (*step)(void *opaque, const struct kvm_run *run);
	/* Before the error line of an exit that ends the run: the register dump. */
	void (*fatal)(void *opaque);
	void *opaque;
};

enum vcpu_exit_action vcpu_exit_dispatch(const struct vcpu_exit_ctx *ctx,
					 struct kvm_run *run);

#endif
