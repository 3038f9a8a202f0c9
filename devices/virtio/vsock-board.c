// SPDX-License-Identifier: GPL-2.0
/* virtio-vsock on the board: with --vsock CID. */
#include <string.h>
#include <unistd.h>

#include "devices/virtio/board.h"
#include "devices/virtio/vhost.h"
#include "devices/virtio/vsock.h"
#include "lib/log.h"

/* The message for a vhost-vsock node that cannot be opened. */
static void vsock_report_open(int loglevel, int err)
{
	if (err == -ENOENT || err == -ENODEV || err == -ENXIO)
		pr_err(loglevel, "--vsock: %s is missing (%s); load the vhost_vsock module: modprobe vhost_vsock",
		       VSOCK_VHOST_PATH, strerror(-err));
	else if (err == -EACCES || err == -EPERM)
		pr_err(loglevel, "--vsock: %s: %s; run lkvm as a user who may open it (root, or give your group read and write access)",
		       VSOCK_VHOST_PATH, strerror(-err));
	else
		pr_err(loglevel, "--vsock: cannot open %s: %s", VSOCK_VHOST_PATH,
		       strerror(-err));
}

int virtio_vsock_check(const struct vm_config *cfg, int loglevel)
{
	int ret;

	if (!cfg->vsock_cid)
		return 0;
	if (cfg->virtio_transport == VIRTIO_PCI_LEGACY) {
		pr_err(loglevel, "--vsock: virtio-vsock has no legacy virtio-pci interface; use --virtio-transport pci or mmio");
		return -EINVAL;
	}
	ret = vhost_probe(VSOCK_VHOST_PATH);
	if (ret)
		vsock_report_open(loglevel, ret);
	return ret;
}

int virtio_vsock_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		     struct device_list *list)
{
	struct device *dev;
	int ret;

	if (!cfg->vsock_cid)
		return 0;
	ret = virtio_vsock_create(ctx, cfg->vsock_cid, VSOCK_VHOST_PATH,
				  virtio_board_transport(cfg), &dev);
	if (!ret) {
		ret = device_list_add(list, dev);
		if (ret)
			dev->ops->destroy(dev);
	}
	if (ret == -EADDRINUSE)
		pr_err(ctx->loglevel, "--vsock: CID %llu is in use by another VM; pick another",
		       (unsigned long long)cfg->vsock_cid);
	else if (ret == -ENOENT || ret == -EACCES || ret == -EPERM)
		vsock_report_open(ctx->loglevel, ret);
	else if (ret)
		pr_err(ctx->loglevel, "cannot create the virtio-vsock device: %s",
		       strerror(-ret));
	return ret;
}
