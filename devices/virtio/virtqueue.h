/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_VIRTQUEUE_H
#define LKVM_DEVICES_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "lib/guest-mem.h"

/*
 * A split virtqueue (virtio 1.x, 2.7), seen from the device. The guest
 * owns the rings and may write anything into them at any time: every
 * index, address and length read from guest memory is checked before
 * use, and a malformed ring marks the queue broken (the device then
 * reports DEVICE_NEEDS_RESET) instead of harming lkvm. A queue is
 * served by one thread at a time.
 */
#define VIRTQ_MAX_SIZE		256	/* QueueNumMax offered to drivers */
/* Segments of one chain, indirect ones included (Linux: seg_max + 2). */
#define VIRTQ_CHAIN_MAX		(VIRTQ_MAX_SIZE + 2)

/* The ring's layout (virtio 1.x, 2.7); every field little-endian. */
#define VIRTQ_DESC_F_NEXT	0x1
#define VIRTQ_DESC_F_WRITE	0x2
#define VIRTQ_DESC_F_INDIRECT	0x4
#define VIRTQ_AVAIL_F_NO_INTERRUPT	0x1
#define VIRTQ_USED_F_NO_NOTIFY	0x1
#define VIRTQ_DESC_SIZE		16
/* Bytes of each area for a queue of num entries, event fields included. */
#define VIRTQ_DESC_BYTES(num)	(16ULL * (num))
#define VIRTQ_AVAIL_BYTES(num)	(6ULL + 2ULL * (num))
#define VIRTQ_USED_BYTES(num)	(6ULL + 8ULL * (num))
/* The largest indirect table taken: one chain's worth of segments. */
#define VIRTQ_INDIRECT_MAX	VIRTQ_CHAIN_MAX

struct virtq {
	/*
	 * The driver's settings, through the core (virtio_dev_queue_set_*(),
	 * virtio_dev_queue_ready()).
	 */
	uint16_t num;		/* size, a power of 2 <= VIRTQ_MAX_SIZE */
	uint64_t desc_gpa;	/* descriptor table */
	uint64_t avail_gpa;	/* driver area */
	uint64_t used_gpa;	/* device area */
	bool ready;		/* as written; the rings are used once mapped */
	/* Negotiated: VIRTIO_RING_F_INDIRECT_DESC and _EVENT_IDX. */
	bool indirect;
	bool event_idx;

	/* The device's side; private to virtqueue.c. */
	const struct guest_mem *mem;
	void *desc, *avail, *used;	/* host addresses, checked at start */
	uint16_t last_avail;	/* next avail ring entry to take */
	uint16_t used_idx;	/* our copy of used->idx */
	uint16_t signalled;	/* used_idx when the driver was last notified */
	bool no_notify;		/* virtq_notify_enable(vq, false) in force */
	unsigned int budget;	/* chains virtq_pop() may still take */
	bool broken;
	const char *error;	/* why it broke, for the core's message */

	/*
	 * Chains pushed over the VM's life, for lkvm stat: the owner
	 * writes, any thread reads. Last: virtq_reset() clears what comes
	 * before it only, so that a driver's reset does not take back
	 * what was done (and lkvm stat's count never goes down).
	 */
	unsigned long completed;
};

/* One request: its descriptor chain as host buffers. */
struct virtq_elem {
	uint16_t head;		/* for virtq_push() */
	unsigned int nr_out;	/* device-readable segments: iov[0..nr_out) */
	unsigned int nr_in;	/* then device-writable: iov[nr_out..) */
	uint64_t out_len, in_len;	/* bytes in each */
	struct iovec iov[VIRTQ_CHAIN_MAX];
};

/*
 * The driver made the queue ready: check and map its rings (num a
 * power of 2 up to VIRTQ_MAX_SIZE, each area aligned and wholly in
 * RAM), using indirect and event_idx as set. Returns 0 or -EINVAL
 * (then the queue stays unmapped: pop finds nothing, push does
 * nothing). Neither reads nor writes the rings.
 */
int virtq_start(struct virtq *vq, const struct guest_mem *mem);
/* Forget everything the driver set (device reset); completed stays. */
void virtq_reset(struct virtq *vq);
/*
 * Legacy virtio (0.9.5, 2.3): the rings are contiguous from pfn * page,
 * the descriptors, the avail ring, then the used ring at the next
 * multiple of align; addr gets the three areas' addresses. -EINVAL
 * unless page and align are powers of 2. Where they lie is for
 * virtq_start() to check.
 */
int virtq_legacy_layout(uint32_t pfn, uint32_t page, uint32_t align,
			uint16_t num, uint64_t addr[3]);
/*
 * QueueReady cleared: stop using the rings and clear ready, but keep
 * the driver's size and addresses (it may read them back or re-enable).
 */
void virtq_stop(struct virtq *vq);
/*
 * Take the next available chain. Returns 1 with *e filled, 0 when none
 * is available, -EINVAL when the ring or the chain is malformed (loops,
 * longer than the queue, nested indirect tables, addresses outside RAM,
 * lengths that wrap, an avail index more than num ahead, a head or next
 * index out of range, a readable segment after a writable one, an
 * indirect table that is empty, not a whole number of descriptors,
 * larger than VIRTQ_INDIRECT_MAX or not negotiated, more than
 * VIRTQ_CHAIN_MAX segments): the queue is then broken and every later
 * call returns -EINVAL. Zero-length descriptors add no segment.
 * With event_idx and notifications on, finding the ring empty also
 * publishes avail_event, so the driver notifies for the next buffer.
 * *e is written on 1 and emptied on -EINVAL; 0 leaves it as it was.
 */
int virtq_pop(struct virtq *vq, struct virtq_elem *e);
/*
 * Give back the last n chains popped and not pushed: the next pops take
 * them again (virtio-net, whose frame needs more buffers than there are
 * yet, waits for the driver to add some). Any avail_event published
 * stays: the driver's next buffer notifies.
 */
void virtq_unpop(struct virtq *vq, unsigned int n);
/*
 * Return a chain to the driver; len: bytes written into its in-buffers
 * (at most e->in_len; more is clamped). Publishes used->idx at once.
 */
void virtq_push(struct virtq *vq, const struct virtq_elem *e, uint32_t len);
/*
 * A batch takes at most num chains: virtq_pop() returns 0 past that
 * until the next batch. A driver that adds buffers as fast as the
 * device takes them (or whose rings alias so that pushes add more)
 * cannot keep the I/O thread, and a reset or stop waiting for it, busy
 * for ever. The core brackets each round of its I/O thread with these;
 * outside a batch there is no limit. virtq_batch_end() returns true
 * when the batch ran out with buffers left: the queue is served again.
 */
void virtq_batch_start(struct virtq *vq);
bool virtq_batch_end(struct virtq *vq);
/*
 * After one or more pushes: whether the driver wants an interrupt now
 * (VRING_AVAIL_F_NO_INTERRUPT, or used_event with EVENT_IDX). False
 * when nothing was pushed since the last call.
 */
bool virtq_should_notify(struct virtq *vq);
/*
 * Ask the driver not to notify (while the device is busy draining the
 * queue) or to notify again. Returns true when, after re-enabling,
 * buffers are already available (the caller must drain again); false
 * when the batch's budget is spent (the next round drains them).
 */
bool virtq_notify_enable(struct virtq *vq, bool on);

#endif
