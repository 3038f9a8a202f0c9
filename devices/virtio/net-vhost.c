// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net over vhost-net (-n mode=tap,vhost=1): lkvm offers the
 * device and its config space; the host kernel moves the frames
 * between the guest's rings and the tap (devices/virtio/vhost.h). The
 * tap stays lkvm's, opened and set up as without vhost. The guest's
 * virtio-net header reaches the tap as it is, so the tap's offloads
 * are the card's: checksums left to the other side and segments of up
 * to 64 KiB each way, where the tap can take them.
 */
#include <errno.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "devices/virtio/net.h"
#include "devices/virtio/vhost.h"
#include "host/net-tap.h"
#include "lib/log.h"
#include "lib/snapshot.h"

#define BIT64(n)		(1ULL << (n))
/* What the virtio core offers every driver: vhost must honour it too. */
#define NET_VHOST_CORE_F	(BIT64(VIRTIO_F_INDIRECT_DESC) | \
				 BIT64(VIRTIO_F_EVENT_IDX) | \
				 BIT64(VIRTIO_F_VERSION_1))

struct virtio_net_vhost {
	struct virtio_dev vd;
	char name[40];
	uint8_t config[VIRTIO_NET_CONFIG_SIZE];
	struct vhost_dev vh;
	int tap_fd;
	bool start_failed;	/* said so once */
};

static void net_vhost_config_read(struct virtio_dev *vd, uint32_t off, void *buf,
				  uint32_t len)
{
	struct virtio_net_vhost *n = vd->priv;

	memcpy(buf, n->config + off, len);
}

/* Both queues are vhost's: a notify never reaches lkvm's model. */
static void net_vhost_queue_notify(struct virtio_dev *vd, unsigned int q)
{
}

static int net_vhost_backend(struct vhost_dev *vh, int fd)
{
	struct vhost_vring_file f = { .fd = fd };
	int ret = 0;

	for (f.index = VIRTIO_NET_RXQ; f.index <= VIRTIO_NET_TXQ; f.index++)
		if (ioctl(vh->fd, VHOST_NET_SET_BACKEND, &f) < 0 && !ret)
			ret = -errno;
	return ret;
}

/*
 * The tap carries the guest's own header (vhost adds none: lkvm does
 * not ask for VHOST_NET_F_VIRTIO_NET_HDR): 12 bytes, or 10 for a legacy
 * driver without MRG_RXBUF; its offloads the driver's. Then the tap is
 * each queue's backend.
 */
static int net_vhost_start(struct vhost_dev *vh)
{
	struct virtio_net_vhost *n = vh->priv;
	int hdr = virtio_net_hdr_len(&n->vd), ret;

	if (ioctl(n->tap_fd, TUNSETVNETHDRSZ, &hdr) < 0)
		return -errno;
	/* What the tap may hand the guest: what the driver took. */
	ret = net_tap_offload_set(n->tap_fd, n->vd.guest_features);
	return ret ? ret : net_vhost_backend(vh, n->tap_fd);
}

/* vhost lets go of the tap (and flushes what it was doing). */
static int net_vhost_stop(struct vhost_dev *vh)
{
	return net_vhost_backend(vh, -1);
}

static const struct vhost_backend_ops net_vhost_ops = {
	.start = net_vhost_start,
	.stop = net_vhost_stop,
};

/*
 * On the I/O thread, woken when the driver sets DRIVER_OK: the rings
 * are set, so vhost takes them over. A ring vhost refuses leaves the
 * device needing a reset.
 */
static void net_vhost_kick(struct virtio_dev *vd)
{
	struct virtio_net_vhost *n = vd->priv;
	int ret;

	if (!vhost_can_start(&n->vh) || !virtio_dev_running(vd))
		return;
	ret = vhost_start(&n->vh);
	if (!ret)
		return;
	if (!n->start_failed)
		pr_warn(vd->loglevel, "%s: vhost-net did not start: %s; the device needs a reset",
			vd->name, strerror(-ret));
	n->start_failed = true;
	vhost_stop(&n->vh);
	virtio_dev_broken(vd, VIRTIO_NET_RXQ);
}

/* With the I/O thread held off: vhost lets go of the rings. */
static void net_vhost_reset(struct virtio_dev *vd)
{
	struct virtio_net_vhost *n = vd->priv;

	if (n->vh.fd >= 0)
		vhost_reset(&n->vh);
}

/*
 * Snapshots: the card as the guest sees it (MAC, link status), then
 * each ring's base (devices/virtio/vhost-snap.c), read with the tap
 * taken from vhost (VHOST_NET_SET_BACKEND -1): vhost-net finishes the
 * frame it is on before it lets go, so no chain is half done. The tap
 * is the host's: a restore opens the one the options name, as set-up
 * does for any run, and the rings start from the saved bases.
 */
#define NET_VHOST_SNAP_VERSION	1

static int net_vhost_save(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_net_vhost *n = vd->priv;

	snapshot_put_u32(s, NET_VHOST_SNAP_VERSION);
	snapshot_put(s, n->config, sizeof(n->config));
	return vhost_save(&n->vh, s);
}

static int net_vhost_restore(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_net_vhost *n = vd->priv;
	uint32_t version = snapshot_get_u32(s);
	uint8_t config[sizeof(n->config)];

	if (s->err || version != NET_VHOST_SNAP_VERSION ||
	    snapshot_get(s, config, sizeof(config)) ||
	    (config[6] & ~VIRTIO_NET_S_LINK_UP) || config[7])
		return -EINVAL;
	if (memcmp(config, n->config, 6)) {
		pr_err(vd->loglevel, "%s: the snapshot's card had the MAC %02x:%02x:%02x:%02x:%02x:%02x, this one another; restore with the same -n guest_mac=",
		       n->name, config[0], config[1], config[2], config[3], config[4], config[5]);
		return -EINVAL;
	}
	memcpy(n->config, config, sizeof(config));
	return vhost_restore(&n->vh, s);
}

static void net_vhost_snapshot_begin(struct virtio_dev *vd)
{
	struct virtio_net_vhost *n = vd->priv;

	vhost_hold(&n->vh);
}

/*
 * The file is written (the I/O thread still held off by the snapshot's
 * bracket): once let go, it starts vhost again from the bases.
 */
static void net_vhost_snapshot_done(struct virtio_dev *vd)
{
	struct virtio_net_vhost *n = vd->priv;

	vhost_snapshot_done(&n->vh);
	virtio_dev_kick(vd);
}

static void net_vhost_destroy(struct virtio_dev *vd)
{
	struct virtio_net_vhost *n = vd->priv;

	vhost_close(&n->vh);
	if (n->tap_fd >= 0)
		close(n->tap_fd);
	free(n);
}

static const struct virtio_dev_ops net_vhost_dev_ops = {
	.config_read = net_vhost_config_read,
	.queue_notify = net_vhost_queue_notify,
	.kick = net_vhost_kick,
	.reset = net_vhost_reset,
	.destroy = net_vhost_destroy,
	.save = net_vhost_save,
	.restore = net_vhost_restore,
	.snapshot_begin = net_vhost_snapshot_begin,
	.snapshot_done = net_vhost_snapshot_done,
};

/* vhost-net behind the device: what it offers decides what lkvm does. */
static int net_vhost_open(struct virtio_net_vhost *n, const char *path)
{
	int ret;

	ret = vhost_open(&n->vh, path, &n->vd,
			 BIT64(VIRTIO_NET_RXQ) | BIT64(VIRTIO_NET_TXQ), &net_vhost_ops);
	if (ret)
		return ret;
	n->vh.priv = n;
	n->vh.call_direct = true;
	if ((n->vh.features & NET_VHOST_CORE_F) != NET_VHOST_CORE_F)
		return -EOPNOTSUPP;
	n->vd.host_features = BIT64(VIRTIO_NET_F_MAC) | BIT64(VIRTIO_NET_F_STATUS) |
			      (n->vh.features & BIT64(VIRTIO_NET_F_MRG_RXBUF));
	n->vd.host_features |= net_tap_offloads(n->tap_fd);
	return 0;
}

int virtio_net_vhost_create(const struct device_ctx *ctx, unsigned int index,
			    const uint8_t mac[6], int tap_fd, const char *vhost_path,
			    enum virtio_transport t, struct device **dev)
{
	struct virtio_net_vhost *n = calloc(1, sizeof(*n));
	int ret;

	if (!n) {
		close(tap_fd);
		return -ENOMEM;
	}
	/* Named for what it is: the device list of a snapshot tells it from vhost=0. */
	snprintf(n->name, sizeof(n->name), "virtio-net %u over vhost-net (vhost=1)", index);
	memcpy(n->config, mac, 6);
	n->config[6] = VIRTIO_NET_S_LINK_UP;
	n->tap_fd = tap_fd;
	n->vh.fd = -1;
	n->vd.ops = &net_vhost_dev_ops;
	n->vd.name = n->name;
	n->vd.priv = n;
	n->vd.device_id = VIRTIO_ID_NET;
	n->vd.config_size = VIRTIO_NET_CONFIG_SIZE;
	n->vd.nr_queues = 2;
	n->vd.index = index;
	ret = virtio_dev_init(&n->vd);
	if (ret) {
		close(tap_fd);
		free(n);
		return ret;
	}
	/* The transport sets vd.mem; vhost needs it first. */
	n->vd.mem = ctx->mem;
	ret = net_vhost_open(n, vhost_path);
	if (!ret)
		ret = virtio_transport_create(&n->vd, ctx, t, dev);
	if (ret)
		virtio_dev_destroy(&n->vd);
	return ret;
}
