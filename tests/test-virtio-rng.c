// SPDX-License-Identifier: GPL-2.0
/* virtio-rng through the core: buffers filled, bounded, a broken ring. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/rng.h"
#include "tests/unit.h"
#include "tests/virtio-dev-harness.h"

/* Bytes of [p, p + len) that still hold the fill pattern. */
static size_t untouched(const uint8_t *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += p[i] == 0xee;
	return n;
}

static void test_fill(struct unit *u, struct vdh *h)
{
	struct vdh_buf b[4];
	uint16_t head, got;
	uint32_t len;
	unsigned int irqs = h->irqs;

	/* Three in-buffers: all of them filled, in order. */
	b[0] = (struct vdh_buf){ vdh_alloc_marked(h, 16), 16, true };
	b[1] = (struct vdh_buf){ vdh_alloc_marked(h, 1000), 1000, true };
	b[2] = (struct vdh_buf){ vdh_alloc_marked(h, 1), 1, true };
	head = vdh_post(h, 0, b, 3);
	vdh_notify(h, 0);
	CHECK(u, vdh_used(h, 0, &got, &len) && got == head);
	CHECK_EQ(u, len, 1017);
	CHECK(u, untouched(vdh_ptr(h, b[1].gpa), 1000) < 30);
	CHECK(u, h->irqs > irqs);

	/* A readable buffer first is left alone. */
	b[0] = (struct vdh_buf){ vdh_alloc_marked(h, 64), 64, false };
	b[1] = (struct vdh_buf){ vdh_alloc_marked(h, 64), 64, true };
	head = vdh_post(h, 0, b, 2);
	vdh_notify(h, 0);
	CHECK(u, vdh_used(h, 0, &got, &len) && got == head && len == 64);
	CHECK_EQ(u, untouched(vdh_ptr(h, b[0].gpa), 64), 64);

	/* Only readable buffers: nothing to fill. */
	head = vdh_post(h, 0, b, 1);
	vdh_notify(h, 0);
	CHECK(u, vdh_used(h, 0, &got, &len) && got == head && len == 0);

	/* More than one request holds: filled up to the bound only. */
	len = 3 * VIRTIO_RNG_MAX_FILL / 2;
	b[0] = (struct vdh_buf){ vdh_alloc_marked(h, len), len, true };
	head = vdh_post(h, 0, b, 1);
	vdh_notify(h, 0);
	CHECK(u, vdh_used(h, 0, &got, &len) && got == head);
	CHECK_EQ(u, len, VIRTIO_RNG_MAX_FILL);
	CHECK_EQ(u, untouched(vdh_ptr(h, b[0].gpa) + VIRTIO_RNG_MAX_FILL,
			      VIRTIO_RNG_MAX_FILL / 2), VIRTIO_RNG_MAX_FILL / 2);

	/* Several chains in one notification: all of them come back. */
	b[0] = (struct vdh_buf){ vdh_alloc_marked(h, 8), 8, true };
	for (int i = 0; i < 5; i++)
		vdh_post(h, 0, b, 1);
	vdh_notify(h, 0);
	for (int i = 0; i < 5; i++)
		CHECK(u, vdh_used(h, 0, &got, &len) && len == 8);
	CHECK(u, !vdh_used(h, 0, &got, &len));
}

static void test_broken(struct unit *u, struct vdh *h)
{
	struct vdh_buf b = { VDH_RAM_BASE - 4096, 64, true };
	uint16_t got;
	uint32_t len;

	vdh_post(h, 0, &b, 1);
	vdh_notify(h, 0);
	CHECK(u, !vdh_used(h, 0, &got, &len));
	CHECK(u, virtio_dev_status(h->vd) & VIRTIO_STATUS_NEEDS_RESET);
}

/* virtio_rng_create() with the transport standing in: both outcomes. */
static void test_create(struct unit *u)
{
	struct vdh_transport tr = { .fail = -ENOSPC };
	struct device_ctx ctx = { .opaque = &tr };
	struct device *dev = NULL;

	CHECK_EQ(u, virtio_rng_create(&ctx, 3, VIRTIO_TRANSPORT_MMIO, &dev), -ENOSPC);
	tr.fail = 0;
	CHECK_EQ(u, virtio_rng_create(&ctx, 3, VIRTIO_TRANSPORT_MMIO_LEGACY, &dev), 0);
	CHECK(u, dev == &tr.dev && tr.t == VIRTIO_TRANSPORT_MMIO_LEGACY);
	CHECK(u, tr.vd->device_id == VIRTIO_ID_RNG && tr.vd->nr_queues == 1);
	CHECK(u, tr.vd->index == 3 && !strcmp(tr.vd->name, "virtio-rng 3"));
	dev->ops->destroy(dev);		/* ASan: nothing left behind */
}

int main(void)
{
	struct unit u = { 0 };
	struct virtio_dev *vd;
	struct vdh h;

	if (vdh_init(&h, 1 << 20) || virtio_rng_new(0, &vd))
		return 1;
	CHECK(&u, vdh_attach(&h, vd, 0, 1, 8) & VIRTIO_STATUS_DRIVER_OK);
	CHECK_EQ(&u, vd->config_size, 0);
	test_fill(&u, &h);
	test_broken(&u, &h);
	virtio_dev_destroy(vd);
	vdh_free(&h);

	/* Again with the driver's event index. */
	if (vdh_init(&h, 1 << 20) || virtio_rng_new(1, &vd))
		return 1;
	CHECK(&u, vdh_attach(&h, vd, 1ULL << VIRTIO_F_EVENT_IDX, 1, 8) &
	      VIRTIO_STATUS_DRIVER_OK);
	test_fill(&u, &h);
	virtio_dev_destroy(vd);
	vdh_free(&h);
	test_create(&u);
	return unit_done(&u, "test-virtio-rng");
}
