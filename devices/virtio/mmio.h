/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_MMIO_H
#define LKVM_DEVICES_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/mmio.h"
#include "devices/virtio/virtio.h"

/*
 * The virtio-mmio transport (virtio 1.x, 4.2): version 2, or the legacy
 * version 1 register layout (--virtio-transport=mmio-legacy, as
 * kvmtool). One 0x200-byte window and one edge-triggered SPI a device,
 * on kvmtool's arm64 map; queue notifications go through KVM
 * ioeventfds where the host has them, so a notify costs no exit.
 */
#define VIRTIO_MMIO_SIZE	0x200
#define VIRTIO_MMIO_CONFIG	0x100	/* config space: to the window's end */
#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
/* kvmtool's VendorID ("LKVM" in memory order), so guests see the same. */
#define VIRTIO_MMIO_VENDOR_ID	0x4d564b4c
/* The registers a guest writes without an exit (KVM ioeventfds). */
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064

struct virtio_mmio {
	struct device dev;		/* what the board lists */
	struct mmio_region region;
	struct virtio_dev *vd;
	bool ioeventfd;			/* QueueNotify taken by KVM */
	/* Register selectors, under vd->lock. */
	uint32_t dev_features_sel;
	uint32_t drv_features_sel;
	uint32_t queue_sel;
	uint64_t drv_features;		/* being written, before FEATURES_OK */
	uint32_t guest_page_size;	/* legacy */
	uint32_t queue_align[VIRTIO_MAX_QUEUES];	/* legacy */
	uint32_t queue_pfn[VIRTIO_MAX_QUEUES];	/* legacy: as written */
	uint32_t gic_phandle;		/* for the DT node */
};

/*
 * Make the transport for vd (initialised with virtio_dev_init()):
 * takes its window and SPI through ctx, puts itself on the bus, binds
 * an irqfd and the queues' ioeventfds where the host can. Returns 0 or
 * -errno; the board then lists &vm->dev. vm comes from malloc(): the
 * device's destroy frees it (after virtio_dev_destroy()). On failure
 * nothing is on the bus, vm is the caller's to free and vd still
 * needs virtio_dev_destroy().
 */
int virtio_mmio_create(struct virtio_mmio *vm, struct virtio_dev *vd,
		       const struct device_ctx *ctx, bool legacy);
/*
 * The transport's state and its region (handler, render) for vd, with
 * no window, line or host yet: what virtio_mmio_create() starts from.
 * 0, or -EINVAL for a config space larger than the window's.
 */
int virtio_mmio_init(struct virtio_mmio *vm, struct virtio_dev *vd,
		     bool legacy);
/*
 * The register model, for unit tests and fuzzers as for the bus: 32-bit
 * aligned accesses to the registers, any width of 1 to 8 bytes to the
 * config space. Anything else returns -EINVAL (reads as zero).
 */
int virtio_mmio_access(struct mmio_region *region, struct mmio_access *acc);
/* What reads of [off, off + len) return (struct mmio_region.render). */
void virtio_mmio_render(struct mmio_region *region, uint64_t off,
			uint64_t len, uint8_t *buf);
/*
 * Snapshots (devices/virtio/mmio-snap.c): the transport's and the
 * device's state, the I/O thread held off during the save. restore
 * writes into a transport set-up made, before its start; -EINVAL for
 * a section of another transport or version, or state that cannot be.
 * -EOPNOTSUPP: the model cannot be saved.
 */
int virtio_mmio_save(struct virtio_mmio *vm, struct snapshot *s);
int virtio_mmio_restore(struct virtio_mmio *vm, struct snapshot *s);
/*
 * The device's DT node (devices/virtio/mmio-fdt.c, apart so that the
 * register model builds without libfdt). 0 or a negative libfdt error.
 */
int virtio_mmio_fdt_node(struct device *dev, void *fdt);

#endif
