// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio device on the PCI host bridge: its PCI function (modern: IDs,
 * BAR 1, the vendor capabilities; legacy: a transitional ID and BAR 0,
 * an I/O BAR), MSI-X in BAR 2, its INTx line, and the KVM ioeventfds on
 * the notify address, which follow the registers' BAR wherever the
 * guest moves it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/pci.h"
#include "lib/log.h"

#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4
#define VIRTIO_PCI_CAP_LEN		16	/* struct virtio_pci_cap */
#define VIRTIO_PCI_NOTIFY_CAP_LEN	20	/* and notify_off_multiplier */

/* kvmtool's class codes, so guests see the same devices. */
static uint32_t vpci_class(uint32_t device_id)
{
	switch (device_id) {
	case VIRTIO_ID_NET:	return 0x020000;	/* network */
	case VIRTIO_ID_BLOCK:	return 0x018000;	/* mass storage, other */
	case VIRTIO_ID_CONSOLE:	return 0x078000;	/* communication, other */
	}
	return 0xff0000;				/* unclassified */
}

static void vpci_put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* One vendor capability (4.1.4): where in BAR 1 a region lies. */
static int vpci_add_cap(struct pci_dev *pdev, uint8_t type, uint32_t off,
			uint32_t len)
{
	uint8_t cap_len = type == VIRTIO_PCI_CAP_NOTIFY_CFG ?
			  VIRTIO_PCI_NOTIFY_CAP_LEN : VIRTIO_PCI_CAP_LEN;
	uint8_t at;
	int ret = pci_dev_add_cap(pdev, PCI_CAP_ID_VNDR, cap_len, &at);

	if (ret)
		return ret;
	pdev->cfg[at + 2] = cap_len;
	pdev->cfg[at + 3] = type;
	pdev->cfg[at + 4] = VIRTIO_PCI_BAR;
	vpci_put32(pdev->cfg + at + 8, off);
	vpci_put32(pdev->cfg + at + 12, len);
	/* notify_off_multiplier 0: every queue notifies at one address. */
	return 0;
}

static int vpci_add_caps(struct pci_dev *pdev)
{
	int ret;

	ret = vpci_add_cap(pdev, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON,
			   VIRTIO_PCI_COMMON_SIZE);
	ret = ret ?: vpci_add_cap(pdev, VIRTIO_PCI_CAP_NOTIFY_CFG,
				  VIRTIO_PCI_NOTIFY, VIRTIO_PCI_NOTIFY_SIZE);
	ret = ret ?: vpci_add_cap(pdev, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR,
				  VIRTIO_PCI_ISR_SIZE);
	return ret ?: vpci_add_cap(pdev, VIRTIO_PCI_CAP_DEVICE_CFG,
				   VIRTIO_PCI_DEVCFG, VIRTIO_PCI_DEVCFG_SIZE);
}

/* ---- notifications ---- */

/*
 * A KVM ioeventfd per queue on the notify address, datamatch the
 * queue's index as Linux writes it (16 bits): all of them, or none.
 */
static int vpci_ioeventfds(struct virtio_pci *vp, uint64_t addr, bool on)
{
	struct virtio_dev *vd = vp->vd;
	const struct device_host_ops *h = vd->host_ops;
	unsigned int q;
	int ret;

	for (q = 0; q < vd->nr_queues; q++) {
		ret = h->ioeventfd(vd->host, addr, 2, true, q, vd->queue_fd[q], on);
		if (ret && on) {
			while (q--)
				h->ioeventfd(vd->host, addr, 2, true, q,
					     vd->queue_fd[q], false);
			return ret;
		}
	}
	return 0;
}

/*
 * The registers' BAR moved (the bridge's lock held): the ioeventfds go
 * with it, or away while it decodes nowhere. Without them a notify
 * exits, and the register model wakes the queue. An I/O BAR's address
 * is a CPU address too (the I/O window is memory-mapped).
 */
static void vpci_bar_moved(struct pci_dev *pdev, unsigned int bar, uint64_t addr)
{
	struct virtio_pci *vp = pdev->priv;
	struct virtio_dev *vd = vp->vd;
	int ret;

	if (bar != vp->regs_bar || !vp->ioeventfd)
		return;
	if (vp->notify_bound)
		vpci_ioeventfds(vp, vp->notify_bound, false);
	vp->notify_bound = 0;
	if (addr == PCI_DECODE_NONE)
		return;
	ret = vpci_ioeventfds(vp, addr + vp->notify_off, true);
	if (!ret) {
		vp->notify_bound = addr + vp->notify_off;
		return;
	}
	if (ret == -EOPNOTSUPP)
		vp->ioeventfd = false;
	/* The guest's doing, on a vCPU thread: never more than debug. */
	pr_debug(vd->loglevel, "%s: no ioeventfd at 0x%llx (%s): notifies exit",
		 vd->name, (unsigned long long)addr, strerror(-ret));
}

/*
 * A config write (the bridge's lock held): MSI-X Enable or Function
 * Mask may have changed; INTx stops while MSI-X is on, and resumes
 * with the ISR when it goes off.
 */
static void vpci_config_written(struct pci_dev *pdev, uint32_t off, uint32_t len)
{
	struct virtio_pci *vp = pdev->priv;

	pci_msix_config_written(&vp->msix, off, len);
	virtio_pci_intx_sync(vp);
}

static const struct pci_dev_ops virtio_pci_ops = {
	.bar_access = virtio_pci_bar_access,
	.bar_moved = vpci_bar_moved,
	.config_written = vpci_config_written,
};

/* ---- the device ---- */

static int vpci_dev_start(struct device *dev)
{
	struct virtio_pci *vp = dev->priv;

	return virtio_dev_start(vp->vd);
}

static void vpci_dev_stop(struct device *dev)
{
	struct virtio_pci *vp = dev->priv;

	virtio_dev_stop(vp->vd);
}

/* Before the bridge (listed first, destroyed last), vCPUs stopped. */
static void vpci_dev_destroy(struct device *dev)
{
	struct virtio_pci *vp = dev->priv;

	virtio_dev_stop(vp->vd);
	if (vp->notify_bound)
		vpci_ioeventfds(vp, vp->notify_bound, false);
	vp->notify_bound = 0;
	virtio_dev_destroy(vp->vd);
	pci_msix_destroy(&vp->msix);
	pci_dev_destroy(&vp->pdev);
	pthread_mutex_destroy(&vp->isr_lock);
	free(vp);
}

static void vpci_dev_stats(struct device *dev, struct device_stats *s)
{
	struct virtio_pci *vp = dev->priv;
	struct virtio_dev *vd = vp->vd;
	unsigned int q;

	for (q = 0; q < vd->nr_queues; q++)
		s->requests += __atomic_load_n(&vd->vqs[q].completed, __ATOMIC_RELAXED);
	s->exits += atomic_load_explicit(&vd->exits, memory_order_relaxed);
	s->irqs += atomic_load_explicit(&vd->irqs, memory_order_relaxed);
}

static int vpci_dev_save(struct device *dev, struct snapshot *s)
{
	struct virtio_pci *vp = dev->priv;

	return virtio_pci_save(vp, s);
}

/* Before start: the I/O thread comes after, as in any run. */
static int vpci_dev_restore(struct device *dev, struct snapshot *s)
{
	struct virtio_pci *vp = dev->priv;

	return virtio_pci_restore(vp, s);
}

static void vpci_dev_snapshot_begin(struct device *dev)
{
	struct virtio_pci *vp = dev->priv;

	virtio_dev_snapshot_begin(vp->vd);
}

static void vpci_dev_snapshot_done(struct device *dev, bool runs_on)
{
	struct virtio_pci *vp = dev->priv;

	virtio_dev_snapshot_done(vp->vd, runs_on);
}

static const struct device_ops virtio_pci_dev_ops = {
	.name = "virtio-pci",
	.start = vpci_dev_start,
	.stop = vpci_dev_stop,
	.stats = vpci_dev_stats,
	.destroy = vpci_dev_destroy,
};

/* A model that can be saved: snapshots see save and restore. */
static const struct device_ops virtio_pci_dev_snap_ops = {
	.name = "virtio-pci",
	.start = vpci_dev_start,
	.stop = vpci_dev_stop,
	.save = vpci_dev_save,
	.restore = vpci_dev_restore,
	.snapshot_begin = vpci_dev_snapshot_begin,
	.snapshot_done = vpci_dev_snapshot_done,
	.stats = vpci_dev_stats,
	.destroy = vpci_dev_destroy,
};

/*
 * The transitional device IDs (4.1.2.1), which Linux's legacy driver
 * takes (0x1000-0x103f); a type without one has no legacy interface.
 */
static int vpci_legacy_id(uint32_t device_id, uint16_t *id)
{
	switch (device_id) {
	case VIRTIO_ID_NET:	*id = 0x1000; return 0;
	case VIRTIO_ID_BLOCK:	*id = 0x1001; return 0;
	case VIRTIO_ID_CONSOLE:	*id = 0x1003; return 0;
	case VIRTIO_ID_RNG:	*id = 0x1005; return 0;
	case VIRTIO_ID_9P:	*id = 0x1009; return 0;
	}
	return -EINVAL;
}

/* The function's IDs, and where its registers are. */
static int vpci_ids(struct virtio_pci *vp, struct pci_dev_id *id)
{
	uint32_t type = vp->vd->device_id;

	*id = (struct pci_dev_id) {
		.vendor = VIRTIO_PCI_VENDOR_ID,
		.subsys_vendor = VIRTIO_PCI_VENDOR_ID,
		.class = vpci_class(type),
	};
	if (!vp->legacy) {
		id->device = VIRTIO_PCI_DEVICE_ID_BASE + type;
		id->subsys = VIRTIO_PCI_SUBSYS_ID_BASE + type;
		id->revision = VIRTIO_PCI_REVISION;
		vp->regs_bar = VIRTIO_PCI_BAR;
		vp->notify_off = VIRTIO_PCI_NOTIFY;
		return 0;
	}
	/* Legacy: the subsystem ID is the device type, as kvmtool's. */
	id->subsys = type;
	id->revision = VIRTIO_PCI_LEGACY_REVISION;
	vp->regs_bar = VIRTIO_PCI_LEGACY_BAR;
	vp->notify_off = VIRTIO_PCI_LEGACY_NOTIFY;
	return vpci_legacy_id(type, &id->device);
}

/* Modern: BAR 1 and the capabilities that point into it; legacy: BAR 0. */
static int vpci_regs(struct virtio_pci *vp)
{
	int ret;

	if (vp->legacy)
		return pci_dev_add_io_bar(&vp->pdev, VIRTIO_PCI_LEGACY_BAR,
					  VIRTIO_PCI_LEGACY_BAR_SIZE);
	ret = pci_dev_add_bar(&vp->pdev, VIRTIO_PCI_BAR, VIRTIO_PCI_BAR_SIZE);
	return ret ?: vpci_add_caps(&vp->pdev);
}

static int vpci_function(struct virtio_pci *vp)
{
	struct virtio_dev *vd = vp->vd;
	struct pci_dev_id id;
	int ret = vpci_ids(vp, &id);

	if (ret)
		return ret;
	ret = pci_dev_init(&vp->pdev, &id, &virtio_pci_ops, vp);
	if (ret)
		return ret;
	vp->pdev.name = vd->name;
	ret = vpci_regs(vp);
	ret = ret ?: pci_dev_add_bar(&vp->pdev, VIRTIO_PCI_MSIX_BAR,
				     VIRTIO_PCI_MSIX_BAR_SIZE);
	/* MSI-X: a vector a queue, one for config changes (devices/virtio/pci.h). */
	ret = ret ?: pci_msix_init(&vp->msix, &vp->pdev, VIRTIO_PCI_MSIX_VECTORS,
				   VIRTIO_PCI_MSIX_BAR, VIRTIO_PCI_MSIX_TABLE,
				   VIRTIO_PCI_MSIX_PBA);
	if (ret) {
		pci_dev_destroy(&vp->pdev);
		return ret;
	}
	pci_dev_set_pin(&vp->pdev, &vd->irq);
	return 0;
}

int virtio_pci_create(struct virtio_pci *vp, struct virtio_dev *vd,
		      const struct device_ctx *ctx, bool legacy)
{
	int ret;

	memset(vp, 0, sizeof(*vp));
	if (vd->config_size > VIRTIO_PCI_DEVCFG_SIZE || !ctx->add_pci)
		return -EINVAL;
	vp->vd = vd;
	vp->legacy = legacy;
	vp->regs_access = legacy ? virtio_pci_legacy_access : virtio_pci_modern_access;
	vd->legacy = legacy;
	vd->mem = ctx->mem;
	vd->host_ops = ctx->host_ops;
	vd->host = ctx->host;
	vd->loglevel = ctx->loglevel;
	ret = ctx->alloc_irq(ctx->opaque, &vd->irq);
	if (ret)
		return ret;
	vd->irq.irqfd = -1;	/* a level line: driven, never an irqfd's edge */
	ret = -pthread_mutex_init(&vp->isr_lock, NULL);
	if (ret)
		return ret;
	ret = vpci_function(vp);
	if (ret)
		goto err_lock;
	vd->interrupt = virtio_pci_interrupt;
	vd->transport = vp;
	virtio_pci_reset_transport(vp);
	vp->ioeventfd = vd->host_ops && vd->host_ops->ioeventfd;
	vp->dev = (struct device) {
		.ops = virtio_dev_can_save(vd) ? &virtio_pci_dev_snap_ops :
						 &virtio_pci_dev_ops,
		.name = vd->name, .priv = vp,
	};
	/* Last: on the bridge, the function stays until the bridge goes. */
	ret = ctx->add_pci(ctx->opaque, &vp->pdev);
	if (ret)
		goto err_pdev;
	return 0;

err_pdev:
	if (vp->notify_bound)
		vpci_ioeventfds(vp, vp->notify_bound, false);
	vd->interrupt = NULL;
	pci_msix_destroy(&vp->msix);
	pci_dev_destroy(&vp->pdev);
err_lock:
	pthread_mutex_destroy(&vp->isr_lock);
	return ret;
}
