// SPDX-License-Identifier: GPL-2.0
/* virtio-rng on the board: with --rng. */
#include <string.h>

#include "devices/virtio/board.h"
#include "devices/virtio/rng.h"
#include "lib/log.h"

int virtio_rng_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		   struct device_list *list)
{
	struct device *dev;
	int ret;

	if (!cfg->rng)
		return 0;
	ret = virtio_rng_create(ctx, 0, virtio_board_transport(cfg), &dev);
	if (!ret) {
		ret = device_list_add(list, dev);
		if (ret)
			dev->ops->destroy(dev);
	}
	if (ret)
		pr_err(ctx->loglevel, "cannot create the virtio-rng device: %s",
		       strerror(-ret));
	return ret;
}
