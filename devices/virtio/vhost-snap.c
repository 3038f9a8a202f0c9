// SPDX-License-Identifier: GPL-2.0
/*
 * A vhost device's rings in a snapshot (devices/virtio/vhost.h). The
 * host kernel holds where it is in each ring: its next avail index
 * (VHOST_GET_VRING_BASE, once the backend has stopped). The used index
 * is in guest RAM, which the snapshot holds; vhost reads it again when
 * its backend is set. So the save stops the backend, reads each base
 * and keeps the rings stopped until the snapshot is written (a running
 * vhost would write RAM that no longer matches the bases); the restore,
 * or the VM running on, starts them again from those bases.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "devices/virtio/vhost.h"
#include "lib/snapshot.h"

/* Before the GIC is read: no completion, no interrupt from vhost after it. */
void vhost_hold(struct vhost_dev *vh)
{
	vhost_stop(vh);
	vh->held = true;
}

int vhost_save(struct vhost_dev *vh, struct snapshot *s)
{
	unsigned int q;

	vhost_stop(vh);
	vh->held = true;
	snapshot_put_u32(s, vh->queues);
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++)
		if (vh->queues & (1u << q))
			snapshot_put_u32(s, vh->base[q]);
	return snapshot_error(s);
}

/* The used index the driver sees, from guest RAM; false when unmapped. */
static bool vhost_used_idx(const struct virtio_dev *vd, const struct virtq *vq,
			   uint16_t *idx)
{
	uint16_t le;
	void *p;

	if (!vq->desc)
		return false;
	p = guest_mem_ptr(vd->mem, vq->used_gpa + 2, sizeof(le));
	if (!p)
		return false;
	memcpy(&le, p, sizeof(le));
	*idx = le16toh(le);
	return true;
}

/* A base vhost could have left: past the used index by no more than the ring. */
static int vhost_base_check(const struct virtio_dev *vd, unsigned int q,
			    uint32_t base)
{
	const struct virtq *vq = &vd->vqs[q];
	uint16_t used;

	if (base > 0xffff)
		return -EINVAL;
	if (!vhost_used_idx(vd, vq, &used))
		return base ? -EINVAL : 0;
	return (uint16_t)(base - used) > vq->num ? -EINVAL : 0;
}

int vhost_restore(struct vhost_dev *vh, struct snapshot *s)
{
	uint32_t mask = snapshot_get_u32(s), base;
	unsigned int q;
	int ret;

	if (s->err || mask != vh->queues)
		return -EINVAL;
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		if (!(mask & (1u << q)))
			continue;
		base = snapshot_get_u32(s);
		if (s->err)
			return -EINVAL;
		ret = vhost_base_check(vh->vd, q, base);
		if (ret)
			return ret;
		vh->base[q] = base;
	}
	vh->resumed = true;
	return 0;
}

void vhost_snapshot_done(struct vhost_dev *vh)
{
	vh->held = false;
}
