// SPDX-License-Identifier: GPL-2.0
/* In-kernel GICv3: KVM_DEV_TYPE_ARM_VGIC_V3. */
#include <errno.h>
#include <string.h>

#include <libfdt.h>
#include <linux/kvm.h>

#include "gic/kvm-its.h"
#include "gic/kvm-vgic.h"
#include "lib/log.h"
#include "machine/memmap.h"

static int gicv3_probe(const struct irqchip_host *host)
{
	return kvm_vgic_probe(host->vm_fd, KVM_DEV_TYPE_ARM_VGIC_V3);
}

static int gicv3_create(struct irqchip *ic)
{
	int ret, th = ic->loglevel;

	ret = kvm_vgic_create_device(ic, KVM_DEV_TYPE_ARM_VGIC_V3);
	if (ret == -ENODEV) {
		pr_err(th, "this host cannot give guests a GICv3 (KVM_CREATE_DEVICE: ENODEV); use --irqchip=gicv2 or --irqchip=auto");
		return ret;
	}
	if (ret) {
		pr_err(th, "cannot create the in-kernel GICv3: %s", strerror(-ret));
		return ret;
	}
	ic->dist_base = MEMMAP_GIC_DIST_BASE;
	ic->redist_size = (uint64_t)ic->nr_cpus * MEMMAP_GICV3_REDIST_SIZE;
	ic->redist_base = memmap_gicv3_redist_base(ic->nr_cpus);
	ret = kvm_vgic_set_addr(ic, KVM_VGIC_V3_ADDR_TYPE_DIST, ic->dist_base);
	if (!ret)
		ret = kvm_vgic_set_addr(ic, KVM_VGIC_V3_ADDR_TYPE_REDIST,
					ic->redist_base);
	if (ret)
		pr_err(th, "cannot place the GICv3 frames: %s", strerror(-ret));
	return ret;
}

static int gicv3_fdt_node(struct irqchip *ic, void *fdt)
{
	uint64_t reg[] = {
		ic->dist_base, MEMMAP_GIC_DIST_SIZE,
		ic->redist_base, ic->redist_size,
	};
	int ret;

	ret = gic_fdt_begin(ic, fdt, "arm,gic-v3", reg, 2);
	ret = ret ?: fdt_property_u32(fdt, "#redistributor-regions", 1);
	/* The ITS, a child node, when it was made. */
	if (!ret && ic->ops->msi && ic->msi_phandle)
		ret = ic->ops->msi->fdt_node(ic, fdt);
	return ret ?: fdt_end_node(fdt);
}

const struct irqchip_ops kvm_gicv3_ops = {
	.name		= "in-kernel GICv3",
	.kind		= IRQCHIP_GICV3,
	.probe		= gicv3_probe,
	.create		= gicv3_create,
	.init		= kvm_vgic_init,
	.fdt_node	= gicv3_fdt_node,
	.set_spi	= kvm_vgic_set_spi,
	.irqfd		= kvm_vgic_irqfd,
	.destroy	= kvm_vgic_destroy,
	.save		= kvm_gicv3_save,
	.restore	= kvm_gicv3_restore,
};

/* The same GICv3, with the in-kernel ITS as its MSI frame. */
const struct irqchip_ops kvm_gicv3_its_ops = {
	.name		= "in-kernel GICv3 with ITS",
	.kind		= IRQCHIP_GICV3_ITS,
	.probe		= kvm_its_probe,
	.create		= gicv3_create,
	.init		= kvm_vgic_init,
	.fdt_node	= gicv3_fdt_node,
	.set_spi	= kvm_vgic_set_spi,
	.irqfd		= kvm_vgic_irqfd,
	.destroy	= kvm_vgic_destroy,
	.msi		= &kvm_its_msi_ops,
	.save		= kvm_gicv3_its_save,
	.restore	= kvm_gicv3_its_restore,
};
