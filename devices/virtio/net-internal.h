/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_NET_INTERNAL_H
#define LKVM_DEVICES_VIRTIO_NET_INTERNAL_H

/*
 * The virtio-net model's own state, shared by its files: net-dev.c (the
 * device, transmit and control queues, snapshots) and net-rx.c (the
 * receive path). Nothing outside devices/virtio/net*.c includes this.
 *
 * Who owns the receive queue: whoever holds the device's io_lock. The
 * I/O thread holds it while it serves; reset, a queue made ready or
 * taken away, stop and a snapshot's save take it too; the backend's
 * thread takes it (never waiting: trylock) to put a frame straight in
 * the guest's buffers. rx_elems, rx_signal and features_told go with
 * it. rx_lock, taken inside io_lock, guards the pending frames alone:
 * the backend adds to them without io_lock when it cannot have it.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "devices/virtio/net.h"

struct net_frame {
	struct virtio_net_hdr hdr;
	size_t len;
	uint8_t data[];
};

struct virtio_net {
	struct virtio_dev vd;
	char name[24];
	uint8_t config[VIRTIO_NET_CONFIG_SIZE_MQ];
	unsigned int pairs;		/* queue pairs offered */
	unsigned int curr_pairs;	/* the driver's VQ_PAIRS_SET; 1 until then */
	struct net_backend *be;
	bool features_told;	/* the backend knows the driver's offloads */

	/* Frames for the guest that found no buffers: oldest at rx_head. */
	pthread_mutex_t rx_lock;
	struct net_frame *pending[VIRTIO_NET_RX_PENDING_MAX];
	unsigned int rx_head, rx_count;
	bool rx_full_said;	/* the drop of a full queue was reported */

	atomic_ulong tx_frames, rx_frames, tx_dropped, rx_dropped;

	/* io_lock's: the receive queue's chains, an interrupt owed for it. */
	struct virtq_elem rx_elems[VIRTIO_NET_RX_MERGE_MAX];
	atomic_bool rx_signal;	/* also read without io_lock: is a kick needed? */

	/* The I/O thread's. */
	struct virtq_elem tx_elem;
	struct iovec tx_iov[VIRTQ_CHAIN_MAX];
	struct virtq_elem ctrl_elem;

	/* The transport's device ops, with the backend's start and stop. */
	struct device_ops dev_ops;
	const struct device_ops *inner;
};

/*
 * Once the driver runs, the backend learns which offloads it took: a
 * tap is told what it may hand over (on the I/O thread, before any
 * frame is given to the guest or taken from it).
 */
static inline void net_features_tell(struct virtio_net *n)
{
	if (n->features_told || !virtio_dev_running(&n->vd))
		return;
	n->features_told = true;
	if (n->be->ops->features_set)
		n->be->ops->features_set(n->be, n->vd.guest_features & VIRTIO_NET_OFFLOAD_F);
}

/* net-rx.c: on the I/O thread, io_lock held: waiting frames into buffers. */
void net_rx_drain(struct virtio_net *n);
/* Drops the frames still waiting (a reset, the end). */
void net_rx_flush(struct virtio_net *n);

#endif
