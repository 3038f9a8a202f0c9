// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel ITS (KVM_DEV_TYPE_ARM_VGIC_ITS), the in-kernel GICv3's
 * MSI frame (--irqchip=gicv3-its): made after the GICv3 in the same
 * stage, placed as kvmtool places it (right below the redistributors),
 * initialised at once (its CTRL_INIT does not depend on the vGIC's).
 *
 * Delivery: the fast path routes each MSI-X vector through its own GSI
 * (KVM_IRQ_ROUTING_MSI, the requester ID as device ID) and binds the
 * vector's eventfd to it (KVM_IRQFD), so that a message costs the I/O
 * thread one write. KVM replaces the routing table whole on every
 * KVM_SET_GSI_ROUTING, so the whole table is kept here: the default
 * routes first (GSI n to SPI n, which the SPIs' irqfds rely on), then
 * one entry per routed vector, each keeping its GSI for the VM's life.
 * Where no route fits, KVM_SIGNAL_MSI delivers the message.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libfdt.h>
#include <linux/kvm.h>

#include "devices/msi.h"
#include "gic/kvm-its.h"
#include "gic/kvm-vgic.h"
#include "lib/log.h"
#include "machine/memmap.h"

/* MSI routes: every vector of 32 slots' MSI-X tables (devices/pci/msix.h). */
#define KVM_ITS_MAX_MSI_ROUTES	2048
#define GIC_FDT_ITS_MSI_CELLS	1	/* the device ID */

struct kvm_its {
	int fd;
	int vm_fd;
	bool can_route;		/* KVM_CAP_IRQ_ROUTING and KVM_CAP_IRQFD */
	/* The routing table as committed, under lock. */
	pthread_mutex_t lock;
	unsigned int nr_default;	/* GSI n -> SPI n, n < nr_default */
	unsigned int max;
	struct kvm_irq_routing *table;
};

int kvm_its_probe(const struct irqchip_host *host)
{
	int ret = kvm_vgic_probe(host->vm_fd, KVM_DEV_TYPE_ARM_VGIC_V3);

	return ret ?: kvm_vgic_probe(host->vm_fd, KVM_DEV_TYPE_ARM_VGIC_ITS);
}

int kvm_its_fd(struct irqchip *ic)
{
	struct kvm_its *its = ic->msi_priv;

	return its ? its->fd : -1;
}

static int its_attr(int fd, uint32_t group, uint64_t attr, void *addr)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uintptr_t)addr,
	};

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

/* The device, placed and initialised; its fd in its->fd. */
static int its_device(struct irqchip *ic, struct kvm_its *its)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	uint64_t base = memmap_gicv3_its_base(ic->nr_cpus);
	int ret;

	if (ioctl(ic->vm_fd, KVM_CREATE_DEVICE, &cd))
		return -errno;
	its->fd = cd.fd;
	ret = its_attr(its->fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE,
		       &base);
	ret = ret ?: its_attr(its->fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
			      KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	if (ret)
		return ret;
	ic->msi_base = base;
	ic->msi_size = MEMMAP_GICV3_ITS_SIZE;
	return 0;
}

/* The default routes, as the vGIC's init makes them: GSI n to SPI n. */
static int its_table(struct irqchip *ic, struct kvm_its *its)
{
	unsigned int i;

	its->nr_default = irqchip_nr_irqs(ic) - GIC_SPI_BASE;
	its->max = its->nr_default + KVM_ITS_MAX_MSI_ROUTES;
	its->table = calloc(1, sizeof(*its->table) +
			    its->max * sizeof(its->table->entries[0]));
	if (!its->table)
		return -ENOMEM;
	for (i = 0; i < its->nr_default; i++)
		its->table->entries[i] = (struct kvm_irq_routing_entry) {
			.gsi = i, .type = KVM_IRQ_ROUTING_IRQCHIP,
			.u.irqchip = { .irqchip = 0, .pin = i },
		};
	its->table->nr = its->nr_default;
	return 0;
}

static void its_free(struct kvm_its *its)
{
	if (its->fd >= 0)
		close(its->fd);
	pthread_mutex_destroy(&its->lock);
	free(its->table);
	free(its);
}

static int its_check_cap(struct irqchip *ic, int cap)
{
	return ic->host.check_cap ? ic->host.check_cap(ic->host.opaque, cap) : 0;
}

static int its_make(struct irqchip *ic, struct kvm_its **out)
{
	struct kvm_its *its = calloc(1, sizeof(*its));
	int ret;

	if (!its)
		return -ENOMEM;
	its->fd = -1;
	its->vm_fd = ic->vm_fd;
	ret = -pthread_mutex_init(&its->lock, NULL);
	if (ret) {
		free(its);
		return ret;
	}
	ret = its_table(ic, its);
	ret = ret ?: its_device(ic, its);
	if (ret) {
		its_free(its);
		return ret;
	}
	its->can_route = its_check_cap(ic, KVM_CAP_IRQ_ROUTING) > 0 &&
			 its_check_cap(ic, KVM_CAP_IRQFD) > 0;
	*out = its;
	return 0;
}

static int its_create(struct irqchip *ic)
{
	struct kvm_its *its;
	int ret = its_make(ic, &its), th = ic->loglevel;

	if (!ret) {
		ic->msi_priv = its;
		ic->msi_phandle = IRQCHIP_MSI_PHANDLE;
		ic->msi_cells = GIC_FDT_ITS_MSI_CELLS;
		pr_debug(th, "ITS at 0x%llx, MSIs %s", (unsigned long long)ic->msi_base,
			 its->can_route ? "routed through irqfds" : "through KVM_SIGNAL_MSI");
		return 0;
	}
	if (ic->host.kind == IRQCHIP_AUTO) {
		/* The GICv3 stands: it goes on without a frame, as gicv3. */
		pr_info(th, "irqchip auto: the ITS could not be made (%s); using the in-kernel GICv3 without it",
			strerror(-ret));
		ic->ops = &kvm_gicv3_ops;
		return 0;
	}
	pr_err(th, "cannot create the in-kernel ITS: %s; use --irqchip=gicv3",
	       strerror(-ret));
	return ret;
}

static void its_destroy(struct irqchip *ic)
{
	if (ic->msi_priv)
		its_free(ic->msi_priv);
	ic->msi_priv = NULL;
	ic->msi_phandle = 0;
}

/* A child of the GIC's node (arm,gic-v3.yaml): #msi-cells is required. */
static int its_fdt_node(struct irqchip *ic, void *fdt)
{
	fdt64_t reg[] = { cpu_to_fdt64(ic->msi_base), cpu_to_fdt64(ic->msi_size) };
	char name[40];
	int ret;

	snprintf(name, sizeof(name), "msi-controller@%llx",
		 (unsigned long long)ic->msi_base);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", "arm,gic-v3-its");
	ret = ret ?: fdt_property(fdt, "msi-controller", NULL, 0);
	ret = ret ?: fdt_property_u32(fdt, "#msi-cells", ic->msi_cells);
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	ret = ret ?: fdt_property_u32(fdt, "phandle", ic->msi_phandle);
	return ret ?: fdt_end_node(fdt);
}

/* The slow path: one ioctl a message, on the thread that sends it. */
static int its_signal(struct irqchip *ic, uint64_t addr, uint32_t data,
		      uint32_t devid)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)addr, .address_hi = addr >> 32,
		.data = data, .flags = KVM_MSI_VALID_DEVID, .devid = devid,
	};

	/* 0: the guest has the LPI off; not an error of lkvm's. */
	return ioctl(ic->vm_fd, KVM_SIGNAL_MSI, &msi) < 0 ? -errno : 0;
}

/* lock held: the entry for gsi goes in, the whole table to KVM. */
static int its_commit(struct kvm_its *its, unsigned int gsi,
		      const struct kvm_irq_routing_entry *e)
{
	struct kvm_irq_routing_entry old = its->table->entries[gsi];
	unsigned int nr = its->table->nr;

	its->table->entries[gsi] = *e;
	if (gsi == nr)
		its->table->nr = nr + 1;
	if (!ioctl(its->vm_fd, KVM_SET_GSI_ROUTING, its->table))
		return 0;
	its->table->entries[gsi] = old;
	its->table->nr = nr;
	return -errno;
}

static int its_route(struct irqchip *ic, struct msi_route *r, uint64_t addr,
		     uint32_t data, uint32_t devid)
{
	struct kvm_its *its = ic->msi_priv;
	struct kvm_irq_routing_entry e = {
		.type = KVM_IRQ_ROUTING_MSI, .flags = KVM_MSI_VALID_DEVID,
		.u.msi = { .address_lo = (uint32_t)addr, .address_hi = addr >> 32,
			   .data = data, .devid = devid },
	};
	unsigned int gsi;
	int ret;

	if (!its || !its->can_route || r->fd < 0)
		return -EOPNOTSUPP;
	pthread_mutex_lock(&its->lock);
	gsi = r->gsi >= 0 ? (unsigned int)r->gsi : its->table->nr;
	ret = gsi < its->max && gsi >= its->nr_default ? 0 : -ENOSPC;
	e.gsi = gsi;
	ret = ret ?: its_commit(its, gsi, &e);
	if (!ret)
		r->gsi = gsi;
	pthread_mutex_unlock(&its->lock);
	if (!ret && !r->bound) {
		struct kvm_irqfd irqfd = { .fd = r->fd, .gsi = gsi };

		ret = ioctl(ic->vm_fd, KVM_IRQFD, &irqfd) ? -errno : 0;
		r->bound = !ret;
	}
	/* The guest's doing (a table write): never more than debug. */
	if (ret)
		pr_debug(ic->loglevel, "ITS: no route for device 0x%x's message 0x%x (%s): KVM_SIGNAL_MSI instead",
			 devid, data, strerror(-ret));
	else
		pr_debug(ic->loglevel, "ITS: device 0x%x's message 0x%x on GSI %u",
			 devid, data, gsi);
	return ret;
}

const struct irqchip_msi_ops kvm_its_msi_ops = {
	.name		= "in-kernel ITS",
	.create		= its_create,
	.fdt_node	= its_fdt_node,
	.signal		= its_signal,
	.route		= its_route,
	.destroy	= its_destroy,
};
