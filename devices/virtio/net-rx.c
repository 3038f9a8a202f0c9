// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's receive path: frames from the backend into the guest's
 * receive buffers. The backend's thread puts a frame straight in the
 * buffers when it can own the receive queue at once (io_lock, without
 * waiting), no earlier frame waits and the driver gave buffers: one
 * copy, from the backend's own buffer, on one thread; it owes the
 * driver an interrupt, given once its reads are done. Otherwise the
 * frame is copied into the pending queue and the I/O thread, kicked,
 * delivers it: frames reach the guest in the order they came.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/net-internal.h"
#include "devices/virtio/net-offload.h"
#include "lib/log.h"
#include "lib/util.h"

/*
 * Writes len bytes at offset off of the stream the writable segments of
 * elems[0..nr) make, in order; returns the bytes written.
 */
static size_t net_stream_write(struct virtq_elem *elems, unsigned int nr,
			       size_t off, const uint8_t *src, size_t len)
{
	size_t done = 0, n;
	unsigned int e, i;

	for (e = 0; e < nr && done < len; e++) {
		struct virtq_elem *el = &elems[e];

		for (i = el->nr_out; i < el->nr_out + el->nr_in && done < len; i++) {
			struct iovec *v = &el->iov[i];

			if (off >= v->iov_len) {
				off -= v->iov_len;
				continue;
			}
			n = MIN(v->iov_len - off, len - done);
			memcpy((uint8_t *)v->iov_base + off, src + done, n);
			done += n;
			off = 0;
		}
	}
	return done;
}

/*
 * io_lock held. Puts one frame in receive buffers: one chain, or with
 * MRG_RXBUF as many as it takes. Returns 1 when the frame is done with
 * (delivered, or dropped as too big for the buffers), 0 when the
 * driver has not given enough buffers yet (they are given back: the
 * frame waits for more), -EINVAL on a malformed ring.
 */
static int net_rx_one(struct virtio_net *n, const struct virtio_net_hdr *fh,
		      const uint8_t *data, size_t len)
{
	struct virtq *vq = &n->vd.vqs[VIRTIO_NET_RXQ];
	bool mrg = virtio_dev_has_feature(&n->vd, VIRTIO_NET_F_MRG_RXBUF);
	unsigned int max = mrg ? VIRTIO_NET_RX_MERGE_MAX : 1, used = 0, i;
	size_t hlen = virtio_net_hdr_len(&n->vd), total = hlen + len, room = 0;
	uint8_t hdr[VIRTIO_NET_HDR_LEN] = { 0 };
	struct virtio_net_hdr h = *fh;
	int ret;

	if (!virtio_net_rx_hdr_fits(&n->vd, &h)) {
		atomic_fetch_add_explicit(&n->rx_dropped, 1, memory_order_relaxed);
		pr_debug(n->vd.loglevel, "%s: dropped a frame with an offload the driver did not take (flags %#x, gso_type %#x)",
			 n->name, h.flags, h.gso_type);
		return 1;
	}
	while (room < total && used < max) {
		ret = virtq_pop(vq, &n->rx_elems[used]);
		if (ret <= 0) {
			virtq_unpop(vq, used);
			return ret;
		}
		room += n->rx_elems[used++].in_len;
	}
	if (room < total) {
		virtq_unpop(vq, used);
		atomic_fetch_add_explicit(&n->rx_dropped, 1, memory_order_relaxed);
		pr_debug(n->vd.loglevel, "%s: a %zu-byte frame does not fit the receive buffers; dropped",
			 n->name, len);
		return 1;
	}
	/* num_buffers: 1 also without MRG_RXBUF (virtio 1.x, 5.1.6.3.1). */
	virtio_net_hdr_put(hdr, &h);
	hdr[10] = used;
	net_stream_write(n->rx_elems, used, 0, hdr, hlen);
	net_stream_write(n->rx_elems, used, hlen, data, len);
	for (i = 0; i < used; i++) {
		size_t seg = MIN(total, n->rx_elems[i].in_len);

		virtq_push(vq, &n->rx_elems[i], seg);
		total -= seg;
	}
	atomic_store(&n->rx_signal, true);
	atomic_fetch_add_explicit(&n->rx_frames, 1, memory_order_relaxed);
	return 1;
}

static struct net_frame *net_rx_peek(struct virtio_net *n)
{
	struct net_frame *f;

	pthread_mutex_lock(&n->rx_lock);
	f = n->rx_count ? n->pending[n->rx_head] : NULL;
	pthread_mutex_unlock(&n->rx_lock);
	return f;
}

static void net_rx_take(struct virtio_net *n)
{
	pthread_mutex_lock(&n->rx_lock);
	free(n->pending[n->rx_head]);
	n->rx_head = (n->rx_head + 1) % VIRTIO_NET_RX_PENDING_MAX;
	n->rx_count--;
	pthread_mutex_unlock(&n->rx_lock);
}

/*
 * io_lock held: the waiting frames into buffers, oldest first. Returns
 * 1 when none waits any more, 0 when buffers ran out, -EINVAL on a
 * malformed ring.
 */
static int net_rx_pending(struct virtio_net *n)
{
	struct net_frame *f;
	int ret;

	while ((f = net_rx_peek(n))) {
		ret = net_rx_one(n, &f->hdr, f->data, f->len);
		if (ret <= 0)
			return ret;
		net_rx_take(n);
	}
	return 1;
}

/* io_lock held: the interrupt the driver is owed, if it wants it. */
static void net_rx_signal(struct virtio_net *n)
{
	if (atomic_exchange(&n->rx_signal, false))
		virtio_dev_signal(&n->vd, VIRTIO_NET_RXQ);
}

/* The receive queue as the model may use it: set up, the driver running. */
static bool net_rx_usable(struct virtio_net *n)
{
	const struct virtq *vq = &n->vd.vqs[VIRTIO_NET_RXQ];

	return virtio_dev_running(&n->vd) && vq->ready && vq->desc && !vq->broken;
}

void net_rx_drain(struct virtio_net *n)
{
	if (!net_rx_usable(n))
		return;
	net_features_tell(n);
	if (net_rx_pending(n) < 0)
		virtio_dev_broken(&n->vd, VIRTIO_NET_RXQ);
	/* Also for what the backend put straight in and did not signal. */
	atomic_store(&n->rx_signal, false);
	virtio_dev_signal(&n->vd, VIRTIO_NET_RXQ);
}

void net_rx_flush(struct virtio_net *n)
{
	pthread_mutex_lock(&n->rx_lock);
	while (n->rx_count) {
		free(n->pending[n->rx_head]);
		n->rx_head = (n->rx_head + 1) % VIRTIO_NET_RX_PENDING_MAX;
		n->rx_count--;
	}
	pthread_mutex_unlock(&n->rx_lock);
}

/* A copy of the frame into the pending queue; false when dropped (counted). */
static bool net_rx_queue(struct virtio_net *n, const struct virtio_net_hdr *hdr,
			 const uint8_t *frame, size_t len)
{
	struct net_frame *f = NULL;
	bool queued = false, say = false;

	if (len <= VIRTIO_NET_FRAME_MAX)
		f = malloc(sizeof(*f) + len);
	if (f) {
		f->len = len;
		f->hdr = *hdr;
		memcpy(f->data, frame, len);
		pthread_mutex_lock(&n->rx_lock);
		if (n->rx_count < VIRTIO_NET_RX_PENDING_MAX) {
			n->pending[(n->rx_head + n->rx_count++) % VIRTIO_NET_RX_PENDING_MAX] = f;
			n->rx_full_said = false;
			queued = true;
		} else {
			say = !n->rx_full_said;
			n->rx_full_said = true;
		}
		pthread_mutex_unlock(&n->rx_lock);
	}
	if (queued)
		return true;
	free(f);
	atomic_fetch_add_explicit(&n->rx_dropped, 1, memory_order_relaxed);
	if (say)
		pr_debug(n->vd.loglevel, "%s: %d frames wait for receive buffers; dropping more",
			 n->name, VIRTIO_NET_RX_PENDING_MAX);
	return false;
}

/*
 * io_lock held: the frame straight into buffers, after the frames
 * waiting. True when it is done with; false when it must wait too
 * (no buffers: the driver notifies the queue when it adds some, and
 * the I/O thread, waiting for io_lock, then finds the frame queued).
 * The backend's thread never tells the backend the driver's offloads
 * (its sandbox has no ioctl for it): until the I/O thread did, frames
 * go its way.
 */
static bool net_rx_direct(struct virtio_net *n, const struct virtio_net_hdr *hdr,
			  const uint8_t *frame, size_t len)
{
	int ret;

	ret = net_rx_pending(n);
	if (ret > 0)
		ret = net_rx_one(n, hdr, frame, len);
	if (ret < 0)
		virtio_dev_broken(&n->vd, VIRTIO_NET_RXQ);
	return ret > 0;
}

/* io_lock held: may this thread use the receive queue now? */
static bool net_rx_direct_ok(struct virtio_net *n, size_t len)
{
	return !atomic_load(&n->vd.stopping) && n->features_told &&
	       len <= VIRTIO_NET_FRAME_MAX && net_rx_usable(n);
}

void virtio_net_rx_put(struct virtio_dev *vd, const struct virtio_net_hdr *hdr,
		       const uint8_t *frame, size_t len)
{
	static const struct virtio_net_hdr none;
	struct virtio_net *n = vd->priv;
	bool owner = !pthread_mutex_trylock(&vd->io_lock), direct;

	if (!hdr)
		hdr = &none;
	direct = owner && net_rx_direct_ok(n, len);
	if (direct && net_rx_direct(n, hdr, frame, len)) {
		pthread_mutex_unlock(&vd->io_lock);
		return;
	}
	if (net_rx_queue(n, hdr, frame, len) && !direct)
		virtio_dev_kick(vd);
	/* Out of buffers: the driver, told now, gives more the sooner. */
	if (direct)
		net_rx_signal(n);
	if (owner)
		pthread_mutex_unlock(&vd->io_lock);
}

void virtio_net_rx_signal(struct virtio_dev *vd)
{
	struct virtio_net *n = vd->priv;

	if (!atomic_load(&n->rx_signal))
		return;
	if (pthread_mutex_trylock(&vd->io_lock)) {
		/* The I/O thread's drain gives the interrupt owed. */
		virtio_dev_kick(vd);
		return;
	}
	if (net_rx_usable(n) && !atomic_load(&vd->stopping))
		net_rx_signal(n);
	pthread_mutex_unlock(&vd->io_lock);
}

void virtio_net_receive(struct virtio_dev *vd, const struct virtio_net_hdr *hdr,
			const uint8_t *frame, size_t len)
{
	virtio_net_rx_put(vd, hdr, frame, len);
	virtio_net_rx_signal(vd);
}
