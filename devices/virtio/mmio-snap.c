// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio-mmio device in a snapshot: a tag and version of its own,
 * the transport's registers the driver wrote (selectors, the features
 * being written, the legacy page size, alignments and PFNs), then the
 * core's and the model's state (devices/virtio/virtio-snap.c), all
 * with the I/O thread held off. What KVM holds (the ioeventfds, the
 * irqfd) is made by set-up and start as for any run; the window and
 * the SPI are the board's, the same for the same options.
 */
#include <errno.h>

#include "devices/virtio/mmio.h"
#include "lib/snapshot.h"

#define MMIO_SNAP_TAG		0x4f494d56	/* "VMIO" */
#define MMIO_SNAP_VERSION	1

static void mmio_snap_transport(struct virtio_mmio *vm, struct snapshot *s)
{
	unsigned int q;

	snapshot_put_u32(s, MMIO_SNAP_TAG);
	snapshot_put_u32(s, MMIO_SNAP_VERSION);
	snapshot_put_u32(s, vm->vd->legacy);
	snapshot_put_u32(s, vm->dev_features_sel);
	snapshot_put_u32(s, vm->drv_features_sel);
	snapshot_put_u32(s, vm->queue_sel);
	snapshot_put_u64(s, vm->drv_features);
	snapshot_put_u32(s, vm->guest_page_size);
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		snapshot_put_u32(s, vm->queue_align[q]);
		snapshot_put_u32(s, vm->queue_pfn[q]);
	}
}

int virtio_mmio_save(struct virtio_mmio *vm, struct snapshot *s)
{
	struct virtio_dev *vd = vm->vd;
	int ret;

	if (!virtio_dev_can_save(vd))
		return -EOPNOTSUPP;
	virtio_dev_quiesce(vd);
	pthread_mutex_lock(&vd->lock);
	mmio_snap_transport(vm, s);
	pthread_mutex_unlock(&vd->lock);
	ret = virtio_dev_save(vd, s);
	virtio_dev_resume(vd);
	return ret;
}

/* The registers are only read back as written: any value is harmless. */
int virtio_mmio_restore(struct virtio_mmio *vm, struct snapshot *s)
{
	struct virtio_dev *vd = vm->vd;
	uint32_t tag = snapshot_get_u32(s), version = snapshot_get_u32(s);
	uint32_t legacy = snapshot_get_u32(s);
	unsigned int q;

	if (s->err || tag != MMIO_SNAP_TAG || version != MMIO_SNAP_VERSION ||
	    legacy != vd->legacy)
		return -EINVAL;
	pthread_mutex_lock(&vd->lock);
	vm->dev_features_sel = snapshot_get_u32(s);
	vm->drv_features_sel = snapshot_get_u32(s);
	vm->queue_sel = snapshot_get_u32(s);
	vm->drv_features = snapshot_get_u64(s);
	vm->guest_page_size = snapshot_get_u32(s);
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		vm->queue_align[q] = snapshot_get_u32(s);
		vm->queue_pfn[q] = snapshot_get_u32(s);
	}
	pthread_mutex_unlock(&vd->lock);
	if (s->err)
		return -EINVAL;
	return virtio_dev_restore(vd, s);
}
