// SPDX-License-Identifier: GPL-2.0
/* virtio-9p: the guest's 9P requests to the server of one share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/9p/p9-server.h"
#include "devices/9p/p9-snap.h"
#include "devices/virtio/9p.h"
#include "lib/iov.h"
#include "lib/log.h"
#include "lib/snapshot.h"
#include "lib/util.h"

struct virtio_9p {
	struct virtio_dev vd;
	char name[48];
	struct p9_server srv;
	uint8_t config[2 + VIRTIO_9P_TAG_MAX];
	struct virtq_elem elem;
	/* The segments of a Twrite's or an Rread's payload (zero copy). */
	struct iovec tail[VIRTQ_CHAIN_MAX];
	/* A request gathered from its segments, its reply before scattering. */
	uint8_t req[P9_MSIZE_MAX];
	uint8_t rep[P9_MSIZE_MAX];
};

/* The fixed parts around the bulk data: fid, offset, count; count. */
#define P9DEV_TWRITE_FIXED	(P9_HDR_SIZE + 4 + 8 + 4)
#define P9DEV_RREAD_FIXED	(P9_HDR_SIZE + 4)

/* The device-readable segments into req: at most its size. */
static size_t p9dev_gather(struct virtio_9p *p, const struct virtq_elem *e)
{
	return iov_to_buf(e->iov, e->nr_out, p->req, sizeof(p->req));
}

static void p9dev_scatter(const struct virtq_elem *e, const void *rep, size_t len)
{
	iov_from_buf(e->iov + e->nr_out, e->nr_in, rep, len);
}

/* Any request, through the buffers. */
static uint32_t p9dev_serve_copy(struct virtio_9p *p, struct virtq_elem *e)
{
	size_t len = p9dev_gather(p, e);
	size_t room = MIN(e->in_len, (uint64_t)sizeof(p->rep));

	len = p9_server_handle(&p->srv, p->req, len, p->rep, room);
	p9dev_scatter(e, p->rep, len);
	return len;
}

/*
 * A Twrite's payload goes from the guest's segments to the file with
 * one pwritev: only its fixed part is copied (Linux puts the payload
 * in segments of its own, but any framing works).
 */
static uint32_t p9dev_serve_write(struct virtio_9p *p, struct virtq_elem *e)
{
	size_t len = iov_to_buf(e->iov, e->nr_out, p->req, P9DEV_TWRITE_FIXED);
	size_t room = MIN(e->in_len, (uint64_t)sizeof(p->rep));
	struct p9_data tail = { .cnt = e->nr_out, .len = e->out_len - len };

	memcpy(p->tail, e->iov, e->nr_out * sizeof(*e->iov));
	tail.iov = iov_skip(p->tail, &tail.cnt, len);
	len = p9_server_handle_tail(&p->srv, p->req, len, &tail, p->rep, room);
	p9dev_scatter(e, p->rep, len);
	return len;
}

/* An Rread's payload goes from the file into the guest's segments: preadv. */
static uint32_t p9dev_serve_read(struct virtio_9p *p, struct virtq_elem *e)
{
	size_t len = p9dev_gather(p, e);
	struct p9_data tail = { .cnt = e->nr_in, .len = e->in_len - P9DEV_RREAD_FIXED };

	memcpy(p->tail, e->iov + e->nr_out, e->nr_in * sizeof(*e->iov));
	tail.iov = iov_skip(p->tail, &tail.cnt, P9DEV_RREAD_FIXED);
	len = p9_server_handle_tail(&p->srv, p->req, len, &tail, p->rep,
				    P9DEV_RREAD_FIXED);
	p9dev_scatter(e, p->rep, MIN(len, P9DEV_RREAD_FIXED));
	return len;
}

static uint32_t p9dev_serve(struct virtio_dev *vd, struct virtq_elem *e)
{
	struct virtio_9p *p = vd->priv;
	uint8_t hdr[P9_HDR_SIZE];

	if (iov_to_buf(e->iov, e->nr_out, hdr, sizeof(hdr)) == sizeof(hdr)) {
		if (hdr[4] == P9_TWRITE && e->out_len > P9DEV_TWRITE_FIXED)
			return p9dev_serve_write(p, e);
		if (hdr[4] == P9_TREAD && e->in_len > P9DEV_RREAD_FIXED)
			return p9dev_serve_read(p, e);
	}
	return p9dev_serve_copy(p, e);
}

static void p9dev_queue_notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_9p *p = vd->priv;

	virtio_queue_serve(vd, q, &p->elem, p9dev_serve);
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
 * Nothing is in flight once the I/O thread is held off: each request is
 * served whole within a batch. The session is saved: msize and the
 * fids, by their paths below the share (devices/9p/p9-snap.c).
 */
static int p9dev_save(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_9p *p = vd->priv;
	uint32_t bad = 0;
	int ret;

	snapshot_put_u32(s, p->srv.msize);
	ret = p9_fs_save(&p->srv.fs, s, &bad);
	if (ret == -ESTALE)
		pr_err(vd->loglevel, "%s: the guest holds fid %u on a file removed from the share or moved out of it, which a restore could not find again; snapshot once the guest has closed it",
		       p->name, bad);
	else if (ret)
		pr_err(vd->loglevel, "%s: cannot save the guest's open files: %s",
		       p->name, strerror(-ret));
	return ret;
}

static int p9dev_restore(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_9p *p = vd->priv;
	uint32_t msize = snapshot_get_u32(s);
	char bad[256] = "";
	int ret;

	if (s->err || msize < P9_MSIZE_MIN || msize > P9_MSIZE_MAX)
		return -EINVAL;
	p->srv.msize = msize;
	ret = p9_fs_restore(&p->srv.fs, s, bad, sizeof(bad));
	if (ret == -EINVAL)
		pr_err(vd->loglevel, "%s: the snapshot's fids are malformed", p->name);
	else if (ret == -EPERM || ret == -EROFS)
		pr_err(vd->loglevel, "%s: the snapshot has the guest's file '%s' open in a way this share does not allow (%s); restore with the share and --9p options as they were",
		       p->name, bad, strerror(-ret));
	else if (ret)
		pr_err(vd->loglevel, "%s: the guest's file '%s' is not in the share any more (%s); restore with the share as it was at the snapshot",
		       p->name, bad, strerror(-ret));
	return ret;
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
	.save = p9dev_save,
	.restore = p9dev_restore,
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
