/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIB_NET_GSO_H
#define LKVM_LIB_NET_GSO_H

#include <stddef.h>
#include <stdint.h>

/*
 * The virtio-net header (virtio 1.x, 5.1.6) as it travels with a frame
 * between the card, its backend and lkvm-net-user, and what a backend
 * that cannot hand such a frame on does with it: the checksum a driver
 * left to the device filled in, a large TCP segment cut into ones the
 * size the driver asked for. Pure C, no state: lkvm's model and the
 * helper both use it, and unit tests and a fuzzer drive it.
 */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1	/* csum_start/csum_offset say where */
#define VIRTIO_NET_HDR_F_DATA_VALID	2	/* toward the guest: checksum checked */
#define VIRTIO_NET_HDR_GSO_NONE		0
#define VIRTIO_NET_HDR_GSO_TCPV4	1
#define VIRTIO_NET_HDR_GSO_UDP		3
#define VIRTIO_NET_HDR_GSO_TCPV6	4
#define VIRTIO_NET_HDR_GSO_ECN		0x80
/* On the wire: the fields below (10 bytes, little-endian), num_buffers (le16). */
#define VIRTIO_NET_HDR_WIRE		12

struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;	/* a hint: the bytes of headers */
	uint16_t gso_size;	/* payload bytes a segment */
	uint16_t csum_start;
	uint16_t csum_offset;	/* from csum_start */
};

/* The first 10 bytes of the wire header, read and written. */
void virtio_net_hdr_get(const uint8_t *p, struct virtio_net_hdr *h);
void virtio_net_hdr_put(uint8_t *p, const struct virtio_net_hdr *h);

/*
 * The 16-bit one's complement sum of p[0..len), added to sum (host
 * order, not yet folded: call net_csum_fold()).
 */
uint64_t net_csum_add(uint64_t sum, const uint8_t *p, size_t len);
uint16_t net_csum_fold(uint64_t sum);

/*
 * NEEDS_CSUM: the checksum over frame[csum_start..len) (the pseudo
 * header's sum already in the field) stored at csum_start +
 * csum_offset. -EINVAL when that is outside the frame.
 */
int net_csum_fill(uint8_t *frame, size_t len, const struct virtio_net_hdr *h);

/*
 * A TCPV4 or TCPV6 frame cut into segments of at most gso_size
 * payload bytes, each a whole frame with its lengths, IPv4 ID and
 * header checksum, sequence number, flags (FIN and PSH on the last
 * only, CWR on the first only) and TCP checksum made anew, handed to
 * emit (in seg, valid until it returns) in order. The headers are
 * parsed from the frame (Ethernet, one IPv4 or IPv6 header without
 * extensions, TCP), hdr_len being a hint only. Returns the segments
 * emitted, or -EINVAL (nothing emitted) for a frame whose headers are
 * short, of another kind than gso_type says, or gso_size 0.
 */
typedef void (*net_gso_emit_fn)(const uint8_t *seg, size_t len, void *opaque);
#define NET_GSO_SEG_MAX		(18 + 60 + 60 + 65535)	/* seg's room: headers + gso_size */
int net_gso_segment(const uint8_t *frame, size_t len, const struct virtio_net_hdr *h,
		    uint8_t *seg, net_gso_emit_fn emit, void *opaque);

/*
 * The same frame made whole as it is, for a stack that takes TCP
 * segments of any size (libslirp does): its IP length must already be
 * the frame's (as Linux sends a large segment); the IPv4 header
 * checksum and the TCP checksum are computed, nothing else changes.
 * -EINVAL when the headers are short, of another kind or the IP length
 * is not the frame's: then segment it.
 */
int net_gso_whole(uint8_t *frame, size_t len, const struct virtio_net_hdr *h);

#endif
