/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIB_NET_ACK_H
#define LKVM_LIB_NET_ACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A TCP acknowledgement for the guest held back for a moment, so that
 * the next frame of its connection carries it instead: libslirp
 * acknowledges at once a data segment that acknowledges nothing new (a
 * connection's first request, an upload's segments), and the answer
 * to a request follows a moment later with the same acknowledgement
 * number; without the hold the guest takes two frames, two interrupts
 * and two receive passes for it.
 *
 * Frames are handed in one at a time, in the order they are to reach
 * the guest. A pure acknowledgement (TCP over IPv4 or IPv6, no payload,
 * only ACK set) is held when the caller allows it and it acknowledges
 * fewer than NET_ACK_SMALL bytes more than the frame before it toward
 * the guest, of the same connection: the guest sent a short message,
 * a request an answer may follow. A bulk sender's full segments are
 * acknowledged at once (a held acknowledgement would stall it once its
 * window is full). The next frame is
 * then looked at first: one of the same connection (addresses and
 * ports) that acknowledges more, or as much with data or FIN, makes
 * the held one needless and it is dropped (a newer pure one is held in
 * its place, keeping its age); any other frame sends the held one
 * first, so order is kept. An acknowledgement of the same number
 * without data (a duplicate: the guest's fast retransmit counts them,
 * or a window update) never replaces the held one. What was held over
 * a whole round of the caller's loop goes out at that round's end: an
 * acknowledgement waits one round at most, and the caller bounds the
 * round's wait (NET_ACK_HOLD_MS). Plain C, no state of its own: the
 * caller owns struct net_ack; unit tests drive it.
 */
#define NET_ACK_HOLD_MS		1
#define NET_ACK_SMALL		512
/* IPv6's addresses and both ports, and the family: a connection. */
#define NET_ACK_KEY_LEN		37
/* Ethernet, IPv6 and the longest TCP header: the largest frame held. */
#define NET_ACK_FRAME_MAX	(14 + 40 + 60)

typedef void (*net_ack_out_fn)(const uint8_t *frame, size_t len, void *opaque);

struct net_ack {
	net_ack_out_fn out;	/* sends a held frame, with a zero virtio-net header */
	void *opaque;
	size_t len;		/* the frame held in buf; 0: none */
	size_t l4;		/* its TCP header's offset */
	bool v6;
	uint32_t ack;		/* its acknowledgement number */
	unsigned int rounds;	/* round ends it has waited through */
	/* The last TCP frame toward the guest: its connection, its number. */
	uint8_t last_key[NET_ACK_KEY_LEN];
	uint32_t last_ack;
	bool last_valid;
	unsigned long held;	/* acknowledgements held */
	unsigned long carried;	/* of them, dropped for a later frame that carried them */
	uint8_t buf[NET_ACK_FRAME_MAX];
};

void net_ack_init(struct net_ack *a, net_ack_out_fn out, void *opaque);
/*
 * One frame for the guest. True when it is held (the caller sends
 * nothing); false when the caller is to send it now: what was held went
 * out before it or was dropped. may_hold: the caller's header for the
 * frame is a plain one (no offload), so it may wait here.
 */
bool net_ack_add(struct net_ack *a, const uint8_t *frame, size_t len, bool may_hold);
/*
 * The end of a round of the caller's loop: what waited through the
 * round before goes out. True when something is still held: the next
 * round waits NET_ACK_HOLD_MS at most.
 */
bool net_ack_round(struct net_ack *a);
/* What is held, sent. */
void net_ack_flush(struct net_ack *a);

#endif
