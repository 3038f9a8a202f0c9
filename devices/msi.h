/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_MSI_H
#define LKVM_DEVICES_MSI_H

#include <stdbool.h>

/*
 * A message-signalled interrupt's fast path, neutral between the
 * device that sends it and the MSI frame that takes it: the device
 * owns fd, an eventfd, and writes it to send; the frame binds fd to a
 * GSI whose route (KVM_SET_GSI_ROUTING) carries the message, so KVM
 * delivers it with no exit and no ioctl. The route is the frame's to
 * make and update; a device without one sends each message through the
 * frame's signal instead.
 */
struct msi_route {
	int fd;		/* the device's eventfd, -1: none yet */
	int gsi;	/* the frame's GSI for it, -1: none yet */
	bool bound;	/* fd is bound to gsi (KVM_IRQFD) */
};

#endif
