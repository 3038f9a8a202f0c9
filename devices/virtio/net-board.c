// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net on the board: one NIC per -n (user mode or a tap), or, as
 * kvmtool, one user-mode NIC when no -n says otherwise and --nodefaults
 * is not given.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/options-net.h"
#include "devices/virtio/board.h"
#include "devices/virtio/net.h"
#include "devices/virtio/vhost.h"
#include "host/net-fd.h"
#include "host/net-tap.h"
#include "host/net-user.h"
#include "lib/log.h"

_Static_assert(NET_MQ_MAX <= VIRTIO_NET_PAIRS_MAX, "mq= beyond the model's queues");

static enum virtio_transport net_transport(const struct vm_config *cfg,
					   const struct net_params *p)
{
	enum virtio_transport t = virtio_board_transport(cfg);
	bool legacy = t == VIRTIO_TRANSPORT_MMIO_LEGACY ||
		      t == VIRTIO_TRANSPORT_PCI_LEGACY;

	/* trans= picks the bus; the legacy interface follows the VM's choice. */
	if (p->trans == NET_TRANS_MMIO)
		return legacy ? VIRTIO_TRANSPORT_MMIO_LEGACY : VIRTIO_TRANSPORT_MMIO;
	if (p->trans == NET_TRANS_PCI)
		return legacy ? VIRTIO_TRANSPORT_PCI_LEGACY : VIRTIO_TRANSPORT_PCI;
	return t;
}

/* The message for a vhost-net node that cannot be opened. */
static void net_vhost_report(int loglevel, unsigned int index, int err)
{
	if (err == -ENOENT || err == -ENODEV || err == -ENXIO)
		pr_err(loglevel, "virtio-net %u: -n vhost=1: %s is missing (%s); load the vhost_net module (modprobe vhost_net), or leave vhost out",
		       index, VIRTIO_NET_VHOST_PATH, strerror(-err));
	else if (err == -EACCES || err == -EPERM)
		pr_err(loglevel, "virtio-net %u: -n vhost=1: %s: %s; run lkvm as a user who may open it (root, or give your group read and write access), or leave vhost out",
		       index, VIRTIO_NET_VHOST_PATH, strerror(-err));
	else
		pr_err(loglevel, "virtio-net %u: -n vhost=1: vhost-net: %s", index, strerror(-err));
}

/* A tap whose frames vhost-net moves: no backend of lkvm's. */
static int net_add_vhost(const struct device_ctx *ctx, const struct vm_config *cfg,
			 unsigned int index, const struct net_params *p, int tap_fd,
			 struct device_list *list)
{
	struct device *dev;
	int ret = vhost_probe(VIRTIO_NET_VHOST_PATH);

	if (ret) {
		close(tap_fd);
		net_vhost_report(ctx->loglevel, index, ret);
		return ret;
	}
	ret = virtio_net_vhost_create(ctx, index, p->guest_mac, tap_fd, VIRTIO_NET_VHOST_PATH,
				      net_transport(cfg, p), &dev);
	if (ret) {
		net_vhost_report(ctx->loglevel, index, ret);
		return ret;
	}
	ret = device_list_add(list, dev);
	if (ret) {
		dev->ops->destroy(dev);
		pr_err(ctx->loglevel, "cannot create the virtio-net device %u: %s",
		       index, strerror(-ret));
	}
	return ret;
}

/*
 * implicit: the NIC no option asked for. Without its helper (a lone
 * static lkvm copied somewhere) the guest runs with no network and a
 * warning, as a script written for kvmtool expects it to run at all;
 * a NIC that -n asks for is an error.
 */
static int net_add_one(const struct device_ctx *ctx, const struct vm_config *cfg,
		       unsigned int index, const struct net_params *p,
		       bool implicit, struct device_list *list)
{
	struct child helper = CHILD_NONE;
	struct net_backend *be;
	struct device *dev;
	char err[512] = "", tap[16];
	int ret, fd;

	if (p->mode == NET_MODE_TAP) {
		ret = net_tap_open(p, tap, err, sizeof(err));
		if (ret >= 0)
			pr_info(ctx->loglevel, "virtio-net %u: tap %s%s", index, tap,
				p->vhost ? ", vhost-net" : "");
		if (ret >= 0 && p->vhost)
			return net_add_vhost(ctx, cfg, index, p, ret, list);
	} else {
		ret = net_user_spawn(index, p, &helper, err, sizeof(err));
	}
	if (ret == -ENOENT && implicit) {
		pr_warn(ctx->loglevel, "no network for the guest: %s", err);
		return 0;
	}
	if (ret < 0) {
		pr_err(ctx->loglevel, "virtio-net %u: %s", index, err);
		return ret;
	}
	fd = ret;
	ret = net_fd_create(ctx, index, fd, NET_FD_HDR_MAX, &helper, &be);
	if (ret) {
		pr_err(ctx->loglevel, "virtio-net %u: %s", index, strerror(-ret));
		return ret;
	}
	/*
	 * A tap does every offload; lkvm-net-user checksums and cuts the
	 * guest's frames, and joins its own into large ones once told the
	 * driver takes them.
	 */
	if (p->mode == NET_MODE_TAP)
		net_fd_offload(be, net_tap_offloads(fd), net_tap_offload_set);
	else
		net_fd_offload(be, NET_USER_OFFLOADS, net_user_offload_set);
	ret = virtio_net_create(ctx, index, p->guest_mac, p->mq ? p->mq : 1, be,
				net_transport(cfg, p), &dev);
	if (!ret) {
		ret = device_list_add(list, dev);
		if (ret)
			dev->ops->destroy(dev);
	}
	if (ret)
		pr_err(ctx->loglevel, "cannot create the virtio-net device %u: %s",
		       index, strerror(-ret));
	return ret;
}

int virtio_net_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		   struct device_list *list)
{
	struct net_params def;
	unsigned int i;
	int ret;

	if (!cfg->nr_nets) {
		if (cfg->no_net || cfg->nodefaults)
			return 0;
		options_net_defaults(&def, 0);
		return net_add_one(ctx, cfg, 0, &def, true, list);
	}
	for (i = 0; i < cfg->nr_nets; i++) {
		ret = net_add_one(ctx, cfg, i, &cfg->nets[i], false, list);
		if (ret)
			return ret;
	}
	return 0;
}
