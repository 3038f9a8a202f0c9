// SPDX-License-Identifier: GPL-2.0
/* What the in-kernel vGIC backends share: the KVM device API calls. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "gic/kvm-vgic.h"
#include "lib/log.h"

/* Asks KVM whether it could create the device, without creating it. */
int kvm_vgic_probe(int vm_fd, uint32_t type)
{
	struct kvm_create_device cd = {
		.type = type, .flags = KVM_CREATE_DEVICE_TEST,
	};

	return ioctl(vm_fd, KVM_CREATE_DEVICE, &cd) ? -errno : 0;
}

int kvm_vgic_create_device(struct irqchip *ic, uint32_t type)
{
	struct kvm_create_device cd = { .type = type };

	if (ioctl(ic->vm_fd, KVM_CREATE_DEVICE, &cd))
		return -errno;
	ic->dev_fd = cd.fd;
	return 0;
}

int kvm_vgic_set_addr(struct irqchip *ic, uint64_t type, uint64_t addr)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_ARM_VGIC_GRP_ADDR,
		.attr = type,
		.addr = (uintptr_t)&addr,
	};

	return ioctl(ic->dev_fd, KVM_SET_DEVICE_ATTR, &attr) ? -errno : 0;
}

/*
 * Stage "size and init": the SPI count the devices took, rounded up to
 * the 32-interrupt granule KVM wants, then CTRL_INIT. Must follow vCPU
 * creation and precede the first KVM_RUN.
 */
int kvm_vgic_init(struct irqchip *ic)
{
	uint32_t nr_irqs = irqchip_nr_irqs(ic);
	struct kvm_device_attr nr = {
		.group = KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
		.addr = (uintptr_t)&nr_irqs,
	};
	struct kvm_device_attr init = {
		.group = KVM_DEV_ARM_VGIC_GRP_CTRL,
		.attr = KVM_DEV_ARM_VGIC_CTRL_INIT,
	};

	if (ioctl(ic->dev_fd, KVM_SET_DEVICE_ATTR, &nr)) {
		pr_err(ic->loglevel, "%s: the kernel refused %u interrupts: %s",
		       ic->ops->name, nr_irqs, strerror(errno));
		return -errno;
	}
	if (ioctl(ic->dev_fd, KVM_SET_DEVICE_ATTR, &init)) {
		pr_err(ic->loglevel, "%s: initialisation (CTRL_INIT) failed: %s",
		       ic->ops->name, strerror(errno));
		return -errno;
	}
	pr_debug(ic->loglevel, "%s: %u interrupts, initialised",
		 ic->ops->name, nr_irqs);
	return 0;
}

int kvm_vgic_set_spi(struct irqchip *ic, unsigned int spi, bool level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) |
		       ((GIC_SPI_BASE + spi) & KVM_ARM_IRQ_NUM_MASK),
		.level = level,
	};

	if (spi >= ic->nr_spis)
		return -EINVAL;
	return ioctl(ic->vm_fd, KVM_IRQ_LINE, &irq) ? -errno : 0;
}

/*
 * The default routing (made by the vGIC's init) maps GSI n to SPI n,
 * so a write to fd injects a pulse on the SPI without entering lkvm.
 * Only valid once the GIC is initialised: devices bind at start.
 */
int kvm_vgic_irqfd(struct irqchip *ic, unsigned int spi, int fd)
{
	struct kvm_irqfd irqfd = { .fd = fd, .gsi = spi };

	if (spi >= ic->nr_spis)
		return -EINVAL;
	return ioctl(ic->vm_fd, KVM_IRQFD, &irqfd) ? -errno : 0;
}

void kvm_vgic_destroy(struct irqchip *ic)
{
	if (ic->dev_fd >= 0)
		close(ic->dev_fd);
	ic->dev_fd = -1;
}
