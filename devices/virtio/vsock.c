// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock over vhost-vsock: lkvm offers the device and its config
 * space, and starts and stops the host kernel's data path as the driver
 * brings the device up and resets it (devices/virtio/vhost.h).
 */
#include <endian.h>
#include <errno.h>
#include <linux/vhost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "devices/virtio/vhost.h"
#include "devices/virtio/vsock.h"
#include "lib/log.h"
#include "lib/snapshot.h"

#define BIT64(n)		(1ULL << (n))
#define VSOCK_F_SEQPACKET	1	/* virtio 1.2, 5.10.3 */
/* What the virtio core offers every driver: vhost must honour it too. */
#define VSOCK_CORE_F		(BIT64(VIRTIO_F_INDIRECT_DESC) | \
				 BIT64(VIRTIO_F_EVENT_IDX) | \
				 BIT64(VIRTIO_F_VERSION_1))

struct virtio_vsock {
	struct virtio_dev vd;
	uint64_t cid;
	struct vhost_dev vh;
	bool vhost;		/* vh is open (not in tests) */
	bool start_failed;	/* said so once */
	bool reset_pending;	/* restored: the driver is to hear of it */
};

/* The event queue's one event (virtio 1.2, 5.10.6.7): its id, a le32. */
#define VSOCK_EVENT_TRANSPORT_RESET	0

static void vsock_config_read(struct virtio_dev *vd, uint32_t off, void *buf,
			      uint32_t len)
{
	struct virtio_vsock *v = vd->priv;
	uint64_t le = htole64(v->cid);

	/* The core checked off + len <= config_size (8). */
	memcpy(buf, (uint8_t *)&le + off, len);
}

/*
 * After a restore the host kernel knows nothing of the guest's
 * connections (its vsock state is not in the snapshot): the driver is
 * told the transport was reset, so that it closes them (a peer that
 * only reads would otherwise wait for ever) and reads its CID again.
 * On the I/O thread; the event waits for a buffer if none is there.
 */
static void vsock_send_reset(struct virtio_vsock *v)
{
	struct virtq *vq = &v->vd.vqs[VSOCK_QUEUE_EVENT];
	uint32_t id = htole32(VSOCK_EVENT_TRANSPORT_RESET);
	struct virtq_elem e;
	int ret;

	if (!v->reset_pending || !vq->desc)
		return;
	ret = virtq_pop(vq, &e);
	if (ret < 0) {
		virtio_dev_broken(&v->vd, VSOCK_QUEUE_EVENT);
		return;
	}
	if (!ret)
		return;
	v->reset_pending = false;
	if (e.nr_in < 1 || e.iov[e.nr_out].iov_len < sizeof(id)) {
		virtq_push(vq, &e, 0);	/* too small: the driver's fault, said so */
		virtio_dev_broken(&v->vd, VSOCK_QUEUE_EVENT);
		return;
	}
	memcpy(e.iov[e.nr_out].iov_base, &id, sizeof(id));
	virtq_push(vq, &e, sizeof(id));
	virtio_dev_signal(&v->vd, VSOCK_QUEUE_EVENT);
}

/* The event queue is lkvm's: new buffers may take a pending event. */
static void vsock_queue_notify(struct virtio_dev *vd, unsigned int q)
{
	if (q == VSOCK_QUEUE_EVENT)
		vsock_send_reset(vd->priv);
}

static int vsock_set_running(struct vhost_dev *vh, int on)
{
	return ioctl(vh->fd, VHOST_VSOCK_SET_RUNNING, &on) < 0 ? -errno : 0;
}

static int vsock_vhost_start(struct vhost_dev *vh)
{
	return vsock_set_running(vh, 1);
}

static int vsock_vhost_stop(struct vhost_dev *vh)
{
	return vsock_set_running(vh, 0);
}

static const struct vhost_backend_ops vsock_vhost_ops = {
	.start = vsock_vhost_start,
	.stop = vsock_vhost_stop,
};

/*
 * On the I/O thread, woken when the driver sets DRIVER_OK (and by any
 * later kick): the rings are set, so vhost takes them over. A ring
 * vhost refuses leaves the device needing a reset.
 */
static void vsock_kick(struct virtio_dev *vd)
{
	struct virtio_vsock *v = vd->priv;
	int ret;

	if (!virtio_dev_running(vd))
		return;
	if (!v->vhost || !vhost_can_start(&v->vh)) {
		vsock_send_reset(v);
		return;
	}
	ret = vhost_start(&v->vh);
	if (!ret) {
		vsock_send_reset(v);
		return;
	}
	if (!v->start_failed)
		pr_warn(vd->loglevel, "%s: vhost-vsock did not start: %s; the device needs a reset",
			vd->name, strerror(-ret));
	v->start_failed = true;
	vhost_stop(&v->vh);
	virtio_dev_broken(vd, VSOCK_QUEUE_RX);
}

/* With the I/O thread held off: vhost lets go of the rings. */
static void vsock_reset(struct virtio_dev *vd)
{
	struct virtio_vsock *v = vd->priv;

	if (v->vhost)
		vhost_reset(&v->vh);
	v->reset_pending = false;
}

/*
 * Snapshots: the guest's CID, then the rx and tx rings' bases
 * (devices/virtio/vhost-snap.c), read with vhost-vsock stopped
 * (VHOST_VSOCK_SET_RUNNING 0). The event queue is the core's. The
 * connections are the host kernel's and are not saved: a restore
 * tells the driver its transport was reset.
 */
#define VSOCK_SNAP_VERSION	1

static int vsock_save(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_vsock *v = vd->priv;

	snapshot_put_u32(s, VSOCK_SNAP_VERSION);
	snapshot_put_u64(s, v->cid);
	return vhost_save(&v->vh, s);
}

/* The CID comes from the options (--vsock), which match the saved run's. */
static int vsock_restore(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_vsock *v = vd->priv;
	uint32_t version = snapshot_get_u32(s);
	uint64_t cid = snapshot_get_u64(s);
	int ret;

	if (s->err || version != VSOCK_SNAP_VERSION || cid != v->cid)
		return -EINVAL;
	ret = vhost_restore(&v->vh, s);
	if (!ret)
		v->reset_pending = virtio_dev_running(vd);
	return ret;
}

static void vsock_snapshot_begin(struct virtio_dev *vd)
{
	struct virtio_vsock *v = vd->priv;

	if (v->vhost)
		vhost_hold(&v->vh);
}

/*
 * The file is written (the I/O thread still held off by the snapshot's
 * bracket): once let go, it starts vhost again from the bases.
 */
static void vsock_snapshot_done(struct virtio_dev *vd)
{
	struct virtio_vsock *v = vd->priv;

	vhost_snapshot_done(&v->vh);
	virtio_dev_kick(vd);
}

static void vsock_destroy(struct virtio_dev *vd)
{
	struct virtio_vsock *v = vd->priv;

	if (v->vhost)
		vhost_close(&v->vh);
	free(v);
}

static const struct virtio_dev_ops vsock_ops = {
	.config_read = vsock_config_read,
	.queue_notify = vsock_queue_notify,
	.kick = vsock_kick,
	.reset = vsock_reset,
	.destroy = vsock_destroy,
	.save = vsock_save,
	.restore = vsock_restore,
	.snapshot_begin = vsock_snapshot_begin,
	.snapshot_done = vsock_snapshot_done,
};

static int vsock_alloc(uint64_t cid, struct virtio_vsock **vp)
{
	struct virtio_vsock *v = calloc(1, sizeof(*v));
	int ret;

	if (!v)
		return -ENOMEM;
	v->cid = cid;
	v->vh.fd = -1;
	/* The rings vhost serves, known to snapshots with or without vhost. */
	v->vh.vd = &v->vd;
	v->vh.queues = BIT64(VSOCK_QUEUE_RX) | BIT64(VSOCK_QUEUE_TX);
	v->vd.ops = &vsock_ops;
	v->vd.name = "virtio-vsock";
	v->vd.priv = v;
	v->vd.device_id = VIRTIO_ID_VSOCK;
	v->vd.config_size = sizeof(uint64_t);
	v->vd.nr_queues = VSOCK_NR_QUEUES;
	ret = virtio_dev_init(&v->vd);
	if (ret) {
		free(v);
		return ret;
	}
	*vp = v;
	return 0;
}

int virtio_vsock_new(uint64_t cid, struct virtio_dev **vd)
{
	struct virtio_vsock *v;
	int ret = vsock_alloc(cid, &v);

	if (!ret)
		*vd = &v->vd;
	return ret;
}

/* vhost-vsock behind the model: the guest's CID and what it offers. */
static int vsock_vhost_open(struct virtio_vsock *v, const char *path)
{
	uint64_t cid = v->cid;
	int ret;

	ret = vhost_open(&v->vh, path, &v->vd,
			 BIT64(VSOCK_QUEUE_RX) | BIT64(VSOCK_QUEUE_TX),
			 &vsock_vhost_ops);
	if (ret)
		return ret;
	v->vhost = true;
	if ((v->vh.features & VSOCK_CORE_F) != VSOCK_CORE_F)
		return -EOPNOTSUPP;
	v->vd.host_features = v->vh.features & BIT64(VSOCK_F_SEQPACKET);
	return ioctl(v->vh.fd, VHOST_VSOCK_SET_GUEST_CID, &cid) < 0 ? -errno : 0;
}

int virtio_vsock_create(const struct device_ctx *ctx, uint64_t cid,
			const char *vhost_path, enum virtio_transport t,
			struct device **dev)
{
	struct virtio_vsock *v;
	int ret;

	ret = vsock_alloc(cid, &v);
	if (ret)
		return ret;
	/* The transport sets vd.mem; vhost needs it first. */
	v->vd.mem = ctx->mem;
	ret = vsock_vhost_open(v, vhost_path);
	if (!ret)
		ret = virtio_transport_create(&v->vd, ctx, t, dev);
	if (ret)
		virtio_dev_destroy(&v->vd);
	return ret;
}
