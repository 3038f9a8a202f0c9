/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_NET_H
#define LKVM_DEVICES_VIRTIO_NET_H

#include <stdint.h>
#include <sys/uio.h>

#include "devices/device.h"
#include "devices/virtio/virtio.h"
#include "lib/net-gso.h"

/*
 * virtio-net (virtio 1.x, 5.1): a receive and a transmit queue, the MAC
 * and link status in config space, mergeable receive buffers, and the
 * checksum and segmentation offloads its backend can do. Frames go to
 * and come from a backend (a tap, or user mode through libslirp)
 * behind struct net_backend_ops, each with its virtio-net header; the
 * model is plain C, so tests drive it with a fake backend.
 */
#define VIRTIO_NET_F_CSUM		0	/* the host takes partial checksums */
#define VIRTIO_NET_F_GUEST_CSUM		1	/* the guest does */
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_GUEST_TSO4		7
#define VIRTIO_NET_F_GUEST_TSO6		8
#define VIRTIO_NET_F_HOST_TSO4		11
#define VIRTIO_NET_F_HOST_TSO6		12
#define VIRTIO_NET_F_MRG_RXBUF		15
#define VIRTIO_NET_F_STATUS		16
#define VIRTIO_NET_F_CTRL_VQ		17
#define VIRTIO_NET_F_MQ			22
#define VIRTIO_NET_S_LINK_UP		1

#define VIRTIO_NET_RXQ			0
#define VIRTIO_NET_TXQ			1
/* The header before each frame: 12 bytes, 10 for a legacy driver without MRG_RXBUF. */
#define VIRTIO_NET_HDR_LEN		12
#define VIRTIO_NET_HDR_LEN_LEGACY	10
#define VIRTIO_NET_CONFIG_SIZE		8	/* mac[6], status */
#define VIRTIO_NET_CONFIG_SIZE_MQ	10	/* then max_virtqueue_pairs */
/*
 * Queue pairs (-n mq=): receive queue 2k, transmit queue 2k + 1, then
 * the control queue; all within the transports' VIRTIO_MAX_QUEUES.
 */
#define VIRTIO_NET_PAIRS_MAX		((VIRTIO_MAX_QUEUES - 1) / 2)
/* The control queue (5.1.6.5): class, command, data; the ack written back. */
#define VIRTIO_NET_CTRL_MQ		4
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET	0
#define VIRTIO_NET_OK			0
#define VIRTIO_NET_ERR			1
/*
 * The largest Ethernet frame taken either way: an IP packet of 64 KiB
 * (a segment the guest or the tap left whole) + header and VLAN tag.
 */
#define VIRTIO_NET_FRAME_MAX		(65535 + 18)
/* Frames held for a guest that has no receive buffers; more are dropped. */
#define VIRTIO_NET_RX_PENDING_MAX	256
/* Receive buffers one frame may take with MRG_RXBUF. */
#define VIRTIO_NET_RX_MERGE_MAX		64

/* The offloads a backend may do (net_backend.offloads): feature bits. */
#define VIRTIO_NET_OFFLOAD_F		(1ULL << VIRTIO_NET_F_CSUM | \
					 1ULL << VIRTIO_NET_F_GUEST_CSUM | \
					 1ULL << VIRTIO_NET_F_GUEST_TSO4 | \
					 1ULL << VIRTIO_NET_F_GUEST_TSO6 | \
					 1ULL << VIRTIO_NET_F_HOST_TSO4 | \
					 1ULL << VIRTIO_NET_F_HOST_TSO6)

/*
 * A backend: send() takes a frame from the guest with its header
 * (checked against what the driver took: a gso_type it negotiated,
 * the checksum's place within the frame), the frame as nr segments of
 * guest memory (len bytes in all; the guest may still write them, so
 * a backend that looks into them must copy first), on the I/O thread;
 * it must not block and keeps nothing after it returns. start and
 * stop run its thread, if any; destroy frees it, after stop.
 * features_set (optional) is told, on the I/O thread once the driver
 * is running, which of the offloads the driver took (0 after a
 * reset); a backend must not hand the guest what it did not take, and
 * the model drops what would be. Frames for the guest go to
 * virtio_net_receive() or virtio_net_rx_put(), from one thread.
 */
struct net_backend;
struct net_backend_ops {
	int (*start)(struct net_backend *be);
	void (*stop)(struct net_backend *be);
	int (*send)(struct net_backend *be, const struct virtio_net_hdr *hdr,
		    const struct iovec *frame, unsigned int nr, size_t len);
	void (*features_set)(struct net_backend *be, uint64_t features);
	void (*destroy)(struct net_backend *be);
};

struct net_backend {
	const struct net_backend_ops *ops;
	void *priv;
	/*
	 * The VIRTIO_NET_OFFLOAD_F bits the backend can do: CSUM and
	 * HOST_TSO4/6 it takes from the guest, GUEST_CSUM and
	 * GUEST_TSO4/6 it may give. The card offers these and no others.
	 */
	uint64_t offloads;
	/* Set by virtio_net_new(): the device frames for the guest go to. */
	struct virtio_dev *vd;
};

/* What the model counts (lkvm stat, tests); read by any thread, relaxed. */
struct virtio_net_stats {
	unsigned long tx_frames, rx_frames;
	unsigned long tx_dropped;	/* malformed or oversized, or refused by the backend */
	unsigned long rx_dropped;	/* no room: the pending queue was full, too big */
};

struct virtio_net;

/*
 * The model alone (virtio_dev_init() done), for tests and fuzzers: mac
 * is the guest's; be is owned by the device from then on (destroyed
 * with it, also when this fails). One queue pair.
 */
int virtio_net_new(unsigned int index, const uint8_t mac[6],
		   struct net_backend *be, struct virtio_dev **vd);
/*
 * With pairs queue pairs (1..VIRTIO_NET_PAIRS_MAX): above one, a
 * control queue and VIRTIO_NET_F_MQ. Frames from every transmit queue
 * go to the one backend; frames for the guest arrive on the first
 * receive queue (any enabled one may take them, 5.1.6.5.5).
 */
int virtio_net_new_mq(unsigned int index, const uint8_t mac[6], unsigned int pairs,
		      struct net_backend *be, struct virtio_dev **vd);
/* The device behind transport t; its start and stop run the backend's. */
int virtio_net_create(const struct device_ctx *ctx, unsigned int index,
		      const uint8_t mac[6], unsigned int pairs, struct net_backend *be,
		      enum virtio_transport t, struct device **dev);
/*
 * A frame for the guest with its header (NULL: a plain frame), from
 * the backend's thread. The frame (the caller's own buffer, which the
 * guest cannot write: its header was read from it) goes straight into
 * the guest's receive buffers when the receive queue is free at once
 * (no waiting), no earlier frame waits and the driver gave buffers;
 * else it is copied into a queue the I/O thread delivers from. Dropped
 * (and counted) when too large or when VIRTIO_NET_RX_PENDING_MAX
 * frames wait already, or when the header asks for an offload the
 * driver did not take. virtio_net_rx_put() leaves the interrupt owed
 * to virtio_net_rx_signal(), once for a run of frames;
 * virtio_net_receive() is both.
 */
void virtio_net_rx_put(struct virtio_dev *vd, const struct virtio_net_hdr *hdr,
		       const uint8_t *frame, size_t len);
void virtio_net_rx_signal(struct virtio_dev *vd);
void virtio_net_receive(struct virtio_dev *vd, const struct virtio_net_hdr *hdr,
			const uint8_t *frame, size_t len);
/*
 * The header's length the driver uses: 12 bytes, 10 for a legacy
 * driver without MRG_RXBUF (virtio 1.x, 5.1.6.1).
 */
static inline size_t virtio_net_hdr_len(const struct virtio_dev *vd)
{
	return virtio_dev_has_feature(vd, VIRTIO_F_VERSION_1) ||
	       virtio_dev_has_feature(vd, VIRTIO_NET_F_MRG_RXBUF) ?
	       VIRTIO_NET_HDR_LEN : VIRTIO_NET_HDR_LEN_LEGACY;
}
/*
 * The same device over vhost-net (devices/virtio/net-vhost.c): the host
 * kernel moves the frames between the guest's rings and tap_fd (taken:
 * closed with the device, or on failure). vhost_path is /dev/vhost-net;
 * -errno from opening it is returned as is, for the caller's message.
 */
#define VIRTIO_NET_VHOST_PATH	"/dev/vhost-net"
int virtio_net_vhost_create(const struct device_ctx *ctx, unsigned int index,
			    const uint8_t mac[6], int tap_fd, const char *vhost_path,
			    enum virtio_transport t, struct device **dev);
void virtio_net_get_stats(struct virtio_dev *vd, struct virtio_net_stats *s);

#endif
