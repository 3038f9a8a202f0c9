// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-pci, the well-behaved kind (virtio 1.x, 4.1.5.1): the
 * function's capabilities read for its regions, the handshake of 3.1.1
 * with each step read back, one queue on a ring of lib/virtio.c.
 */
#include "fdt.h"
#include "io.h"
#include "pci-regs.h"
#include "virtio-pci.h"

#define NO_VECTOR		0xffff

static u64 bar_addr(u64 cfg, u32 bar)
{
	u32 lo = readl(cfg + CFG_BAR0 + 4 * bar);
	u64 a = lo & ~0xfUL;

	/* A 64-bit memory BAR: the next one is its high half. */
	if ((lo & 0x7) == 0x4 && bar < 5)
		a |= (u64)readl(cfg + CFG_BAR0 + 4 * (bar + 1)) << 32;
	return a;
}

static void read_caps(struct virtio_pci_dev *d)
{
	u8 at = readb(d->cfg + CFG_CAP_PTR) & ~3;
	int n;

	for (n = 0; at >= 0x40 && n < 48; n++) {
		u64 cap = d->cfg + at;
		u64 where;

		if (readb(cap) == CAP_ID_VNDR && readb(cap + 4) < 6) {
			where = bar_addr(d->cfg, readb(cap + 4)) + readl(cap + 8);
			switch (readb(cap + 3)) {
			case VPCI_CAP_COMMON: d->common = where; break;
			case VPCI_CAP_ISR: d->isr = where; break;
			case VPCI_CAP_DEVICE: d->devcfg = where; break;
			case VPCI_CAP_NOTIFY:
				d->notify = where;
				d->notify_mult = readl(cap + 16);
				break;
			}
		}
		at = readb(cap + 1) & ~3;
	}
}

int virtio_pci_find(u16 id, struct virtio_pci_dev *d)
{
	int node = fdt_find_compatible(0, "pci-host-ecam-generic"), slot;
	u64 ecam, size;
	u32 vid;

	if (node < 0 || !fdt_read_reg(node, 0, &ecam, &size))
		return -1;
	for (slot = 0; slot < 32 && ((u64)slot << 15) < size; slot++) {
		u64 cfg = ecam + ((u64)slot << 15);

		vid = readl(cfg);
		if ((vid & 0xffff) != VPCI_VENDOR ||
		    (vid >> 16) != (u32)VPCI_DEVICE_BASE + id)
			continue;
		*d = (struct virtio_pci_dev){ .cfg = cfg, .device_id = id };
		writew(readw(cfg + CFG_COMMAND) | CMD_MEMORY | CMD_MASTER,
		       cfg + CFG_COMMAND);
		read_caps(d);
		return d->common && d->notify && d->devcfg ? 0 : -2;
	}
	return -3;
}

u8 virtio_pci_status(const struct virtio_pci_dev *d)
{
	return readb(d->common + CC_STATUS);
}

void virtio_pci_reset(const struct virtio_pci_dev *d)
{
	writeb(0, d->common + CC_STATUS);
}

void virtio_pci_notify(const struct virtio_pci_dev *d)
{
	/* The ring is in memory before the device hears of it. */
	dsb(sy);
	writew(d->q, d->qnotify);
}

static bool set_status(const struct virtio_pci_dev *d, u8 st)
{
	writeb(st, d->common + CC_STATUS);
	return virtio_pci_status(d) == st;
}

static const char *start_queue(struct virtio_pci_dev *d, u16 q,
			       struct vring *r)
{
	u64 cc = d->common;

	writew(q, cc + CC_Q_SELECT);
	if (readw(cc + CC_Q_SIZE) < r->num)
		return "queue size below the ring's";
	if (readw(cc + CC_Q_ENABLE))
		return "queue enabled after a reset";
	writew(r->num, cc + CC_Q_SIZE);
	writew(NO_VECTOR, cc + CC_Q_MSIX);
	writeq(r->desc, cc + CC_Q_DESC);
	writeq(r->avail, cc + CC_Q_DRIVER);
	writeq(r->used, cc + CC_Q_DEVICE);
	d->q = q;
	d->qnotify = d->notify + (u64)readw(cc + CC_Q_NOFF) * d->notify_mult;
	writew(1, cc + CC_Q_ENABLE);
	if (readw(cc + CC_Q_ENABLE) != 1)
		return "queue enable does not read back";
	return NULL;
}

const char *virtio_pci_start(struct virtio_pci_dev *d, u64 features, u16 q,
			     struct vring *r)
{
	u8 st = VIRTIO_ST_ACKNOWLEDGE | VIRTIO_ST_DRIVER;
	const char *err;
	u64 offered;

	virtio_pci_reset(d);
	if (virtio_pci_status(d))
		return "status not 0 after a reset";
	if (!set_status(d, VIRTIO_ST_ACKNOWLEDGE) || !set_status(d, st))
		return "ACKNOWLEDGE|DRIVER does not read back";
	writel(0, d->common + CC_DFSELECT);
	offered = readl(d->common + CC_DF);
	writel(1, d->common + CC_DFSELECT);
	offered |= (u64)readl(d->common + CC_DF) << 32;
	if (features & ~offered)
		return "features not offered";
	writel(0, d->common + CC_GFSELECT);
	writel(features, d->common + CC_GF);
	writel(1, d->common + CC_GFSELECT);
	writel(features >> 32, d->common + CC_GF);
	st |= VIRTIO_ST_FEATURES_OK;
	if (!set_status(d, st))
		return "FEATURES_OK refused";
	writew(NO_VECTOR, d->common + CC_MSIX_CONFIG);
	err = start_queue(d, q, r);
	if (err)
		return err;
	st |= VIRTIO_ST_DRIVER_OK;
	if (!set_status(d, st))
		return "DRIVER_OK does not read back (or NEEDS_RESET is set)";
	return NULL;
}
