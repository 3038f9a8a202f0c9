// SPDX-License-Identifier: GPL-2.0
/* In-kernel GICv2: KVM_DEV_TYPE_ARM_VGIC_V2, or KVM_CREATE_IRQCHIP on old kernels. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "gic/kvm-vgic.h"
#include "lib/log.h"
#include "machine/memmap.h"

static int gicv2_probe(const struct irqchip_host *host)
{
	return kvm_vgic_probe(host->vm_fd, KVM_DEV_TYPE_ARM_VGIC_V2);
}

/*
 * Kernels without the device API for the vGIC only know
 * KVM_CREATE_IRQCHIP; the GIC then initialises itself on the first
 * KVM_RUN with the kernel's default interrupt count.
 */
static int gicv2_create_legacy(struct irqchip *ic)
{
	struct kvm_arm_device_addr dist = {
		.id = (KVM_ARM_DEVICE_VGIC_V2 << KVM_ARM_DEVICE_ID_SHIFT) |
		      KVM_VGIC_V2_ADDR_TYPE_DIST,
		.addr = ic->dist_base,
	};
	struct kvm_arm_device_addr cpu = {
		.id = (KVM_ARM_DEVICE_VGIC_V2 << KVM_ARM_DEVICE_ID_SHIFT) |
		      KVM_VGIC_V2_ADDR_TYPE_CPU,
		.addr = ic->cpu_base,
	};

	if (ioctl(ic->vm_fd, KVM_CREATE_IRQCHIP, 0))
		return -errno;
	if (ioctl(ic->vm_fd, KVM_ARM_SET_DEVICE_ADDR, &dist) ||
	    ioctl(ic->vm_fd, KVM_ARM_SET_DEVICE_ADDR, &cpu))
		return -errno;
	return 0;
}

static int gicv2_report(struct irqchip *ic, int ret, int th)
{
	switch (ret) {
	case 0:
		return 0;
	case -ENODEV:
		pr_err(th, "this host cannot give guests a GICv2: its GIC has no GICv2 compatibility (kernel: ENODEV); use --irqchip=gicv3 or --irqchip=auto");
		break;
	case -E2BIG:
		pr_err(th, "GICv2 supports at most %d vCPUs and %u were asked for (kernel: E2BIG); use -c %d or fewer, or --irqchip=gicv3",
		       GICV2_MAX_CPUS, ic->nr_cpus, GICV2_MAX_CPUS);
		break;
	default:
		pr_err(th, "cannot create the in-kernel GICv2: %s", strerror(-ret));
		break;
	}
	return ret;
}

static int gicv2_create(struct irqchip *ic)
{
	int ret;

	ic->dist_base = MEMMAP_GIC_DIST_BASE;
	ic->cpu_base = MEMMAP_GICV2_CPU_BASE;
	ret = kvm_vgic_create_device(ic, KVM_DEV_TYPE_ARM_VGIC_V2);
	if (ret == -ENODEV && !gicv2_create_legacy(ic)) {
		pr_info(ic->loglevel, "GICv2 created with the legacy KVM_CREATE_IRQCHIP");
		return 0;
	}
	if (!ret)
		ret = kvm_vgic_set_addr(ic, KVM_VGIC_V2_ADDR_TYPE_DIST, ic->dist_base);
	if (!ret)
		ret = kvm_vgic_set_addr(ic, KVM_VGIC_V2_ADDR_TYPE_CPU, ic->cpu_base);
	return gicv2_report(ic, ret, ic->loglevel);
}

/* The legacy GIC has no device fd and initialises on the first run. */
static int gicv2_init(struct irqchip *ic)
{
	return ic->dev_fd < 0 ? 0 : kvm_vgic_init(ic);
}

const struct irqchip_ops kvm_gicv2_ops = {
	.name		= "in-kernel GICv2",
	.kind		= IRQCHIP_GICV2,
	.probe		= gicv2_probe,
	.create		= gicv2_create,
	.init		= gicv2_init,
	.fdt_node	= gic_fdt_v2_node,
	.set_spi	= kvm_vgic_set_spi,
	.irqfd		= kvm_vgic_irqfd,
	.destroy	= kvm_vgic_destroy,
	.save		= kvm_gicv2_save,
	.restore	= kvm_gicv2_restore,
};

/*
 * The irqfds of the frame's SPIs are valid once the GIC is initialised
 * (its default routing), and are made before the sandbox: here.
 */
static int gicv2m_first_run(struct irqchip *ic)
{
	return gicv2m_bind_irqfds(ic);
}

/* kvmtool's gicv2m: the same vGIC, and lkvm's GICv2m frame (gic/gicv2m.c). */
const struct irqchip_ops kvm_gicv2m_ops = {
	.name		= "in-kernel GICv2 with a GICv2m MSI frame",
	.kind		= IRQCHIP_GICV2M,
	.probe		= gicv2_probe,
	.create		= gicv2_create,
	.init		= gicv2_init,
	.fdt_node	= gic_fdt_v2_node,
	.set_spi	= kvm_vgic_set_spi,
	.irqfd		= kvm_vgic_irqfd,
	.destroy	= kvm_vgic_destroy,
	.first_run	= gicv2m_first_run,
	.msi		= &gicv2m_msi_ops,
	.save		= kvm_gicv2_save,
	.restore	= kvm_gicv2_restore,
};
