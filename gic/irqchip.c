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
	case IRQCHIP_GICV2M:	return "gicv2m";
	case IRQCHIP_GICV3_ITS:	return "gicv3-its";
	}
	return "?";
}

/*
 * --irqchip=auto: GICv3 where the host can emulate it (more vCPUs, no
 * CPU interface traps), else GICv2 with its GICv2m frame, else lkvm's
 * own GIC (with the frame too). Says why at info level.
 */
static const struct irqchip_ops *irqchip_choose(const struct irqchip_host *h)
{
	int th = h->loglevel, ret;

	if (h->no_kernel_gic) {
		pr_info(th, "irqchip auto: in-kernel GICs disabled by LKVM_NO_KERNEL_GIC");
		goto user;
	}
	/* kvmtool's first: the GICv3 with its ITS, for PCI's MSI-X. */
	ret = kvm_gicv3_its_ops.probe(h);
	if (!ret) {
		pr_info(th, "irqchip auto: the host can emulate a GICv3 and its ITS; using the in-kernel GICv3 with the ITS as MSI frame");
		return &kvm_gicv3_its_ops;
	}
	pr_info(th, "irqchip auto: no in-kernel GICv3 with an ITS (%s)", strerror(-ret));
	ret = kvm_gicv3_ops.probe(h);
	if (!ret) {
		pr_info(th, "irqchip auto: the host can emulate a GICv3; using the in-kernel GICv3");
		return &kvm_gicv3_ops;
	}
	pr_info(th, "irqchip auto: no in-kernel GICv3 (%s)", strerror(-ret));
	/*
	 * kvmtool's next two, gicv2m then gicv2: the frame is lkvm's own,
	 * so gicv2m works wherever the GICv2 does and gicv2 never follows.
	 */
	ret = kvm_gicv2m_ops.probe(h);
	if (!ret) {
		pr_info(th, "irqchip auto: using the in-kernel GICv2 with a GICv2m MSI frame");
		return &kvm_gicv2m_ops;
	}
	pr_info(th, "irqchip auto: no in-kernel GICv2 (%s)", strerror(-ret));
user:
	ret = user_gicv2_ops.probe(h);
	if (!ret) {
		pr_info(th, "irqchip auto: falling back to lkvm's userspace GICv2 and its GICv2m frame");
		return &user_gicv2_ops;
	}
	pr_info(th, "irqchip auto: no userspace GIC either: KVM lacks KVM_CAP_ARM_USER_IRQ");
	return NULL;
}

/*
 * Before the devices: the backend (auto's choice made), and the SPIs of
 * its MSI frame taken first, as kvmtool does (GICv2m: INTIDs 32-95), so
 * that no device gets them.
 */
int irqchip_select(struct irqchip *ic, const struct irqchip_host *h)
{
	int th = h->loglevel;
	unsigned int i;

	switch (h->kind) {
	case IRQCHIP_GICV3:
		ic->ops = &kvm_gicv3_ops;
		break;
	case IRQCHIP_GICV3_ITS:
		ic->ops = &kvm_gicv3_its_ops;
		break;
	case IRQCHIP_GICV2:
		ic->ops = &kvm_gicv2_ops;
		break;
	case IRQCHIP_GICV2M:
		ic->ops = &kvm_gicv2m_ops;
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
	ic->msi_spi_base = ic->nr_spis;
	for (i = 0; ic->ops->msi && !h->no_msi_frame && i < ic->ops->msi->nr_spis; i++)
		if (irqchip_alloc_spi(ic) < 0)
			return -ENOSPC;
	return 0;
}

/* The GIC, then its MSI frame; the devices took their SPIs already. */
int irqchip_create(struct irqchip *ic, const struct irqchip_host *h)
{
	int ret = ic->ops ? 0 : irqchip_select(ic, h);

	if (ret)
		return ret;
	ic->dev_fd = -1;
	ic->host = *h;
	ic->vm_fd = h->vm_fd;
	ic->nr_cpus = h->nr_cpus;
	ic->phandle = IRQCHIP_PHANDLE;
	ic->loglevel = h->loglevel;
	if (ic->ops->kind == IRQCHIP_USER)
		ic->kick_ms = h->wfi_kick_ms;
	ret = ic->ops->create(ic);
	if (ret || !ic->ops->msi || h->no_msi_frame)
		return ret;
	ret = ic->ops->msi->create(ic);
	if (ret)
		ic->ops->destroy(ic);
	return ret;
}

/*
 * A device's MSI, to whichever frame the GIC has: the bridge's msi and
 * msi_route ops land here (machine/board.c).
 */
int irqchip_msi_signal(struct irqchip *ic, uint32_t devid, uint64_t addr,
		       uint32_t data)
{
	if (!ic->ops || !ic->ops->msi || !ic->msi_phandle)
		return -EOPNOTSUPP;
	return ic->ops->msi->signal(ic, addr, data, devid);
}

bool irqchip_has_msi(const struct irqchip *ic)
{
	return ic->ops && ic->ops->msi && ic->msi_phandle;
}

int irqchip_msi_route(struct irqchip *ic, struct msi_route *r, uint32_t devid,
		      uint64_t addr, uint32_t data)
{
	if (!ic->ops || !ic->ops->msi || !ic->msi_phandle || !ic->ops->msi->route)
		return -EOPNOTSUPP;
	return ic->ops->msi->route(ic, r, addr, data, devid);
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

	if (spi < GIC_MAX_SPIS && level)
		atomic_fetch_or(&ic->spi_level[spi / 32], 1u << (spi % 32));
	else if (spi < GIC_MAX_SPIS)
		atomic_fetch_and(&ic->spi_level[spi / 32], ~(1u << (spi % 32)));

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
	if (ic->ops && ic->ops->msi && ic->ops->msi->destroy)
		ic->ops->msi->destroy(ic);
	if (ic->ops)
		ic->ops->destroy(ic);
	ic->ops = NULL;
}
