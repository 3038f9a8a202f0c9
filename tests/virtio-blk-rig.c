// SPDX-License-Identifier: GPL-2.0
/* The virtio-blk tests' device on a temporary image (virtio-blk-rig.h). */
#include <endian.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio/blk.h"
#include "tests/virtio-blk-rig.h"

bool blk_rig_setup(struct blk_rig *t, struct unit *u, uint64_t size, bool ro,
		   bool direct, unsigned int qsize)
{
	struct disk_config c = { .ro = ro, .direct = direct };
	char msg[256];
	struct disk d;
	int fd;

	memset(t, 0, sizeof(*t));
	t->u = u;
	snprintf(t->path, sizeof(t->path), "/tmp/lkvm-blk-XXXXXX");
	fd = mkstemp(t->path);
	if (fd < 0 || ftruncate(fd, size))
		return false;
	close(fd);
	snprintf(c.path, sizeof(c.path), "%s", t->path);
	t->fd = open(t->path, O_RDWR);
	if (disk_open(&d, &c, msg, sizeof(msg)) || virtio_blk_new(&d, 0, &t->vd) ||
	    vdh_init(&t->h, 4 << 20))
		return false;
	return vdh_attach(&t->h, t->vd, t->vd->host_features, 1, qsize) &
	       VIRTIO_STATUS_DRIVER_OK;
}

void blk_rig_teardown(struct blk_rig *t)
{
	virtio_dev_destroy(t->vd);
	vdh_free(&t->h);
	close(t->fd);
	unlink(t->path);
}

void blk_put_hdr(uint8_t *p, uint32_t type, uint64_t sector)
{
	uint32_t ty = htole32(type);
	uint64_t s = htole64(sector);

	memset(p, 0, 16);
	memcpy(p, &ty, 4);
	memcpy(p + 8, &s, 8);
}
