/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_VIRTIO_PCI_H
#define GUEST_VIRTIO_PCI_H

#include "types.h"
#include "virtio.h"

/*
 * A small modern virtio-pci driver (virtio 1.x, 4.1): finds a function
 * of a device type on bus 0 of the DT's ECAM bridge, takes its BARs
 * where the VMM placed them, and brings one queue up on a struct vring
 * the way lib/virtio.c does over mmio. No MSI-X: requests are polled.
 */
struct virtio_pci_dev {
	u64 cfg;		/* its 4 KiB of ECAM */
	u64 common, notify, isr, devcfg;
	u32 notify_mult;
	u16 device_id;		/* the virtio device type */
	u16 q;			/* the queue started, and its doorbell */
	u64 qnotify;
};

/* 0 with *d filled for the first function of device type id; -errno-ish <0 else. */
int virtio_pci_find(u16 id, struct virtio_pci_dev *d);
/* As virtio_start(): NULL when the device took every step, else which not. */
const char *virtio_pci_start(struct virtio_pci_dev *d, u64 features, u16 q,
			     struct vring *r);
/* The started queue's doorbell, found once at the start: one access. */
void virtio_pci_notify(const struct virtio_pci_dev *d);
void virtio_pci_reset(const struct virtio_pci_dev *d);
u8 virtio_pci_status(const struct virtio_pci_dev *d);

#endif
