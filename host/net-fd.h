/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_NET_FD_H
#define LKVM_HOST_NET_FD_H

#include "devices/device.h"
#include "devices/virtio/net.h"

/*
 * A network backend that is a descriptor carrying one Ethernet frame
 * per read and write: a SOCK_SEQPACKET socket to lkvm-net-user (user
 * mode, host/net-user.c), and the shape a tap device has too. Frames
 * from the guest are written on the I/O thread without blocking (a full
 * socket drops them, as a full wire would); a thread of the backend's
 * own (sandbox role "net": ppoll and read only) reads the frames for
 * the guest. Takes fd, closing it when destroyed (or failing).
 */
int net_fd_create(const struct device_ctx *ctx, unsigned int index, int fd,
		  struct net_backend **be);

#endif
