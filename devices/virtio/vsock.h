/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_VSOCK_H
#define LKVM_DEVICES_VIRTIO_VSOCK_H

#include <stdint.h>

#include "devices/device.h"
#include "devices/virtio/virtio.h"

/*
 * virtio-vsock (virtio 1.x, 5.10): the guest's AF_VSOCK sockets, with
 * the host kernel's vhost-vsock carrying the data (docs/vsock.md). Its
 * config space is the guest's CID, a le64. Three queues: rx and tx are
 * vhost's; the event queue stays lkvm's, whose one event is the
 * transport's reset, sent once a snapshot is restored (the host
 * kernel's connections are not in it).
 */
#define VSOCK_QUEUE_RX		0
#define VSOCK_QUEUE_TX		1
#define VSOCK_QUEUE_EVENT	2
#define VSOCK_NR_QUEUES		3
#define VSOCK_VHOST_PATH	"/dev/vhost-vsock"

/* The model alone, for tests and fuzzers: no vhost behind it. */
int virtio_vsock_new(uint64_t cid, struct virtio_dev **vd);
/*
 * The device behind transport t, vhost_path's vhost-vsock serving it
 * as guest cid (set here: -EADDRINUSE when another VM has it). Reports
 * nothing; returns 0 or -errno.
 */
int virtio_vsock_create(const struct device_ctx *ctx, uint64_t cid,
			const char *vhost_path, enum virtio_transport t,
			struct device **dev);

#endif
