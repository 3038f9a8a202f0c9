// SPDX-License-Identifier: GPL-2.0
/* A miniature virtio driver over a buffer: see virtio-dev-harness.h. */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "tests/virtio-dev-harness.h"

static int vdh_irq_set(void *chip, unsigned int spi, bool level)
{
	struct vdh *h = chip;

	if (level && !h->level)
		h->irqs++;
	h->level = level;
	return 0;
}

int vdh_init(struct vdh *h, size_t ram_size)
{
	memset(h, 0, sizeof(*h));
	h->mem.base = VDH_RAM_BASE;
	h->mem.size = ram_size;
	h->mem.hva = calloc(1, ram_size);
	h->irq_ops.set = vdh_irq_set;
	h->heap = VDH_RAM_BASE;
	return h->mem.hva ? 0 : -1;
}

void vdh_free(struct vdh *h)
{
	free(h->mem.hva);
	h->mem.hva = NULL;
}

uint64_t vdh_alloc(struct vdh *h, uint64_t len)
{
	uint64_t gpa = (h->heap + 15) & ~15ULL;

	if (gpa + len > h->mem.base + h->mem.size)
		return 0;
	h->heap = gpa + len;
	return gpa;
}

uint64_t vdh_alloc_marked(struct vdh *h, uint64_t len)
{
	uint64_t gpa = vdh_alloc(h, len);

	if (gpa)
		memset(vdh_ptr(h, gpa), 0xee, len);
	return gpa;
}

void *vdh_ptr(struct vdh *h, uint64_t gpa)
{
	return h->mem.hva + (gpa - h->mem.base);
}

static void vdh_put16(struct vdh *h, uint64_t gpa, uint16_t v)
{
	v = htole16(v);
	memcpy(vdh_ptr(h, gpa), &v, 2);
}

/* The indexes the device reads and writes from its own thread. */
static void vdh_store_idx(struct vdh *h, uint64_t gpa, uint16_t v)
{
	__atomic_store_n((uint16_t *)vdh_ptr(h, gpa), htole16(v), __ATOMIC_RELEASE);
}

static uint16_t vdh_load_idx(struct vdh *h, uint64_t gpa)
{
	return le16toh(__atomic_load_n((uint16_t *)vdh_ptr(h, gpa), __ATOMIC_ACQUIRE));
}

static uint32_t vdh_get32(struct vdh *h, uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, vdh_ptr(h, gpa), 4);
	return le32toh(v);
}

static void vdh_setup_queue(struct vdh *h, unsigned int i, uint16_t num)
{
	struct vdh_queue *q = &h->q[i];
	struct virtio_dev *vd = h->vd;

	memset(q, 0, sizeof(*q));
	q->num = num;
	q->desc = vdh_alloc(h, 16ULL * num);
	q->avail = vdh_alloc(h, 6 + 2ULL * num);
	q->used = vdh_alloc(h, 6 + 8ULL * num);
	/* A driver starts from zeroed rings. */
	memset(vdh_ptr(h, q->desc), 0, q->used + 6 + 8ULL * num - q->desc);
	virtio_dev_queue_set_num(vd, i, num);
	virtio_dev_queue_set_addr(vd, i, VIRTQ_AREA_DESC, q->desc, ~0ULL);
	virtio_dev_queue_set_addr(vd, i, VIRTQ_AREA_DRIVER, q->avail, ~0ULL);
	virtio_dev_queue_set_addr(vd, i, VIRTQ_AREA_DEVICE, q->used, ~0ULL);
	virtio_dev_queue_ready(vd, i, true);
}

uint8_t vdh_attach(struct vdh *h, struct virtio_dev *vd, uint64_t features,
		   unsigned int nr, uint16_t num)
{
	unsigned int i;

	h->vd = vd;
	vd->mem = &h->mem;
	vd->irq = (struct irq_line){ .ops = &h->irq_ops, .chip = h, .irqfd = -1 };
	virtio_dev_set_status(vd, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_dev_set_status(vd, VIRTIO_STATUS_DRIVER);
	virtio_dev_set_features(vd, features | 1ULL << VIRTIO_F_VERSION_1);
	virtio_dev_set_status(vd, VIRTIO_STATUS_FEATURES_OK);
	for (i = 0; i < nr && i < VDH_QUEUES; i++)
		vdh_setup_queue(h, i, num);
	virtio_dev_set_status(vd, VIRTIO_STATUS_DRIVER_OK);
	virtio_dev_serve(vd);
	return virtio_dev_status(vd);
}

static void vdh_put_desc(struct vdh *h, struct vdh_queue *q, uint16_t i,
			 const struct vdh_buf *b, bool more)
{
	uint8_t *d = vdh_ptr(h, q->desc + 16ULL * i);
	uint64_t addr = htole64(b->gpa);
	uint32_t len = htole32(b->len);
	uint16_t flags = htole16((more ? VIRTQ_DESC_F_NEXT : 0) |
				 (b->write ? VIRTQ_DESC_F_WRITE : 0));
	uint16_t next = htole16((i + 1) & (q->num - 1));

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

uint16_t vdh_post(struct vdh *h, unsigned int qi, const struct vdh_buf *b,
		  unsigned int n)
{
	struct vdh_queue *q = &h->q[qi];
	uint16_t head = q->next_desc;
	unsigned int i;

	for (i = 0; i < n; i++)
		vdh_put_desc(h, q, (head + i) & (q->num - 1), &b[i], i + 1 < n);
	q->next_desc = (head + n) & (q->num - 1);
	vdh_put16(h, q->avail + 4 + 2ULL * (q->avail_idx & (q->num - 1)), head);
	q->avail_idx++;
	vdh_store_idx(h, q->avail + 2, q->avail_idx);
	return head;
}

void vdh_notify(struct vdh *h, unsigned int q)
{
	virtio_dev_queue_notify(h->vd, q);
	virtio_dev_serve(h->vd);
}

bool vdh_used(struct vdh *h, unsigned int qi, uint16_t *head, uint32_t *len)
{
	struct vdh_queue *q = &h->q[qi];
	uint64_t e;

	if (vdh_load_idx(h, q->used + 2) == q->used_seen)
		return false;
	e = q->used + 4 + 8ULL * (q->used_seen & (q->num - 1));
	*head = vdh_get32(h, e);
	*len = vdh_get32(h, e + 4);
	q->used_seen++;
	return true;
}

static void vdh_dev_destroy(struct device *dev)
{
	virtio_dev_destroy(dev->priv);
}

static const struct device_ops vdh_dev_ops = {
	.name = "virtio-test",
	.destroy = vdh_dev_destroy,
};

int virtio_transport_create(struct virtio_dev *vd, const struct device_ctx *ctx,
			    enum virtio_transport t, struct device **dev)
{
	struct vdh_transport *tr = ctx->opaque;

	if (tr->fail)
		return tr->fail;
	tr->vd = vd;
	tr->t = t;
	tr->dev = (struct device){ .ops = &vdh_dev_ops, .name = vd->name, .priv = vd };
	*dev = &tr->dev;
	return 0;
}
