/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_NET_TAP_H
#define LKVM_HOST_NET_TAP_H

#include <stddef.h>

#include "cli/net-params.h"

/*
 * The header a tap carries before each frame (IFF_VNET_HDR with
 * TUNSETVNETHDRSZ): virtio-net's 12-byte one, whatever the guest's is;
 * host/net-fd.c adds and takes it off.
 */
#define NET_TAP_HDR_LEN		12

/*
 * Tap networking (-n mode=tap): opens /dev/net/tun and attaches to the
 * tap named tapif= (made if missing) or makes one the kernel names,
 * with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and no offloads. Then, as
 * kvmtool: script=PATH runs PATH with the interface's name (it must
 * exit 0); without a script (script=none, the default) a tap lkvm made
 * gets host_ip/24 and is brought up, one given by tapif= is left as
 * it is. Returns the descriptor, non-blocking and close-on-exec, for
 * host/net-fd.c, or -errno having said why (and the fix) in err.
 * name gets the interface's name (IFNAMSIZ bytes).
 */
int net_tap_open(const struct net_params *p, char *name, char *err, size_t err_len);

#endif
