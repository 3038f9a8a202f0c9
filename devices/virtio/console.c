// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console, one port: guest output to the host console without
 * loss or unbounded buffering, host input through a small ring that
 * the main loop fills without ever waiting for the guest.
 */
#include <endian.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/console.h"
#include "lib/snapshot.h"
#include "lib/util.h"

struct virtio_console {
	struct virtio_dev vd;
	const struct virtio_console_ops *ops;
	void *opaque;
	char name[24];
	atomic_uint size;		/* cols | rows << 16 */

	/* Transmit: the I/O thread's alone. */
	struct virtq_elem tx;
	bool tx_held;			/* tx taken, not all of it written */
	uint64_t tx_done;		/* bytes of tx the host took */
	uint64_t tx_skip;		/* restored: bytes of the next tx already out */

	/*
	 * Receive: the main loop appends under rx_lock; the I/O thread
	 * copies out the bytes it saw under the lock (the main loop
	 * never writes those), then drops them under the lock.
	 */
	pthread_mutex_t rx_lock;
	size_t rx_head, rx_len;
	bool rx_blocked;		/* the main loop was told there is no room */
	uint8_t rx[VIRTIO_CONSOLE_RX_RING];
	struct virtq_elem rxe;
};

/* To the host console: what it took, never more than it was given. */
static size_t con_write(struct virtio_console *c, const uint8_t *buf,
			size_t len)
{
	size_t n = c->ops->put(c->opaque, buf, len);

	return MIN(n, len);
}

/* Writes out what is left of tx; false when the host is full. */
static bool con_tx_put(struct virtio_console *c)
{
	struct virtq_elem *e = &c->tx;
	uint64_t skip = c->tx_done;
	unsigned int i;
	size_t len, n;

	for (i = 0; i < e->nr_out; i++) {
		if (skip >= e->iov[i].iov_len) {
			skip -= e->iov[i].iov_len;
			continue;
		}
		len = e->iov[i].iov_len - skip;
		n = con_write(c, (uint8_t *)e->iov[i].iov_base + skip, len);
		c->tx_done += n;
		if (n < len)
			return false;
		skip = 0;
	}
	return true;
}

/*
 * Sends the transmit queue's buffers in order. When the host is full,
 * the buffer in hand is kept and the guest's notifications stay off:
 * virtio_console_tx_ready() resumes here through the kick. Linux waits
 * for each buffer to come back before it sends the next (put_chars()),
 * so a full host holds the guest as a busy UART does.
 */
static void con_tx(struct virtio_console *c)
{
	struct virtq *vq = &c->vd.vqs[VIRTIO_CONSOLE_TXQ];
	int ret;

	do {
		virtq_notify_enable(vq, false);
		for (;;) {
			if (!c->tx_held) {
				ret = virtq_pop(vq, &c->tx);
				if (ret < 0) {
					virtio_dev_broken(&c->vd, VIRTIO_CONSOLE_TXQ);
					return;
				}
				if (!ret)
					break;
				c->tx_held = true;
				c->tx_done = c->tx_skip;
				c->tx_skip = 0;
			}
			if (!con_tx_put(c))
				return;
			c->tx_held = false;
			virtq_push(vq, &c->tx, 0);
			virtio_dev_signal(&c->vd, VIRTIO_CONSOLE_TXQ);
		}
	} while (virtq_notify_enable(vq, true));
}

/* Copies up to len ring bytes from head into e's in-buffers. */
static size_t con_rx_copy(struct virtio_console *c, struct virtq_elem *e,
			  size_t head, size_t len)
{
	size_t done = 0, n;
	unsigned int i;

	for (i = e->nr_out; i < e->nr_out + e->nr_in && done < len; i++) {
		size_t off = 0;

		while (off < e->iov[i].iov_len && done < len) {
			n = MIN(e->iov[i].iov_len - off, len - done);
			n = MIN(n, VIRTIO_CONSOLE_RX_RING - (head + done) % VIRTIO_CONSOLE_RX_RING);
			memcpy((uint8_t *)e->iov[i].iov_base + off,
			       c->rx + (head + done) % VIRTIO_CONSOLE_RX_RING, n);
			off += n;
			done += n;
		}
	}
	return done;
}

/* The main loop stopped feeding for want of room: there is room now. */
static void con_rx_wake(struct virtio_console *c)
{
	const struct device_host_ops *h = c->vd.host_ops;
	bool wake = false;

	pthread_mutex_lock(&c->rx_lock);
	if (c->rx_blocked && c->rx_len < VIRTIO_CONSOLE_RX_RING &&
	    virtio_dev_running(&c->vd)) {
		c->rx_blocked = false;
		wake = true;
	}
	pthread_mutex_unlock(&c->rx_lock);
	if (wake && h && h->wake)
		h->wake(c->vd.host);
}

/* Moves held input into the receive queue, as far as it has buffers. */
static void con_rx(struct virtio_console *c)
{
	struct virtq *vq = &c->vd.vqs[VIRTIO_CONSOLE_RXQ];
	size_t head, len, n;
	int ret;

	for (;;) {
		pthread_mutex_lock(&c->rx_lock);
		head = c->rx_head;
		len = c->rx_len;
		pthread_mutex_unlock(&c->rx_lock);
		if (!len)
			break;
		ret = virtq_pop(vq, &c->rxe);
		if (ret < 0)
			virtio_dev_broken(&c->vd, VIRTIO_CONSOLE_RXQ);
		if (ret <= 0)
			break;
		n = con_rx_copy(c, &c->rxe, head, len);
		virtq_push(vq, &c->rxe, n);
		pthread_mutex_lock(&c->rx_lock);
		c->rx_head = (c->rx_head + n) % VIRTIO_CONSOLE_RX_RING;
		c->rx_len -= n;
		pthread_mutex_unlock(&c->rx_lock);
	}
	virtio_dev_signal(&c->vd, VIRTIO_CONSOLE_RXQ);
	con_rx_wake(c);
}

static void con_queue_notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_console *c = vd->priv;

	if (q == VIRTIO_CONSOLE_TXQ)
		con_tx(c);
	else
		con_rx(c);
}

static void con_kick(struct virtio_dev *vd)
{
	struct virtio_console *c = vd->priv;

	con_tx(c);
	con_rx(c);
}

/* The buffer in hand belonged to the rings the driver just dropped. */
static void con_reset(struct virtio_dev *vd)
{
	struct virtio_console *c = vd->priv;

	c->tx_held = false;
	c->tx_done = 0;
	c->tx_skip = 0;
}

/*
 * The buffer in hand is saved as how much of it went out: a restore
 * gives it back to the ring (its chain is guest RAM) and takes it again
 * past those bytes. The input not yet in the guest's buffers is saved
 * whole.
 */
static int con_save(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_console *c = vd->priv;
	uint8_t buf[VIRTIO_CONSOLE_RX_RING];
	size_t i, n;

	snapshot_put_u32(s, c->tx_held);
	snapshot_put_u64(s, c->tx_held ? c->tx_done : c->tx_skip);
	pthread_mutex_lock(&c->rx_lock);
	n = c->rx_len;
	for (i = 0; i < n; i++)
		buf[i] = c->rx[(c->rx_head + i) % VIRTIO_CONSOLE_RX_RING];
	pthread_mutex_unlock(&c->rx_lock);
	snapshot_put_u32(s, n);
	snapshot_put(s, buf, n);
	return snapshot_error(s);
}

static int con_restore(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_console *c = vd->priv;
	struct virtq *vq = &vd->vqs[VIRTIO_CONSOLE_TXQ];
	uint32_t held = snapshot_get_u32(s), n;
	uint64_t done = snapshot_get_u64(s);

	n = snapshot_get_u32(s);
	if (s->err || held > 1 || n > VIRTIO_CONSOLE_RX_RING)
		return -EINVAL;
	/* A held chain is one the queue took and did not give back. */
	if (held && (!vq->desc || vq->last_avail == vq->used_idx))
		return -EINVAL;
	if (held)
		virtq_unpop(vq, 1);
	c->tx_held = false;
	c->tx_skip = done;
	pthread_mutex_lock(&c->rx_lock);
	c->rx_head = 0;
	c->rx_len = n;
	snapshot_get(s, c->rx, n);
	pthread_mutex_unlock(&c->rx_lock);
	return s->err;
}

static void con_config_read(struct virtio_dev *vd, uint32_t off, void *buf,
			    uint32_t len)
{
	struct virtio_console *c = vd->priv;
	uint32_t size = atomic_load(&c->size);
	uint8_t cfg[VIRTIO_CONSOLE_CFG_SIZE];
	uint16_t cols = htole16(size & 0xffff), rows = htole16(size >> 16);
	uint32_t ports = htole32(1);

	memcpy(cfg, &cols, 2);
	memcpy(cfg + 2, &rows, 2);
	memcpy(cfg + 4, &ports, 4);
	memcpy(buf, cfg + off, len);
}

static void con_destroy(struct virtio_dev *vd)
{
	struct virtio_console *c = vd->priv;

	pthread_mutex_destroy(&c->rx_lock);
	free(c);
}

static const struct virtio_dev_ops con_ops = {
	.config_read = con_config_read,
	.queue_notify = con_queue_notify,
	.kick = con_kick,
	.reset = con_reset,
	.destroy = con_destroy,
	.save = con_save,
	.restore = con_restore,
};

void virtio_console_tx_ready(struct virtio_console *c)
{
	virtio_dev_kick(&c->vd);
}

size_t virtio_console_rx_room(struct virtio_console *c)
{
	size_t room = 0;

	pthread_mutex_lock(&c->rx_lock);
	if (virtio_dev_running(&c->vd))
		room = VIRTIO_CONSOLE_RX_RING - c->rx_len;
	if (!room)
		c->rx_blocked = true;
	pthread_mutex_unlock(&c->rx_lock);
	return room;
}

size_t virtio_console_rx_push(struct virtio_console *c, const uint8_t *buf,
			      size_t len)
{
	size_t n = 0, tail, part;

	pthread_mutex_lock(&c->rx_lock);
	if (virtio_dev_running(&c->vd))
		n = MIN(len, VIRTIO_CONSOLE_RX_RING - c->rx_len);
	tail = (c->rx_head + c->rx_len) % VIRTIO_CONSOLE_RX_RING;
	part = MIN(n, VIRTIO_CONSOLE_RX_RING - tail);
	memcpy(c->rx + tail, buf, part);
	memcpy(c->rx, buf + part, n - part);
	c->rx_len += n;
	if (n < len)
		c->rx_blocked = true;
	pthread_mutex_unlock(&c->rx_lock);
	if (n)
		virtio_dev_kick(&c->vd);
	return n;
}

void virtio_console_set_size(struct virtio_console *c, uint16_t cols,
			     uint16_t rows)
{
	if (!(c->vd.host_features & (1ULL << VIRTIO_CONSOLE_F_SIZE)))
		return;
	atomic_store(&c->size, cols | (uint32_t)rows << 16);
	virtio_dev_config_changed(&c->vd);
}

int virtio_console_new(const struct virtio_console_cfg *cfg,
		       unsigned int index, struct virtio_console **con,
		       struct virtio_dev **vdp)
{
	struct virtio_console *c;
	int ret;

	if (!cfg || !cfg->ops || !cfg->ops->put)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ops = cfg->ops;
	c->opaque = cfg->opaque;
	snprintf(c->name, sizeof(c->name), "virtio-console %u", index);
	atomic_init(&c->size, cfg->cols | (uint32_t)cfg->rows << 16);
	pthread_mutex_init(&c->rx_lock, NULL);
	c->vd.ops = &con_ops;
	c->vd.name = c->name;
	c->vd.priv = c;
	c->vd.device_id = VIRTIO_ID_CONSOLE;
	if (cfg->cols && cfg->rows)
		c->vd.host_features = 1ULL << VIRTIO_CONSOLE_F_SIZE;
	c->vd.config_size = VIRTIO_CONSOLE_CFG_SIZE;
	c->vd.nr_queues = 2;
	c->vd.index = index;
	ret = virtio_dev_init(&c->vd);
	if (ret) {
		con_destroy(&c->vd);
		return ret;
	}
	*con = c;
	*vdp = &c->vd;
	return 0;
}

int virtio_console_create(const struct device_ctx *ctx,
			  const struct virtio_console_cfg *cfg,
			  unsigned int index, enum virtio_transport t,
			  struct virtio_console **con, struct device **dev)
{
	struct virtio_dev *vd;
	int ret;

	ret = virtio_console_new(cfg, index, con, &vd);
	if (ret)
		return ret;
	ret = virtio_transport_create(vd, ctx, t, dev);
	if (ret) {
		virtio_dev_destroy(vd);
		*con = NULL;
	}
	return ret;
}
