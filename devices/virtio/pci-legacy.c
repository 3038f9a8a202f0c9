// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy virtio-pci header (virtio 0.9.5; virtio 1.x 4.1.4.8), BAR
 * 0's I/O space, turned into calls to the virtio core, as kvmtool's
 * pci-legacy and Linux's virtio_pci_legacy_dev.c use it:
 *
 *   0x00 host features (32)   0x04 guest features (32)
 *   0x08 queue PFN (32)       0x0c queue size (16, read-only)
 *   0x0e queue select (16)    0x10 queue notify (16)
 *   0x12 device status (8)    0x13 ISR (8, read to clear)
 *   with MSI-X enabled: 0x14 config vector (16), 0x16 queue vector
 *   (16), the device config from 0x18; without: from 0x14.
 *
 * The core is in legacy mode (32 feature bits, no FEATURES_OK): a
 * queue's rings are contiguous from PFN * 4 KiB with the used ring at
 * the next 4 KiB (VIRTIO_PCI_VRING_ALIGN), its size the device's
 * (there is no register to change it), and a PFN write makes it ready.
 * The transport's state (the selector, the PFNs) is under vd->lock;
 * the rest is shared with the modern registers (devices/virtio/pci.c).
 */
#include <errno.h>

#include "devices/virtio/pci.h"

enum {
	LEG_HOST_FEATURES	= 0x00,
	LEG_GUEST_FEATURES	= 0x04,
	LEG_QUEUE_PFN		= 0x08,
	LEG_QUEUE_NUM		= 0x0c,
	LEG_QUEUE_SEL		= 0x0e,
	LEG_QUEUE_NOTIFY	= VIRTIO_PCI_LEGACY_NOTIFY,
	LEG_STATUS		= 0x12,
	LEG_ISR			= 0x13,
	LEG_CONFIG_VECTOR	= 0x14,	/* MSI-X enabled only */
	LEG_QUEUE_VECTOR	= 0x16,	/* MSI-X enabled only */
	LEG_CONFIG		= 0x14,
	LEG_CONFIG_MSIX		= 0x18,
};

/* The queue address shift and ring alignment Linux's legacy driver uses. */
#define LEG_PAGE		4096
#define LEG_ALIGN		4096

/* The width of the register at off, 0 where none starts. */
static unsigned int leg_width(uint64_t off)
{
	switch (off) {
	case LEG_HOST_FEATURES: case LEG_GUEST_FEATURES: case LEG_QUEUE_PFN:
		return 4;
	case LEG_QUEUE_NUM: case LEG_QUEUE_SEL: case LEG_QUEUE_NOTIFY:
	case LEG_CONFIG_VECTOR: case LEG_QUEUE_VECTOR:
		return 2;
	case LEG_STATUS: case LEG_ISR:
		return 1;
	}
	return 0;
}

/* ---- reads ---- */

/* The selected queue's size or PFN; 0 for a queue that does not exist. */
static uint32_t leg_read_queue(struct virtio_pci *vp, uint64_t off)
{
	struct virtio_dev *vd = vp->vd;
	uint32_t v = 0;

	pthread_mutex_lock(&vd->lock);
	if (vp->queue_sel < vd->nr_queues)
		v = off == LEG_QUEUE_NUM ? vd->vqs[vp->queue_sel].num :
					   vp->queue_pfn[vp->queue_sel];
	pthread_mutex_unlock(&vd->lock);
	return v;
}

static uint32_t leg_read_guest_features(struct virtio_pci *vp)
{
	struct virtio_dev *vd = vp->vd;
	uint32_t f;

	pthread_mutex_lock(&vd->lock);
	f = vd->guest_features;
	pthread_mutex_unlock(&vd->lock);
	return f;
}

static uint32_t leg_read(struct virtio_pci *vp, uint64_t off)
{
	uint32_t sel;

	switch (off) {
	case LEG_HOST_FEATURES:
		/* Legacy: the low word, VERSION_1 never among it. */
		return virtio_dev_features(vp->vd);
	case LEG_GUEST_FEATURES:
		return leg_read_guest_features(vp);
	case LEG_QUEUE_PFN:
	case LEG_QUEUE_NUM:
		return leg_read_queue(vp, off);
	case LEG_QUEUE_SEL:
		pthread_mutex_lock(&vp->vd->lock);
		sel = vp->queue_sel;
		pthread_mutex_unlock(&vp->vd->lock);
		return sel;
	case LEG_STATUS:
		return virtio_dev_status(vp->vd);
	case LEG_ISR:
		return virtio_pci_isr_read(vp);
	case LEG_CONFIG_VECTOR:
	case LEG_QUEUE_VECTOR:
		return virtio_pci_read_vector(vp, off == LEG_CONFIG_VECTOR);
	}
	return 0;	/* queue notify */
}

/* ---- writes ---- */

/*
 * A PFN makes the selected queue ready at once (legacy has no
 * QueueReady); 0 takes it away. Another PFN while it is live is
 * ignored: the driver writes 0 first. A ring outside RAM sets
 * NEEDS_RESET (the core's check), never reaches the model.
 */
static void leg_write_pfn(struct virtio_pci *vp, uint32_t pfn)
{
	struct virtio_dev *vd = vp->vd;
	uint64_t addr[3];
	unsigned int q;

	pthread_mutex_lock(&vd->lock);
	q = vp->queue_sel;
	if (q >= vd->nr_queues || (pfn && vd->vqs[q].ready)) {
		pthread_mutex_unlock(&vd->lock);
		return;
	}
	vp->queue_pfn[q] = pfn;
	/* Powers of 2 both: it cannot fail. */
	virtq_legacy_layout(pfn, LEG_PAGE, LEG_ALIGN, vd->vqs[q].num, addr);
	pthread_mutex_unlock(&vd->lock);
	if (!pfn) {
		virtio_dev_queue_ready(vd, q, false);
		return;
	}
	virtio_dev_queue_set_addr(vd, q, VIRTQ_AREA_DESC, addr[0], ~0ULL);
	virtio_dev_queue_set_addr(vd, q, VIRTQ_AREA_DRIVER, addr[1], ~0ULL);
	virtio_dev_queue_set_addr(vd, q, VIRTQ_AREA_DEVICE, addr[2], ~0ULL);
	virtio_dev_queue_ready(vd, q, true);
}

static void leg_write(struct virtio_pci *vp, uint64_t off, uint32_t val)
{
	struct virtio_dev *vd = vp->vd;

	switch (off) {
	case LEG_GUEST_FEATURES:
		/* The core keeps only offered bits: legacy cannot refuse. */
		virtio_dev_set_features(vd, val);
		return;
	case LEG_QUEUE_PFN:
		leg_write_pfn(vp, val);
		return;
	case LEG_QUEUE_SEL:
		pthread_mutex_lock(&vd->lock);
		vp->queue_sel = val;
		pthread_mutex_unlock(&vd->lock);
		return;
	case LEG_QUEUE_NOTIFY:
		/* Reached only where no ioeventfd took it: the queue's index. */
		virtio_dev_queue_notify(vd, val);
		return;
	case LEG_STATUS:
		virtio_pci_write_status(vp, val);
		return;
	case LEG_CONFIG_VECTOR:
	case LEG_QUEUE_VECTOR:
		virtio_pci_write_vector(vp, off == LEG_CONFIG_VECTOR, val);
		return;
	}
	/* Host features, queue size, ISR: read-only. */
}

int virtio_pci_legacy_access(struct virtio_pci *vp, struct mmio_access *acc)
{
	/* The config moves with MSI-X Enable, as the driver's offset does. */
	uint64_t cfg = pci_msix_enabled(&vp->msix) ? LEG_CONFIG_MSIX : LEG_CONFIG;
	uint64_t off = acc->offset;
	uint64_t mask;

	if (off >= cfg)
		return virtio_pci_devcfg(vp, acc, off - cfg);
	if (acc->len != leg_width(off))
		return -EINVAL;
	mask = (1ULL << (8 * acc->len)) - 1;
	if (acc->is_write)
		leg_write(vp, off, acc->data & mask);
	else
		acc->data = leg_read(vp, off) & mask;
	return 0;
}
