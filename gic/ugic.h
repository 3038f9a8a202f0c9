/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GIC_UGIC_H
#define LKVM_GIC_UGIC_H

/*
 * Userspace GICv2 model, used where the host kernel offers no vGIC.
 *
 * The lifecycle mirrors the kernel's vGIC (arch/arm64/kvm/vgic/): the
 * same steps, the same error codes, the same defaults, so that the VMM
 * drives both through one sequence:
 *
 *	ugic_create() -> [ugic_set_nr_irqs()] -> ugic_set_addr() x2
 *	  -> [ugic_init()] -> ugic_map_resources() on first vCPU run
 *	  -> ... -> ugic_destroy()
 *
 * All functions return 0 or a negative errno and never print. See
 * docs/userspace-gic.md for the design, the locking and what is emulated.
 */

#include <stdbool.h>
#include <stdint.h>

#include "devices/mmio.h"

#define UGIC_MAX_CPUS		8
#define UGIC_NR_SGIS		16
#define UGIC_NR_PRIVATE_IRQS	32
#define UGIC_DEFAULT_NR_IRQS	256	/* kernel: VGIC_NR_IRQS_LEGACY */
#define UGIC_MAX_NR_IRQS	992	/* largest multiple of 32 <= 1023 */
#define UGIC_SPURIOUS		1023

/* Guest physical regions. The register frames are 4 KiB and 8 KiB. */
#define UGIC_DIST_REGION_SIZE	0x10000ULL
#define UGIC_CPU_REGION_SIZE	0x20000ULL
#define UGIC_ADDR_ALIGN		0x1000ULL
#define UGIC_ADDR_UNDEF		(~0ULL)

enum ugic_addr_type {
	UGIC_ADDR_DIST,
	UGIC_ADDR_CPU,
};

/*
 * Output: called when the "an interrupt would be signalled" state of a
 * vCPU's IRQ input changes. Never called with the model's state lock
 * held; calls are serialised and each change is reported once, in
 * order. The callback must not call back into the same ugic.
 */
typedef void (*ugic_irq_line_fn)(void *opaque, int cpu, bool level);

struct ugic_config {
	unsigned int nr_cpus;	/* vCPUs of the VM, 1..UGIC_MAX_CPUS */
	bool vcpu_has_run;	/* some vCPU already entered the guest */
	unsigned int ipa_bits;	/* guest physical address size, 0: 64 */
	ugic_irq_line_fn set_irq_line;	/* may be NULL */
	void *opaque;		/* passed to set_irq_line */
};

struct ugic;

/* Lifecycle (not thread-safe against ugic_destroy()). */
int ugic_create(struct ugic **gicp, const struct ugic_config *cfg);
int ugic_set_nr_irqs(struct ugic *gic, uint32_t nr_irqs);
uint32_t ugic_get_nr_irqs(struct ugic *gic);
int ugic_set_addr(struct ugic *gic, enum ugic_addr_type type, uint64_t addr);
uint64_t ugic_get_addr(struct ugic *gic, enum ugic_addr_type type);
int ugic_init(struct ugic *gic);
int ugic_map_resources(struct ugic *gic);
bool ugic_initialized(struct ugic *gic);
bool ugic_ready(struct ugic *gic);
void ugic_destroy(struct ugic **gicp);

/* Guest accesses: region->opaque must be the struct ugic. */
int ugic_dist_mmio(struct mmio_region *region, struct mmio_access *acc);
int ugic_cpuif_mmio(struct mmio_region *region, struct mmio_access *acc);
void ugic_dist_region(struct ugic *gic, struct mmio_region *region);
void ugic_cpuif_region(struct ugic *gic, struct mmio_region *region);

/* Inputs from the VMM: thread-safe, callable from any thread. */
int ugic_set_spi_level(struct ugic *gic, uint32_t intid, bool level);
int ugic_set_ppi_level(struct ugic *gic, int cpu, uint32_t intid, bool level);

/* Last computed output level of a vCPU (false for a bad cpu). */
bool ugic_irq_line(struct ugic *gic, int cpu);

#endif
