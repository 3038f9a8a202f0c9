/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include "types.h"

/*
 * A small virtio-mmio driver (virtio 1.x, 4.2), for both register
 * layouts (version 2 and legacy version 1): finds the devices in the
 * DT, brings one queue up the proper way and runs requests by polling
 * the used ring. The register map is written out here from the
 * specification rather than shared with lkvm: the guest is the
 * device's other side and checks it against the contract.
 */
#define VIRTIO_MMIO_COMPAT	"virtio,mmio"
#define VIRTIO_MMIO_MAGIC_VALUE	0x74726976	/* "virt" */
#define VIRTIO_MMIO_WINDOW	0x200

#define VM_MAGIC		0x000
#define VM_VERSION		0x004
#define VM_DEVICE_ID		0x008
#define VM_VENDOR_ID		0x00c
#define VM_DEV_FEATURES		0x010
#define VM_DEV_FEATURES_SEL	0x014
#define VM_DRV_FEATURES		0x020
#define VM_DRV_FEATURES_SEL	0x024
#define VM_GUEST_PAGE_SIZE	0x028	/* legacy */
#define VM_QUEUE_SEL		0x030
#define VM_QUEUE_NUM_MAX	0x034
#define VM_QUEUE_NUM		0x038
#define VM_QUEUE_ALIGN		0x03c	/* legacy */
#define VM_QUEUE_PFN		0x040	/* legacy */
#define VM_QUEUE_READY		0x044
#define VM_QUEUE_NOTIFY		0x050
#define VM_INTERRUPT_STATUS	0x060
#define VM_INTERRUPT_ACK	0x064
#define VM_STATUS		0x070
#define VM_QUEUE_DESC_LOW	0x080
#define VM_QUEUE_DESC_HIGH	0x084
#define VM_QUEUE_DRIVER_LOW	0x090
#define VM_QUEUE_DRIVER_HIGH	0x094
#define VM_QUEUE_DEVICE_LOW	0x0a0
#define VM_QUEUE_DEVICE_HIGH	0x0a4
#define VM_SHM_SEL		0x0ac
#define VM_SHM_LEN_LOW		0x0b0
#define VM_SHM_LEN_HIGH		0x0b4
#define VM_SHM_BASE_LOW		0x0b8
#define VM_SHM_BASE_HIGH	0x0bc
#define VM_CONFIG_GENERATION	0x0fc
#define VM_CONFIG		0x100

#define VIRTIO_ST_ACKNOWLEDGE	0x01
#define VIRTIO_ST_DRIVER	0x02
#define VIRTIO_ST_DRIVER_OK	0x04
#define VIRTIO_ST_FEATURES_OK	0x08
#define VIRTIO_ST_NEEDS_RESET	0x40
#define VIRTIO_ST_FAILED	0x80

#define VIRTIO_F_INDIRECT_DESC	28
#define VIRTIO_F_EVENT_IDX	29
#define VIRTIO_F_VERSION_1	32

#define VIRTIO_ISR_QUEUE	0x1
#define VIRTIO_ISR_CONFIG	0x2

#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4

#define VRING_DESC_F_NEXT	0x1
#define VRING_DESC_F_WRITE	0x2
#define VRING_DESC_F_INDIRECT	0x4
#define VRING_DESC_SIZE		16

/* virtio-blk requests (5.2.6) */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_F_RO		5

#define VIRTIO_MAX_DEVS		16
#define VIRTIO_MAX_QUEUES	16	/* probed; lkvm has up to 8 */

struct virtio_dev {
	u64 base;
	u32 intid;		/* its SPI's INTID; 0 if the DT names none */
	u32 version;		/* 1: legacy, 2: virtio 1.x */
	u32 device_id;
	u32 nr_queues;		/* from queue 0 up, those with a QueueNumMax */
	u32 num_max;		/* queue 0's QueueNumMax */
};

/*
 * The DT's virtio-mmio nodes whose window reads the magic value, in
 * address order (lkvm's board order); returns how many, at most max.
 */
int virtio_find(struct virtio_dev *devs, int max);

static inline bool virtio_is_legacy(const struct virtio_dev *d)
{
	return d->version == 1;
}

/*
 * A split ring in the legacy layout with 4 KiB alignment (descriptors,
 * avail ring, the used ring on the next page), which suits version 2
 * as well. The guest's addresses are its physical ones (identity map).
 */
struct vring {
	u16 num;
	u64 desc, avail, used;
	u16 avail_idx;		/* the driver's copy */
	u16 last_used;
};

/* Bytes a ring of num entries takes from a 4 KiB aligned base. */
u64 vring_bytes(u16 num);
void vring_init(struct vring *r, void *mem, u16 num);
void vring_set_desc(struct vring *r, u16 i, u64 addr, u32 len, u16 flags,
		    u16 next);
/* Puts head in the avail ring and publishes it (a barrier, then idx). */
void vring_publish(struct vring *r, u16 head);
/*
 * Waits until the device used a chain or the counter passes deadline;
 * true with its id and length.
 */
bool vring_wait(struct vring *r, u64 deadline, u32 *id, u32 *len);

/*
 * Reset, ACKNOWLEDGE, DRIVER, the features (all of them must be
 * offered), FEATURES_OK (version 2), queue q on ring r, DRIVER_OK, each
 * step read back as the specification asks. NULL when the device took
 * it all, else what went wrong.
 */
const char *virtio_start(const struct virtio_dev *d, u64 features, u32 q,
			 struct vring *r);
/* The same with queues 0..n-1 on rings r[0..n-1] (a NIC's receive and transmit). */
const char *virtio_start_n(const struct virtio_dev *d, u64 features,
			   struct vring *const *r, u32 n);
void virtio_notify(const struct virtio_dev *d, u32 q);
void virtio_reset(const struct virtio_dev *d);
u64 virtio_dev_features(const struct virtio_dev *d);

#endif
