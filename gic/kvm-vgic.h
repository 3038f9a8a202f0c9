/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GIC_KVM_VGIC_H
#define LKVM_GIC_KVM_VGIC_H

#include <stdint.h>

#include "gic/irqchip.h"

/* Helpers shared by the in-kernel GICv2 and GICv3 backends. */
int kvm_vgic_probe(int vm_fd, uint32_t type);
int kvm_vgic_create_device(struct irqchip *ic, uint32_t type);
int kvm_vgic_set_addr(struct irqchip *ic, uint64_t type, uint64_t addr);
int kvm_vgic_init(struct irqchip *ic);
int kvm_vgic_set_spi(struct irqchip *ic, unsigned int spi, bool level);
int kvm_vgic_irqfd(struct irqchip *ic, unsigned int spi, int fd);
void kvm_vgic_destroy(struct irqchip *ic);
/* The in-kernel GICv3's snapshot (gic/kvm-gicv3-snap.c). */
struct snapshot;
int kvm_gicv3_save(struct irqchip *ic, struct snapshot *s);
int kvm_gicv3_restore(struct irqchip *ic, struct snapshot *s);
int kvm_gicv3_restore_list(struct irqchip *ic, struct snapshot *s);
/* The in-kernel GICv2's, through the architectural record (gic/kvm-gicv2-snap.c). */
int kvm_gicv2_save(struct irqchip *ic, struct snapshot *s);
int kvm_gicv2_restore(struct irqchip *ic, struct snapshot *s);
int gic_fdt_begin(struct irqchip *ic, void *fdt, const char *compatible,
		  const uint64_t *reg, int nr_reg_pairs);

#endif
