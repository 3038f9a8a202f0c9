// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock and the vhost core without a kernel's vhost: the config
 * space, the rings' translation for vhost against hostile addresses,
 * the core leaving vhost's queues to vhost, a vhost node that cannot
 * be opened or is not one, and the device in a snapshot: its rings'
 * bases checked against the used index in guest RAM, another CID
 * refused, and the driver told of the transport's reset once restored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/virtio/vhost.h"
#include "devices/virtio/virtio-core.h"
#include "devices/virtio/vsock.h"
#include "lib/snapshot.h"
#include "tests/unit.h"
#include "tests/virtio-dev-harness.h"

static void test_config(struct unit *u)
{
	struct virtio_dev *vd;
	uint8_t b[8];
	uint64_t v = 0;
	uint32_t w = 0;

	if (virtio_vsock_new(0xfffffffeULL, &vd))
		return;
	CHECK_EQ(u, vd->device_id, VIRTIO_ID_VSOCK);
	CHECK_EQ(u, vd->device_id, 19);
	CHECK_EQ(u, vd->nr_queues, 3);
	CHECK_EQ(u, vd->config_size, 8);
	virtio_dev_config_read(vd, 0, &v, 8);
	CHECK_EQ(u, le64toh(v), 0xfffffffeULL);
	virtio_dev_config_read(vd, 4, &w, 4);
	CHECK_EQ(u, w, 0);
	virtio_dev_config_read(vd, 0, &w, 4);
	CHECK_EQ(u, le32toh(w), 0xfffffffe);
	for (unsigned int i = 0; i < 8; i++) {
		static const uint8_t le[8] = { 0xfe, 0xff, 0xff, 0xff };

		virtio_dev_config_read(vd, i, b, 1);
		CHECK_EQ(u, b[0], le[i]);
	}
	/* Past the end and across it: zeros, nothing read out of bounds. */
	memset(b, 0xaa, sizeof(b));
	virtio_dev_config_read(vd, 6, b, 4);
	CHECK(u, b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0);
	virtio_dev_config_read(vd, 8, &v, 8);
	CHECK_EQ(u, v, 0);
	virtio_dev_config_read(vd, 0xffffffff, &v, 8);
	CHECK_EQ(u, v, 0);
	/* The CID is the device's: a write changes nothing. */
	v = 7;
	virtio_dev_config_write(vd, 0, &v, 8);
	virtio_dev_config_read(vd, 0, &v, 8);
	CHECK_EQ(u, le64toh(v), 0xfffffffeULL);
	virtio_dev_destroy(vd);
}

static void test_translate(struct unit *u)
{
	static uint8_t ram[65536] __attribute__((aligned(16)));
	const struct guest_mem m = { .base = 0x80000000ULL, .size = sizeof(ram),
				     .hva = ram };
	const uint64_t B = m.base, E = m.base + m.size;
	struct vhost_ring_hva h;

	CHECK_EQ(u, vhost_ring_translate(&m, 256, B, B + 4096, B + 8192, &h), 0);
	CHECK_EQ(u, h.desc, (uint64_t)(uintptr_t)ram);
	CHECK_EQ(u, h.avail, (uint64_t)(uintptr_t)(ram + 4096));
	CHECK_EQ(u, h.used, (uint64_t)(uintptr_t)(ram + 8192));
	/* Up to the last byte of RAM: the event fields included. */
	CHECK_EQ(u, vhost_ring_translate(&m, 256, E - 4096, E - 6 - 512,
					 E - 2056, &h), 0);
	CHECK_EQ(u, h.avail, (uint64_t)(uintptr_t)(ram + m.size - 6 - 512));
	CHECK_EQ(u, h.used, (uint64_t)(uintptr_t)(ram + m.size - 2056));
	/* Past it: the descriptors, avail's used_event, used's avail_event. */
	CHECK_EQ(u, vhost_ring_translate(&m, 256, E - 4080, B, B + 8192, &h), -EINVAL);
	CHECK_EQ(u, vhost_ring_translate(&m, 256, B, E - 4 - 512, B + 8192, &h), -EINVAL);
	CHECK_EQ(u, vhost_ring_translate(&m, 256, B, B + 4096, E - 2052, &h), -EINVAL);
	/* Sizes: 0, not a power of 2, above the maximum. */
	CHECK_EQ(u, vhost_ring_translate(&m, 0, B, B + 4096, B + 8192, &h), -EINVAL);
	CHECK_EQ(u, vhost_ring_translate(&m, 3, B, B + 4096, B + 8192, &h), -EINVAL);
	CHECK_EQ(u, vhost_ring_translate(&m, 512, B, B + 16384, B + 32768, &h), -EINVAL);
	CHECK_EQ(u, vhost_ring_translate(&m, 0xffff, B, B + 4096, B + 8192, &h), -EINVAL);
	/* Misaligned areas. */
	CHECK_EQ(u, vhost_ring_translate(&m, 16, B + 8, B + 4096, B + 8192, &h), -EINVAL);
	CHECK_EQ(u, vhost_ring_translate(&m, 16, B, B + 4095, B + 8192, &h), -EINVAL);
	CHECK_EQ(u, vhost_ring_translate(&m, 16, B, B + 4096, B + 8194, &h), -EINVAL);
	/* Below RAM, wrapping, all-ones, zero. */
	CHECK_EQ(u, vhost_ring_translate(&m, 16, B - 4096, B + 4096, B + 8192, &h), -EINVAL);
	CHECK_EQ(u, vhost_ring_translate(&m, 16, 0xfffffffffffffff0ULL, B + 4096,
					 B + 8192, &h), -EINVAL);
	CHECK_EQ(u, vhost_ring_translate(&m, 16, B, 0xfffffffffffffffeULL,
					 B + 8192, &h), -EINVAL);
	CHECK_EQ(u, vhost_ring_translate(&m, 16, B, B + 4096, 0, &h), -EINVAL);
	CHECK_EQ(u, vhost_ring_translate(NULL, 16, B, B + 4096, B + 8192, &h), -EINVAL);
}

/*
 * Queues handed to vhost: the driver's notify stays in the eventfd for
 * vhost (the I/O thread does not take it), and vhost's call becomes
 * the queue's interrupt with the ISR bit; lkvm's own queue still works.
 */
static void test_vhost_queues(struct unit *u)
{
	struct virtio_dev *vd;
	struct vdh h;
	uint64_t one = 1;
	int call;

	if (vdh_init(&h, 1 << 20) || virtio_vsock_new(3, &vd))
		return;
	call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vd->call_fd[0] = vd->call_fd[1] = call;
	vd->vhost_queues = 3;
	CHECK(u, vdh_attach(&h, vd, 0, 3, 8) & VIRTIO_STATUS_DRIVER_OK);
	virtio_dev_serve(vd);
	virtio_eventfd_drain(vd->queue_fd[0]);	/* DRIVER_OK's wake-up */
	virtio_eventfd_drain(vd->queue_fd[1]);
	atomic_store(&vd->isr, 0);

	vdh_notify(&h, 0);
	CHECK(u, virtio_eventfd_drain(vd->queue_fd[0]));	/* vhost's kick */
	CHECK_EQ(u, atomic_load(&vd->isr), 0);

	unsigned int irqs = h.irqs;

	CHECK_EQ(u, write(call, &one, 8), 8);
	virtio_dev_serve(vd);
	CHECK(u, h.irqs > irqs);
	CHECK(u, atomic_load(&vd->isr) & VIRTIO_ISR_QUEUE);
	CHECK(u, !virtio_eventfd_drain(call));

	/* After a reset no call interrupts the driver. */
	virtio_dev_set_status(vd, 0);
	irqs = h.irqs;
	CHECK_EQ(u, write(call, &one, 8), 8);
	virtio_dev_serve(vd);
	CHECK_EQ(u, h.irqs, irqs);
	vd->vhost_queues = 0;
	virtio_dev_destroy(vd);
	close(call);
	vdh_free(&h);
}

/* No node, or a file that is no vhost device: -errno, nothing left open. */
static void test_open_fails(struct unit *u)
{
	struct virtio_dev *vd;
	struct vhost_dev vh;
	struct vdh h;
	static const struct vhost_backend_ops ops;

	CHECK_EQ(u, vhost_probe("/nonexistent/vhost-vsock"), -ENOENT);
	if (vdh_init(&h, 1 << 20) || virtio_vsock_new(3, &vd))
		return;
	vd->mem = &h.mem;
	CHECK_EQ(u, vhost_open(&vh, "/nonexistent/vhost-vsock", vd, 3, &ops), -ENOENT);
	CHECK_EQ(u, vd->vhost_queues, 0);
	CHECK_EQ(u, vhost_open(&vh, "/dev/null", vd, 3, &ops), -ENOTTY);
	CHECK_EQ(u, vd->vhost_queues, 0);
	CHECK(u, vd->call_fd[0] == -1 && vd->call_fd[1] == -1);
	CHECK_EQ(u, vhost_open(&vh, "/dev/null", vd, 0x10, &ops), -EINVAL);
	virtio_dev_destroy(vd);
	vdh_free(&h);
}

/* The section's model part ends with the CID, the queue mask, rx's and tx's bases. */
static int vsock_restore_with(struct vdh *h, struct virtio_dev **out,
			      const struct snapshot *s, uint64_t cid,
			      uint32_t base_rx, uint32_t base_tx)
{
	uint8_t *buf = malloc(s->len);
	struct snapshot r = { 0 };
	struct virtio_dev *vd;
	int ret;

	if (!buf || virtio_vsock_new(3, &vd)) {
		free(buf);
		return -ENOMEM;
	}
	memcpy(buf, s->buf, s->len);
	memcpy(buf + s->len - 20, &cid, 8);
	memcpy(buf + s->len - 8, &base_rx, 4);
	memcpy(buf + s->len - 4, &base_tx, 4);
	vd->mem = &h->mem;
	vd->irq = h->vd->irq;
	r = (struct snapshot) { .rd = buf, .rd_len = s->len };
	ret = virtio_dev_restore(vd, &r);
	free(buf);
	if (ret || !out)
		virtio_dev_destroy(vd);
	else
		*out = vd;
	return ret;
}

static void test_snapshot(struct unit *u)
{
	uint64_t ev = 0;
	struct vdh_buf b;
	struct snapshot s = { 0 };
	struct virtio_dev *vd, *vd2 = NULL;
	uint16_t used_le = htole16(5), head;
	uint32_t len = 0, id = ~0u;
	unsigned int irqs;
	struct vdh h;

	if (vdh_init(&h, 1 << 20) || virtio_vsock_new(3, &vd))
		return;
	CHECK(u, vdh_attach(&h, vd, 0, 3, 8) & VIRTIO_STATUS_DRIVER_OK);
	/* The driver's event buffer, as Linux posts at probe: nothing comes. */
	ev = vdh_alloc(&h, 8);
	b = (struct vdh_buf) { .gpa = ev, .len = 8, .write = true };
	vdh_post(&h, VSOCK_QUEUE_EVENT, &b, 1);
	vdh_notify(&h, VSOCK_QUEUE_EVENT);
	CHECK(u, !vdh_used(&h, VSOCK_QUEUE_EVENT, &head, &len));
	/* vhost had used 5 rx buffers: the used index is in guest RAM. */
	memcpy(vdh_ptr(&h, h.q[VSOCK_QUEUE_RX].used + 2), &used_le, 2);
	CHECK_EQ(u, virtio_dev_save(vd, &s), 0);
	CHECK(u, s.len > 20);

	/* Bases vhost could have left: at the used index, or up to a ring ahead. */
	CHECK_EQ(u, vsock_restore_with(&h, NULL, &s, 3, 5, 0), 0);
	CHECK_EQ(u, vsock_restore_with(&h, NULL, &s, 3, 13, 0), 0);
	/* Beyond the ring, behind the used index, past 16 bits, another CID. */
	CHECK_EQ(u, vsock_restore_with(&h, NULL, &s, 3, 14, 0), -EINVAL);
	CHECK_EQ(u, vsock_restore_with(&h, NULL, &s, 3, 4, 0), -EINVAL);
	CHECK_EQ(u, vsock_restore_with(&h, NULL, &s, 3, 5, 9), -EINVAL);
	CHECK_EQ(u, vsock_restore_with(&h, NULL, &s, 3, 0x10005, 0), -EINVAL);
	CHECK_EQ(u, vsock_restore_with(&h, NULL, &s, 4, 5, 0), -EINVAL);
	/* Cut short: refused. */
	s.len -= 4;
	CHECK_EQ(u, vsock_restore_with(&h, NULL, &s, 3, 5, 0), -EINVAL);
	s.len += 4;

	/* Restored: the driver's event buffer gets TRANSPORT_RESET (id 0), once. */
	CHECK_EQ(u, vsock_restore_with(&h, &vd2, &s, 3, 5, 0), 0);
	if (vd2) {
		h.vd = vd2;
		irqs = h.irqs;
		memset(vdh_ptr(&h, ev), 0xff, 8);
		virtio_dev_kick(vd2);
		virtio_dev_serve(vd2);
		CHECK(u, vdh_used(&h, VSOCK_QUEUE_EVENT, &head, &len));
		CHECK_EQ(u, len, 4);
		memcpy(&id, vdh_ptr(&h, ev), 4);
		CHECK_EQ(u, id, 0);
		CHECK(u, h.irqs > irqs);
		virtio_dev_kick(vd2);
		virtio_dev_serve(vd2);
		CHECK(u, !vdh_used(&h, VSOCK_QUEUE_EVENT, &head, &len));
		virtio_dev_destroy(vd2);
		h.vd = vd;
	}
	snapshot_free(&s);
	virtio_dev_destroy(vd);
	vdh_free(&h);
}

int main(void)
{
	struct unit u = { 0 };

	test_config(&u);
	test_translate(&u);
	test_vhost_queues(&u);
	test_open_fails(&u);
	test_snapshot(&u);
	return unit_done(&u, "test-virtio-vsock");
}
