/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_VIRTIO_BLK_RIG_H
#define LKVM_TESTS_VIRTIO_BLK_RIG_H
/*
 * What the virtio-blk tests (test-virtio-blk, test-virtio-blk-batch)
 * share: a device over a fresh image in a temporary file, driven by
 * the miniature driver of virtio-dev-harness.h on one queue.
 */
#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/virtio.h"
#include "tests/unit.h"
#include "tests/virtio-dev-harness.h"

struct blk_rig {
	struct unit *u;
	struct vdh h;
	struct virtio_dev *vd;
	char path[64];
	int fd;			/* the image, read past the device */
};

/*
 * A device over a fresh image of size bytes, ro and direct as -d's
 * options, its queue of qsize entries set up: true once the driver is
 * ready.
 */
bool blk_rig_setup(struct blk_rig *t, struct unit *u, uint64_t size, bool ro,
		   bool direct, unsigned int qsize);
/* The device and the guest's memory freed, the image removed. */
void blk_rig_teardown(struct blk_rig *t);

/* A request's 16-byte header (type, sector), little-endian as virtio's. */
void blk_put_hdr(uint8_t *p, uint32_t type, uint64_t sector);

#endif
