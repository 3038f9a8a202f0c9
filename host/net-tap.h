/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_NET_TAP_H
#define LKVM_HOST_NET_TAP_H

#include <stddef.h>
#include <stdint.h>

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
 * with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and no offloads (until the
 * driver takes some: net_tap_offload_set()). Then, as
 * kvmtool: script=PATH runs PATH with the interface's name (it must
 * exit 0); without a script (script=none, the default) a tap lkvm made
 * gets host_ip/24 and is brought up, one given by tapif= is left as
 * it is. Returns the descriptor, non-blocking and close-on-exec, for
 * host/net-fd.c, or -errno having said why (and the fix) in err.
 * name gets the interface's name (IFNAMSIZ bytes).
 */
int net_tap_open(const struct net_params *p, char *name, char *err, size_t err_len);

/*
 * The offloads a tap can do for a card (VIRTIO_NET_OFFLOAD_F bits):
 * all of them when it takes TUNSETOFFLOAD with checksums and TSO both
 * ways (Linux does since 2.6.27), else none. Leaves the tap's offloads
 * off.
 */
uint64_t net_tap_offloads(int fd);
/*
 * The tap told the offloads the driver took (features: its virtio-net
 * feature bits), so that it hands over only frames the driver reads:
 * partial checksums with GUEST_CSUM, large TCP segments with
 * GUEST_TSO4/6; the kernel finishes the rest. 0 or -errno.
 */
int net_tap_offload_set(int fd, uint64_t features);

#endif
