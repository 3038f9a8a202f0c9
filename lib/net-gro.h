/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIB_NET_GRO_H
#define LKVM_LIB_NET_GRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/net-gso.h"

/*
 * Consecutive TCP segments of one flow joined into one large segment
 * for a guest that takes them (GUEST_CSUM and GUEST_TSO4/6): the
 * reverse of net_gso_segment(). Frames are handed in one at a time, in
 * the order they are to reach the guest; each comes out through out(),
 * in the same order, either as it was (a zero header) or joined with
 * the ones after it into one frame of up to 64 KiB of IP, whose header
 * says TCPV4 or TCPV6, gso_size the segments' payload size and
 * NEEDS_CSUM (the TCP checksum field holds the pseudo-header's sum,
 * the IPv4 header checksum is whole).
 *
 * A segment joins the one held when both are TCP over IPv4 (without
 * options or fragments) or IPv6 (no extension header), between the
 * same MAC and IP addresses and ports, with the same IP header fields
 * but lengths, ID and checksum (an IPv4 ID one more), its sequence
 * number the next one expected, the same acknowledgement number and
 * window, the same TCP options, only ACK set (PSH too on the last one:
 * it ends the frame), a payload neither empty nor larger than the
 * first's, while the ones before all had the first's size. Anything
 * else first sends what is held on. Plain C, no state of its own: the
 * caller owns struct net_gro; unit tests and a fuzzer drive it.
 */
#define NET_GRO_TCPV4		1	/* TCP over IPv4 may be joined */
#define NET_GRO_TCPV6		2
/* The largest frame out: Ethernet header and 64 KiB of IP. */
#define NET_GRO_FRAME_MAX	(14 + 65535)

typedef void (*net_gro_out_fn)(const struct virtio_net_hdr *h, const uint8_t *frame,
			       size_t len, void *opaque);

struct net_gro {
	unsigned int types;	/* NET_GRO_TCPV4 | NET_GRO_TCPV6, or 0: none */
	net_gro_out_fn out;
	void *opaque;
	size_t len;		/* the frame held in buf; 0: none */
	size_t l3, l4, payload;	/* its headers' offsets */
	bool v6;
	bool ended;		/* PSH: no segment joins it any more */
	uint16_t seg_size;	/* the first segment's payload */
	uint16_t last_size;	/* the last one's */
	unsigned int segs;
	uint32_t next_seq;
	unsigned long joined;	/* segments that went out inside a larger one */
	unsigned long large;	/* the larger frames they made */
	uint8_t buf[NET_GRO_FRAME_MAX];
};

/* Empty, joining nothing until net_gro_set_types(). */
void net_gro_init(struct net_gro *g, net_gro_out_fn out, void *opaque);
/* What may be joined from now on (what is held sent first). */
void net_gro_set_types(struct net_gro *g, unsigned int types);
/* One frame for the guest: held, joined or sent on (what was held first). */
void net_gro_add(struct net_gro *g, const uint8_t *frame, size_t len);
/* What is held, sent on. */
void net_gro_flush(struct net_gro *g);

#endif
