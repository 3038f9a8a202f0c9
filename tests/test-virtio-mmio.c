// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio core and the virtio-mmio transport as Linux's virtio_mmio
 * driver drives them, version 2 and legacy version 1, without the I/O
 * thread (virtio_dev_serve() does its rounds), and as a careless or
 * hostile driver drives them. The threads: tests/test-virtio-threads.c.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tests/virtio-linux.h"

/* The requests lkvm stat reports for the device. */
static unsigned long rig_requests(struct rig *r)
{
	struct device_stats s = { 0 };

	r->vm->dev.ops->stats(&r->vm->dev, &s);
	return s.requests;
}

static void test_linux(struct unit *u, bool legacy)
{
	struct rig r;
	uint64_t want = F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_EVENT_IDX) |
			F(VIRTIO_F_INDIRECT_DESC) | F(TOY_FEATURE);

	CHECK_EQ(u, rig_up(&r, legacy, false), 0);
	linux_up(u, &r, want);
	CHECK_EQ(u, r.t.vd.guest_features, legacy ? want & 0xffffffff : want);
	virtio_dev_serve(&r.t.vd);	/* DRIVER_OK woke every queue */
	CHECK_EQ(u, atomic_load(&r.t.kicks), 1);
	rig_irqs(&r);

	linux_send(&r, 0, "hello");
	linux_send(&r, 1, "virtio");
	CHECK_EQ(u, atomic_load(&r.t.served), 0);	/* the I/O thread's job */
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, atomic_load(&r.t.served), 2);
	check_echo(u, &r, 0, "hello");
	check_echo(u, &r, 1, "virtio");
	CHECK(u, rig_irqs(&r) >= 1);
	CHECK_EQ(u, linux_irq(&r), VIRTIO_ISR_QUEUE);
	CHECK_EQ(u, mmio_rd(r.vm, R_INTERRUPT_STATUS), 0);

	/* A config change: generation, then a config interrupt. */
	CHECK_EQ(u, mmio_rd(r.vm, R_CONFIG_GENERATION), 0);
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, mmio_rd(r.vm, R_CONFIG_GENERATION), legacy ? 0 : 1);
	CHECK_EQ(u, rig_irqs(&r), 1);
	CHECK_EQ(u, linux_irq(&r), VIRTIO_ISR_CONFIG);

	/* del_vq(), then the reset of remove or of a reboot. */
	mmio_wr(r.vm, R_QUEUE_SEL, 1);
	if (legacy) {
		mmio_wr(r.vm, R_QUEUE_PFN, 0);
		CHECK_EQ(u, mmio_rd(r.vm, R_QUEUE_PFN), 0);
	} else {
		mmio_wr(r.vm, R_QUEUE_READY, 0);
		CHECK_EQ(u, mmio_rd(r.vm, R_QUEUE_READY), 0);
	}
	CHECK(u, !r.t.vd.vqs[1].ready && !r.t.vd.vqs[1].desc);
	CHECK_EQ(u, r.t.vd.vqs[1].num, 8);	/* kept until reset */
	mmio_wr(r.vm, R_STATUS, 0);
	CHECK_EQ(u, mmio_rd(r.vm, R_STATUS), 0);
	CHECK_EQ(u, atomic_load(&r.t.resets), 2);
	CHECK(u, !r.t.vd.vqs[0].ready && !r.t.vd.vqs[0].desc);
	CHECK_EQ(u, r.t.vd.guest_features, 0);

	/* lkvm stat's count is the VM's: a reset does not take it back. */
	CHECK_EQ(u, rig_requests(&r), 2);

	/* Probed again after the reset: it all works as the first time. */
	linux_up(u, &r, want);
	linux_send(&r, 0, "again");
	virtio_dev_serve(&r.t.vd);
	check_echo(u, &r, 0, "again");
	CHECK_EQ(u, rig_requests(&r), 3);
	rig_down(&r);
	CHECK_EQ(u, atomic_load(&r.t.destroyed), 1);
}

/* A driver that asks for features as it likes, then sets FEATURES_OK. */
static uint32_t features_ok(struct rig *r, uint64_t features)
{
	mmio_wr(r->vm, R_DRV_FEATURES_SEL, 1);
	mmio_wr(r->vm, R_DRV_FEATURES, features >> 32);
	mmio_wr(r->vm, R_DRV_FEATURES_SEL, 0);
	mmio_wr(r->vm, R_DRV_FEATURES, features);
	mmio_wr(r->vm, R_STATUS, ST_ACK | ST_DRV | ST_FOK);
	return mmio_rd(r->vm, R_STATUS);
}

static void test_features(struct unit *u)
{
	struct rig r;

	CHECK_EQ(u, rig_up(&r, false, false), 0);
	/* Without VERSION_1 a version 2 device refuses the driver. */
	CHECK_EQ(u, linux_probe(u, &r, F(TOY_FEATURE)) & ST_FOK, 0);
	/* Not offered: FEATURES_OK stays clear, then so does DRIVER_OK. */
	CHECK_EQ(u, features_ok(&r, F(VIRTIO_F_VERSION_1) | F(63)), ST_ACK | ST_DRV);
	CHECK_EQ(u, features_ok(&r, F(VIRTIO_F_VERSION_1) | F(40)), ST_ACK | ST_DRV);
	CHECK_EQ(u, features_ok(&r, ~0ULL), ST_ACK | ST_DRV);
	mmio_wr(r.vm, R_STATUS, ST_ACK | ST_DRV | ST_DOK);
	CHECK_EQ(u, mmio_rd(r.vm, R_STATUS), ST_ACK | ST_DRV);
	/* The driver may try again with an acceptable set. */
	CHECK_EQ(u, features_ok(&r, F(VIRTIO_F_VERSION_1) | F(TOY_FEATURE)),
		 ST_ACK | ST_DRV | ST_FOK);
	/* Offered bits are taken, and frozen at FEATURES_OK. */
	CHECK(u, linux_probe(u, &r, F(VIRTIO_F_VERSION_1) | F(TOY_FEATURE_HIGH)) & ST_FOK);
	mmio_wr(r.vm, R_DRV_FEATURES_SEL, 0);
	mmio_wr(r.vm, R_DRV_FEATURES, 1u << TOY_FEATURE);
	CHECK_EQ(u, r.t.vd.guest_features, F(VIRTIO_F_VERSION_1) | F(TOY_FEATURE_HIGH));
	/* Selectors past the two words read zero. */
	mmio_wr(r.vm, R_DEV_FEATURES_SEL, 2);
	CHECK_EQ(u, mmio_rd(r.vm, R_DEV_FEATURES), 0);
	rig_down(&r);

	/* Legacy: one word, unoffered bits dropped, no VERSION_1. */
	CHECK_EQ(u, rig_up(&r, true, false), 0);
	linux_probe(u, &r, ~0ULL);
	mmio_wr(r.vm, R_DRV_FEATURES_SEL, 0);
	mmio_wr(r.vm, R_DRV_FEATURES, 0xffffffff);
	mmio_wr(r.vm, R_DRV_FEATURES_SEL, 1);
	mmio_wr(r.vm, R_DRV_FEATURES, 0xffffffff);
	CHECK_EQ(u, r.t.vd.guest_features, F(VIRTIO_F_INDIRECT_DESC) |
		 F(VIRTIO_F_EVENT_IDX) | F(TOY_FEATURE));
	mmio_wr(r.vm, R_DEV_FEATURES_SEL, 1);
	CHECK_EQ(u, mmio_rd(r.vm, R_DEV_FEATURES), 0);
	/* Legacy drivers have no FEATURES_OK: DRIVER_OK alone is fine. */
	mmio_wr(r.vm, R_STATUS, ST_ACK | ST_DRV | ST_DOK);
	CHECK_EQ(u, mmio_rd(r.vm, R_STATUS), ST_ACK | ST_DRV | ST_DOK);
	rig_down(&r);
}

/* What the driver may no longer change, and notifications that do not count. */
static void test_rules(struct unit *u)
{
	struct rig r;

	CHECK_EQ(u, rig_up(&r, false, false), 0);
	linux_probe(u, &r, F(VIRTIO_F_VERSION_1));
	linux_setup_vq(u, &r, 0, 16);
	/* Before DRIVER_OK: notifications are dropped. */
	linux_send(&r, 0, "early");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, atomic_load(&r.t.notifies), 0);
	/* A ready queue's size and rings stay as they were. */
	mmio_wr(r.vm, R_QUEUE_NUM, 4);
	mmio_wr(r.vm, R_QUEUE_DESC_LOW, 0x1000);
	CHECK_EQ(u, r.t.vd.vqs[0].num, 16);
	CHECK_EQ(u, r.t.vd.vqs[0].desc_gpa, QBASE(0));
	/* QueueNum of another queue is taken until DRIVER_OK only. */
	mmio_wr(r.vm, R_QUEUE_SEL, 1);
	mmio_wr(r.vm, R_QUEUE_NUM, 4);
	CHECK_EQ(u, r.t.vd.vqs[1].num, 4);
	mmio_wr(r.vm, R_QUEUE_NUM, 1000);
	CHECK_EQ(u, r.t.vd.vqs[1].num, 0);	/* too big: refused at ready */
	/* The driver does not set NEEDS_RESET, nor clear bits. */
	mmio_wr(r.vm, R_STATUS, ST_ACK | VIRTIO_STATUS_NEEDS_RESET);
	CHECK_EQ(u, mmio_rd(r.vm, R_STATUS), ST_ACK | ST_DRV | ST_FOK);
	mmio_wr(r.vm, R_STATUS, ST_ACK | ST_DRV | ST_FOK | ST_DOK);
	mmio_wr(r.vm, R_QUEUE_NUM, 8);
	CHECK_EQ(u, r.t.vd.vqs[1].num, 0);
	/* DRIVER_OK looked at the early buffer. */
	virtio_dev_serve(&r.t.vd);
	check_echo(u, &r, 0, "early");
	/* Queues that do not exist, or are not ready. */
	mmio_wr(r.vm, R_QUEUE_NOTIFY, 1);
	mmio_wr(r.vm, R_QUEUE_NOTIFY, 2);
	mmio_wr(r.vm, R_QUEUE_NOTIFY, 0xffffffff);
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, atomic_load(&r.t.notifies), 1);
	mmio_wr(r.vm, R_QUEUE_SEL, 9);
	CHECK_EQ(u, mmio_rd(r.vm, R_QUEUE_NUM_MAX), 0);
	CHECK_EQ(u, mmio_rd(r.vm, R_QUEUE_READY), 0);
	mmio_wr(r.vm, R_QUEUE_READY, 1);
	mmio_wr(r.vm, R_QUEUE_NUM, 4);
	/* No shared memory regions. */
	mmio_wr(r.vm, R_SHM_SEL, 0);
	CHECK_EQ(u, mmio_rd(r.vm, R_SHM_LEN_LOW), 0xffffffff);
	CHECK_EQ(u, mmio_rd(r.vm, R_SHM_LEN_HIGH), 0xffffffff);
	/* Read-only registers ignore writes. */
	mmio_wr(r.vm, R_MAGIC, 0);
	mmio_wr(r.vm, R_INTERRUPT_STATUS, 3);
	CHECK_EQ(u, mmio_rd(r.vm, R_MAGIC), 0x74726976);
	rig_down(&r);
}

static void test_widths(struct unit *u)
{
	static const uint32_t lens[] = { 0, 1, 2, 3, 8, 16, 0xffffffff };
	struct rig r;
	uint64_t data, off;
	unsigned int i;

	CHECK_EQ(u, rig_up(&r, false, false), 0);
	for (off = 0; off < R_CONFIG; off += 2) {
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			data = 0x5a5a5a5a5a5a5a5aULL;
			CHECK_EQ(u, mmio_raw(r.vm, off, lens[i], false, &data), -EINVAL);
			CHECK_EQ(u, data, 0);
			data = 0;
			CHECK_EQ(u, mmio_raw(r.vm, off, lens[i], true, &data), -EINVAL);
		}
		data = 0;
		if (off & 2)
			CHECK_EQ(u, mmio_raw(r.vm, off, 4, false, &data), -EINVAL);
	}
	CHECK_EQ(u, mmio_rd(r.vm, R_STATUS), 0);
	/* Config space: 1 to 8 bytes anywhere in the window. */
	data = 0;
	CHECK_EQ(u, mmio_raw(r.vm, R_CONFIG, 8, false, &data), 0);
	CHECK_EQ(u, data, 0x1716151413121110ULL);
	CHECK_EQ(u, mmio_raw(r.vm, R_CONFIG + 3, 2, false, &data), 0);
	CHECK_EQ(u, data, 0x1413);
	CHECK_EQ(u, mmio_raw(r.vm, R_CONFIG + 5, 3, false, &data), 0);
	CHECK_EQ(u, data, 0x171615);
	CHECK_EQ(u, mmio_raw(r.vm, R_CONFIG + 20, 4, false, &data), 0);
	CHECK_EQ(u, data, 0x27262524);
	/* Bytes past the model's 24 read as zero, also in a straddling read. */
	CHECK_EQ(u, mmio_raw(r.vm, R_CONFIG + 20, 8, false, &data), 0);
	CHECK_EQ(u, data, 0x27262524);
	CHECK_EQ(u, mmio_raw(r.vm, R_CONFIG + 24, 8, false, &data), 0);
	CHECK_EQ(u, data, 0);
	CHECK_EQ(u, mmio_raw(r.vm, 0x1ff, 1, false, &data), 0);
	CHECK_EQ(u, data, 0);
	data = 0xa1a2;
	CHECK_EQ(u, mmio_raw(r.vm, R_CONFIG + 1, 2, true, &data), 0);
	CHECK(u, r.t.config[1] == 0xa2 && r.t.config[2] == 0xa1);
	data = ~0ULL;
	CHECK_EQ(u, mmio_raw(r.vm, R_CONFIG + 23, 2, true, &data), 0);
	CHECK_EQ(u, r.t.config[23], 0x27);
	/* Past the window's end, or too wide. */
	CHECK_EQ(u, mmio_raw(r.vm, 0x1fc, 8, false, &data), -EINVAL);
	CHECK_EQ(u, mmio_raw(r.vm, 0x200, 4, false, &data), -EINVAL);
	CHECK_EQ(u, mmio_raw(r.vm, ~0ULL, 1, false, &data), -EINVAL);
	CHECK_EQ(u, mmio_raw(r.vm, R_CONFIG, 9, false, &data), -EINVAL);
	CHECK_EQ(u, mmio_raw(r.vm, R_CONFIG, 0, true, &data), -EINVAL);
	rig_down(&r);
}

static void test_bad_rings(struct unit *u, bool legacy)
{
	struct rig r;
	uint32_t status;

	CHECK_EQ(u, rig_up(&r, legacy, false), 0);
	status = linux_probe(u, &r, F(VIRTIO_F_VERSION_1));
	/* Rings outside RAM: NEEDS_RESET and a config interrupt, no crash. */
	mmio_wr(r.vm, R_QUEUE_SEL, 0);
	mmio_wr(r.vm, R_QUEUE_NUM, 16);
	rig_irqs(&r);
	if (legacy) {
		mmio_wr(r.vm, R_QUEUE_PFN, 0x1000);	/* 16 MiB: not RAM */
	} else {
		mmio_wr(r.vm, R_QUEUE_DESC_LOW, 0x09000000);
		mmio_wr(r.vm, R_QUEUE_READY, 1);
	}
	CHECK_EQ(u, mmio_rd(r.vm, R_STATUS), status | VIRTIO_STATUS_NEEDS_RESET);
	CHECK_EQ(u, rig_irqs(&r), 1);
	CHECK_EQ(u, linux_irq(&r), VIRTIO_ISR_CONFIG);
	CHECK(u, !r.t.vd.vqs[0].desc);

	/* A ring that goes bad while running. */
	linux_up(u, &r, F(VIRTIO_F_VERSION_1));
	CHECK_EQ(u, mmio_rd(r.vm, R_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
	virtio_dev_serve(&r.t.vd);
	rig_irqs(&r);
	vdrv_desc(&r.q[0], 0, QBUF(0), 8, VIRTQ_DESC_F_NEXT, 0);	/* a loop */
	vdrv_publish(&r.q[0], 0);
	mmio_wr(r.vm, R_QUEUE_NOTIFY, 0);
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, atomic_load(&r.t.errors), 1);
	CHECK(u, mmio_rd(r.vm, R_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	CHECK_EQ(u, rig_irqs(&r), 1);
	CHECK_EQ(u, linux_irq(&r), VIRTIO_ISR_CONFIG);
	/* The broken queue is left alone; the other one still works. */
	mmio_wr(r.vm, R_QUEUE_NOTIFY, 0);
	linux_send(&r, 1, "still");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, atomic_load(&r.t.errors), 1);
	check_echo(u, &r, 1, "still");

	/* Legacy: page size and alignment that are not powers of 2. */
	if (legacy) {
		mmio_wr(r.vm, R_STATUS, 0);
		mmio_wr(r.vm, R_QUEUE_SEL, 1);
		mmio_wr(r.vm, R_QUEUE_ALIGN, 3000);
		mmio_wr(r.vm, R_QUEUE_PFN, QBASE(1) >> 12);
		CHECK(u, mmio_rd(r.vm, R_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
		mmio_wr(r.vm, R_STATUS, 0);
		mmio_wr(r.vm, R_GUEST_PAGE_SIZE, 0);
		mmio_wr(r.vm, R_QUEUE_PFN, QBASE(1) >> 12);
		CHECK(u, mmio_rd(r.vm, R_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	}
	/* A reset clears it all. */
	mmio_wr(r.vm, R_STATUS, 0);
	CHECK_EQ(u, mmio_rd(r.vm, R_STATUS), 0);
	CHECK(u, !r.t.vd.vqs[0].broken);
	rig_down(&r);
}

static void test_create(struct unit *u)
{
	struct device *dev = NULL;
	struct rig r;
	uint64_t n;

	/* ioeventfds on QueueNotify for both queues, and an irqfd. */
	CHECK_EQ(u, rig_up(&r, false, true), 0);
	CHECK(u, r.h.mapped == &r.vm->region);
	CHECK_EQ(u, r.vm->region.base, 0x03000000);
	CHECK_EQ(u, r.vm->region.size, 0x200);
	CHECK(u, r.vm->ioeventfd && r.h.ioeventfds_on == 2 && !r.h.ioeventfd_seen_bad);
	CHECK(u, r.h.acks_on == 1 && r.h.ack_fd == r.t.vd.ack_fd);
	/* The irqfd is bound at start: the vGIC's routing exists only then. */
	CHECK_EQ(u, r.t.vd.irq.irqfd, -1);
	CHECK_EQ(u, r.vm->dev.ops->start(&r.vm->dev), 0);
	CHECK(u, r.t.vd.irq.irqfd >= 0 && r.t.vd.irq.irqfd == r.h.irq.irqfd_fd);
	CHECK(u, r.vm->dev.ops && r.vm->dev.priv == r.vm);
	CHECK(u, !strcmp(r.vm->dev.name, "virtio-toy"));
	/* An interrupt goes through the irqfd, not the line. */
	virtio_dev_config_changed(&r.t.vd);	/* not running: no interrupt */
	linux_up(u, &r, F(VIRTIO_F_VERSION_1));
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, atomic_load(&r.h.irq.sets), 0);
	CHECK(u, read(r.t.vd.irq.irqfd, &n, 8) == 8 && n == 1);
	rig_down(&r);
	CHECK_EQ(u, r.h.ioeventfds_on, 0);
	CHECK_EQ(u, r.h.acks_on, 0);

	/* No ioeventfd op, no irqfd: QueueNotify and the line do it all. */
	CHECK_EQ(u, fake_host_init(&r.h, false), 0);
	r.h.irq.irqfd_ret = -EOPNOTSUPP;
	CHECK_EQ(u, toy_init(&r.t, 1), 0);
	CHECK_EQ(u, virtio_transport_create(&r.t.vd, &r.h.ctx,
					    VIRTIO_TRANSPORT_MMIO_LEGACY, &dev), 0);
	r.vm = dev->priv;
	CHECK(u, !r.vm->ioeventfd && r.t.vd.irq.irqfd == -1);
	CHECK_EQ(u, mmio_rd(r.vm, R_VERSION), 1);
	virtio_dev_config_changed(&r.t.vd);
	rig_down(&r);

	/* One queue's ioeventfd fails: none stays, notifies exit instead. */
	CHECK_EQ(u, fake_host_init(&r.h, true), 0);
	r.h.ioeventfd_ret = -ENOSPC;
	r.h.ioeventfd_fail_q = 1;
	CHECK_EQ(u, toy_init(&r.t, 2), 0);
	r.vm = malloc(sizeof(*r.vm));
	CHECK_EQ(u, virtio_mmio_create(r.vm, &r.t.vd, &r.h.ctx, false), 0);
	CHECK(u, !r.vm->ioeventfd && r.h.ioeventfds_on == 0 && r.h.acks_on == 0);
	rig_down(&r);

	/* The bus refuses the window: nothing stays bound. */
	CHECK_EQ(u, fake_host_init(&r.h, true), 0);
	r.h.map_ret = -EEXIST;
	CHECK_EQ(u, toy_init(&r.t, 2), 0);
	CHECK_EQ(u, virtio_transport_create(&r.t.vd, &r.h.ctx,
					    VIRTIO_TRANSPORT_MMIO, &dev), -EEXIST);
	CHECK(u, r.h.ioeventfds_on == 0 && r.h.acks_on == 0 &&
		 r.t.vd.irq.irqfd == -1);
	/* Config space larger than the window's, unknown transports. */
	r.t.vd.config_size = 0x101;
	r.h.map_ret = 0;
	CHECK_EQ(u, virtio_transport_create(&r.t.vd, &r.h.ctx,
					    VIRTIO_TRANSPORT_MMIO, &dev), -EINVAL);
	CHECK_EQ(u, virtio_transport_create(&r.t.vd, &r.h.ctx, 7, &dev), -EINVAL);
	virtio_dev_destroy(&r.t.vd);
	fake_host_free(&r.h);

	/* A model that cannot be served. */
	CHECK_EQ(u, toy_init(&r.t, VIRTIO_MAX_QUEUES + 1), -EINVAL);
}

int main(void)
{
	struct unit u = { 0 };

	test_linux(&u, false);
	test_linux(&u, true);
	test_features(&u);
	test_rules(&u);
	test_widths(&u);
	test_bad_rings(&u, false);
	test_bad_rings(&u, true);
	test_create(&u);
	return unit_done(&u, "virtio-mmio");
}
