/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_BLK_H
#define LKVM_DEVICES_VIRTIO_BLK_H

#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/virtio/disk.h"
#include "devices/virtio/virtio.h"

/*
 * virtio-blk (virtio 1.x, 5.2) over a struct disk: one request queue,
 * served on the device's I/O thread with pwritev and preadv, or, where
 * the kernel gives an io_uring, its reads in batches through one
 * confined to reading the disk. A request is
 * on the image file (in the host's page cache at least, which survives
 * lkvm being killed) before the used ring says it is done; FLUSH makes
 * it durable (fdatasync). docs/virtio.md has the reasoning.
 */

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX		1
#define VIRTIO_BLK_F_SEG_MAX		2
#define VIRTIO_BLK_F_RO			5
#define VIRTIO_BLK_F_BLK_SIZE		6
#define VIRTIO_BLK_F_FLUSH		9
#define VIRTIO_BLK_F_TOPOLOGY		10
#define VIRTIO_BLK_F_MQ			12
#define VIRTIO_BLK_F_DISCARD		13
#define VIRTIO_BLK_F_WRITE_ZEROES	14

/* Request types and status (5.2.6). */
#define VIRTIO_BLK_T_IN			0
#define VIRTIO_BLK_T_OUT		1
#define VIRTIO_BLK_T_FLUSH		4
#define VIRTIO_BLK_T_GET_ID		8
#define VIRTIO_BLK_T_DISCARD		11
#define VIRTIO_BLK_T_WRITE_ZEROES	13
#define VIRTIO_BLK_S_OK			0
#define VIRTIO_BLK_S_IOERR		1
#define VIRTIO_BLK_S_UNSUPP		2
#define VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP	0x1

#define VIRTIO_BLK_HDR_SIZE		16	/* type, reserved, sector */
#define VIRTIO_BLK_SEG_SIZE		16	/* sector, num_sectors, flags */

/* Config space offsets (5.2.4), little-endian. */
#define VIRTIO_BLK_CFG_CAPACITY		0	/* le64, 512-byte sectors */
#define VIRTIO_BLK_CFG_SEG_MAX		12	/* le32 */
#define VIRTIO_BLK_CFG_BLK_SIZE		20	/* le32 */
#define VIRTIO_BLK_CFG_PHYS_EXP		24	/* u8: topology */
#define VIRTIO_BLK_CFG_MIN_IO		26	/* le16, in blk_size units */
#define VIRTIO_BLK_CFG_MAX_DISCARD	36	/* le32 sectors */
#define VIRTIO_BLK_CFG_DISCARD_SEG	40	/* le32 */
#define VIRTIO_BLK_CFG_DISCARD_ALIGN	44	/* le32 sectors */
#define VIRTIO_BLK_CFG_MAX_ZEROES	48	/* le32 sectors */
#define VIRTIO_BLK_CFG_ZEROES_SEG	52	/* le32 */
#define VIRTIO_BLK_CFG_ZEROES_UNMAP	56	/* u8 */
#define VIRTIO_BLK_CFG_SIZE		60

/* What lkvm offers. */
#define VIRTIO_BLK_SEG_MAX		(VIRTQ_MAX_SIZE - 2)	/* header, status */
#define VIRTIO_BLK_MAX_DISCARD_SECTORS	(1U << 22)		/* 2 GiB */
#define VIRTIO_BLK_MAX_DISCARD_SEG	16

/*
 * Opens cfg's image (disk_open(): msg as there, a warning included) and
 * makes the device behind transport t; index numbers it among the
 * VM's disks (names, its I/O thread). Returns 0 or -errno.
 */
int virtio_blk_create(const struct device_ctx *ctx,
		      const struct disk_config *cfg, unsigned int index,
		      enum virtio_transport t, struct device **dev, char *msg,
		      size_t msglen);
/*
 * The same with a disk the caller opened (to check the files before
 * any KVM work): the device takes it over, and closes it on failure.
 */
int virtio_blk_create_disk(const struct device_ctx *ctx, struct disk *disk,
			   unsigned int index, enum virtio_transport t,
			   struct device **dev);
/*
 * The model alone, initialised with virtio_dev_init() and with no
 * transport: for unit tests and fuzzers, which give it memory and an
 * interrupt line and drive it with the core's calls. Takes the disk
 * over; virtio_dev_destroy() frees it all.
 */
int virtio_blk_new(struct disk *disk, unsigned int index,
		   struct virtio_dev **vd);
/* The device's I/O engine: "io_uring" or "preadv" (disk_use_ring()). */
const char *virtio_blk_engine(const struct virtio_dev *vd);

#endif
