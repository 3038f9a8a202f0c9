/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_NET_FD_H
#define LKVM_HOST_NET_FD_H

#include "devices/device.h"
#include "devices/virtio/net.h"

/*
 * A network backend that is a descriptor carrying one Ethernet frame
 * per read and write: a SOCK_SEQPACKET socket to lkvm-net-user (user
 * mode, host/net-user.c), or a tap device (host/net-tap.c). Frames
 * from the guest are written on the I/O thread without blocking (a full
 * socket drops them, as a full wire would); a thread of the backend's
 * own (sandbox role "net": ppoll and read only) reads the frames for
 * the guest. Takes fd, closing it when destroyed (or failing).
 * hdr_len: the bytes before each frame on fd (a tap's virtio-net header,
 * at most NET_FD_HDR_MAX; 0 for the helper's socket): zeros when
 * written, skipped when read.
 */
#define NET_FD_HDR_MAX		12
int net_fd_create(const struct device_ctx *ctx, unsigned int index, int fd,
		  size_t hdr_len, struct net_backend **be);

#endif
