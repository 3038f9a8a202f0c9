/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_VIRTIO_LINUX_H
#define LKVM_TESTS_VIRTIO_LINUX_H

/*
 * A virtio-mmio device as Linux's virtio_mmio driver sees it: the toy
 * model behind the transport on the fake machine (a rig), and the
 * driver's steps (vm_probe, virtio_dev_probe, vm_setup_vq, vm_notify,
 * vm_interrupt), checking what the device answers on the way.
 */
#include "tests/unit.h"
#include "tests/virtio-toy.h"

#define ST_ACK		VIRTIO_STATUS_ACKNOWLEDGE
#define ST_DRV		VIRTIO_STATUS_DRIVER
#define ST_FOK		VIRTIO_STATUS_FEATURES_OK
#define ST_DOK		VIRTIO_STATUS_DRIVER_OK
#define F(bit)		(1ULL << (bit))
#define QBASE(q)	(GUEST_RAM_BASE + 0x10000 * ((q) + 1))
#define QBUF(q)		(GUEST_RAM_BASE + 0x80000 + 0x1000 * (q))

struct rig {
	struct fake_host h;
	struct toy t;
	struct virtio_mmio *vm;
	struct vdrv q[2];
};

int rig_up(struct rig *r, bool legacy, bool ioeventfd);
void rig_down(struct rig *r);
/* Interrupts delivered since the last call: set() edges and irqfd writes. */
unsigned int rig_irqs(struct rig *r);
/* Up to FEATURES_OK (legacy: features written); returns the status. */
uint32_t linux_probe(struct unit *u, struct rig *r, uint64_t want);
void linux_setup_vq(struct unit *u, struct rig *r, unsigned int q, uint16_t num);
/* Probe, queue 0 of 16 and queue 1 of 8 entries, DRIVER_OK. */
void linux_up(struct unit *u, struct rig *r, uint64_t want);
/* One request on queue q: msg out, 64 bytes in, then QueueNotify. */
void linux_send(struct rig *r, unsigned int q, const char *msg);
void check_echo(struct unit *u, struct rig *r, unsigned int q, const char *msg);
/* vm_interrupt(): InterruptStatus read, written back to InterruptACK. */
uint32_t linux_irq(struct rig *r);

#endif
