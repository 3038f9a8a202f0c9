/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VCPU_STEP_H
#define LKVM_VCPU_STEP_H

struct kvm_run;
struct vcpu;

/* KVM stops the vCPU after every instruction (--debug-single-step). */
int vcpu_step_enable(struct vcpu *vcpu);
/* Prints where a single-stepped vCPU stopped; opaque is the vCPU. */
void vcpu_step_report(void *opaque, const struct kvm_run *run);

#endif
