/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_BLK_CONFIG_H
#define LKVM_DEVICES_VIRTIO_BLK_CONFIG_H

#include <stdint.h>

#include "devices/virtio/disk.h"

/* The feature bits lkvm offers for d (VIRTIO_BLK_F_*). */
uint64_t blk_config_features(const struct disk *d);
/* Fills the VIRTIO_BLK_CFG_SIZE bytes of cfg for d and features. */
void blk_config_build(const struct disk *d, uint64_t features, uint8_t *cfg);

#endif
