// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-pci transport's registers (virtio 1.x, 4.1.4): BAR 1's
 * common config, notify, ISR and device config regions, turned into
 * calls to the virtio core, and what the legacy header
 * (devices/virtio/pci-legacy.c) shares with them: status and reset,
 * the ISR, the MSI-X vectors, the device config. The device around
 * them (the PCI function, ioeventfds, INTx) is devices/virtio/pci-dev.c.
 *
 * Common config fields take accesses of their own width at their own
 * offset (the 64-bit ring addresses also as 32-bit halves, as Linux
 * writes them); the transport's state (selectors, the features being
 * written) is under vd->lock.
 */
#include <errno.h>
#include <string.h>

#include "devices/virtio/pci.h"
#include "lib/log.h"

enum {
	CC_DFSELECT		= 0x00,
	CC_DF			= 0x04,
	CC_GFSELECT		= 0x08,
	CC_GF			= 0x0c,
	CC_MSIX_CONFIG		= 0x10,
	CC_NUM_QUEUES		= 0x12,
	CC_STATUS		= 0x14,
	CC_CFG_GENERATION	= 0x15,
	CC_Q_SELECT		= 0x16,
	CC_Q_SIZE		= 0x18,
	CC_Q_MSIX		= 0x1a,
	CC_Q_ENABLE		= 0x1c,
	CC_Q_NOFF		= 0x1e,
	CC_Q_DESC		= 0x20,
	CC_Q_DRIVER		= 0x28,
	CC_Q_DEVICE		= 0x30,
};

/* The width of the field at off, 0 where none starts (4.1.4.3). */
static unsigned int cc_width(uint64_t off)
{
	if (off >= CC_Q_DESC && off < VIRTIO_PCI_COMMON_SIZE)
		return off % 8 == 0 ? 8 : off % 8 == 4 ? 4 : 0;
	switch (off) {
	case CC_DFSELECT: case CC_DF: case CC_GFSELECT: case CC_GF:
		return 4;
	case CC_MSIX_CONFIG: case CC_NUM_QUEUES: case CC_Q_SELECT:
	case CC_Q_SIZE: case CC_Q_MSIX: case CC_Q_ENABLE: case CC_Q_NOFF:
		return 2;
	case CC_STATUS: case CC_CFG_GENERATION:
		return 1;
	}
	return 0;
}

static bool cc_valid(uint64_t off, uint32_t len)
{
	unsigned int w = cc_width(off);

	/* A 64-bit field also as two 32-bit halves. */
	return w && (len == w || (w == 8 && len == 4));
}

static uint32_t vpci_get(struct virtio_pci *vp, const uint32_t *field)
{
	uint32_t v;

	pthread_mutex_lock(&vp->vd->lock);
	v = *field;
	pthread_mutex_unlock(&vp->vd->lock);
	return v;
}

static void vpci_set(struct virtio_pci *vp, uint32_t *field, uint32_t v)
{
	pthread_mutex_lock(&vp->vd->lock);
	*field = v;
	pthread_mutex_unlock(&vp->vd->lock);
}

void virtio_pci_reset_transport(struct virtio_pci *vp)
{
	unsigned int q;

	pthread_mutex_lock(&vp->vd->lock);
	vp->dev_features_sel = 0;
	vp->drv_features_sel = 0;
	vp->queue_sel = 0;
	vp->drv_features = 0;
	memset(vp->queue_pfn, 0, sizeof(vp->queue_pfn));
	/* As QEMU: the driver assigns its vectors again after a reset. */
	vp->config_vector = VIRTIO_MSI_NO_VECTOR;
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++)
		vp->queue_vector[q] = VIRTIO_MSI_NO_VECTOR;
	pthread_mutex_unlock(&vp->vd->lock);
}

/* ---- MSI-X vectors (4.1.4.3, 4.1.5.1.2) ---- */

/* The selected queue's vector, or config's; NULL for no such queue. */
static uint16_t *vpci_vector(struct virtio_pci *vp, bool config)
{
	if (config)
		return &vp->config_vector;
	return vp->queue_sel < vp->vd->nr_queues ? &vp->queue_vector[vp->queue_sel] : NULL;
}

/* NO_VECTOR while MSI-X is off: the driver then uses INTx. */
uint16_t virtio_pci_read_vector(struct virtio_pci *vp, bool config)
{
	bool on = pci_msix_enabled(&vp->msix);
	uint16_t v = VIRTIO_MSI_NO_VECTOR, *p;

	pthread_mutex_lock(&vp->vd->lock);
	p = vpci_vector(vp, config);
	if (p && on)
		v = *p;
	pthread_mutex_unlock(&vp->vd->lock);
	return v;
}

/*
 * A vector past the table, or any while MSI-X is off, is kept as
 * NO_VECTOR, which the driver reads back to learn the mapping failed.
 */
void virtio_pci_write_vector(struct virtio_pci *vp, bool config, uint16_t val)
{
	bool on = pci_msix_enabled(&vp->msix);
	uint16_t *p;

	if (!on || val >= vp->msix.nr)
		val = VIRTIO_MSI_NO_VECTOR;
	pthread_mutex_lock(&vp->vd->lock);
	p = vpci_vector(vp, config);
	if (p)
		*p = val;
	pthread_mutex_unlock(&vp->vd->lock);
}

/* The vector for an interrupt of queue q (VIRTIO_NO_QUEUE: config). */
static uint16_t vpci_event_vector(struct virtio_pci *vp, unsigned int q)
{
	uint16_t v = VIRTIO_MSI_NO_VECTOR;

	pthread_mutex_lock(&vp->vd->lock);
	if (q == VIRTIO_NO_QUEUE)
		v = vp->config_vector;
	else if (q < VIRTIO_MAX_QUEUES)
		v = vp->queue_vector[q];
	pthread_mutex_unlock(&vp->vd->lock);
	return v;
}

void virtio_pci_interrupt(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_pci *vp = vd->transport;
	uint16_t v = vpci_event_vector(vp, q);
	int ret;

	if (!pci_msix_enabled(&vp->msix)) {
		virtio_pci_intx_sync(vp);
		return;
	}
	/* With MSI-X the queue bit is not used (4.1.4.5.1); config's stays. */
	if (q != VIRTIO_NO_QUEUE)
		atomic_fetch_and(&vd->isr, ~(unsigned int)VIRTIO_ISR_QUEUE);
	if (v == VIRTIO_MSI_NO_VECTOR)
		return;
	ret = pci_msix_notify(&vp->msix, v);
	if (ret == -ENODEV) {
		/* MSI-X went off meanwhile: INTx it is. */
		if (q != VIRTIO_NO_QUEUE)
			atomic_fetch_or(&vd->isr, VIRTIO_ISR_QUEUE);
		virtio_pci_intx_sync(vp);
	} else if (ret) {
		pr_debug(vd->loglevel, "%s: MSI-X vector %u: %s", vd->name, v,
			 strerror(-ret));
	}
}

/* ---- reads ---- */

static uint64_t vpci_queue_addr(struct virtio_dev *vd, struct virtq *vq,
				uint64_t off)
{
	if (off < CC_Q_DRIVER)
		return vq->desc_gpa;
	return off < CC_Q_DEVICE ? vq->avail_gpa : vq->used_gpa;
}

/* The selected queue's fields; 0 for a queue that does not exist. */
static uint64_t vpci_read_queue(struct virtio_pci *vp, uint64_t off)
{
	struct virtio_dev *vd = vp->vd;
	uint64_t v = 0;
	struct virtq *vq;

	pthread_mutex_lock(&vd->lock);
	if (vp->queue_sel >= vd->nr_queues)
		goto out;
	vq = &vd->vqs[vp->queue_sel];
	if (off == CC_Q_SIZE)
		v = vq->num;
	else if (off == CC_Q_ENABLE)
		v = vq->ready;
	else if (off >= CC_Q_DESC)
		v = vpci_queue_addr(vd, vq, off & ~7ULL) >> (off % 8 * 8);
out:
	pthread_mutex_unlock(&vd->lock);
	return v;
}

static uint64_t vpci_read_features(struct virtio_pci *vp, bool device)
{
	struct virtio_dev *vd = vp->vd;
	uint32_t sel;
	uint64_t f;

	pthread_mutex_lock(&vd->lock);
	sel = device ? vp->dev_features_sel : vp->drv_features_sel;
	f = device ? virtio_dev_features(vd) : vp->drv_features;
	pthread_mutex_unlock(&vd->lock);
	return sel > 1 ? 0 : (uint32_t)(f >> (32 * sel));
}

static uint64_t vpci_read_common(struct virtio_pci *vp, uint64_t off)
{
	struct virtio_dev *vd = vp->vd;

	switch (off) {
	case CC_DFSELECT:	return vpci_get(vp, &vp->dev_features_sel);
	case CC_DF:		return vpci_read_features(vp, true);
	case CC_GFSELECT:	return vpci_get(vp, &vp->drv_features_sel);
	case CC_GF:		return vpci_read_features(vp, false);
	case CC_MSIX_CONFIG:	return virtio_pci_read_vector(vp, true);
	case CC_Q_MSIX:		return virtio_pci_read_vector(vp, false);
	case CC_NUM_QUEUES:	return vd->nr_queues;
	case CC_STATUS:		return virtio_dev_status(vd);
	case CC_CFG_GENERATION:
		return __atomic_load_n(&vd->config_gen, __ATOMIC_ACQUIRE) & 0xff;
	case CC_Q_SELECT:	return vpci_get(vp, &vp->queue_sel);
	case CC_Q_NOFF:		return 0;	/* one notify address for all */
	}
	return vpci_read_queue(vp, off);
}

/* ---- writes ---- */

static void vpci_write_gf(struct virtio_pci *vp, uint32_t val)
{
	struct virtio_dev *vd = vp->vd;
	uint64_t features;

	pthread_mutex_lock(&vd->lock);
	if (vp->drv_features_sel == 0)
		vp->drv_features = (vp->drv_features & ~0xffffffffULL) | val;
	else if (vp->drv_features_sel == 1)
		vp->drv_features = (vp->drv_features & 0xffffffffULL) |
				   (uint64_t)val << 32;
	features = vp->drv_features;
	pthread_mutex_unlock(&vd->lock);
	virtio_dev_set_features(vd, features);
}

void virtio_pci_write_status(struct virtio_pci *vp, uint8_t val)
{
	virtio_dev_set_status(vp->vd, val);
	if (val)
		return;
	/* The reset cleared the ISR: INTx goes low with it. */
	virtio_pci_reset_transport(vp);
	virtio_pci_intx_sync(vp);
}

static void vpci_write_addr(struct virtio_pci *vp, uint64_t off, uint32_t len,
			    uint64_t val)
{
	static const enum virtq_area areas[] = {
		VIRTQ_AREA_DESC, VIRTQ_AREA_DRIVER, VIRTQ_AREA_DEVICE,
	};
	enum virtq_area area = areas[(off - CC_Q_DESC) / 8];
	unsigned int q = vpci_get(vp, &vp->queue_sel);
	uint64_t mask = len == 8 ? ~0ULL : 0xffffffffULL;

	if (off % 8) {
		val <<= 32;
		mask <<= 32;
	}
	virtio_dev_queue_set_addr(vp->vd, q, area, val, mask);
}

static void vpci_write_common(struct virtio_pci *vp, uint64_t off,
			      uint32_t len, uint64_t val)
{
	struct virtio_dev *vd = vp->vd;

	switch (off) {
	case CC_DFSELECT:
		vpci_set(vp, &vp->dev_features_sel, val);
		return;
	case CC_GFSELECT:
		vpci_set(vp, &vp->drv_features_sel, val);
		return;
	case CC_GF:
		vpci_write_gf(vp, val);
		return;
	case CC_STATUS:
		virtio_pci_write_status(vp, val);
		return;
	case CC_Q_SELECT:
		vpci_set(vp, &vp->queue_sel, val);
		return;
	case CC_Q_SIZE:
		virtio_dev_queue_set_num(vd, vpci_get(vp, &vp->queue_sel), val);
		return;
	case CC_Q_ENABLE:
		virtio_dev_queue_ready(vd, vpci_get(vp, &vp->queue_sel), val & 1);
		return;
	case CC_MSIX_CONFIG:
	case CC_Q_MSIX:
		virtio_pci_write_vector(vp, off == CC_MSIX_CONFIG, val);
		return;
	}
	/* Read-only fields: nothing to do. */
	if (off >= CC_Q_DESC)
		vpci_write_addr(vp, off, len, val);
}

/* ---- the regions ---- */

/*
 * Read to clear (4.1.4.5): the driver's handler reads it once, and the
 * line goes low with it. Under isr_lock with the interrupt hook, so
 * the line always ends as the ISR is.
 */
uint8_t virtio_pci_isr_read(struct virtio_pci *vp)
{
	uint8_t v;

	pthread_mutex_lock(&vp->isr_lock);
	v = atomic_exchange(&vp->vd->isr, 0);
	pci_dev_set_intx(&vp->pdev, false);
	pthread_mutex_unlock(&vp->isr_lock);
	return v;
}

void virtio_pci_intx_sync(struct virtio_pci *vp)
{
	bool level;

	pthread_mutex_lock(&vp->isr_lock);
	/* A function with MSI-X enabled must not use INTx (PCI 3.0, 6.8.2). */
	level = atomic_load(&vp->vd->isr) != 0 && !pci_msix_enabled(&vp->msix);
	pci_dev_set_intx(&vp->pdev, level);
	pthread_mutex_unlock(&vp->isr_lock);
}

int virtio_pci_devcfg(struct virtio_pci *vp, struct mmio_access *acc,
		      uint64_t off)
{
	uint8_t buf[8];
	uint32_t i;

	if (!acc->len || acc->len > 8 || off >= VIRTIO_PCI_DEVCFG_SIZE ||
	    acc->len > VIRTIO_PCI_DEVCFG_SIZE - off)
		return -EINVAL;
	if (acc->is_write) {
		for (i = 0; i < acc->len; i++)
			buf[i] = acc->data >> (8 * i);
		virtio_dev_config_write(vp->vd, off, buf, acc->len);
		return 0;
	}
	virtio_dev_config_read(vp->vd, off, buf, acc->len);
	for (i = 0; i < acc->len; i++)
		acc->data |= (uint64_t)buf[i] << (8 * i);
	return 0;
}

int virtio_pci_modern_access(struct virtio_pci *vp, struct mmio_access *acc)
{
	uint64_t off = acc->offset;
	uint64_t mask = acc->len >= 8 ? ~0ULL : (1ULL << (8 * acc->len)) - 1;

	if (off < VIRTIO_PCI_NOTIFY) {
		if (!cc_valid(off, acc->len))
			return -EINVAL;
		if (acc->is_write)
			vpci_write_common(vp, off, acc->len, acc->data & mask);
		else
			acc->data = vpci_read_common(vp, off) & mask;
		return 0;
	}
	if (off == VIRTIO_PCI_NOTIFY && (acc->len == 2 || acc->len == 4)) {
		/* Reached only where no ioeventfd took it: the queue's index. */
		if (acc->is_write)
			virtio_dev_queue_notify(vp->vd, acc->data & 0xffff);
		return 0;
	}
	if (off == VIRTIO_PCI_ISR && acc->len <= 4 && !acc->is_write) {
		acc->data = virtio_pci_isr_read(vp);
		return 0;
	}
	if (off >= VIRTIO_PCI_DEVCFG)
		return virtio_pci_devcfg(vp, acc, off - VIRTIO_PCI_DEVCFG);
	return -EINVAL;
}

int virtio_pci_bar_access(struct pci_dev *pdev, unsigned int bar,
			  struct mmio_access *acc)
{
	struct virtio_pci *vp = pdev->priv;
	int ret = -EINVAL;

	atomic_fetch_add_explicit(&vp->vd->exits, 1, memory_order_relaxed);
	if (!acc->is_write)
		acc->data = 0;
	if (bar == vp->regs_bar && acc->len)
		ret = vp->regs_access(vp, acc);
	else if (bar == VIRTIO_PCI_MSIX_BAR && vp->msix.pdev &&
		 !pci_msix_bar_access(&vp->msix, acc, &ret))
		ret = -EINVAL;	/* the BAR past the table and PBA */
	if (ret && !acc->is_write)
		acc->data = 0;
	return ret;
}
