/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_RNG_H
#define LKVM_DEVICES_VIRTIO_RNG_H

#include "devices/device.h"
#include "devices/virtio/virtio.h"

/*
 * virtio-rng (virtio 1.x, 5.4): one request queue whose buffers are
 * filled from the host kernel's getrandom(), not rate-limited. At most
 * VIRTIO_RNG_MAX_FILL bytes go into one request (Linux asks for 64 or
 * fewer), so a guest cannot keep the I/O thread busy with one buffer.
 */
#define VIRTIO_RNG_MAX_FILL	(64 * 1024)

/* The device behind transport t; index numbers its I/O thread. */
int virtio_rng_create(const struct device_ctx *ctx, unsigned int index,
		      enum virtio_transport t, struct device **dev);
/* The model alone (virtio_dev_init() done), for tests and fuzzers. */
int virtio_rng_new(unsigned int index, struct virtio_dev **vd);

#endif
