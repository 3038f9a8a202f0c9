/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GIC_KVM_ITS_H
#define LKVM_GIC_KVM_ITS_H

#include "gic/irqchip.h"

/* The in-kernel ITS (gic/kvm-its.c), the MSI frame of kvm_gicv3_its_ops. */
extern const struct irqchip_msi_ops kvm_its_msi_ops;
/* Can this host give a GICv3 an ITS? Asked without creating either. */
int kvm_its_probe(const struct irqchip_host *host);
/* The ITS's KVM device (-1: none), for its snapshot (gic/kvm-its-snap.c). */
int kvm_its_fd(struct irqchip *ic);
struct snapshot;
int kvm_gicv3_its_save(struct irqchip *ic, struct snapshot *s);
int kvm_gicv3_its_restore(struct irqchip *ic, struct snapshot *s);

#endif
