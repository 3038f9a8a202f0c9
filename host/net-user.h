/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_NET_USER_H
#define LKVM_HOST_NET_USER_H

#include <stddef.h>
#include <stdint.h>

#include "cli/net-params.h"
#include "host/child.h"
#include "devices/virtio/net.h"

/* Where `make install` and the Debian package put lkvm-net-user. */
#ifndef LKVM_LIBEXECDIR
#define LKVM_LIBEXECDIR "/usr/lib/lkvm"
#endif
#define NET_USER_HELPER "lkvm-net-user"

/*
 * User-mode networking (-n mode=user): libslirp runs in lkvm-net-user
 * (net-user/), which lkvm starts here, during set-up, with one end of a
 * SOCK_SEQPACKET socketpair and the card's addresses and port forwards
 * on its command line. Waits until the helper has bound its forwards
 * (a port in use fails here) and returns lkvm's end, non-blocking, for
 * host/net-fd.c, with the helper's process in *child for its reaping
 * (it ends when its socket closes); or -errno, having said why in err,
 * the helper reaped. The program is looked for next to lkvm's own
 * binary, then in LKVM_LIBEXECDIR.
 */
int net_user_spawn(unsigned int index, const struct net_params *p, struct child *child,
		   char *err, size_t err_len);
/*
 * Each message on the socket is the 12-byte virtio-net header, then
 * the frame. The helper takes a checksum left to it and TCP segments
 * of up to 64 KiB (it finishes and cuts them for libslirp); its own
 * frames carry a zero header, or, once told that the driver took
 * GUEST_CSUM and GUEST_TSO4/6, a large TCP segment's (the segments
 * slirp sends at once, joined).
 */
#define NET_USER_OFFLOADS	(1ULL << VIRTIO_NET_F_CSUM | \
				 1ULL << VIRTIO_NET_F_HOST_TSO4 | \
				 1ULL << VIRTIO_NET_F_HOST_TSO6 | \
				 1ULL << VIRTIO_NET_F_GUEST_CSUM | \
				 1ULL << VIRTIO_NET_F_GUEST_TSO4 | \
				 1ULL << VIRTIO_NET_F_GUEST_TSO6)
/*
 * The helper told the offloads the driver took (features: its
 * virtio-net feature bits, 0 after a reset), as net_fd_offload()'s
 * apply: one message of its own on the socket. 0 or -errno.
 */
int net_user_offload_set(int fd, uint64_t features);

#endif
