// SPDX-License-Identifier: GPL-2.0
/*
 * The GICv2m frame as an irqchip's MSI frame: kvmtool's gicv2m, for
 * the in-kernel GICv2 and for lkvm's own GIC alike. The frame lives in
 * userspace on lkvm's MMIO bus, 4 KiB just below the GICv2 CPU
 * interface, with the first 64 SPIs, which irqchip_select() reserved
 * before any device took its own. An SPI it raises goes through the
 * backend's set_spi (KVM_IRQ_LINE, or the userspace distributor) or,
 * with the in-kernel GIC, through one irqfd per SPI.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include <libfdt.h>

#include "devices/bus.h"
#include "devices/msi.h"
#include "gic/irqchip.h"
#include "gic/v2m.h"
#include "lib/log.h"
#include "machine/memmap.h"

_Static_assert(MEMMAP_GICV2M_SIZE == V2M_FRAME_SIZE, "the frame is 4 KiB");

struct gicv2m {
	struct v2m_frame frame;
	struct mmio_region region;
	struct irqchip *ic;
	/* An eventfd bound to each SPI (KVM_IRQFD), or -1: fixed once vCPUs run. */
	int irqfd[V2M_NR_SPIS];
};

/* An edge, as for virtio-mmio's lines: one write, or a high-low pulse. */
static int gicv2m_raise(void *opaque, unsigned int spi)
{
	struct gicv2m *m = opaque;
	struct irqchip *ic = m->ic;
	int fd = m->irqfd[spi - ic->msi_spi_base];
	uint64_t one = 1;
	int ret;

	if (fd >= 0)
		return write(fd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
	ret = irqchip_set_spi(ic, spi, true);
	ret = ret ?: irqchip_set_spi(ic, spi, false);
	if (ret)
		pr_warn(ic->loglevel, "GICv2m: SPI %u not raised: %s", spi,
			strerror(-ret));
	return ret;
}

static void gicv2m_free(struct gicv2m *m)
{
	unsigned int i;

	for (i = 0; i < V2M_NR_SPIS; i++)
		if (m->irqfd[i] >= 0)
			close(m->irqfd[i]);
	free(m);
}

static int gicv2m_create(struct irqchip *ic)
{
	uint64_t base = MEMMAP_GICV2M_BASE;
	struct gicv2m *m;
	unsigned int i;
	int ret;

	if (ic->nr_spis < ic->msi_spi_base + V2M_NR_SPIS)
		return -EINVAL;		/* irqchip_select() did not reserve them */
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	for (i = 0; i < V2M_NR_SPIS; i++)
		m->irqfd[i] = -1;
	m->ic = ic;
	ret = v2m_frame_init(&m->frame, base, GIC_SPI_BASE + ic->msi_spi_base,
			     V2M_NR_SPIS, gicv2m_raise, m);
	v2m_region(&m->frame, &m->region);
	ret = ret ?: mmio_bus_register(ic->host.bus, &m->region);
	if (ret) {
		pr_err(ic->loglevel, "cannot place the GICv2m frame at %#llx: %s",
		       (unsigned long long)base, strerror(-ret));
		gicv2m_free(m);
		return ret;
	}
	ic->msi_priv = m;
	ic->msi_base = base;
	ic->msi_size = V2M_FRAME_SIZE;
	ic->msi_cells = 0;		/* no device IDs: msi-parent */
	ic->msi_phandle = IRQCHIP_MSI_PHANDLE;
	pr_debug(ic->loglevel, "GICv2m frame at %#llx: INTIDs %u-%u",
		 (unsigned long long)base, m->frame.first_intid,
		 m->frame.first_intid + V2M_NR_SPIS - 1);
	return 0;
}

/*
 * "v2m@<address>", a child of the GIC's node (the arm,gic binding),
 * which gives it #address-cells and #size-cells 2 and an empty ranges.
 * No arm,msi-base-spi: Linux reads the range from MSI_TYPER.
 */
static int gicv2m_fdt_node(struct irqchip *ic, void *fdt)
{
	fdt64_t reg[2];
	char name[32];
	int ret;

	if (!ic->msi_phandle)
		return 0;
	reg[0] = cpu_to_fdt64(ic->msi_base);
	reg[1] = cpu_to_fdt64(ic->msi_size);
	snprintf(name, sizeof(name), "v2m@%llx", (unsigned long long)ic->msi_base);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", "arm,gic-v2m-frame");
	ret = ret ?: fdt_property(fdt, "msi-controller", NULL, 0);
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	ret = ret ?: fdt_property_u32(fdt, "phandle", ic->msi_phandle);
	return ret ?: fdt_end_node(fdt);
}

/* A device's message: GICv2m has no device IDs, the data is the INTID. */
static int gicv2m_signal(struct irqchip *ic, uint64_t addr, uint32_t data,
			 uint32_t devid)
{
	struct gicv2m *m = ic->msi_priv;

	(void)devid;
	return m ? v2m_signal(&m->frame, addr, data) : -ENODEV;
}

static void gicv2m_unbind(struct irqchip *ic, struct msi_route *r)
{
	struct kvm_irqfd irqfd = {
		.fd = r->fd, .gsi = r->gsi, .flags = KVM_IRQFD_FLAG_DEASSIGN,
	};

	if (ioctl(ic->vm_fd, KVM_IRQFD, &irqfd))
		pr_warn(ic->loglevel, "GICv2m: cannot unbind a device's irqfd from SPI %d: %s",
			r->gsi, strerror(errno));
	r->bound = false;
	r->gsi = -1;
}

/*
 * The fast path for a device's vector (devices/msi.h): its eventfd
 * bound to the SPI its message names (GSI n is SPI n in the vGIC's
 * default routing), so that sending it costs a write and no exit.
 * Only with the in-kernel GIC; lkvm's own takes each message through
 * signal. A message the frame does not take leaves nothing bound.
 */
static int gicv2m_route(struct irqchip *ic, struct msi_route *r,
			uint64_t addr, uint32_t data, uint32_t devid)
{
	struct gicv2m *m = ic->msi_priv;
	int spi, ret;

	(void)devid;
	if (!m || !ic->ops->irqfd || r->fd < 0)
		return -EOPNOTSUPP;
	spi = v2m_decode(&m->frame, addr, data);
	if (r->bound && r->gsi == spi)
		return 0;
	if (r->bound)
		gicv2m_unbind(ic, r);
	if (spi < 0)
		return spi;
	ret = ic->ops->irqfd(ic, spi, r->fd);
	if (ret)
		return ret;
	r->gsi = spi;
	r->bound = true;
	return 0;
}

static void gicv2m_destroy(struct irqchip *ic)
{
	if (ic->msi_priv)
		gicv2m_free(ic->msi_priv);
	ic->msi_priv = NULL;
	ic->msi_phandle = 0;
	ic->msi_base = ic->msi_size = 0;
}

/*
 * With the in-kernel GIC, once it is initialised: an eventfd bound to
 * each of the frame's SPIs, so that a message costs one write instead
 * of two KVM_IRQ_LINE calls. Without irqfds the pulse is used; not an
 * error.
 */
int gicv2m_bind_irqfds(struct irqchip *ic)
{
	struct gicv2m *m = ic->msi_priv;
	unsigned int i;
	int fd, ret;

	if (!m || !ic->ops->irqfd)
		return 0;
	for (i = 0; i < V2M_NR_SPIS; i++) {
		fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fd < 0)
			ret = -errno;
		else
			ret = ic->ops->irqfd(ic, ic->msi_spi_base + i, fd);
		if (ret) {
			if (fd >= 0)
				close(fd);
			pr_info(ic->loglevel, "GICv2m: no irqfd for its SPIs (%s): messages go through KVM_IRQ_LINE",
				strerror(-ret));
			return 0;
		}
		m->irqfd[i] = fd;
	}
	return 0;
}

const struct irqchip_msi_ops gicv2m_msi_ops = {
	.name		= "GICv2m frame",
	.create		= gicv2m_create,
	.fdt_node	= gicv2m_fdt_node,
	.signal		= gicv2m_signal,
	.nr_spis	= V2M_NR_SPIS,
	.destroy	= gicv2m_destroy,
	.route		= gicv2m_route,
};
