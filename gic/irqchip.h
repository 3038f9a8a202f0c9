/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GIC_IRQCHIP_H
#define LKVM_GIC_IRQCHIP_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli/config.h"

struct vcpu;
struct irqchip;
struct mmio_bus;

/*
 * What a backend needs of the machine, and nothing else: the VM's KVM
 * descriptor, the vCPU count, the bus for frames lkvm serves itself,
 * and two questions only the machine can answer.
 */
struct irqchip_host {
	int vm_fd;
	int loglevel;
	unsigned int nr_cpus;
	enum irqchip_kind kind;		/* --irqchip */
	bool no_kernel_gic;		/* LKVM_NO_KERNEL_GIC */
	bool no_msi_frame;		/* a GICv2 snapshot's restore: none */
	unsigned int wfi_kick_ms;	/* LKVM_WFI_KICK_MS */
	struct mmio_bus *bus;
	/* KVM_CHECK_EXTENSION, as lkvm sees it (LKVM_HIDE_CAPS). */
	int (*check_cap)(void *opaque, int cap);
	/*
	 * vCPU cpu's IRQ input changed: true when its thread was kicked to
	 * apply it, false when the caller may apply it itself (the vCPU's
	 * own thread, or a vCPU that is not running yet).
	 */
	bool (*vcpu_kick)(void *opaque, unsigned int cpu);
	/* Whether vCPU cpu's thread is inside KVM_RUN now (a hint: it moves). */
	bool (*vcpu_in_kvm)(void *opaque, unsigned int cpu);
	void *opaque;
};

#define GIC_SPI_BASE		32
#define GIC_MAX_SPIS		988	/* INTIDs 32..1019 */
#define GICV2_MAX_CPUS		8
#define IRQCHIP_PHANDLE		1	/* the GIC's, for interrupt-parent */
#define IRQCHIP_MSI_PHANDLE	2	/* its MSI frame's, for msi-parent (kvmtool's) */

struct snapshot;
struct msi_route;

/*
 * An MSI frame beside the GIC (the ITS of a GICv3, GICv2m frames): made
 * after the GIC, its own DT node, and message delivery for devices that
 * signal MSIs (virtio-pci). The GICv2m frame (gic/gicv2m.c) serves the
 * in-kernel GICv2 (gicv2m) and lkvm's own GIC; a backend without one
 * has msi NULL.
 */
struct irqchip_msi_ops {
	const char *name;
	int (*create)(struct irqchip *ic);
	int (*fdt_node)(struct irqchip *ic, void *fdt);
	/* Deliver one message (KVM_SIGNAL_MSI, or the frame's model). */
	int (*signal)(struct irqchip *ic, uint64_t addr, uint32_t data,
		      uint32_t devid);
	/* SPIs the frame takes before any device (GICv2m); 0 for none. */
	unsigned int nr_spis;
	/* Optional: undo create. */
	void (*destroy)(struct irqchip *ic);
	/*
	 * Optional, the fast path: make or update r (devices/msi.h) so
	 * that a write to r->fd delivers this message with no exit. On a
	 * vCPU thread, when the guest unmasks or rewrites a vector.
	 */
	int (*route)(struct irqchip *ic, struct msi_route *r, uint64_t addr,
		     uint32_t data, uint32_t devid);
};

/*
 * An interrupt controller backend. The stages follow the kernel's vGIC
 * lifecycle (docs/design.md): create after the vCPUs exist, so that the
 * kernel itself checks the vCPU count; size and init once every device
 * has taken its SPIs; the kernel maps the resources on the first KVM_RUN.
 */
struct irqchip_ops {
	const char *name;
	enum irqchip_kind kind;
	/* Can this host provide it? 0, or -errno saying why not. */
	int (*probe)(const struct irqchip_host *host);
	/* Create the device and place its frames in the memory map. */
	int (*create)(struct irqchip *ic);
	/* Set the number of interrupts, then initialise. */
	int (*init)(struct irqchip *ic);
	int (*fdt_node)(struct irqchip *ic, void *fdt);
	int (*set_spi)(struct irqchip *ic, unsigned int spi, bool level);
	/* Optional: KVM_IRQFD, an eventfd that injects an edge on spi. */
	int (*irqfd)(struct irqchip *ic, unsigned int spi, int fd);
	void (*destroy)(struct irqchip *ic);
	/* Optional: just before the vCPU threads start (the "first run"). */
	int (*first_run)(struct irqchip *ic);
	/* Optional: on the vCPU's thread after every return from KVM_RUN. */
	void (*vcpu_sync)(struct irqchip *ic, struct vcpu *vcpu);
	/* Optional: its MSI frames (NULL: none). */
	const struct irqchip_msi_ops *msi;
	/* Optional: the GIC's state into and out of a snapshot, vCPUs stopped. */
	int (*save)(struct irqchip *ic, struct snapshot *s);
	int (*restore)(struct irqchip *ic, struct snapshot *s);
};

struct irqchip {
	const struct irqchip_ops *ops;
	struct irqchip_host host;
	int vm_fd;
	int dev_fd;		/* KVM device, or -1 */
	unsigned int nr_cpus;
	unsigned int nr_spis;	/* handed out to devices so far */
	uint32_t phandle;
	uint64_t dist_base;
	uint64_t cpu_base;	/* GICv2 CPU interface */
	uint64_t redist_base;	/* GICv3 redistributors */
	uint64_t redist_size;
	int loglevel;
	void *priv;		/* backend state (userspace GIC) */
	/* Kick vCPUs that sit in the kernel this often (0: never), see user-gic.c. */
	unsigned int kick_ms;
	/* The MSI frame: its DT phandle (0: none), first SPI, state. */
	uint32_t msi_phandle;
	unsigned int msi_spi_base;
	void *msi_priv;
	uint64_t msi_base, msi_size;	/* its frame (the ITS's) */
	uint32_t msi_cells;		/* its #msi-cells: 1 takes a device ID */
	/*
	 * The devices' SPI line levels as lkvm drove them: the in-kernel
	 * GICv2 does not report them, a snapshot needs them.
	 */
	_Atomic uint32_t spi_level[GIC_MAX_SPIS / 32 + 1];
};

int irqchip_select(struct irqchip *ic, const struct irqchip_host *host);
int irqchip_create(struct irqchip *ic, const struct irqchip_host *host);
int irqchip_alloc_spi(struct irqchip *ic);
struct irq_line;
int irqchip_line(struct irqchip *ic, struct irq_line *line);
unsigned int irqchip_nr_irqs(const struct irqchip *ic);
void irqchip_destroy(struct irqchip *ic);
const char *irqchip_kind_name(enum irqchip_kind kind);
/*
 * A device's message to the MSI frame: -EOPNOTSUPP without a frame
 * (or, for route, without the fast path). Any thread.
 */
int irqchip_msi_signal(struct irqchip *ic, uint32_t devid, uint64_t addr,
		       uint32_t data);
/* Whether the GIC has an MSI frame (so far: an irqchip is not yet made). */
bool irqchip_has_msi(const struct irqchip *ic);
int irqchip_msi_route(struct irqchip *ic, struct msi_route *r, uint32_t devid,
		      uint64_t addr, uint32_t data);

/* Called from any thread: vCPU threads (MMIO) and the main loop. */
static inline int irqchip_set_spi(struct irqchip *ic, unsigned int spi, bool level)
{
	return ic->ops->set_spi(ic, spi, level);
}

/* Snapshots of the GIC: -EOPNOTSUPP from a backend without them. */
static inline int irqchip_save(struct irqchip *ic, struct snapshot *s)
{
	return ic->ops->save ? ic->ops->save(ic, s) : -EOPNOTSUPP;
}

static inline int irqchip_restore(struct irqchip *ic, struct snapshot *s)
{
	return ic->ops->restore ? ic->ops->restore(ic, s) : -EOPNOTSUPP;
}

/*
 * The GICv2 backends' common part of the architectural record
 * (gic/gicv2-state.h): the GICv2m frame's place into it, and whether a
 * record fits this VM (the frame, the vCPU and interrupt counts).
 */
struct gicv2_state;
void gicv2_snap_frame(const struct irqchip *ic, struct gicv2_state *st);
int gicv2_snap_check(const struct irqchip *ic, const struct gicv2_state *st);

extern const struct irqchip_ops kvm_gicv3_ops;
extern const struct irqchip_ops kvm_gicv3_its_ops;
extern const struct irqchip_ops kvm_gicv2_ops;
extern const struct irqchip_ops kvm_gicv2m_ops;
extern const struct irqchip_ops user_gicv2_ops;

int gic_fdt_v2_node(struct irqchip *ic, void *fdt);

/* The GICv2m frame (gic/gicv2m.c), for the GICv2 backends. */
extern const struct irqchip_msi_ops gicv2m_msi_ops;
int gicv2m_bind_irqfds(struct irqchip *ic);

#endif
