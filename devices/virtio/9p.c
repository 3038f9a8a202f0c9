// SPDX-License-Identifier: GPL-2.0
/* virtio-9p: the guest's 9P requests to the server of one share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/9p/p9-server.h"
#include "devices/virtio/9p.h"
#include "lib/util.h"

struct virtio_9p {
	struct virtio_dev vd;
	char name[48];
	struct p9_server srv;
	uint8_t config[2 + VIRTIO_9P_TAG_MAX];
	struct virtq_elem elem;
	/* A request gathered from its segments, its reply before scattering. */
	uint8_t req[P9_MSIZE_MAX];
	uint8_t rep[P9_MSIZE_MAX];
};

/* The device-readable segments into req: at most its size. */
static size_t p9dev_gather(struct virtio_9p *p, const struct virtq_elem *e)
{
	size_t done = 0, n;
	unsigned int i;

	for (i = 0; i < e->nr_out && done < sizeof(p->req); i++) {
		n = MIN(e->iov[i].iov_len, sizeof(p->req) - done);
		memcpy(p->req + done, e->iov[i].iov_base, n);
		done += n;
	}
	return done;
}

static void p9dev_scatter(struct virtio_9p *p, const struct virtq_elem *e,
			  size_t len)
{
	size_t done = 0, n;
	unsigned int i;

	for (i = e->nr_out; i < e->nr_out + e->nr_in && done < len; i++) {
		n = MIN(e->iov[i].iov_len, len - done);
		memcpy(e->iov[i].iov_base, p->rep + done, n);
		done += n;
	}
}

static uint32_t p9dev_serve(struct virtio_9p *p, struct virtq_elem *e)
{
	size_t len = p9dev_gather(p, e);
	size_t room = MIN(e->in_len, (uint64_t)sizeof(p->rep));

	len = p9_server_handle(&p->srv, p->req, len, p->rep, room);
	p9dev_scatter(p, e, len);
	return len;
}

static void p9dev_queue_notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_9p *p = vd->priv;
	struct virtq *vq = &vd->vqs[q];
	int ret;

	do {
		virtq_notify_enable(vq, false);
		while ((ret = virtq_pop(vq, &p->elem)) > 0) {
			virtq_push(vq, &p->elem, p9dev_serve(p, &p->elem));
			virtio_dev_signal(vd, q);
		}
		if (ret < 0) {
			virtio_dev_broken(vd, q);
			return;
		}
	} while (virtq_notify_enable(vq, true));
}

static void p9dev_config_read(struct virtio_dev *vd, uint32_t off, void *buf,
			      uint32_t len)
{
	struct virtio_9p *p = vd->priv;

	memcpy(buf, p->config + off, len);
}

static void p9dev_destroy(struct virtio_dev *vd)
{
	struct virtio_9p *p = vd->priv;

	p9_server_destroy(&p->srv);
	free(p);
}

/*
 * No reset op: a driver reset may come on a vCPU thread, whose sandbox
 * closes nothing; the fids of the old session go at the new session's
 * Tversion, on the I/O thread, or when the device is destroyed.
 */
static const struct virtio_dev_ops p9dev_ops = {
	.config_read = p9dev_config_read,
	.queue_notify = p9dev_queue_notify,
	.destroy = p9dev_destroy,
};

int virtio_9p_new(unsigned int index, const struct virtio_9p_cfg *cfg,
		  struct virtio_dev **vdp)
{
	size_t tag_len = strlen(cfg->tag);
	struct virtio_9p *p;
	int ret;

	if (!tag_len || tag_len > VIRTIO_9P_TAG_MAX)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	ret = p9_server_init(&p->srv, cfg->dir, cfg->ro);
	if (ret) {
		free(p);
		return ret;
	}
	p->config[0] = tag_len;
	p->config[1] = tag_len >> 8;
	memcpy(p->config + 2, cfg->tag, tag_len);
	snprintf(p->name, sizeof(p->name), "virtio-9p %s", cfg->tag);
	p->vd.ops = &p9dev_ops;
	p->vd.name = p->name;
	p->vd.priv = p;
	p->vd.role = "9p";
	p->vd.device_id = VIRTIO_ID_9P;
	p->vd.host_features = 1ULL << VIRTIO_9P_F_MOUNT_TAG;
	p->vd.config_size = 2 + tag_len;
	p->vd.nr_queues = 1;
	p->vd.index = index;
	ret = virtio_dev_init(&p->vd);
	if (ret) {
		p9_server_destroy(&p->srv);
		free(p);
		return ret;
	}
	*vdp = &p->vd;
	return 0;
}

int virtio_9p_create(const struct device_ctx *ctx, unsigned int index,
		     const struct virtio_9p_cfg *cfg, enum virtio_transport t,
		     struct device **dev)
{
	struct virtio_dev *vd;
	int ret;

	ret = virtio_9p_new(index, cfg, &vd);
	if (ret)
		return ret;
	ret = virtio_transport_create(vd, ctx, t, dev);
	if (ret)
		virtio_dev_destroy(vd);
	return ret;
}
