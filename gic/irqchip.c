// SPDX-License-Identifier: GPL-2.0
/* Picking the interrupt controller backend and the SPI allocator. */
#include <errno.h>
#include <string.h>

#include "devices/irq-line.h"
#include "gic/irqchip.h"
#include "lib/log.h"
#include "lib/util.h"


const char *irqchip_kind_name(enum irqchip_kind kind)
{
	switch (kind) {
	case IRQCHIP_AUTO:	return "auto";
	case IRQCHIP_GICV2:	return "gicv2";
	case IRQCHIP_GICV3:	return "gicv3";
	case IRQCHIP_USER:	return "user";
	}
	return "?";
}

/*
 * --irqchip=auto: GICv3 where the host can emulate it (more vCPUs, no
 * CPU interface traps), else GICv2. Says why at info level.
 */
static const struct irqchip_ops *irqchip_choose(const struct irqchip_host *h)
{
	int th = h->loglevel, ret;

	if (h->no_kernel_gic) {
		pr_info(th, "irqchip auto: in-kernel GICs disabled by LKVM_NO_KERNEL_GIC");
		goto user;
	}
	ret = kvm_gicv3_ops.probe(h);
	if (!ret) {
		pr_info(th, "irqchip auto: the host can emulate a GICv3; using the in-kernel GICv3");
		return &kvm_gicv3_ops;
	}
	pr_info(th, "irqchip auto: no in-kernel GICv3 (%s)", strerror(-ret));
	ret = kvm_gicv2_ops.probe(h);
	if (!ret) {
		pr_info(th, "irqchip auto: using the in-kernel GICv2");
		return &kvm_gicv2_ops;
	}
	pr_info(th, "irqchip auto: no in-kernel GICv2 (%s)", strerror(-ret));
user:
	ret = user_gicv2_ops.probe(h);
	if (!ret) {
		pr_info(th, "irqchip auto: falling back to lkvm's userspace GICv2");
		return &user_gicv2_ops;
	}
	pr_info(th, "irqchip auto: no userspace GIC either: KVM lacks KVM_CAP_ARM_USER_IRQ");
	return NULL;
}

int irqchip_create(struct irqchip *ic, const struct irqchip_host *h)
{
	int th = h->loglevel;

	/* nr_spis is already set: the devices took theirs first. */
	ic->dev_fd = -1;
	ic->host = *h;
	ic->vm_fd = h->vm_fd;
	ic->nr_cpus = h->nr_cpus;
	ic->phandle = IRQCHIP_PHANDLE;
	ic->loglevel = th;
	switch (h->kind) {
	case IRQCHIP_GICV3:
		ic->ops = &kvm_gicv3_ops;
		break;
	case IRQCHIP_GICV2:
		ic->ops = &kvm_gicv2_ops;
		break;
	case IRQCHIP_USER:
		ic->ops = &user_gicv2_ops;
		break;
	case IRQCHIP_AUTO:
		ic->ops = irqchip_choose(h);
		if (!ic->ops) {
			pr_err(th, "no interrupt controller is possible here: KVM can create neither a GICv3 nor a GICv2 and lacks KVM_CAP_ARM_USER_IRQ for lkvm's own GIC; use a newer host kernel");
			return -ENODEV;
		}
		break;
	}
	if (ic->ops->kind == IRQCHIP_USER)
		ic->kick_ms = h->wfi_kick_ms;
	return ic->ops->create(ic);
}

/* Devices take their SPIs before the GIC is sized; returns the SPI number. */
int irqchip_alloc_spi(struct irqchip *ic)
{
	if (ic->nr_spis >= GIC_MAX_SPIS)
		return -ENOSPC;
	return ic->nr_spis++;
}

/*
 * A device's line. Its level reaches whichever backend is chosen
 * later (lines are handed out before the GIC exists); a failure is
 * reported here, once for every device.
 */
static int irqchip_line_set(void *chip, unsigned int spi, bool level)
{
	struct irqchip *ic = chip;
	int ret = irqchip_set_spi(ic, spi, level);

	if (ret)
		pr_warn(ic->loglevel, "SPI %u: interrupt not delivered: %s",
			spi, strerror(-ret));
	return ret;
}

static int irqchip_line_irqfd(void *chip, unsigned int spi, int fd)
{
	struct irqchip *ic = chip;

	if (!ic->ops || !ic->ops->irqfd)
		return -EOPNOTSUPP;
	return ic->ops->irqfd(ic, spi, fd);
}

static const struct irq_line_ops irqchip_line_ops = {
	.set	= irqchip_line_set,
	.irqfd	= irqchip_line_irqfd,
};

int irqchip_line(struct irqchip *ic, struct irq_line *line)
{
	int spi = irqchip_alloc_spi(ic);

	if (spi < 0)
		return spi;
	*line = (struct irq_line) {
		.ops = &irqchip_line_ops, .chip = ic, .spi = spi, .irqfd = -1,
	};
	return 0;
}

/* KVM wants a multiple of 32, at least 64 (one SPI block). */
unsigned int irqchip_nr_irqs(const struct irqchip *ic)
{
	return GIC_SPI_BASE + MAX(32u, (unsigned int)ALIGN_UP(ic->nr_spis, 32));
}

void irqchip_destroy(struct irqchip *ic)
{
	if (ic->ops)
		ic->ops->destroy(ic);
	ic->ops = NULL;
}
