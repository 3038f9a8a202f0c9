// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk's features and config space (5.2.3, 5.2.4), from the disk
 * as opened: built once, before the driver reads them.
 */
#include <endian.h>
#include <string.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/blk-config.h"

static void blk_put_le16(uint8_t *p, uint16_t v)
{
	v = htole16(v);
	memcpy(p, &v, sizeof(v));
}

static void blk_put_le32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static void blk_put_le64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

/* log2 of the O_DIRECT block in sectors, for the guest to align to. */
static unsigned int blk_phys_exp(const struct disk *d)
{
	unsigned int exp = 0;

	while (exp < 8 && ((uint64_t)DISK_SECTOR_SIZE << (exp + 1)) <= d->block_size)
		exp++;
	return exp;
}

uint64_t blk_config_features(const struct disk *d)
{
	uint64_t f = 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE;

	if (d->ro)
		f |= 1ULL << VIRTIO_BLK_F_RO;
	else
		f |= 1ULL << VIRTIO_BLK_F_FLUSH;
	if (d->can_punch && !d->ro)
		f |= 1ULL << VIRTIO_BLK_F_DISCARD | 1ULL << VIRTIO_BLK_F_WRITE_ZEROES;
	if (d->direct && blk_phys_exp(d))
		f |= 1ULL << VIRTIO_BLK_F_TOPOLOGY;
	return f;
}

void blk_config_build(const struct disk *d, uint64_t features, uint8_t *c)
{
	blk_put_le64(c + VIRTIO_BLK_CFG_CAPACITY, d->size >> DISK_SECTOR_SHIFT);
	blk_put_le32(c + VIRTIO_BLK_CFG_SEG_MAX, VIRTIO_BLK_SEG_MAX);
	/* 512 even with O_DIRECT: a larger one would change the guest's LBAs. */
	blk_put_le32(c + VIRTIO_BLK_CFG_BLK_SIZE, DISK_SECTOR_SIZE);
	c[VIRTIO_BLK_CFG_PHYS_EXP] = d->direct ? blk_phys_exp(d) : 0;
	blk_put_le16(c + VIRTIO_BLK_CFG_MIN_IO, 1U << c[VIRTIO_BLK_CFG_PHYS_EXP]);
	if (!(features & (1ULL << VIRTIO_BLK_F_DISCARD)))
		return;
	blk_put_le32(c + VIRTIO_BLK_CFG_MAX_DISCARD, VIRTIO_BLK_MAX_DISCARD_SECTORS);
	blk_put_le32(c + VIRTIO_BLK_CFG_DISCARD_SEG, VIRTIO_BLK_MAX_DISCARD_SEG);
	blk_put_le32(c + VIRTIO_BLK_CFG_DISCARD_ALIGN,
		     d->discard_align >> DISK_SECTOR_SHIFT);
	blk_put_le32(c + VIRTIO_BLK_CFG_MAX_ZEROES, VIRTIO_BLK_MAX_DISCARD_SECTORS);
	blk_put_le32(c + VIRTIO_BLK_CFG_ZEROES_SEG, VIRTIO_BLK_MAX_DISCARD_SEG);
	c[VIRTIO_BLK_CFG_ZEROES_UNMAP] = 1;
}
