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

static void net_rx_drop_unfit(struct virtio_net *n, const struct virtio_net_hdr *h)
{
	atomic_fetch_add_explicit(&n->rx_dropped, 1, memory_order_relaxed);
	pr_debug(n->vd.loglevel, "%s: dropped a frame with an offload the driver did not take (flags %#x, gso_type %#x)",
		 n->name, h->flags, h->gso_type);
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
		net_rx_drop_unfit(n, &h);
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

/*
 * Reads len bytes at offset off of the stream the writable segments of
 * elems[0..nr) make, into dst; returns the bytes read.
 */
static size_t net_stream_read(const struct virtq_elem *elems, unsigned int nr,
			      size_t off, uint8_t *dst, size_t len)
{
	size_t done = 0, n;
	unsigned int e, i;

	for (e = 0; e < nr && done < len; e++) {
		const struct virtq_elem *el = &elems[e];

		for (i = el->nr_out; i < el->nr_out + el->nr_in && done < len; i++) {
			const struct iovec *v = &el->iov[i];

			if (off >= v->iov_len) {
				off -= v->iov_len;
				continue;
			}
			n = MIN(v->iov_len - off, len - done);
			memcpy(dst + done, (const uint8_t *)v->iov_base + off, n);
			done += n;
			off = 0;
		}
	}
	return done;
}

/*
 * io_lock held: pops chains from n->rx_elems[*used] on until they hold
 * want bytes, their writable segments appended to n->rx_iov[*nr_iov],
 * up to max chains. Returns the bytes they hold, or -EINVAL (malformed
 * ring: the chains popped here are given back).
 */
static ssize_t net_rx_take_chains(struct virtio_net *n, unsigned int *used,
				  unsigned int max, unsigned int *nr_iov, size_t want)
{
	struct virtq *vq = &n->vd.vqs[VIRTIO_NET_RXQ];
	unsigned int first = *used, i;
	size_t room = 0;
	int ret;

	while (room < want && *used < max) {
		struct virtq_elem *e = &n->rx_elems[*used];

		ret = virtq_pop(vq, e);
		if (ret < 0) {
			virtq_unpop(vq, *used - first);
			*used = first;
			return ret;
		}
		if (!ret)
			break;
		if (*nr_iov + e->nr_in > VIRTIO_NET_RX_IOV_MAX) {
			virtq_unpop(vq, 1);	/* too many segments: for next time */
			break;
		}
		for (i = e->nr_out; i < e->nr_out + e->nr_in; i++)
			n->rx_iov[(*nr_iov)++] = e->iov[i];
		room += e->in_len;
		(*used)++;
	}
	return room;
}

/*
 * io_lock held: the frame of len bytes (its header first) read into
 * the chains popped, the part past room in r->buf at the same offset.
 * Takes more chains for that part, then fixes the header and returns
 * the chains; or, with too few buffers, gathers the frame in r->buf
 * and lets it wait. Gives back what it does not use.
 */
static int net_rx_read_done(struct virtio_net *n, const struct net_rx_reader *r,
			    unsigned int used, unsigned int max, size_t room, size_t len)
{
	struct virtq *vq = &n->vd.vqs[VIRTIO_NET_RXQ];
	unsigned int nr_iov = 0, i;
	uint8_t hdr[VIRTIO_NET_HDR_LEN] = { 0 };
	struct virtio_net_hdr h;
	size_t more = 0, left;
	ssize_t got;

	net_stream_read(n->rx_elems, used, 0, hdr, sizeof(hdr));
	virtio_net_hdr_get(hdr, &h);
	if (!virtio_net_rx_hdr_fits(&n->vd, &h)) {
		virtq_unpop(vq, used);
		net_rx_drop_unfit(n, &h);
		return 0;
	}
	if (len > room) {
		got = net_rx_take_chains(n, &used, max, &nr_iov, len - room);
		if (got < 0) {
			virtq_unpop(vq, used);
			return (int)got;
		}
		more = got;
	}
	if (room + more < len) {
		/* Gathered whole in buf, it waits for buffers as a put one. */
		net_stream_read(n->rx_elems, used, 0, r->buf, MIN(room, len));
		virtq_unpop(vq, used);
		net_rx_queue(n, &h, r->buf + VIRTIO_NET_HDR_LEN, len - VIRTIO_NET_HDR_LEN);
		net_rx_signal(n);	/* out of buffers: the driver gives more the sooner */
		return 0;
	}
	if (len > room)
		net_stream_write(n->rx_elems, used, room, r->buf + room, len - room);
	for (i = 0, left = len; left; i++)
		left -= MIN(left, n->rx_elems[i].in_len);
	virtio_net_hdr_put(hdr, &h);
	hdr[10] = i;	/* num_buffers, at most VIRTIO_NET_RX_MERGE_MAX */
	hdr[11] = 0;
	net_stream_write(n->rx_elems, i, 0, hdr, sizeof(hdr));
	virtq_unpop(vq, used - i);
	for (used = i, i = 0, left = len; i < used; i++) {
		size_t seg = MIN(left, n->rx_elems[i].in_len);

		virtq_push(vq, &n->rx_elems[i], seg);
		left -= seg;
	}
	n->rx_last = len;
	atomic_store(&n->rx_signal, true);
	atomic_fetch_add_explicit(&n->rx_frames, 1, memory_order_relaxed);
	return 0;
}

/*
 * io_lock held, no frame waiting: the chains for a frame like the last
 * one (one chain without MRG_RXBUF), then the rest of r->buf past them
 * for a bigger one, read in one go. Returns false when there was
 * nothing to read into (no buffers, or a malformed ring: broken).
 */
static bool net_rx_read_in(struct virtio_net *n, const struct net_rx_reader *r,
			   ssize_t *got)
{
	struct virtq *vq = &n->vd.vqs[VIRTIO_NET_RXQ];
	bool mrg = virtio_dev_has_feature(&n->vd, VIRTIO_NET_F_MRG_RXBUF);
	unsigned int max = mrg ? VIRTIO_NET_RX_MERGE_MAX : 1, used = 0, nr_iov = 0;
	ssize_t room;
	int ret;

	room = net_rx_take_chains(n, &used, max, &nr_iov, mrg ? MAX(n->rx_last, 1) : 1);
	if (room < 0)
		virtio_dev_broken(&n->vd, VIRTIO_NET_RXQ);
	if (room <= 0)
		return false;
	if ((size_t)room < r->buf_len)
		n->rx_iov[nr_iov++] = (struct iovec){ r->buf + room, r->buf_len - room };
	*got = r->readv(r->ctx, n->rx_iov, nr_iov);
	if (*got <= VIRTIO_NET_HDR_LEN) {
		/* Nothing, the end, an error, or a runt to ignore. */
		virtq_unpop(vq, used);
		return true;
	}
	ret = net_rx_read_done(n, r, used, max, room, *got);
	if (ret < 0)	/* the frame is lost with the queue, not the backend */
		virtio_dev_broken(&n->vd, VIRTIO_NET_RXQ);
	return true;
}

bool virtio_net_rx_read(struct virtio_dev *vd, const struct net_rx_reader *r,
			ssize_t *got)
{
	struct virtio_net *n = vd->priv;
	bool done = false;

	if (pthread_mutex_trylock(&vd->io_lock))
		return false;
	if (net_rx_direct_ok(n, 0) &&
	    virtio_net_hdr_len(vd) == VIRTIO_NET_HDR_LEN &&
	    r->buf_len >= VIRTIO_NET_HDR_LEN && net_rx_pending(n) > 0)
		done = net_rx_read_in(n, r, got);
	pthread_mutex_unlock(&vd->io_lock);
	return done;
}
