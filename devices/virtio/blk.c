// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk: each request's framing, header, sectors and lengths are
 * checked against the disk before any I/O; whatever the guest wrote,
 * the answer is a status byte (IOERR, UNSUPP), never a touch past the
 * image or past the request's own buffers.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/blk-config.h"
#include "lib/iov.h"
#include "lib/log.h"
#include "lib/snapshot.h"
#include "lib/util.h"

/* A request once its framing is checked: data out, data in, status. */
struct blk_req {
	uint32_t type;
	uint64_t sector;
	struct iovec *out;	/* after the header */
	unsigned int nr_out;
	uint64_t out_len;
	struct iovec *in;	/* before the status byte */
	unsigned int nr_in;
	uint64_t in_len;
	uint8_t *status;
	bool hdr_ok;		/* the header was whole */
};

struct virtio_blk {
	struct virtio_dev vd;
	struct disk disk;
	uint8_t config[VIRTIO_BLK_CFG_SIZE];	/* built once, read-only */
	char name[32];
	uint64_t io_errors;	/* failures of the host file; the first is logged */
	int map_err;		/* why the disk is not on the mapping, or 0 */
	int ring_err;		/* why not on io_uring, or 0 */
	struct virtq_elem elem;	/* the request being served (preadv) */
	/* With mmap or io_uring: the batch, its chains, requests and I/O. */
	struct virtq_elem *elems;	/* DISK_RING_DEPTH of them */
	struct blk_req reqs[DISK_RING_DEPTH];
	struct disk_io ios[DISK_RING_DEPTH];
};

/* blk_rw_check(): the checks passed, the transfer is to be done. */
#define BLK_DO_IO	0x100

static uint32_t blk_get_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static uint64_t blk_get_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

/*
 * The status byte is the last byte of the last device-writable buffer
 * (5.2.6: the driver may frame the request any way). Without one
 * there is nowhere to answer: false.
 */
static bool blk_frame_status(struct virtq_elem *e, struct blk_req *r)
{
	struct iovec *in = e->iov + e->nr_out;
	unsigned int n = e->nr_in;

	while (n && !in[n - 1].iov_len)
		n--;
	if (!n)
		return false;
	r->status = (uint8_t *)in[n - 1].iov_base + in[n - 1].iov_len - 1;
	if (!--in[n - 1].iov_len)
		n--;
	r->in = in;
	r->nr_in = n;
	r->in_len = e->in_len - 1;
	return true;
}

/* The 16-byte header may itself be split over several buffers. */
static bool blk_frame_header(struct virtq_elem *e, struct blk_req *r)
{
	uint8_t hdr[VIRTIO_BLK_HDR_SIZE];

	if (iov_to_buf(e->iov, e->nr_out, hdr, sizeof(hdr)) != sizeof(hdr))
		return false;
	r->type = blk_get_le32(hdr);
	r->sector = blk_get_le64(hdr + 8);	/* 4-7: reserved (ioprio) */
	r->nr_out = e->nr_out;
	r->out = iov_skip(e->iov, &r->nr_out, sizeof(hdr));
	r->out_len = e->out_len - sizeof(hdr);
	return true;
}

/* The first error of the host file is worth a line; the rest are counted. */
static uint8_t blk_host_error(struct virtio_blk *b, const char *what,
			      uint64_t off, int err)
{
	if (!b->io_errors++)
		pr_warn(b->vd.loglevel, "%s: %s at byte %llu of '%s' failed: %s; the guest sees an I/O error (later ones are not logged)",
			b->name, what, (unsigned long long)off, b->disk.path,
			strerror(-err));
	return VIRTIO_BLK_S_IOERR;
}

/* [sector, sector + count) lies wholly on the disk; no overflow. */
static bool blk_in_range(const struct virtio_blk *b, uint64_t sector,
			 uint64_t count)
{
	uint64_t cap = b->disk.size >> DISK_SECTOR_SHIFT;

	return sector <= cap && count <= cap - sector;
}

/* A read's or write's answer without I/O, or BLK_DO_IO. */
static int blk_rw_check(const struct virtio_blk *b, const struct blk_req *r,
			bool write)
{
	uint64_t len = write ? r->out_len : r->in_len;

	/* 5.2.6.2: a read-only device fails writes and writes nothing. */
	if (write && b->disk.ro)
		return VIRTIO_BLK_S_IOERR;
	if (len % DISK_SECTOR_SIZE ||
	    !blk_in_range(b, r->sector, len >> DISK_SECTOR_SHIFT))
		return VIRTIO_BLK_S_IOERR;
	if (!len)
		return VIRTIO_BLK_S_OK;
	return BLK_DO_IO;
}

static uint8_t blk_rw(struct virtio_blk *b, struct blk_req *r, bool write,
		      uint64_t *written)
{
	uint64_t len = write ? r->out_len : r->in_len;
	uint64_t off = r->sector << DISK_SECTOR_SHIFT;
	int ret = blk_rw_check(b, r, write);

	if (ret != BLK_DO_IO)
		return ret;
	if (write)
		ret = disk_write(&b->disk, r->out, r->nr_out, off);
	else
		ret = disk_read(&b->disk, r->in, r->nr_in, off);
	if (ret)
		return blk_host_error(b, write ? "write" : "read", off, ret);
	if (!write)
		*written = len;
	return VIRTIO_BLK_S_OK;
}

static uint8_t blk_get_id(struct virtio_blk *b, struct blk_req *r,
			  uint64_t *written)
{
	size_t n = MIN(r->in_len, (uint64_t)DISK_SERIAL_LEN);

	iov_from_buf(r->in, r->nr_in, b->disk.serial, n);
	*written = n;
	return VIRTIO_BLK_S_OK;
}

static uint8_t blk_flush(struct virtio_blk *b)
{
	int ret = disk_flush(&b->disk);

	return ret ? blk_host_error(b, "flush", 0, ret) : VIRTIO_BLK_S_OK;
}

/*
 * The segments of a DISCARD or WRITE_ZEROES, all checked before the
 * first is done (5.2.6.2: unknown flags are UNSUPP, so is UNMAP on a
 * discard; more than the config allows is IOERR).
 */
static uint8_t blk_check_segs(struct virtio_blk *b, const uint8_t *raw,
			      unsigned int nseg, bool zeroes)
{
	uint32_t allowed = zeroes ? VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0;
	unsigned int i;

	for (i = 0; i < nseg; i++) {
		const uint8_t *s = raw + i * VIRTIO_BLK_SEG_SIZE;
		uint32_t num = blk_get_le32(s + 8);

		if (blk_get_le32(s + 12) & ~allowed)
			return VIRTIO_BLK_S_UNSUPP;
		if (num > VIRTIO_BLK_MAX_DISCARD_SECTORS ||
		    !blk_in_range(b, blk_get_le64(s), num))
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

static uint8_t blk_discard(struct virtio_blk *b, struct blk_req *r,
			   bool zeroes)
{
	uint8_t raw[VIRTIO_BLK_MAX_DISCARD_SEG * VIRTIO_BLK_SEG_SIZE];
	unsigned int feature = zeroes ? VIRTIO_BLK_F_WRITE_ZEROES :
					VIRTIO_BLK_F_DISCARD;
	unsigned int nseg = r->out_len / VIRTIO_BLK_SEG_SIZE, i;
	uint8_t status;
	int ret;

	if (b->disk.ro)
		return VIRTIO_BLK_S_IOERR;
	if (!(b->vd.host_features & (1ULL << feature)))
		return VIRTIO_BLK_S_UNSUPP;
	if (r->out_len % VIRTIO_BLK_SEG_SIZE || !nseg ||
	    nseg > VIRTIO_BLK_MAX_DISCARD_SEG)
		return VIRTIO_BLK_S_IOERR;
	iov_to_buf(r->out, r->nr_out, raw, r->out_len);
	status = blk_check_segs(b, raw, nseg, zeroes);
	for (i = 0; i < nseg && status == VIRTIO_BLK_S_OK; i++) {
		const uint8_t *s = raw + i * VIRTIO_BLK_SEG_SIZE;
		uint64_t off = blk_get_le64(s) << DISK_SECTOR_SHIFT;
		uint64_t len = (uint64_t)blk_get_le32(s + 8) << DISK_SECTOR_SHIFT;
		bool unmap = blk_get_le32(s + 12) & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;

		if (!len)
			continue;
		ret = zeroes ? disk_write_zeroes(&b->disk, off, len, unmap) :
			       disk_discard(&b->disk, off, len);
		if (ret)
			status = blk_host_error(b, zeroes ? "write zeroes" :
						"discard", off, ret);
	}
	return status;
}

static uint8_t blk_dispatch(struct virtio_blk *b, struct blk_req *r,
			    uint64_t *written)
{
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
		return blk_rw(b, r, false, written);
	case VIRTIO_BLK_T_OUT:
		return blk_rw(b, r, true, written);
	case VIRTIO_BLK_T_FLUSH:
		return blk_flush(b);
	case VIRTIO_BLK_T_GET_ID:
		return blk_get_id(b, r, written);
	case VIRTIO_BLK_T_DISCARD:
		return blk_discard(b, r, false);
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return blk_discard(b, r, true);
	}
	return VIRTIO_BLK_S_UNSUPP;
}

/* Frames a chain into r; false when there is nowhere to answer. */
static bool blk_frame(struct virtq_elem *e, struct blk_req *r)
{
	memset(r, 0, sizeof(*r));
	if (!blk_frame_status(e, r))
		return false;
	r->hdr_ok = blk_frame_header(e, r);
	return true;
}

/* Does a framed request; returns the bytes written into its in-buffers. */
static uint32_t blk_answer(struct virtio_blk *b, struct blk_req *r)
{
	uint64_t written = 0;

	if (r->hdr_ok)
		*r->status = blk_dispatch(b, r, &written);
	else
		*r->status = VIRTIO_BLK_S_IOERR;
	return MIN(written + 1, (uint64_t)UINT32_MAX);
}

/* Serves one chain; returns the bytes written into its in-buffers. */
static uint32_t blk_request(struct virtio_blk *b, struct virtq_elem *e)
{
	struct blk_req r;

	if (!blk_frame(e, &r))
		return 0;	/* nowhere to answer: do nothing at all */
	return blk_answer(b, &r);
}

static uint32_t blk_serve(struct virtio_dev *vd, struct virtq_elem *e)
{
	return blk_request(vd->priv, e);
}

/* Framed request i, a read or write whose checks passed, joins the batch. */
static bool blk_batch_add(struct virtio_blk *b, unsigned int i)
{
	const struct blk_req *r = &b->reqs[i];
	bool write = r->type == VIRTIO_BLK_T_OUT;

	if (!r->hdr_ok || (!write && r->type != VIRTIO_BLK_T_IN) ||
	    blk_rw_check(b, r, write) != BLK_DO_IO)
		return false;
	b->ios[i] = (struct disk_io){
		.iov = write ? r->out : r->in,
		.cnt = write ? r->nr_out : r->nr_in,
		.off = r->sector << DISK_SECTOR_SHIFT,
		.write = write,
	};
	return true;
}

/*
 * The batch's n reads and writes in one go; each is on the used ring
 * only once its data is in the file (or the guest's buffers), and the
 * driver is signalled once for all of them (as the event index says).
 */
static void blk_batch_done(struct virtio_blk *b, unsigned int q, unsigned int n)
{
	unsigned int i;

	if (!n)
		return;
	disk_rw_batch(&b->disk, b->ios, n);
	for (i = 0; i < n; i++) {
		struct disk_io *io = &b->ios[i];
		uint64_t written = 0;

		if (io->err) {
			*b->reqs[i].status = blk_host_error(b, io->write ? "write" : "read",
							    io->off, io->err);
		} else {
			*b->reqs[i].status = VIRTIO_BLK_S_OK;
			written = io->write ? 0 : b->reqs[i].in_len;
		}
		virtq_push(&b->vd.vqs[q], &b->elems[i],
			   MIN(written + 1, (uint64_t)UINT32_MAX));
	}
	virtio_dev_signal(&b->vd, q);
}

/*
 * The mmap and io_uring engines: reads and writes gather into a batch,
 * done at once (disk_rw_batch(): io_uring's reads with one system call,
 * the mapping's copies with none). Any other request
 * (FLUSH, GET_ID, DISCARD, a request that fails its checks) first has
 * the batch before it done, so that a FLUSH covers every write that
 * came before it, then is done alone.
 * Nothing is in flight once this returns: a reset, a stop or a
 * snapshot, which wait for the I/O thread, find every request done.
 */
static void blk_serve_batches(struct virtio_blk *b, unsigned int q)
{
	struct virtq *vq = &b->vd.vqs[q];
	struct virtq_elem *e;
	unsigned int n = 0;
	bool framed;
	int ret;

	do {
		virtq_notify_enable(vq, false);
		while ((ret = virtq_pop(vq, e = &b->elems[n])) > 0) {
			framed = blk_frame(e, &b->reqs[n]);
			if (framed && blk_batch_add(b, n)) {
				if (++n == DISK_RING_DEPTH) {
					blk_batch_done(b, q, n);
					n = 0;
				}
				continue;
			}
			blk_batch_done(b, q, n);
			virtq_push(vq, e, framed ? blk_answer(b, &b->reqs[n]) : 0);
			virtio_dev_signal(&b->vd, q);
			n = 0;
		}
		blk_batch_done(b, q, n);
		n = 0;
		if (ret < 0) {
			virtio_dev_broken(&b->vd, q);
			return;
		}
	} while (virtq_notify_enable(vq, true));
}

/*
 * With preadv each completion is signalled at once
 * (virtio_queue_serve()): a request takes long enough that the guest
 * should not wait for others.
 */
static void blk_queue_notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_blk *b = vd->priv;

	if (b->elems)
		blk_serve_batches(b, q);
	else
		virtio_queue_serve(vd, q, &b->elem, blk_serve);
}

static void blk_config_read(struct virtio_dev *vd, uint32_t off, void *buf,
			    uint32_t len)
{
	struct virtio_blk *b = vd->priv;

	memcpy(buf, b->config + off, len);
}

static void blk_destroy(struct virtio_dev *vd)
{
	struct virtio_blk *b = vd->priv;

	disk_close(&b->disk);
	free(b->elems);
	free(b);
}

/*
 * Nothing is in flight once the I/O thread is held off: each request is
 * served whole (its I/O done, its used entry pushed) within a round,
 * io_uring's batches included (blk_serve_batches()).
 * What the guest saw of the disk is saved, for a restore onto another
 * image to be refused.
 */
static int blk_save(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_blk *b = vd->priv;

	snapshot_put_u64(s, b->disk.size);
	snapshot_put_u32(s, b->disk.ro);
	return snapshot_error(s);
}

static int blk_restore(struct virtio_dev *vd, struct snapshot *s)
{
	struct virtio_blk *b = vd->priv;
	uint64_t size = snapshot_get_u64(s);
	uint32_t ro = snapshot_get_u32(s);

	if (s->err)
		return -EINVAL;
	if (size != b->disk.size || ro != b->disk.ro) {
		pr_err(vd->loglevel, "%s: the snapshot's disk had %llu bytes%s, '%s' has %llu%s; restore with the same image",
		       b->name, (unsigned long long)size, ro ? " (ro)" : "", b->disk.path,
		       (unsigned long long)b->disk.size, b->disk.ro ? " (ro)" : "");
		return -EINVAL;
	}
	return 0;
}

static const struct virtio_dev_ops blk_ops = {
	.config_read = blk_config_read,
	.queue_notify = blk_queue_notify,
	.destroy = blk_destroy,
	.save = blk_save,
	.restore = blk_restore,
};

/*
 * The mapping for a buffered disk; io_uring where the kernel gives it
 * (a ,direct disk, or a mapping refused), confined to the disk before
 * the I/O thread exists; preadv otherwise. blk_report_engine() says
 * which and why.
 */
static void blk_pick_engine(struct virtio_blk *b)
{
	b->elems = calloc(DISK_RING_DEPTH, sizeof(*b->elems));
	if (!b->elems) {
		b->map_err = b->ring_err = -ENOMEM;
		return;
	}
	b->map_err = disk_use_map(&b->disk);
	b->ring_err = b->map_err ? disk_use_ring(&b->disk) : 0;
	if (b->ring_err) {
		free(b->elems);
		b->elems = NULL;
	}
}

static const char *blk_map_why(const struct virtio_blk *b)
{
	if (b->map_err == -EOPNOTSUPP)
		return b->disk.direct ? ",direct" : "--debug-iodelay";
	return strerror(-b->map_err);
}

/* Once the transport has set the log level: the engine, and why. */
static void blk_report_engine(struct virtio_dev *vd)
{
	struct virtio_blk *b = vd->priv;
	const char *why = b->ring_err == -EOPNOTSUPP ? "--debug-iodelay" :
			  b->ring_err == -ENOSYS ? "the kernel has no io_uring" :
			  b->ring_err == -EPERM ? "io_uring refused (sysctl kernel.io_uring_disabled, or a seccomp filter around lkvm)" :
			  strerror(-b->ring_err);

	if (!b->map_err)
		pr_debug(vd->loglevel, "%s: I/O engine mmap, reads and writes copied through a shared mapping of '%s', no system call",
			 b->name, b->disk.path);
	else if (!b->ring_err)
		pr_debug(vd->loglevel, "%s: I/O engine io_uring, up to %d reads a system call, confined to reading '%s'; writes with pwritev; no mapping: %s",
			 b->name, DISK_RING_DEPTH, b->disk.path, blk_map_why(b));
	else
		pr_debug(vd->loglevel, "%s: I/O engine preadv, a system call a request: no mapping: %s; %s",
			 b->name, blk_map_why(b), why);
}

const char *virtio_blk_engine(const struct virtio_dev *vd)
{
	const struct virtio_blk *b = vd->priv;

	return disk_engine_name(&b->disk);
}

int virtio_blk_new(struct disk *disk, unsigned int index,
		   struct virtio_dev **vdp)
{
	struct virtio_blk *b = calloc(1, sizeof(*b));
	struct virtio_dev *vd;
	int ret;

	if (!b) {
		disk_close(disk);
		return -ENOMEM;
	}
	b->disk = *disk;		/* taken over: the caller's copy is spent */
	disk->fd = disk->fd_buffered = -1;
	disk->bounce = NULL;
	disk->path = NULL;
	snprintf(b->name, sizeof(b->name), "virtio-blk %u", index);
	vd = &b->vd;
	vd->ops = &blk_ops;
	vd->name = b->name;
	vd->priv = b;
	vd->device_id = VIRTIO_ID_BLOCK;
	vd->host_features = blk_config_features(&b->disk);
	vd->config_size = VIRTIO_BLK_CFG_SIZE;
	vd->nr_queues = 1;
	vd->index = index;
	blk_config_build(&b->disk, vd->host_features, b->config);
	blk_pick_engine(b);
	ret = virtio_dev_init(vd);
	if (ret) {
		blk_destroy(vd);
		return ret;
	}
	*vdp = vd;
	return 0;
}

int virtio_blk_create_disk(const struct device_ctx *ctx, struct disk *disk,
			   unsigned int index, enum virtio_transport t,
			   struct device **dev)
{
	struct virtio_dev *vd;
	int ret;

	ret = virtio_blk_new(disk, index, &vd);
	if (ret)
		return ret;
	ret = virtio_transport_create(vd, ctx, t, dev);
	if (ret)
		virtio_dev_destroy(vd);
	else
		blk_report_engine(vd);
	return ret;
}

int virtio_blk_create(const struct device_ctx *ctx,
		      const struct disk_config *cfg, unsigned int index,
		      enum virtio_transport t, struct device **dev, char *msg,
		      size_t msglen)
{
	struct disk disk;
	int ret;

	ret = disk_open(&disk, cfg, msg, msglen);
	if (ret)
		return ret;
	ret = virtio_blk_create_disk(ctx, &disk, index, t, dev);
	if (ret && msglen)
		snprintf(msg, msglen, "cannot set up virtio-blk %u for '%s': %s",
			 index, cfg->path, strerror(-ret));
	return ret;
}
