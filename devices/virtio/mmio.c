// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport (virtio 1.x, 4.2): the register window of
 * version 2 (4.2.2) and of legacy version 1 (4.2.4), turned into calls
 * to the virtio core, and the copy of it that reads can be served from.
 * The device that puts it on the machine is devices/virtio/mmio-dev.c.
 *
 * Registers are 32 bits wide and 32-bit aligned; any other access to
 * them returns -EINVAL (the bus completes it as read-as-zero, write
 * ignored). The config space from 0x100 takes 1 to 8 bytes at any
 * offset. The transport's own state (selectors, the features being
 * written, the legacy page size and alignments) is under vd->lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/mmio.h"
#include "lib/log.h"
#include "lib/util.h"

enum {
	REG_MAGIC		= 0x000,
	REG_VERSION		= 0x004,
	REG_DEVICE_ID		= 0x008,
	REG_VENDOR_ID		= 0x00c,
	REG_DEV_FEATURES	= 0x010,
	REG_DEV_FEATURES_SEL	= 0x014,
	REG_DRV_FEATURES	= 0x020,
	REG_DRV_FEATURES_SEL	= 0x024,
	REG_GUEST_PAGE_SIZE	= 0x028,	/* legacy */
	REG_QUEUE_SEL		= 0x030,
	REG_QUEUE_NUM_MAX	= 0x034,
	REG_QUEUE_NUM		= 0x038,
	REG_QUEUE_ALIGN		= 0x03c,	/* legacy */
	REG_QUEUE_PFN		= 0x040,	/* legacy */
	REG_QUEUE_READY		= 0x044,
	REG_QUEUE_NOTIFY	= VIRTIO_MMIO_QUEUE_NOTIFY,
	REG_INTERRUPT_STATUS	= 0x060,
	REG_INTERRUPT_ACK	= VIRTIO_MMIO_INTERRUPT_ACK,
	REG_STATUS		= 0x070,
	REG_QUEUE_DESC_LOW	= 0x080,
	REG_QUEUE_DESC_HIGH	= 0x084,
	REG_QUEUE_DRIVER_LOW	= 0x090,
	REG_QUEUE_DRIVER_HIGH	= 0x094,
	REG_QUEUE_DEVICE_LOW	= 0x0a0,
	REG_QUEUE_DEVICE_HIGH	= 0x0a4,
	REG_SHM_SEL		= 0x0ac,
	REG_SHM_LEN_LOW		= 0x0b0,
	REG_SHM_LEN_HIGH	= 0x0b4,
	REG_SHM_BASE_LOW	= 0x0b8,
	REG_SHM_BASE_HIGH	= 0x0bc,
	REG_CONFIG_GENERATION	= 0x0fc,
};

/* What Linux writes to GuestPageSize and QueueAlign; the defaults. */
#define MMIO_LEGACY_PAGE	4096

/* Forget what the driver wrote to the transport (status 0). */
static void mmio_reset_transport(struct virtio_mmio *vm)
{
	unsigned int q;

	vm->dev_features_sel = 0;
	vm->drv_features_sel = 0;
	vm->queue_sel = 0;
	vm->drv_features = 0;
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		vm->queue_align[q] = MMIO_LEGACY_PAGE;
		vm->queue_pfn[q] = 0;
	}
}

static uint32_t mmio_get(struct virtio_mmio *vm, const uint32_t *field)
{
	uint32_t val;

	pthread_mutex_lock(&vm->vd->lock);
	val = *field;
	pthread_mutex_unlock(&vm->vd->lock);
	return val;
}

static void mmio_set(struct virtio_mmio *vm, uint32_t *field, uint32_t val)
{
	pthread_mutex_lock(&vm->vd->lock);
	*field = val;
	pthread_mutex_unlock(&vm->vd->lock);
}

/* ---- reads ---- */

static uint32_t mmio_dev_features(struct virtio_mmio *vm)
{
	uint32_t sel = mmio_get(vm, &vm->dev_features_sel);
	uint64_t features = virtio_dev_features(vm->vd);

	if (sel > 1)
		return 0;
	return features >> (32 * sel);
}

static uint32_t mmio_queue_ready(struct virtio_mmio *vm)
{
	struct virtio_dev *vd = vm->vd;
	uint32_t ready = 0;

	pthread_mutex_lock(&vd->lock);
	if (vm->queue_sel < vd->nr_queues)
		ready = vd->vqs[vm->queue_sel].ready;
	pthread_mutex_unlock(&vd->lock);
	return ready;
}

static uint32_t mmio_queue_pfn(struct virtio_mmio *vm)
{
	struct virtio_dev *vd = vm->vd;
	uint32_t pfn = 0;

	pthread_mutex_lock(&vd->lock);
	if (vm->queue_sel < vd->nr_queues)
		pfn = vm->queue_pfn[vm->queue_sel];
	pthread_mutex_unlock(&vd->lock);
	return pfn;
}

static uint32_t mmio_read_v2(struct virtio_mmio *vm, uint64_t off)
{
	switch (off) {
	case REG_QUEUE_READY:
		return mmio_queue_ready(vm);
	case REG_CONFIG_GENERATION:
		return __atomic_load_n(&vm->vd->config_gen, __ATOMIC_ACQUIRE);
	case REG_SHM_LEN_LOW:
	case REG_SHM_LEN_HIGH:
	case REG_SHM_BASE_LOW:
	case REG_SHM_BASE_HIGH:
		/* A length of all ones: no shared memory region. */
		return 0xffffffff;
	}
	return 0;
}

static uint32_t mmio_read(struct virtio_mmio *vm, uint64_t off)
{
	struct virtio_dev *vd = vm->vd;

	switch (off) {
	case REG_MAGIC:
		return VIRTIO_MMIO_MAGIC;
	case REG_VERSION:
		return vd->legacy ? 1 : 2;
	case REG_DEVICE_ID:
		return vd->device_id;
	case REG_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR_ID;
	case REG_DEV_FEATURES:
		return mmio_dev_features(vm);
	case REG_QUEUE_NUM_MAX:
		return mmio_get(vm, &vm->queue_sel) < vd->nr_queues ?
		       VIRTQ_MAX_SIZE : 0;
	case REG_INTERRUPT_STATUS:
		/* Lock-free: an interrupt handler never waits for I/O. */
		return atomic_load(&vd->isr);
	case REG_STATUS:
		return virtio_dev_status(vd);
	}
	if (vd->legacy)
		return off == REG_QUEUE_PFN ? mmio_queue_pfn(vm) : 0;
	return mmio_read_v2(vm, off);
}

/* ---- writes ---- */

static void mmio_drv_features(struct virtio_mmio *vm, uint32_t val)
{
	struct virtio_dev *vd = vm->vd;
	uint64_t features;

	pthread_mutex_lock(&vd->lock);
	/* Legacy drivers have one word of features. */
	if (vm->drv_features_sel == 0)
		vm->drv_features = (vm->drv_features & ~0xffffffffULL) | val;
	else if (vm->drv_features_sel == 1 && !vd->legacy)
		vm->drv_features = (vm->drv_features & 0xffffffffULL) |
				   (uint64_t)val << 32;
	features = vm->drv_features;
	pthread_mutex_unlock(&vd->lock);
	virtio_dev_set_features(vd, features);
}

static void mmio_status(struct virtio_mmio *vm, uint32_t val)
{
	struct virtio_dev *vd = vm->vd;

	virtio_dev_set_status(vd, val & 0xff);
	if (val & 0xff)
		return;
	/* GuestPageSize stays: Linux writes it once, before its first reset. */
	pthread_mutex_lock(&vd->lock);
	mmio_reset_transport(vm);
	pthread_mutex_unlock(&vd->lock);
}

/* One 32-bit half of a ring address (QueueDescLow, QueueDriverHigh...). */
static void mmio_queue_addr(struct virtio_mmio *vm, enum virtq_area area,
			    bool high, uint32_t val)
{
	unsigned int q = mmio_get(vm, &vm->queue_sel);

	if (high)
		virtio_dev_queue_set_addr(vm->vd, q, area, (uint64_t)val << 32,
					  0xffffffff00000000ULL);
	else
		virtio_dev_queue_set_addr(vm->vd, q, area, val, 0xffffffffULL);
}

static void mmio_write_v2(struct virtio_mmio *vm, uint64_t off, uint32_t val)
{
	switch (off) {
	case REG_QUEUE_READY:
		virtio_dev_queue_ready(vm->vd, mmio_get(vm, &vm->queue_sel),
				       val & 1);
		break;
	case REG_QUEUE_DESC_LOW:
	case REG_QUEUE_DESC_HIGH:
		mmio_queue_addr(vm, VIRTQ_AREA_DESC, off & 4, val);
		break;
	case REG_QUEUE_DRIVER_LOW:
	case REG_QUEUE_DRIVER_HIGH:
		mmio_queue_addr(vm, VIRTQ_AREA_DRIVER, off & 4, val);
		break;
	case REG_QUEUE_DEVICE_LOW:
	case REG_QUEUE_DEVICE_HIGH:
		mmio_queue_addr(vm, VIRTQ_AREA_DEVICE, off & 4, val);
		break;
	}
}

static void mmio_legacy_pfn(struct virtio_mmio *vm, uint32_t pfn)
{
	struct virtio_dev *vd = vm->vd;
	uint64_t addr[3];
	unsigned int q;
	int ret;

	pthread_mutex_lock(&vd->lock);
	q = vm->queue_sel;
	/* 0 takes the queue away; another PFN while it is live is ignored. */
	if (q >= vd->nr_queues || (pfn && vd->vqs[q].ready)) {
		pthread_mutex_unlock(&vd->lock);
		return;
	}
	vm->queue_pfn[q] = pfn;
	/* 4.2.4: GuestPageSize and QueueAlign place the rings. */
	ret = virtq_legacy_layout(pfn, vm->guest_page_size, vm->queue_align[q],
				  vd->vqs[q].num, addr);
	pthread_mutex_unlock(&vd->lock);
	if (!pfn) {
		virtio_dev_queue_ready(vd, q, false);
		return;
	}
	if (ret) {
		pr_debug(vd->loglevel, "%s: queue %u: page size or alignment not a power of 2",
			 vd->name, q);
		virtio_dev_broken(vd, q);
		return;
	}
	virtio_dev_queue_set_addr(vd, q, VIRTQ_AREA_DESC, addr[0], ~0ULL);
	virtio_dev_queue_set_addr(vd, q, VIRTQ_AREA_DRIVER, addr[1], ~0ULL);
	virtio_dev_queue_set_addr(vd, q, VIRTQ_AREA_DEVICE, addr[2], ~0ULL);
	virtio_dev_queue_ready(vd, q, true);
}

static void mmio_write_legacy(struct virtio_mmio *vm, uint64_t off,
			      uint32_t val)
{
	struct virtio_dev *vd = vm->vd;

	switch (off) {
	case REG_GUEST_PAGE_SIZE:
		mmio_set(vm, &vm->guest_page_size, val);
		break;
	case REG_QUEUE_ALIGN:
		pthread_mutex_lock(&vd->lock);
		if (vm->queue_sel < vd->nr_queues)
			vm->queue_align[vm->queue_sel] = val;
		pthread_mutex_unlock(&vd->lock);
		break;
	case REG_QUEUE_PFN:
		mmio_legacy_pfn(vm, val);
		break;
	}
}

static void mmio_write(struct virtio_mmio *vm, uint64_t off, uint32_t val)
{
	struct virtio_dev *vd = vm->vd;

	switch (off) {
	case REG_DEV_FEATURES_SEL:
		mmio_set(vm, &vm->dev_features_sel, val);
		return;
	case REG_DRV_FEATURES:
		mmio_drv_features(vm, val);
		return;
	case REG_DRV_FEATURES_SEL:
		mmio_set(vm, &vm->drv_features_sel, val);
		return;
	case REG_QUEUE_SEL:
		mmio_set(vm, &vm->queue_sel, val);
		return;
	case REG_QUEUE_NUM:
		virtio_dev_queue_set_num(vd, mmio_get(vm, &vm->queue_sel), val);
		return;
	case REG_QUEUE_NOTIFY:
		/* Reached only where no ioeventfd took it. */
		virtio_dev_queue_notify(vd, val);
		return;
	case REG_INTERRUPT_ACK:
		virtio_dev_isr_ack(vd, val);
		return;
	case REG_STATUS:
		mmio_status(vm, val);
		return;
	}
	if (vd->legacy)
		mmio_write_legacy(vm, off, val);
	else
		mmio_write_v2(vm, off, val);
}

/* Config space: bytes in guest (little-endian) order, any width 1-8. */
static int mmio_config(struct virtio_mmio *vm, struct mmio_access *acc)
{
	uint32_t off = acc->offset - VIRTIO_MMIO_CONFIG, i;
	uint8_t buf[8];

	if (!acc->len || acc->len > 8 || acc->offset >= VIRTIO_MMIO_SIZE ||
	    acc->len > VIRTIO_MMIO_SIZE - acc->offset) {
		if (!acc->is_write)
			acc->data = 0;
		return -EINVAL;
	}
	if (acc->is_write) {
		for (i = 0; i < acc->len; i++)
			buf[i] = acc->data >> (8 * i);
		virtio_dev_config_write(vm->vd, off, buf, acc->len);
		return 0;
	}
	virtio_dev_config_read(vm->vd, off, buf, acc->len);
	acc->data = 0;
	for (i = 0; i < acc->len; i++)
		acc->data |= (uint64_t)buf[i] << (8 * i);
	return 0;
}

int virtio_mmio_access(struct mmio_region *region, struct mmio_access *acc)
{
	struct virtio_mmio *vm = region->opaque;

	atomic_fetch_add_explicit(&vm->vd->exits, 1, memory_order_relaxed);
	if (acc->offset >= VIRTIO_MMIO_CONFIG)
		return mmio_config(vm, acc);
	if (acc->len != 4 || (acc->offset & 3)) {
		if (!acc->is_write)
			acc->data = 0;
		return -EINVAL;
	}
	if (acc->is_write)
		mmio_write(vm, acc->offset, acc->data);
	else
		acc->data = mmio_read(vm, acc->offset);
	return 0;
}

/* ---- reads served from a copy (devices/mmio.h) ---- */

static void mmio_put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/*
 * The config space in pieces of at most 8 bytes, each wholly inside the
 * model's config_size (where an access that straddles its end reads as
 * zero), and zeros past it.
 */
static void mmio_render_config(struct virtio_dev *vd, uint32_t off,
			       uint32_t end, uint8_t *buf)
{
	uint32_t stop = end < vd->config_size ? end : vd->config_size;

	memset(buf, 0, end - off);
	while (off < stop) {
		uint32_t n = stop - off < 8 ? stop - off : 8;

		virtio_dev_config_read(vd, off, buf, n);
		off += n;
		buf += n;
	}
}

/* Reads have no side effects: what 32-bit reads of [off, off+len) give. */
void virtio_mmio_render(struct mmio_region *region, uint64_t off,
			       uint64_t len, uint8_t *buf)
{
	struct virtio_mmio *vm = region->opaque;
	uint64_t end = off + len;

	if (off > VIRTIO_MMIO_SIZE || len > VIRTIO_MMIO_SIZE - off)
		return;
	for (; off < end && off < VIRTIO_MMIO_CONFIG; off += 4, buf += 4)
		mmio_put32(buf, mmio_read(vm, off));
	if (off < end)
		mmio_render_config(vm->vd, off - VIRTIO_MMIO_CONFIG,
				   end - VIRTIO_MMIO_CONFIG, buf);
}

/* The core's changes that no register write made (virtio_dev.changed). */
static void virtio_mmio_changed(struct virtio_dev *vd, unsigned int what)
{
	struct virtio_mmio *vm = vd->transport;

	if (what & VIRTIO_CHANGED_ISR)
		mmio_region_changed(&vm->region, REG_INTERRUPT_STATUS, 4);
	if (what & VIRTIO_CHANGED_STATUS)
		mmio_region_changed(&vm->region, REG_STATUS, 4);
	if (what & VIRTIO_CHANGED_CONFIG)
		mmio_region_changed(&vm->region, REG_CONFIG_GENERATION,
				    VIRTIO_MMIO_SIZE - REG_CONFIG_GENERATION);
}

/* The transport's state for vd, the region's handler and copy, the core's hooks. */
int virtio_mmio_init(struct virtio_mmio *vm, struct virtio_dev *vd,
		     bool legacy)
{
	memset(vm, 0, sizeof(*vm));
	if (vd->config_size > VIRTIO_MMIO_SIZE - VIRTIO_MMIO_CONFIG)
		return -EINVAL;
	vm->vd = vd;
	vm->guest_page_size = MMIO_LEGACY_PAGE;
	mmio_reset_transport(vm);
	vd->legacy = legacy;
	vm->region = (struct mmio_region) {
		.name = vd->name ?: "virtio-mmio", .size = VIRTIO_MMIO_SIZE,
		.handler = virtio_mmio_access, .render = virtio_mmio_render,
		.opaque = vm,
	};
	vd->changed = virtio_mmio_changed;
	vd->transport = vm;
	return 0;
}
