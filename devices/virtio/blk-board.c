// SPDX-License-Identifier: GPL-2.0
/* virtio-blk on the board: one device per -d, vda, vdb, ... in order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/board.h"
#include "lib/log.h"

#define BLK_MSG_MAX	512

static int virtio_blk_spec(const char *spec, struct disk_config **dc, int th)
{
	char msg[BLK_MSG_MAX] = "";
	int ret;

	*dc = calloc(1, sizeof(**dc));	/* a path of up to 4 KiB: not on the stack */
	if (!*dc)
		return -ENOMEM;
	ret = disk_parse_spec(spec, *dc, msg, sizeof(msg));
	if (ret) {
		pr_err(th, "%s", msg);
		free(*dc);
	}
	return ret;
}

int virtio_blk_check(const struct vm_config *cfg, int th)
{
	char msg[BLK_MSG_MAX];
	struct disk_config *dc;
	struct disk disk;
	unsigned int i;
	int ret;

	for (i = 0; i < cfg->nr_disks; i++) {
		ret = virtio_blk_spec(cfg->disks[i], &dc, th);
		if (ret)
			return ret;
		msg[0] = '\0';
		ret = disk_open(&disk, dc, msg, sizeof(msg));
		free(dc);
		if (ret) {
			pr_err(th, "%s", msg);
			return ret;
		}
		disk_close(&disk);
	}
	return 0;
}

int virtio_blk_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		   struct device_list *list)
{
	char msg[BLK_MSG_MAX];
	struct disk_config *dc;
	struct device *dev;
	unsigned int i;
	int ret;

	for (i = 0; i < cfg->nr_disks; i++) {
		ret = virtio_blk_spec(cfg->disks[i], &dc, ctx->loglevel);
		if (ret)
			return ret;
		dc->delay_ms = cfg->debug_iodelay_ms;
		msg[0] = '\0';
		ret = virtio_blk_create(ctx, dc, i, virtio_board_transport(cfg),
					&dev, msg, sizeof(msg));
		free(dc);
		if (ret) {
			pr_err(ctx->loglevel, "%s", msg[0] ? msg : strerror(-ret));
			return ret;
		}
		if (msg[0])
			pr_warn(ctx->loglevel, "%s", msg);
		ret = device_list_add(list, dev);
		if (ret) {
			dev->ops->destroy(dev);
			pr_err(ctx->loglevel, "too many devices for one VM; give fewer -d");
			return ret;
		}
	}
	return 0;
}
