/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_VHOST_H
#define LKVM_DEVICES_VIRTIO_VHOST_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/virtio.h"
#include "lib/guest-mem.h"

/*
 * A virtio device whose data queues the host kernel serves (vhost:
 * /dev/vhost-vsock, later /dev/vhost-net). lkvm keeps the transport,
 * the status machine and feature negotiation; vhost reads and writes
 * the rings in guest RAM itself.
 *
 * - Guest RAM is given to vhost once, at open (VHOST_SET_MEM_TABLE):
 *   lkvm's RAM never moves.
 * - Kick: each vhost queue's notify eventfd is the core's queue_fd[q],
 *   which the transport binds as a KVM ioeventfd: a guest notify goes
 *   to vhost without an exit (and without the I/O thread).
 * - Call: an eventfd per queue that the device's I/O thread waits on
 *   (virtio_dev.vhost_queues); it raises the queue's interrupt through
 *   the core as for any queue, so InterruptStatus, INTx and MSI-X, and
 *   every irqchip (in-kernel or lkvm's own) work unchanged.
 * - Start when the driver sets DRIVER_OK (the backend's start); stop
 *   on reset and at teardown, after which vhost touches no guest RAM.
 * - Snapshots (devices/virtio/vhost-snap.c): the backend stops, each
 *   ring's next avail index (its base) is read back and saved; the
 *   rings stay stopped (held) until the snapshot is written, and a
 *   restore or a resume starts them again from the bases.
 *
 * The backend (vsock, net) fills in vhost_backend_ops with what is its
 * own: starting and stopping its data path.
 */
struct vhost_dev;

struct vhost_backend_ops {
	/* The rings are set: let vhost run (VHOST_VSOCK_SET_RUNNING 1). */
	int (*start)(struct vhost_dev *vh);
	/* Stop touching the rings; the core then reads the bases back. */
	int (*stop)(struct vhost_dev *vh);
};

struct vhost_dev {
	int fd;				/* the vhost device node */
	const struct vhost_backend_ops *ops;
	uint64_t features;		/* what vhost offers (VHOST_GET_FEATURES) */
	uint32_t queues;		/* bit q: virtio queue q is vhost's queue q */
	bool running;
	/* Each ring's next avail index, for the next start (0 after a reset). */
	uint16_t base[VIRTIO_MAX_QUEUES];
	bool held;			/* stopped for a snapshot: no start */
	bool resumed;			/* the next start follows a stop that kept the bases */
	/*
	 * The backend's choice: at each start, vhost's call goes straight
	 * to KVM where the transport allows it (virtio_dev_direct_irqfd()),
	 * not through the I/O thread.
	 */
	bool call_direct;
	struct virtio_dev *vd;
	void *priv;			/* the backend's */
};

/* Why opening the node failed, for the message: 0 or -errno. */
int vhost_probe(const char *path);
/*
 * Open path, become its owner, read its features, give it guest RAM
 * and bind the kick and call eventfds of the queues in mask (vd must
 * have been through virtio_dev_init()). Returns 0 or -errno; on error
 * nothing is left open.
 */
int vhost_open(struct vhost_dev *vh, const char *path, struct virtio_dev *vd,
	       uint32_t mask, const struct vhost_backend_ops *ops);
/* Stops vhost if it runs and closes everything. */
void vhost_close(struct vhost_dev *vh);
/*
 * DRIVER_OK: the negotiated features, each queue's size, base and ring
 * addresses, then the backend's start. -EINVAL for a ring that does not
 * lie in RAM; any other -errno from vhost.
 */
int vhost_start(struct vhost_dev *vh);
/* The backend's stop, then each queue's base read back into vh->base. */
void vhost_stop(struct vhost_dev *vh);
/* The driver reset the device: stop, and the next start is from 0. */
void vhost_reset(struct vhost_dev *vh);
/* True when a start may run now (open, not running, not held). */
bool vhost_can_start(const struct vhost_dev *vh);

/*
 * Snapshots (vhost-snap.c), with the device's I/O thread held off.
 * hold (the snapshot's begin) stops the rings before anything is read;
 * save stops them too when not held already, reads their bases and writes them (u32 queue
 * mask, a u32 base per queue); the rings stay held until
 * vhost_snapshot_done(). restore reads them into a device set-up made
 * (not yet running): -EINVAL for another mask, a base past 16 bits, a
 * base on a ring that was not mapped, or one more than the ring's size
 * ahead of the used index in guest RAM. The next start sets them.
 */
void vhost_hold(struct vhost_dev *vh);
int vhost_save(struct vhost_dev *vh, struct snapshot *s);
int vhost_restore(struct vhost_dev *vh, struct snapshot *s);
void vhost_snapshot_done(struct vhost_dev *vh);

/* Host addresses of a queue's three areas, each checked. */
struct vhost_ring_hva {
	uint64_t desc, avail, used;
};
/*
 * Pure, for unit tests: the rings of a queue of num entries at the
 * driver's guest addresses, translated through mem: num a power of 2
 * up to VIRTQ_MAX_SIZE, each area aligned (16, 2, 4 bytes) and wholly
 * in RAM, the event fields included. Returns 0 or -EINVAL.
 */
int vhost_ring_translate(const struct guest_mem *mem, uint16_t num,
			 uint64_t desc, uint64_t avail, uint64_t used,
			 struct vhost_ring_hva *out);

#endif
