// SPDX-License-Identifier: GPL-2.0
/* virtio-rng: the guest's buffers filled from getrandom(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "devices/virtio/rng.h"
#include "lib/log.h"
#include "lib/util.h"

struct virtio_rng {
	struct virtio_dev vd;
	char name[24];
	bool failed;		/* getrandom() failed once: said so */
	struct virtq_elem elem;	/* the request being filled */
};

/* Fills [p, p + len); returns the bytes filled, fewer only on an error. */
static size_t rng_get(struct virtio_rng *r, uint8_t *p, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		/* Blocks only until the host's pool is first seeded (early boot). */
		n = getrandom(p + done, len - done, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			if (!r->failed)
				pr_warn(r->vd.loglevel, "%s: getrandom: %s; the guest gets fewer random bytes",
					r->name, n ? strerror(errno) : "no bytes");
			r->failed = true;
			break;
		}
		done += n;
	}
	return done;
}

/* Every device-writable buffer of the chain, up to VIRTIO_RNG_MAX_FILL. */
static uint32_t rng_fill(struct virtio_rng *r, struct virtq_elem *e)
{
	size_t total = 0, want, got;
	unsigned int i;

	for (i = e->nr_out; i < e->nr_out + e->nr_in; i++) {
		want = MIN(e->iov[i].iov_len, VIRTIO_RNG_MAX_FILL - total);
		got = rng_get(r, e->iov[i].iov_base, want);
		total += got;
		if (got < want || total == VIRTIO_RNG_MAX_FILL)
			break;
	}
	return total;
}

static void rng_queue_notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_rng *r = vd->priv;
	struct virtq *vq = &vd->vqs[q];
	int ret;

	do {
		virtq_notify_enable(vq, false);
		while ((ret = virtq_pop(vq, &r->elem)) > 0)
			virtq_push(vq, &r->elem, rng_fill(r, &r->elem));
		virtio_dev_signal(vd, q);
		if (ret < 0) {
			virtio_dev_broken(vd, q);
			return;
		}
	} while (virtq_notify_enable(vq, true));
}

static void rng_destroy(struct virtio_dev *vd)
{
	free(vd->priv);
}

/* The host's random bytes go straight into each buffer: no state of its own. */
static int rng_save(struct virtio_dev *vd, struct snapshot *s)
{
	(void)vd;
	(void)s;
	return 0;
}

static const struct virtio_dev_ops rng_ops = {
	.queue_notify = rng_queue_notify,
	.destroy = rng_destroy,
	.save = rng_save,
	.restore = rng_save,
};

int virtio_rng_new(unsigned int index, struct virtio_dev **vdp)
{
	struct virtio_rng *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	snprintf(r->name, sizeof(r->name), "virtio-rng %u", index);
	r->vd.ops = &rng_ops;
	r->vd.name = r->name;
	r->vd.priv = r;
	r->vd.device_id = VIRTIO_ID_RNG;
	r->vd.nr_queues = 1;
	r->vd.index = index;
	ret = virtio_dev_init(&r->vd);
	if (ret) {
		free(r);
		return ret;
	}
	*vdp = &r->vd;
	return 0;
}

int virtio_rng_create(const struct device_ctx *ctx, unsigned int index,
		      enum virtio_transport t, struct device **dev)
{
	struct virtio_dev *vd;
	int ret;

	ret = virtio_rng_new(index, &vd);
	if (ret)
		return ret;
	ret = virtio_transport_create(vd, ctx, t, dev);
	if (ret)
		virtio_dev_destroy(vd);
	return ret;
}
