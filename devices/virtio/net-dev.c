// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net: frames between the guest's queues and a backend. Frames
 * for the guest go into its receive buffers as net-rx.c says; frames
 * from the guest go to the backend as they are taken, from the
 * chain's own segments. With several queue pairs (-n mq=) the driver
 * spreads its transmissions and interrupts over them; one I/O thread
 * serves them all and the control queue answers VQ_PAIRS_SET. The virtio-net
 * header travels with each frame: checked on the way out, filtered on
 * the way in against the offloads the driver took.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/net-internal.h"
#include "devices/virtio/net-offload.h"
#include "lib/log.h"
#include "lib/snapshot.h"
#include "lib/util.h"

static void net_tx_drop(struct virtio_net *n)
{
	atomic_fetch_add_explicit(&n->tx_dropped, 1, memory_order_relaxed);
}

/*
 * The chain's first hlen bytes copied into hdr (the header is checked
 * there: the guest cannot change it after), the frame after them as
 * segments of guest memory in iov. Returns the segments in iov.
 */
static unsigned int net_tx_gather(const struct virtq_elem *e, size_t hlen,
				  uint8_t *hdr, struct iovec *iov)
{
	unsigned int i, nr = 0;
	size_t skip = hlen, c;

	for (i = 0; i < e->nr_out; i++) {
		const struct iovec *v = &e->iov[i];

		c = MIN(skip, v->iov_len);
		memcpy(hdr + hlen - skip, v->iov_base, c);
		skip -= c;
		if (c < v->iov_len)
			iov[nr++] = (struct iovec){ (uint8_t *)v->iov_base + c, v->iov_len - c };
	}
	return nr;
}

/* One chain from the driver: header, then the frame, to the backend. */
static void net_tx_one(struct virtio_net *n, const struct virtq_elem *e)
{
	size_t hlen = virtio_net_hdr_len(&n->vd), len;
	uint8_t hbuf[VIRTIO_NET_HDR_LEN] = { 0 };
	struct virtio_net_hdr h;
	unsigned int nr;

	if (e->out_len < hlen || e->out_len - hlen > VIRTIO_NET_FRAME_MAX) {
		net_tx_drop(n);
		pr_debug(n->vd.loglevel, "%s: dropped a %llu-byte transmit buffer (header %zu, frames up to %d bytes)",
			 n->name, (unsigned long long)e->out_len, hlen, VIRTIO_NET_FRAME_MAX);
		return;
	}
	len = e->out_len - hlen;
	nr = net_tx_gather(e, hlen, hbuf, n->tx_iov);
	virtio_net_hdr_get(hbuf, &h);
	if (!virtio_net_tx_hdr_ok(&n->vd, &h, len)) {
		net_tx_drop(n);
		pr_debug(n->vd.loglevel, "%s: dropped a %zu-byte frame with a bad header (flags %#x, gso_type %#x, gso_size %u, hdr_len %u, csum %u+%u)",
			 n->name, len, h.flags, h.gso_type, h.gso_size, h.hdr_len,
			 h.csum_start, h.csum_offset);
		return;
	}
	if (n->be->ops->send(n->be, &h, n->tx_iov, nr, len))
		net_tx_drop(n);
	else
		atomic_fetch_add_explicit(&n->tx_frames, 1, memory_order_relaxed);
}

static void net_tx_drain(struct virtio_net *n, unsigned int q)
{
	struct virtq *vq = &n->vd.vqs[q];
	int ret;

	net_features_tell(n);
	do {
		virtq_notify_enable(vq, false);
		while ((ret = virtq_pop(vq, &n->tx_elem)) > 0) {
			net_tx_one(n, &n->tx_elem);
			virtq_push(vq, &n->tx_elem, 0);
		}
		virtio_dev_signal(&n->vd, q);
		if (ret < 0) {
			virtio_dev_broken(&n->vd, q);
			return;
		}
	} while (virtq_notify_enable(vq, true));
}

/*
 * One command: class, command and its data in the device-readable part
 * (at most 8 bytes are looked at: VQ_PAIRS_SET's le16 is all lkvm
 * knows), the ack in the first writable byte. Anything else, or a
 * malformed chain, is answered VIRTIO_NET_ERR where there is room.
 */
static uint8_t net_ctrl_one(struct virtio_net *n, const struct virtq_elem *e)
{
	uint8_t cmd[8] = { 0 };
	size_t got = 0, c;
	unsigned int i, pairs;

	for (i = 0; i < e->nr_out && got < sizeof(cmd); i++) {
		c = MIN(e->iov[i].iov_len, sizeof(cmd) - got);
		memcpy(cmd + got, e->iov[i].iov_base, c);
		got += c;
	}
	if (e->out_len != 4 || cmd[0] != VIRTIO_NET_CTRL_MQ ||
	    cmd[1] != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET) {
		pr_debug(n->vd.loglevel, "%s: control command %u.%u (%llu bytes) not supported",
			 n->name, cmd[0], cmd[1], (unsigned long long)e->out_len);
		return VIRTIO_NET_ERR;
	}
	pairs = cmd[2] | cmd[3] << 8;
	if (pairs < 1 || pairs > n->pairs) {
		pr_debug(n->vd.loglevel, "%s: VQ_PAIRS_SET %u: not 1..%u", n->name, pairs, n->pairs);
		return VIRTIO_NET_ERR;
	}
	n->curr_pairs = pairs;
	return VIRTIO_NET_OK;
}

static void net_ctrl_drain(struct virtio_net *n, unsigned int q)
{
	struct virtq *vq = &n->vd.vqs[q];
	struct virtq_elem *e = &n->ctrl_elem;
	uint8_t ack;
	int ret;

	while ((ret = virtq_pop(vq, e)) > 0) {
		ack = net_ctrl_one(n, e);
		if (e->nr_in && e->iov[e->nr_out].iov_len) {
			*(uint8_t *)e->iov[e->nr_out].iov_base = ack;
			virtq_push(vq, e, 1);
		} else {
			virtq_push(vq, e, 0);
		}
	}
	virtio_dev_signal(&n->vd, q);
	if (ret < 0)
		virtio_dev_broken(&n->vd, q);
}

/* Receive queues are even, transmit queues odd, the control queue last. */
static void net_queue_notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_net *n = vd->priv;

	if (n->pairs > 1 && q == 2 * n->pairs)
		net_ctrl_drain(n, q);
	else if (q == VIRTIO_NET_RXQ)
		net_rx_drain(n);
	else if (q & 1)
		net_tx_drain(n, q);
}

static void net_kick(struct virtio_dev *vd)
{
	net_rx_drain(vd->priv);
}

static void net_config_read(struct virtio_dev *vd, uint32_t off, void *buf,
			    uint32_t len)
{
	struct virtio_net *n = vd->priv;

	memcpy(buf, n->config + off, len);
}

/* A reset driver has no buffers: what waited for them is dropped. */
static void net_reset(struct virtio_dev *vd)
{
	struct virtio_net *n = vd->priv;

	net_rx_flush(n);
	atomic_store(&n->rx_signal, false);
	n->curr_pairs = 1;
	n->features_told = false;
	if (n->be->ops->features_set)
		n->be->ops->features_set(n->be, 0);
}

static void net_destroy(struct virtio_dev *vd)
{
	struct virtio_net *n = vd->priv;

	if (n->be)
		n->be->ops->destroy(n->be);
	net_rx_flush(n);
	pthread_mutex_destroy(&n->rx_lock);
	free(n);
}

/*
 * Snapshots save the card as the guest sees it: its config space (MAC,
 * link status); the transport and the core save the queues. The
 * network behind the card is the host's: a restore starts a fresh
 * backend (a new lkvm-net-user, the tap its options name). With the
 * I/O thread held off, every transmit chain it popped went to the
 * backend and was pushed: the rest stays in the avail ring and goes
 * out once, after the restore. Frames still waiting for the guest's
 * buffers are not saved: they are dropped, as a network may.
 */
#define NET_SNAP_VERSION	1

/* The config space the guest sees (10 bytes with mq=), and VQ_PAIRS_SET's count. */
static int net_save(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_net *n = vd->priv;

	snapshot_put_u32(s, NET_SNAP_VERSION);
	snapshot_put_u32(s, vd->config_size);
	snapshot_put(s, n->config, vd->config_size);
	snapshot_put_u32(s, n->curr_pairs);
	return snapshot_error(s);
}

/* The MAC and queue pairs come from the options, which match the saved run's. */
static int net_restore(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_net *n = vd->priv;
	uint32_t version = snapshot_get_u32(s), size = snapshot_get_u32(s), pairs;
	uint8_t config[sizeof(n->config)];

	if (s->err || version != NET_SNAP_VERSION || size != vd->config_size ||
	    snapshot_get(s, config, size) ||
	    (config[6] & ~VIRTIO_NET_S_LINK_UP) || config[7] ||
	    memcmp(config + VIRTIO_NET_CONFIG_SIZE, n->config + VIRTIO_NET_CONFIG_SIZE,
		   size - VIRTIO_NET_CONFIG_SIZE))
		return -EINVAL;
	pairs = snapshot_get_u32(s);
	if (s->err || pairs < 1 || pairs > n->pairs)
		return -EINVAL;
	if (memcmp(config, n->config, 6)) {
		pr_err(vd->loglevel, "%s: the snapshot's card had the MAC %02x:%02x:%02x:%02x:%02x:%02x, this one %02x:%02x:%02x:%02x:%02x:%02x; restore with the same -n guest_mac=",
		       n->name, config[0], config[1], config[2], config[3], config[4], config[5],
		       n->config[0], n->config[1], n->config[2], n->config[3], n->config[4],
		       n->config[5]);
		return -EINVAL;
	}
	memcpy(n->config, config, size);
	n->curr_pairs = pairs;
	return 0;
}

static const struct virtio_dev_ops net_ops = {
	.config_read = net_config_read,
	.queue_notify = net_queue_notify,
	.kick = net_kick,
	.reset = net_reset,
	.destroy = net_destroy,
	.save = net_save,
	.restore = net_restore,
};

void virtio_net_get_stats(struct virtio_dev *vd, struct virtio_net_stats *s)
{
	struct virtio_net *n = vd->priv;

	s->tx_frames = atomic_load_explicit(&n->tx_frames, memory_order_relaxed);
	s->rx_frames = atomic_load_explicit(&n->rx_frames, memory_order_relaxed);
	s->tx_dropped = atomic_load_explicit(&n->tx_dropped, memory_order_relaxed);
	s->rx_dropped = atomic_load_explicit(&n->rx_dropped, memory_order_relaxed);
}

int virtio_net_new_mq(unsigned int index, const uint8_t mac[6], unsigned int pairs,
		      struct net_backend *be, struct virtio_dev **vdp)
{
	struct virtio_net *n = NULL;
	int ret;

	if (pairs >= 1 && pairs <= VIRTIO_NET_PAIRS_MAX)
		n = calloc(1, sizeof(*n));
	if (!n) {
		be->ops->destroy(be);
		return !pairs || pairs > VIRTIO_NET_PAIRS_MAX ? -EINVAL : -ENOMEM;
	}
	snprintf(n->name, sizeof(n->name), "virtio-net %u", index);
	pthread_mutex_init(&n->rx_lock, NULL);
	n->be = be;
	be->vd = &n->vd;
	memcpy(n->config, mac, 6);
	n->config[6] = VIRTIO_NET_S_LINK_UP;
	n->vd.ops = &net_ops;
	n->vd.name = n->name;
	n->vd.priv = n;
	n->vd.device_id = VIRTIO_ID_NET;
	n->vd.host_features = 1ULL << VIRTIO_NET_F_MAC |
			      1ULL << VIRTIO_NET_F_STATUS |
			      1ULL << VIRTIO_NET_F_MRG_RXBUF |
			      virtio_net_offered(be->offloads);
	n->vd.config_size = VIRTIO_NET_CONFIG_SIZE;
	n->vd.nr_queues = 2;
	n->vd.index = index;
	n->pairs = pairs;
	n->curr_pairs = 1;
	if (pairs > 1) {
		n->vd.host_features |= 1ULL << VIRTIO_NET_F_CTRL_VQ |
				       1ULL << VIRTIO_NET_F_MQ;
		n->config[8] = pairs;	/* le16 max_virtqueue_pairs */
		n->vd.config_size = VIRTIO_NET_CONFIG_SIZE_MQ;
		n->vd.nr_queues = 2 * pairs + 1;
	}
	ret = virtio_dev_init(&n->vd);
	if (ret) {
		net_destroy(&n->vd);
		return ret;
	}
	*vdp = &n->vd;
	return 0;
}

int virtio_net_new(unsigned int index, const uint8_t mac[6],
		   struct net_backend *be, struct virtio_dev **vdp)
{
	return virtio_net_new_mq(index, mac, 1, be, vdp);
}

/* The transport's start and stop, with the backend's around them. */
static struct virtio_net *net_of_dev(struct device *dev)
{
	return (struct virtio_net *)((char *)dev->ops - offsetof(struct virtio_net, dev_ops));
}

static int net_dev_start(struct device *dev)
{
	struct virtio_net *n = net_of_dev(dev);
	int ret;

	ret = n->be->ops->start ? n->be->ops->start(n->be) : 0;
	if (!ret && n->inner->start)
		ret = n->inner->start(dev);
	return ret;
}

static void net_dev_stop(struct device *dev)
{
	struct virtio_net *n = net_of_dev(dev);

	if (n->inner->stop)
		n->inner->stop(dev);
	if (n->be->ops->stop)
		n->be->ops->stop(n->be);
}

int virtio_net_create(const struct device_ctx *ctx, unsigned int index,
		      const uint8_t mac[6], unsigned int pairs, struct net_backend *be,
		      enum virtio_transport t, struct device **dev)
{
	struct virtio_dev *vd;
	struct virtio_net *n;
	int ret;

	ret = virtio_net_new_mq(index, mac, pairs, be, &vd);
	if (ret)
		return ret;
	ret = virtio_transport_create(vd, ctx, t, dev);
	if (ret) {
		virtio_dev_destroy(vd);
		return ret;
	}
	n = vd->priv;
	n->inner = (*dev)->ops;
	n->dev_ops = *n->inner;
	n->dev_ops.start = net_dev_start;
	n->dev_ops.stop = net_dev_stop;
	(*dev)->ops = &n->dev_ops;
	return 0;
}
