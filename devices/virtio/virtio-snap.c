// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio device's core state in a snapshot: status, features, ISR,
 * config generation, and each queue's settings and indexes; then the
 * model's own (virtio_dev_ops.save). The snapshot is taken with the
 * I/O thread held off (io_lock): it serves a batch whole, every chain
 * it pops is pushed before it lets go, so nothing is in flight and
 * nothing is lost or served twice. A buffer the driver made available
 * and the device had not yet looked at stays in the avail ring (guest
 * RAM): the restored I/O thread looks at every queue when it starts.
 *
 * The restore trusts nothing: the device must be the one set-up made
 * (its ID, its queue count), the driver's features ones it offers, a
 * mapped ring must lie in RAM as virtq_start() checks, and an index
 * cannot be further ahead of another than the queue has entries.
 */
#include <errno.h>
#include <limits.h>

#include "devices/virtio/virtio-core.h"
#include "lib/snapshot.h"

/* Per-queue flags. */
#define VQ_READY	0x1
#define VQ_MAPPED	0x2	/* the rings were checked and in use */
#define VQ_INDIRECT	0x4
#define VQ_EVENT_IDX	0x8
#define VQ_NO_NOTIFY	0x10
#define VQ_BROKEN	0x20
#define VQ_FLAGS	0x3f

#define VIRTIO_STATUS_KNOWN	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | \
				 VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK | \
				 VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED)

/* Within a snapshot's bracket the I/O thread is held off already. */
void virtio_dev_quiesce(struct virtio_dev *vd)
{
	if (!vd->snap_held)
		pthread_mutex_lock(&vd->io_lock);
}

void virtio_dev_resume(struct virtio_dev *vd)
{
	if (!vd->snap_held)
		pthread_mutex_unlock(&vd->io_lock);
}

void virtio_dev_snapshot_begin(struct virtio_dev *vd)
{
	pthread_mutex_lock(&vd->io_lock);
	vd->snap_held = true;
	if (vd->ops->snapshot_begin)
		vd->ops->snapshot_begin(vd);
}

bool virtio_dev_can_save(const struct virtio_dev *vd)
{
	return vd->ops->save && vd->ops->restore;
}

static void virtq_save(const struct virtq *vq, struct snapshot *s)
{
	uint32_t flags = (vq->ready ? VQ_READY : 0) | (vq->desc ? VQ_MAPPED : 0) |
			 (vq->indirect ? VQ_INDIRECT : 0) |
			 (vq->event_idx ? VQ_EVENT_IDX : 0) |
			 (vq->no_notify ? VQ_NO_NOTIFY : 0) |
			 (vq->broken ? VQ_BROKEN : 0);

	snapshot_put_u32(s, vq->num);
	snapshot_put_u32(s, flags);
	snapshot_put_u64(s, vq->desc_gpa);
	snapshot_put_u64(s, vq->avail_gpa);
	snapshot_put_u64(s, vq->used_gpa);
	snapshot_put_u32(s, vq->last_avail | (uint32_t)vq->used_idx << 16);
	snapshot_put_u32(s, vq->signalled);
}

int virtio_dev_save(struct virtio_dev *vd, struct snapshot *s)
{
	unsigned int q;
	int ret;

	if (!virtio_dev_can_save(vd))
		return -EOPNOTSUPP;
	pthread_mutex_lock(&vd->lock);
	snapshot_put_u32(s, vd->device_id);
	snapshot_put_u32(s, vd->nr_queues);
	snapshot_put_u32(s, vd->status);
	snapshot_put_u64(s, vd->guest_features);
	snapshot_put_u32(s, atomic_load(&vd->isr));
	snapshot_put_u32(s, __atomic_load_n(&vd->config_gen, __ATOMIC_ACQUIRE));
	for (q = 0; q < vd->nr_queues; q++)
		virtq_save(&vd->vqs[q], s);
	pthread_mutex_unlock(&vd->lock);
	ret = vd->ops->save(vd, s);
	return ret ?: snapshot_error(s);
}

/* One queue, read into vq (reset by set-up): -EINVAL for what cannot be. */
static int virtq_restore(struct virtq *vq, const struct guest_mem *mem,
			 struct snapshot *s)
{
	uint32_t num = snapshot_get_u32(s), flags = snapshot_get_u32(s);
	uint32_t idx, signalled;

	vq->desc_gpa = snapshot_get_u64(s);
	vq->avail_gpa = snapshot_get_u64(s);
	vq->used_gpa = snapshot_get_u64(s);
	idx = snapshot_get_u32(s);
	signalled = snapshot_get_u32(s);
	if (s->err || num > VIRTQ_MAX_SIZE || (flags & ~VQ_FLAGS) ||
	    signalled > USHRT_MAX || ((flags & VQ_MAPPED) && !(flags & VQ_READY)))
		return -EINVAL;
	vq->num = num;
	vq->ready = flags & VQ_READY;
	vq->indirect = flags & VQ_INDIRECT;
	vq->event_idx = flags & VQ_EVENT_IDX;
	if (!(flags & VQ_MAPPED))
		return 0;
	if (virtq_start(vq, mem))
		return -EINVAL;
	vq->last_avail = idx & 0xffff;
	vq->used_idx = idx >> 16;
	/* Chains taken and not given back: never more than the ring holds. */
	if ((uint16_t)(vq->last_avail - vq->used_idx) > num)
		return -EINVAL;
	vq->signalled = signalled;
	vq->no_notify = flags & VQ_NO_NOTIFY;
	vq->broken = flags & VQ_BROKEN;
	if (vq->broken)
		vq->error = "broken before the snapshot";
	return 0;
}

static int virtio_core_restore(struct virtio_dev *vd, struct snapshot *s)
{
	uint32_t id = snapshot_get_u32(s), nr = snapshot_get_u32(s);
	uint32_t status = snapshot_get_u32(s), isr;
	uint64_t features = snapshot_get_u64(s);
	unsigned int q;
	int ret;

	isr = snapshot_get_u32(s);
	vd->config_gen = snapshot_get_u32(s);
	if (s->err || id != vd->device_id || nr != vd->nr_queues ||
	    (status & ~VIRTIO_STATUS_KNOWN) ||
	    (features & ~virtio_dev_features(vd)) ||
	    (isr & ~(VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG)))
		return -EINVAL;
	vd->status = status;
	vd->guest_features = features;
	atomic_store(&vd->isr, isr);
	for (q = 0; q < nr; q++) {
		ret = virtq_restore(&vd->vqs[q], vd->mem, s);
		if (ret)
			return ret;
	}
	return 0;
}

void virtio_dev_snapshot_done(struct virtio_dev *vd, bool runs_on)
{
	if (!vd->snap_held)
		return;
	if (runs_on && vd->ops->snapshot_done)
		vd->ops->snapshot_done(vd);
	vd->snap_held = false;
	pthread_mutex_unlock(&vd->io_lock);
}

int virtio_dev_restore(struct virtio_dev *vd, struct snapshot *s)
{
	int ret;

	if (!virtio_dev_can_save(vd))
		return -EOPNOTSUPP;
	pthread_mutex_lock(&vd->io_lock);
	pthread_mutex_lock(&vd->lock);
	ret = virtio_core_restore(vd, s);
	pthread_mutex_unlock(&vd->lock);
	ret = ret ?: vd->ops->restore(vd, s);
	pthread_mutex_unlock(&vd->io_lock);
	if (!ret && (s->err || snapshot_left(s)))
		ret = -EINVAL;
	return ret;
}
