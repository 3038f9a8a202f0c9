// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio-pci device in a snapshot (modern or legacy): a tag and a
 * version of its own, the transport's registers the driver wrote
 * (selectors, the features being written, the MSI-X vectors of config
 * changes and of each queue, the legacy PFNs), the function's config
 * space (devices/pci/pci-snap.c: BARs as the guest placed them, the
 * command register, MSI-X Enable and Function Mask), the MSI-X table
 * and pending bits, then the core's and the model's state
 * (devices/virtio/virtio-snap.c), all with the I/O thread held off.
 *
 * A restore writes into a function set-up made, then has the bridge
 * decode its BARs again: the queues' KVM ioeventfds follow the
 * registers' BAR to where the guest had put it (vpci_bar_moved), and
 * the MSI-X vectors' routes are made again through the GIC's MSI frame.
 */
#include <errno.h>

#include "devices/virtio/pci.h"
#include "lib/snapshot.h"

#define VPCI_SNAP_TAG		0x49435056	/* "VPCI" */
#define VPCI_SNAP_VERSION	1

static void vpci_snap_transport(struct virtio_pci *vp, struct snapshot *s)
{
	unsigned int q;

	snapshot_put_u32(s, VPCI_SNAP_TAG);
	snapshot_put_u32(s, VPCI_SNAP_VERSION);
	snapshot_put_u32(s, vp->legacy);
	snapshot_put_u32(s, vp->dev_features_sel);
	snapshot_put_u32(s, vp->drv_features_sel);
	snapshot_put_u32(s, vp->queue_sel);
	snapshot_put_u64(s, vp->drv_features);
	snapshot_put_u32(s, vp->config_vector);
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		snapshot_put_u32(s, vp->queue_vector[q]);
		snapshot_put_u32(s, vp->queue_pfn[q]);
	}
}

int virtio_pci_save(struct virtio_pci *vp, struct snapshot *s)
{
	struct virtio_dev *vd = vp->vd;
	int ret;

	if (!virtio_dev_can_save(vd))
		return -EOPNOTSUPP;
	virtio_dev_quiesce(vd);
	pthread_mutex_lock(&vd->lock);
	vpci_snap_transport(vp, s);
	pthread_mutex_unlock(&vd->lock);
	ret = pci_dev_save(&vp->pdev, s);
	ret = ret ?: pci_msix_save(&vp->msix, s);
	ret = ret ?: virtio_dev_save(vd, s);
	virtio_dev_resume(vd);
	return ret;
}

/* A vector the table has, or none. */
static bool vpci_vector_ok(uint32_t v)
{
	return v < VIRTIO_PCI_MSIX_VECTORS || v == VIRTIO_MSI_NO_VECTOR;
}

static int vpci_restore_transport(struct virtio_pci *vp, struct snapshot *s)
{
	uint32_t tag = snapshot_get_u32(s), version = snapshot_get_u32(s);
	uint32_t legacy = snapshot_get_u32(s), v;
	unsigned int q;
	int ret = 0;

	if (s->err || tag != VPCI_SNAP_TAG || version != VPCI_SNAP_VERSION ||
	    legacy != vp->legacy)
		return -EINVAL;
	pthread_mutex_lock(&vp->vd->lock);
	vp->dev_features_sel = snapshot_get_u32(s);
	vp->drv_features_sel = snapshot_get_u32(s);
	vp->queue_sel = snapshot_get_u32(s);
	vp->drv_features = snapshot_get_u64(s);
	v = snapshot_get_u32(s);
	ret |= !vpci_vector_ok(v);
	vp->config_vector = v;
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		v = snapshot_get_u32(s);
		ret |= !vpci_vector_ok(v);
		vp->queue_vector[q] = v;
		vp->queue_pfn[q] = snapshot_get_u32(s);
	}
	pthread_mutex_unlock(&vp->vd->lock);
	return ret || s->err ? -EINVAL : 0;
}

int virtio_pci_restore(struct virtio_pci *vp, struct snapshot *s)
{
	int ret = vpci_restore_transport(vp, s);

	ret = ret ?: pci_dev_restore(&vp->pdev, s);
	ret = ret ?: pci_msix_restore(&vp->msix, s);
	ret = ret ?: virtio_dev_restore(vp->vd, s);
	if (ret)
		return ret;
	/* The BARs decode where the guest put them; the ioeventfds follow. */
	pci_dev_restored(&vp->pdev);
	return 0;
}
