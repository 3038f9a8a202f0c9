/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_NET_OFFLOAD_H
#define LKVM_DEVICES_VIRTIO_NET_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/virtio/net.h"

/* The offloads a card offers for a backend's (VIRTIO_NET_OFFLOAD_F bits). */
uint64_t virtio_net_offered(uint64_t offloads);
/*
 * A header for the guest made fit for its driver (flags it did not
 * take cleared); false when the frame needs an offload it did not take.
 */
bool virtio_net_rx_hdr_fits(const struct virtio_dev *vd, struct virtio_net_hdr *h);
/* A header from the guest that may go on with its frame of len bytes. */
bool virtio_net_tx_hdr_ok(const struct virtio_dev *vd, const struct virtio_net_hdr *h,
			  size_t len);

#endif
