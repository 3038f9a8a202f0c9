/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_NET_FD_H
#define LKVM_HOST_NET_FD_H

#include "devices/device.h"
#include "devices/virtio/net.h"
#include "host/child.h"

/*
 * A network backend that is a descriptor carrying one Ethernet frame
 * per read and write: a SOCK_SEQPACKET socket to lkvm-net-user (user
 * mode, host/net-user.c), or a tap device (host/net-tap.c). Frames
 * from the guest are written on the I/O thread without blocking (a full
 * socket drops them, as a full wire would), in one writev from the
 * guest's memory; a thread of the backend's own (sandbox role "net":
 * ppoll and read, and the interrupt's calls) reads the frames for the
 * guest, a run at a time, and hands them to the device, which puts
 * them in the guest's buffers from that thread when it can. Takes fd,
 * closing it when destroyed (or failing), and peer (NULL for none): the
 * process at fd's other end (lkvm-net-user), which ends when fd closes
 * and is reaped then, killed if it does not end within CHILD_END_MS; one
 * that ends first is reaped by the reader thread, which says how it
 * ended.
 * hdr_len: the bytes before each frame on fd: NET_FD_HDR_MAX, the
 * 12-byte virtio-net header (a tap's, or the helper's socket), which
 * carries the guest's header out and the one for the guest in; or 0
 * (plain frames: then no offload).
 */
#define NET_FD_HDR_MAX		VIRTIO_NET_HDR_WIRE
int net_fd_create(const struct device_ctx *ctx, unsigned int index, int fd,
		  size_t hdr_len, struct child *peer, struct net_backend **be);
/*
 * The offloads the other end does (net_backend.offloads; with a
 * header only) and, optional, how fd is told the ones the driver
 * took: apply(fd, features) on the I/O thread, or a vCPU's for a reset
 * (a tap: TUNSETOFFLOAD; lkvm-net-user: a message on its socket). It
 * must not wait: -EAGAIN says fd is full, and the latest features are
 * applied again by the reader thread once fd has room, before any
 * other value.
 */
typedef int (*net_fd_apply_fn)(int fd, uint64_t features);
void net_fd_offload(struct net_backend *be, uint64_t offloads, net_fd_apply_fn apply);

#endif
