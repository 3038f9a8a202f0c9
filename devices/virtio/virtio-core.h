/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_VIRTIO_CORE_H
#define LKVM_DEVICES_VIRTIO_VIRTIO_CORE_H

/* Shared by the core's own files (virtio.c, io-thread.c), no one else. */
#include <stdbool.h>

#include "devices/virtio/virtio.h"

void virtio_eventfd_signal(int fd);
/* Non-blocking: true when the eventfd had been written. */
bool virtio_eventfd_drain(int fd);
/* Every ready queue is looked at, and the model kicked. */
void virtio_wake_all(struct virtio_dev *vd);
/* Queue q's interrupt, the driver wanting it already decided (vhost). */
void virtio_queue_interrupt(struct virtio_dev *vd, unsigned int q);

#endif
