// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI test device on the board: with --pci-testdev, a function on
 * the PCI host bridge, which it brings up whatever the virtio
 * transport (no DT node of its own: the guest finds it on the bus).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "devices/pci/pci-testdev.h"
#include "lib/log.h"

static void ptd_dev_destroy(struct device *dev)
{
	struct pci_testdev *t = dev->priv;

	pci_testdev_destroy(t);
	free(t);
}

static int ptd_dev_save(struct device *dev, struct snapshot *s)
{
	return pci_testdev_save(dev->priv, s);
}

static int ptd_dev_restore(struct device *dev, struct snapshot *s)
{
	return pci_testdev_restore(dev->priv, s);
}

static const struct device_ops ptd_dev_ops = {
	.name = "pci-testdev",
	.save = ptd_dev_save,
	.restore = ptd_dev_restore,
	.destroy = ptd_dev_destroy,
};

static int ptd_create(const struct device_ctx *ctx, struct pci_testdev *t)
{
	int ret = pci_testdev_init(t, ctx);

	if (ret)
		return ret;
	t->dev = (struct device) {
		.ops = &ptd_dev_ops, .name = "pci-testdev", .priv = t,
	};
	/* Last: on the bridge, the function stays until the bridge goes. */
	ret = ctx->add_pci ? ctx->add_pci(ctx->opaque, &t->pdev) : -EINVAL;
	if (ret)
		pci_testdev_destroy(t);
	return ret;
}

int pci_testdev_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		    struct device_list *list)
{
	struct pci_testdev *t;
	int ret;

	if (!cfg->pci_testdev)
		return 0;
	t = malloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	ret = ptd_create(ctx, t);
	if (!ret) {
		ret = device_list_add(list, &t->dev);
		if (ret)
			pci_testdev_destroy(t);
	}
	if (ret) {
		pr_err(ctx->loglevel, "cannot create the PCI test device: %s",
		       strerror(-ret));
		free(t);
	}
	return ret;
}
