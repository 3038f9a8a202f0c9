/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_BOARD_H
#define LKVM_DEVICES_VIRTIO_BOARD_H

#include "cli/config.h"
#include "devices/device.h"
#include "devices/virtio/virtio.h"

/* The board entries of the virtio devices (machine/board.c lists them). */
int virtio_blk_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		   struct device_list *list);
int virtio_rng_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		   struct device_list *list);
int virtio_net_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		   struct device_list *list);
int virtio_vsock_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		     struct device_list *list);
int virtio_9p_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		  struct device_list *list);
/* The --9p directories checked before any KVM work; reports the problem. */
int virtio_9p_check(const struct vm_config *cfg, int loglevel);
int virtio_console_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		       struct device_list *list);

/* --virtio-transport, as the virtio core names it. */
static inline enum virtio_transport virtio_board_transport(const struct vm_config *cfg)
{
	switch (cfg->virtio_transport) {
	case VIRTIO_MMIO_LEGACY:
		return VIRTIO_TRANSPORT_MMIO_LEGACY;
	case VIRTIO_PCI:
		return VIRTIO_TRANSPORT_PCI;
	case VIRTIO_PCI_LEGACY:
		return VIRTIO_TRANSPORT_PCI_LEGACY;
	default:
		return VIRTIO_TRANSPORT_MMIO;
	}
}

/*
 * The disk images of -d, opened, checked and closed again: an early
 * set-up stage, so that a bad image fails before any KVM work and
 * leaves nothing behind. Reports the problem; returns 0 or -errno.
 */
int virtio_blk_check(const struct vm_config *cfg, int loglevel);
/* The same for --vsock: the vhost-vsock node can be opened. */
int virtio_vsock_check(const struct vm_config *cfg, int loglevel);

#endif
