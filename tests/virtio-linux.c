// SPDX-License-Identifier: GPL-2.0
/* Linux's virtio_mmio driver, step by step, against the toy device. */
#include <string.h>
#include <unistd.h>

#include "tests/virtio-linux.h"

int rig_up(struct rig *r, bool legacy, bool ioeventfd)
{
	if (fake_host_init(&r->h, ioeventfd) || toy_init(&r->t, 2))
		return -1;
	r->vm = malloc(sizeof(*r->vm));
	return r->vm ? virtio_mmio_create(r->vm, &r->t.vd, &r->h.ctx, legacy) : -1;
}

void rig_down(struct rig *r)
{
	r->vm->dev.ops->destroy(&r->vm->dev);
	fake_host_free(&r->h);
}

/* Interrupts delivered since the last call: set() edges and irqfd writes. */
unsigned int rig_irqs(struct rig *r)
{
	uint64_t n = 0;
	unsigned int edges = atomic_exchange(&r->h.irq.edges, 0);

	if (r->t.vd.irq.irqfd >= 0 && read(r->t.vd.irq.irqfd, &n, 8) != 8)
		n = 0;
	return edges + n;
}

/* vm_probe(), then virtio_dev_probe() up to FEATURES_OK. */
uint32_t linux_probe(struct unit *u, struct rig *r, uint64_t want)
{
	struct virtio_mmio *vm = r->vm;
	bool legacy = r->t.vd.legacy;
	uint64_t f;

	CHECK_EQ(u, mmio_rd(vm, R_MAGIC), 0x74726976);
	CHECK_EQ(u, mmio_rd(vm, R_VERSION), legacy ? 1 : 2);
	CHECK_EQ(u, mmio_rd(vm, R_DEVICE_ID), TOY_DEVICE_ID);
	CHECK_EQ(u, mmio_rd(vm, R_VENDOR_ID), 0x4d564b4c);
	if (legacy)
		mmio_wr(vm, R_GUEST_PAGE_SIZE, 4096);
	mmio_wr(vm, R_STATUS, 0);
	CHECK_EQ(u, mmio_rd(vm, R_STATUS), 0);
	mmio_wr(vm, R_STATUS, ST_ACK);
	mmio_wr(vm, R_STATUS, ST_ACK | ST_DRV);
	mmio_wr(vm, R_DEV_FEATURES_SEL, 1);
	f = (uint64_t)mmio_rd(vm, R_DEV_FEATURES) << 32;
	mmio_wr(vm, R_DEV_FEATURES_SEL, 0);
	f |= mmio_rd(vm, R_DEV_FEATURES);
	CHECK(u, f & F(VIRTIO_F_INDIRECT_DESC) && f & F(VIRTIO_F_EVENT_IDX));
	CHECK(u, f & F(TOY_FEATURE));
	CHECK_EQ(u, !!(f & F(VIRTIO_F_VERSION_1)), !legacy);
	CHECK_EQ(u, !!(f & F(TOY_FEATURE_HIGH)), !legacy);
	f &= want;
	mmio_wr(vm, R_DRV_FEATURES_SEL, 1);
	mmio_wr(vm, R_DRV_FEATURES, f >> 32);
	mmio_wr(vm, R_DRV_FEATURES_SEL, 0);
	mmio_wr(vm, R_DRV_FEATURES, f);
	if (legacy)
		return ST_ACK | ST_DRV;
	mmio_wr(vm, R_STATUS, ST_ACK | ST_DRV | ST_FOK);
	return mmio_rd(vm, R_STATUS);
}

/* vm_setup_vq(): ring addresses for v2, QueuePFN for legacy. */
void linux_setup_vq(struct unit *u, struct rig *r, unsigned int q,
			   uint16_t num)
{
	struct virtio_mmio *vm = r->vm;
	uint64_t desc = QBASE(q), avail = desc + 0x1000, used = desc + 0x2000;

	mmio_wr(vm, R_QUEUE_SEL, q);
	if (r->t.vd.legacy) {
		CHECK_EQ(u, mmio_rd(vm, R_QUEUE_PFN), 0);
		avail = desc + 16 * num;
		used = (avail + 6 + 2 * num + 4095) & ~4095ULL;
	} else {
		CHECK_EQ(u, mmio_rd(vm, R_QUEUE_READY), 0);
	}
	CHECK_EQ(u, mmio_rd(vm, R_QUEUE_NUM_MAX), VIRTQ_MAX_SIZE);
	vdrv_init(&r->q[q], &r->h.mem, num, desc, avail, used);
	mmio_wr(vm, R_QUEUE_NUM, num);
	if (r->t.vd.legacy) {
		mmio_wr(vm, R_QUEUE_ALIGN, 4096);
		mmio_wr(vm, R_QUEUE_PFN, desc >> 12);
		CHECK_EQ(u, mmio_rd(vm, R_QUEUE_PFN), desc >> 12);
		return;
	}
	mmio_wr(vm, R_QUEUE_DESC_LOW, desc);
	mmio_wr(vm, R_QUEUE_DESC_HIGH, desc >> 32);
	mmio_wr(vm, R_QUEUE_AVAIL_LOW, avail);
	mmio_wr(vm, R_QUEUE_AVAIL_HIGH, avail >> 32);
	mmio_wr(vm, R_QUEUE_USED_LOW, used);
	mmio_wr(vm, R_QUEUE_USED_HIGH, used >> 32);
	mmio_wr(vm, R_QUEUE_READY, 1);
	CHECK_EQ(u, mmio_rd(vm, R_QUEUE_READY), 1);
}

void linux_up(struct unit *u, struct rig *r, uint64_t want)
{
	uint32_t status = linux_probe(u, r, want);

	linux_setup_vq(u, r, 0, 16);
	linux_setup_vq(u, r, 1, 8);
	mmio_wr(r->vm, R_STATUS, status | ST_DOK);
	CHECK_EQ(u, mmio_rd(r->vm, R_STATUS), status | ST_DOK);
}

/* One request: msg out, 64 bytes in; notified through QueueNotify. */
void linux_send(struct rig *r, unsigned int q, const char *msg)
{
	struct vdrv *d = &r->q[q];

	memcpy(gpa(&r->h.mem, QBUF(q)), msg, strlen(msg));
	memset(gpa(&r->h.mem, QBUF(q) + 0x100), 0, 64);
	vdrv_desc(d, 0, QBUF(q), strlen(msg), VIRTQ_DESC_F_NEXT, 1);
	vdrv_desc(d, 1, QBUF(q) + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
	vdrv_publish(d, 0);
	mmio_wr(r->vm, R_QUEUE_NOTIFY, q);
}

void check_echo(struct unit *u, struct rig *r, unsigned int q,
		       const char *msg)
{
	uint32_t id = ~0u, len = 0;

	CHECK(u, vdrv_get_used(&r->q[q], &id, &len));
	CHECK_EQ(u, id, 0);
	CHECK_EQ(u, len, strlen(msg));
	CHECK(u, !memcmp(gpa(&r->h.mem, QBUF(q) + 0x100), msg, strlen(msg)));
}

/* vm_interrupt(): read InterruptStatus, write it back to InterruptACK. */
uint32_t linux_irq(struct rig *r)
{
	uint32_t isr = mmio_rd(r->vm, R_INTERRUPT_STATUS);

	mmio_wr(r->vm, R_INTERRUPT_ACK, isr);
	return isr;
}
