/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_NET_SLIRP_H
#define LKVM_HOST_NET_SLIRP_H

#include "cli/net-params.h"
#include "devices/device.h"
#include "devices/virtio/net.h"

/*
 * User-mode networking through libslirp (docs/network.md): the guest's
 * frames go into slirp's TCP/IP stack, which speaks to the host through
 * ordinary sockets (NAT), answers DHCP and forwards DNS. Slirp is not
 * thread-safe: one thread of the backend's own (sandbox role "net")
 * makes every slirp call once the VM runs; frames from the I/O thread
 * reach it through a bounded queue.
 *
 * Made before the device, which owns it then and tells it where frames
 * for the guest go (net_backend.vd). Port forwards are bound here, so a port
 * in use fails at set-up. Returns 0 or -errno, having said why in err.
 */
int net_slirp_create(const struct device_ctx *ctx, unsigned int index,
		     const struct net_params *p, struct net_backend **be,
		     char *err, size_t err_len);

#endif
