// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio driver, the well-behaved kind: the order of 3.1.1 (4.2.3
 * for version 2, 4.2.4 for legacy), every step read back, rings laid
 * out as the specification asks. Tests use it to see that a device
 * still works, whatever was done to it before.
 */
#include "fdt.h"
#include "io.h"
#include "string.h"
#include "timer.h"
#include "virtio.h"

#define VRING_ALIGN		4096
#define LEGACY_PAGE		4096

static u32 vr(const struct virtio_dev *d, u32 off)
{
	return readl(d->base + off);
}

static void vw(const struct virtio_dev *d, u32 off, u32 val)
{
	writel(val, d->base + off);
}

static u32 probe_queues(struct virtio_dev *d)
{
	u32 q;

	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		vw(d, VM_QUEUE_SEL, q);
		if (!vr(d, VM_QUEUE_NUM_MAX))
			break;
	}
	vw(d, VM_QUEUE_SEL, 0);
	return q;
}

static bool probe_node(int node, struct virtio_dev *d)
{
	struct fdt_irq irq;
	u64 size;

	if (!fdt_read_reg(node, 0, &d->base, &size) ||
	    size < VIRTIO_MMIO_WINDOW)
		return false;
	if (vr(d, VM_MAGIC) != VIRTIO_MMIO_MAGIC_VALUE)
		return false;
	d->version = vr(d, VM_VERSION);
	d->device_id = vr(d, VM_DEVICE_ID);
	/* Device ID 0: a placeholder window without a device (4.2.3.1.1). */
	if (!d->device_id || d->version < 1 || d->version > 2)
		return false;
	d->intid = 0;
	if (fdt_read_irq(node, 0, &irq) && irq.type == 0)
		d->intid = irq.intid;
	d->nr_queues = probe_queues(d);
	d->num_max = d->nr_queues ? vr(d, VM_QUEUE_NUM_MAX) : 0;
	return true;
}

int virtio_find(struct virtio_dev *devs, int max)
{
	struct virtio_dev d, t;
	int node, n = 0, i;

	for (node = fdt_find_compatible(-1, VIRTIO_MMIO_COMPAT);
	     node >= 0 && n < max;
	     node = fdt_find_compatible(node, VIRTIO_MMIO_COMPAT)) {
		if (!probe_node(node, &d))
			continue;
		/* Insertion by address: the order the VMM handed them out. */
		devs[n++] = d;
		for (i = n - 1; i > 0 && devs[i - 1].base > devs[i].base; i--) {
			t = devs[i - 1];
			devs[i - 1] = devs[i];
			devs[i] = t;
		}
	}
	return n;
}

u64 vring_bytes(u16 num)
{
	u64 used = ALIGN_UP(VRING_DESC_SIZE * num + 6 + 2 * num, VRING_ALIGN);

	return used + 6 + 8 * num;
}

void vring_init(struct vring *r, void *mem, u16 num)
{
	u64 base = (u64)mem;

	memset(mem, 0, vring_bytes(num));
	r->num = num;
	r->desc = base;
	r->avail = base + VRING_DESC_SIZE * num;
	r->used = base + ALIGN_UP(VRING_DESC_SIZE * num + 6 + 2 * num,
				  VRING_ALIGN);
	r->avail_idx = 0;
	r->last_used = 0;
}

void vring_set_desc(struct vring *r, u16 i, u64 addr, u32 len, u16 flags,
		    u16 next)
{
	u8 *p = (u8 *)(r->desc + (u64)i * VRING_DESC_SIZE);

	*(volatile u64 *)p = addr;
	*(volatile u32 *)(p + 8) = len;
	*(volatile u16 *)(p + 12) = flags;
	*(volatile u16 *)(p + 14) = next;
}

void vring_publish(struct vring *r, u16 head)
{
	volatile u16 *ring = (volatile u16 *)(r->avail + 4);

	ring[r->avail_idx % r->num] = head;
	/* The descriptors and the entry before the index (2.7.13.2). */
	dmb(ish);
	r->avail_idx++;
	*(volatile u16 *)(r->avail + 2) = r->avail_idx;
}

bool vring_wait(struct vring *r, u64 deadline, u32 *id, u32 *len)
{
	volatile u32 *elem;

	while (*(volatile u16 *)(r->used + 2) == r->last_used) {
		if (timer_expired(deadline))
			return false;
		cpu_relax();
	}
	/* The entry only after the index that published it. */
	dmb(ish);
	elem = (volatile u32 *)(r->used + 4 + 8 * (r->last_used % r->num));
	*id = elem[0];
	*len = elem[1];
	r->last_used++;
	return true;
}

void virtio_notify(const struct virtio_dev *d, u32 q)
{
	/* The ring is in memory before the device hears of it. */
	dsb(sy);
	vw(d, VM_QUEUE_NOTIFY, q);
}

void virtio_reset(const struct virtio_dev *d)
{
	vw(d, VM_STATUS, 0);
}

u64 virtio_dev_features(const struct virtio_dev *d)
{
	u64 f;

	vw(d, VM_DEV_FEATURES_SEL, 0);
	f = vr(d, VM_DEV_FEATURES);
	if (!virtio_is_legacy(d)) {
		vw(d, VM_DEV_FEATURES_SEL, 1);
		f |= (u64)vr(d, VM_DEV_FEATURES) << 32;
	}
	return f;
}

static const char *start_queue(const struct virtio_dev *d, u32 q,
			       struct vring *r)
{
	vw(d, VM_QUEUE_SEL, q);
	if (vr(d, VM_QUEUE_NUM_MAX) < r->num)
		return "QueueNumMax below the ring's size";
	if (!virtio_is_legacy(d) && vr(d, VM_QUEUE_READY))
		return "QueueReady set after a reset";
	if (virtio_is_legacy(d) && vr(d, VM_QUEUE_PFN))
		return "QueuePFN set after a reset";
	vw(d, VM_QUEUE_NUM, r->num);
	if (virtio_is_legacy(d)) {
		vw(d, VM_QUEUE_ALIGN, VRING_ALIGN);
		vw(d, VM_QUEUE_PFN, r->desc / LEGACY_PAGE);
		if (vr(d, VM_QUEUE_PFN) != r->desc / LEGACY_PAGE)
			return "QueuePFN does not read back";
		return NULL;
	}
	vw(d, VM_QUEUE_DESC_LOW, r->desc);
	vw(d, VM_QUEUE_DESC_HIGH, r->desc >> 32);
	vw(d, VM_QUEUE_DRIVER_LOW, r->avail);
	vw(d, VM_QUEUE_DRIVER_HIGH, r->avail >> 32);
	vw(d, VM_QUEUE_DEVICE_LOW, r->used);
	vw(d, VM_QUEUE_DEVICE_HIGH, r->used >> 32);
	vw(d, VM_QUEUE_READY, 1);
	if (vr(d, VM_QUEUE_READY) != 1)
		return "QueueReady does not read back";
	return NULL;
}

/* Reset to FEATURES_OK; st: the status reached. */
static const char *start_features(const struct virtio_dev *d, u64 features, u32 *status)
{
	u32 st = VIRTIO_ST_ACKNOWLEDGE | VIRTIO_ST_DRIVER;

	virtio_reset(d);
	if (vr(d, VM_STATUS))
		return "status not 0 after a reset";
	vw(d, VM_STATUS, VIRTIO_ST_ACKNOWLEDGE);
	vw(d, VM_STATUS, st);
	if (vr(d, VM_STATUS) != st)
		return "ACKNOWLEDGE|DRIVER does not read back";
	if (features & ~virtio_dev_features(d))
		return "features not offered";
	vw(d, VM_DRV_FEATURES_SEL, 0);
	vw(d, VM_DRV_FEATURES, features);
	if (virtio_is_legacy(d)) {
		vw(d, VM_GUEST_PAGE_SIZE, LEGACY_PAGE);
	} else {
		vw(d, VM_DRV_FEATURES_SEL, 1);
		vw(d, VM_DRV_FEATURES, features >> 32);
		st |= VIRTIO_ST_FEATURES_OK;
		vw(d, VM_STATUS, st);
		if (vr(d, VM_STATUS) != st)
			return "FEATURES_OK refused";
	}
	*status = st;
	return NULL;
}

static const char *start_driver_ok(const struct virtio_dev *d, u32 st)
{
	st |= VIRTIO_ST_DRIVER_OK;
	vw(d, VM_STATUS, st);
	if (vr(d, VM_STATUS) != st)
		return "DRIVER_OK does not read back (or NEEDS_RESET is set)";
	return NULL;
}

const char *virtio_start(const struct virtio_dev *d, u64 features, u32 q,
			 struct vring *r)
{
	const char *err;
	u32 st;

	err = start_features(d, features, &st);
	if (!err)
		err = start_queue(d, q, r);
	return err ? err : start_driver_ok(d, st);
}

const char *virtio_start_n(const struct virtio_dev *d, u64 features,
			   struct vring *const *r, u32 n)
{
	const char *err;
	u32 st, q;

	err = start_features(d, features, &st);
	for (q = 0; !err && q < n; q++)
		err = start_queue(d, q, r[q]);
	return err ? err : start_driver_ok(d, st);
}
