/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_VIRTIO_DEV_HARNESS_H
#define LKVM_TESTS_VIRTIO_DEV_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/virtio.h"

/*
 * A virtio driver in miniature, for the device models' tests and
 * fuzzers: guest RAM is a buffer of the test's own, the rings are laid
 * out in it as a driver would, and the device is driven through the
 * core's calls (status, features, queue set-up, QueueNotify) with
 * virtio_dev_serve() standing in for the I/O thread.
 */
#define VDH_RAM_BASE	0x80000000ULL
#define VDH_QUEUES	8

struct vdh_queue {
	uint16_t num;
	uint64_t desc, avail, used;	/* guest physical addresses */
	uint16_t avail_idx;		/* the driver's next avail entry */
	uint16_t used_seen;		/* used entries taken so far */
	uint16_t next_desc;		/* descriptors are handed out in turn */
};

struct vdh {
	struct guest_mem mem;
	struct virtio_dev *vd;
	struct irq_line_ops irq_ops;
	unsigned int irqs;		/* rising edges of the device's line */
	bool level;
	uint64_t heap;			/* next free byte for buffers */
	struct vdh_queue q[VDH_QUEUES];
};

/* One buffer of a chain: guest address, length, device-writable. */
struct vdh_buf {
	uint64_t gpa;
	uint32_t len;
	bool write;
};

int vdh_init(struct vdh *h, size_t ram_size);
void vdh_free(struct vdh *h);
/*
 * Gives vd the memory and an interrupt line, negotiates features (the
 * core's VERSION_1 and the given ones) and makes queues 0..nr-1 of
 * size num ready, then sets DRIVER_OK. Returns the status read back.
 */
uint8_t vdh_attach(struct vdh *h, struct virtio_dev *vd, uint64_t features,
		   unsigned int nr, uint16_t num);
/* Bytes of guest RAM for buffers, 16-byte aligned; 0 when full. */
uint64_t vdh_alloc(struct vdh *h, uint64_t len);
/* A buffer filled with 0xee, so a test sees which bytes the device wrote. */
uint64_t vdh_alloc_marked(struct vdh *h, uint64_t len);
void *vdh_ptr(struct vdh *h, uint64_t gpa);
/* Puts a chain on queue q (without notifying); returns its head. */
uint16_t vdh_post(struct vdh *h, unsigned int q, const struct vdh_buf *b,
		  unsigned int n);
/* QueueNotify, then one round of the I/O thread. */
void vdh_notify(struct vdh *h, unsigned int q);
/* The next used entry of queue q; false when there is none. */
bool vdh_used(struct vdh *h, unsigned int q, uint16_t *head, uint32_t *len);

/*
 * Stands in for devices/virtio/transport.c, so that a model's create
 * function is tested alone: give the device_ctx a struct vdh_transport
 * as opaque. It fails with fail when that is set; otherwise it returns
 * a device whose destroy is virtio_dev_destroy().
 */
struct vdh_transport {
	int fail;
	struct virtio_dev *vd;
	enum virtio_transport t;
	struct device dev;
};

#endif
