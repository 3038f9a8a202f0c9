/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_9P_H
#define LKVM_DEVICES_VIRTIO_9P_H

#include <stdbool.h>

#include "devices/device.h"
#include "devices/virtio/virtio.h"

/*
 * virtio-9p (virtio 1.x, 5.x "9P transport"): one request queue, each
 * chain a 9P2000.L request (device-readable) and room for its reply
 * (device-writable), served by the 9P server (devices/9p/) on the
 * device's I/O thread, in the "9p" sandbox role. The config space is
 * the mount tag: le16 tag_len, then its bytes, no NUL.
 */
#define VIRTIO_9P_F_MOUNT_TAG		0
#define VIRTIO_9P_TAG_MAX		32	/* kvmtool's limit too */

struct virtio_9p_cfg {
	const char *dir;	/* the shared directory */
	const char *tag;	/* 1..VIRTIO_9P_TAG_MAX bytes */
	bool ro;
};

/* The model alone (virtio_dev_init() done), for tests and fuzzers. */
int virtio_9p_new(unsigned int index, const struct virtio_9p_cfg *cfg,
		  struct virtio_dev **vd);
int virtio_9p_create(const struct device_ctx *ctx, unsigned int index,
		     const struct virtio_9p_cfg *cfg, enum virtio_transport t,
		     struct device **dev);

#endif
