// SPDX-License-Identifier: GPL-2.0
/*
 * lib/net-gso.c: the header's wire form; a checksum left to the device
 * filled in; large TCP segments over IPv4 and IPv6 cut into segments
 * whose lengths, IDs, sequence numbers, flags and checksums are
 * checked against a reference computed here another way (a byte-wise
 * sum over the segment with its pseudo-header, which must come to
 * 0xffff), and their payloads joined again equal the original; frames
 * shorter than their headers, gso_size 0 and checksum offsets outside
 * the frame refused.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/net-gso.h"
#include "tests/net-ref.h"
#include "tests/unit.h"

#define TCP_HDR		32	/* with options, as Linux sends */

/* Ethernet + IPv4 or IPv6 + TCP (32 bytes) + payload of pay bytes. */
static size_t mk_frame(uint8_t *f, bool v6, size_t pay, uint8_t flags)
{
	size_t l3 = 14, ip = v6 ? 40 : 20, l4 = l3 + ip, i;

	memset(f, 0, l4 + TCP_HDR);
	memset(f, 0x02, 12);
	f[12] = v6 ? 0x86 : 0x08;
	f[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		f[l3] = 0x60;
		f[l3 + 6] = 6;
		f[l3 + 7] = 64;
		for (i = 0; i < 32; i++)
			f[l3 + 8 + i] = 0x20 + i;
	} else {
		f[l3] = 0x45;
		f[l3 + 4] = 0x12;	/* ID 0x1234 */
		f[l3 + 5] = 0x34;
		f[l3 + 6] = 0x40;	/* DF */
		f[l3 + 8] = 64;
		f[l3 + 9] = 6;
		memcpy(f + l3 + 12, (uint8_t[]){ 10, 0, 2, 15, 10, 0, 2, 2 }, 8);
	}
	f[l4] = 0x9c;
	f[l4 + 3] = 80;
	memcpy(f + l4 + 4, (uint8_t[]){ 0xff, 0xff, 0xfa, 0x00 }, 4);	/* wraps */
	f[l4 + 12] = (TCP_HDR / 4) << 4;
	f[l4 + 13] = flags;
	f[l4 + 14] = 0xff;
	for (i = 0; i < pay; i++)
		f[l4 + TCP_HDR + i] = i * 13 + (i >> 8);
	return l4 + TCP_HDR + pay;
}

struct segs {
	unsigned int n;
	uint8_t *data;		/* the payloads, joined */
	size_t data_len;
	bool v6;
	size_t gso;
	uint8_t prev_flags, last_flags;	/* TCP flags of the last two */
	bool bad;
};

/* Each segment checked as it comes: lengths, ID, sequence, flags, checksums. */
static void emit(const uint8_t *seg, size_t len, void *opaque)
{
	struct segs *s = opaque;
	size_t l4 = s->v6 ? 54 : 34, pay = len - l4 - TCP_HDR, tl = len - l4;
	const uint8_t *tcp = seg + l4;
	uint8_t pseudo[40] = { 0 };
	const uint8_t *parts[2] = { pseudo, tcp };
	size_t lens[2] = { 0, tl };

	if (s->v6) {
		memcpy(pseudo, seg + 22, 32);
		memcpy(pseudo + 32, (uint8_t[]){ 0, 0, tl >> 8, tl & 0xff, 0, 0, 0, 6 }, 8);
		lens[0] = 40;
		if (be16(seg + 18) != tl)
			s->bad = true;
	} else {
		const uint8_t *iph = seg + 14;

		memcpy(pseudo, seg + 26, 8);
		memcpy(pseudo + 8, (uint8_t[]){ 0, 6, tl >> 8, tl & 0xff }, 4);
		lens[0] = 12;
		if (be16(iph + 2) != len - 14 || be16(iph + 4) != 0x1234 + s->n ||
		    ref_sum(&iph, (size_t[]){ 20 }, 1) != 0xffff)
			s->bad = true;
	}
	if (ref_sum(parts, lens, 2) != 0xffff || pay > s->gso ||
	    be32(tcp + 4) != (uint32_t)(0xfffffa00u + s->n * s->gso) ||
	    (s->n && (tcp[13] & 0x80)))
		s->bad = true;
	if (!s->bad) {
		memcpy(s->data + s->data_len, tcp + TCP_HDR, pay);
		s->data_len += pay;
	}
	s->n++;
	s->prev_flags = s->last_flags;
	s->last_flags = tcp[13];
}

static void test_gso(struct unit *u, bool v6, size_t pay, size_t gso_size)
{
	static uint8_t frame[70000], seg[NET_GSO_SEG_MAX];
	struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4,
		.gso_size = gso_size, .csum_start = v6 ? 54 : 34, .csum_offset = 16,
	};
	struct segs s = { .v6 = v6, .gso = gso_size };
	size_t len = mk_frame(frame, v6, pay, 0x80 | 0x18 | 0x01);	/* CWR ACK PSH FIN */
	size_t l4 = v6 ? 54 : 34;
	unsigned int want = pay ? (pay + gso_size - 1) / gso_size : 1;
	int n;

	s.data = malloc(70000);
	h.hdr_len = l4 + TCP_HDR;
	n = net_gso_segment(frame, len, &h, seg, emit, &s);
	CHECK_EQ(u, n, (int)want);
	CHECK_EQ(u, s.n, want);
	CHECK(u, !s.bad);
	CHECK(u, s.data_len == pay && !memcmp(s.data, frame + l4 + TCP_HDR, pay));
	/* The last keeps FIN and PSH; the one before lost them and CWR. */
	CHECK_EQ(u, s.last_flags & 0x19, 0x19);
	if (s.n > 1)
		CHECK_EQ(u, s.prev_flags, s.n == 2 ? 0x90 : 0x10);
	free(s.data);
}

static void nop_emit(const uint8_t *seg, size_t len, void *opaque)
{
	(*(unsigned int *)opaque)++;
}

/* Whatever is short or inconsistent: -EINVAL, nothing emitted. */
static void test_gso_bad(struct unit *u)
{
	static uint8_t frame[4000], seg[NET_GSO_SEG_MAX];
	struct virtio_net_hdr h = {
		.flags = 1, .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 1000,
		.csum_start = 34, .csum_offset = 16, .hdr_len = 66,
	};
	size_t len = mk_frame(frame, false, 3000, 0x10), cut;
	unsigned int emitted = 0;

	for (cut = 0; cut < 66; cut++)
		CHECK_EQ(u, net_gso_segment(frame, cut, &h, seg, nop_emit, &emitted), -EINVAL);
	h.gso_size = 0;
	CHECK_EQ(u, net_gso_segment(frame, len, &h, seg, nop_emit, &emitted), -EINVAL);
	h.gso_size = 1000;
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;	/* an IPv4 frame */
	CHECK_EQ(u, net_gso_segment(frame, len, &h, seg, nop_emit, &emitted), -EINVAL);
	h.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	CHECK_EQ(u, net_gso_segment(frame, len, &h, seg, nop_emit, &emitted), -EINVAL);
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	frame[23] = 17;				/* UDP in the IP header */
	CHECK_EQ(u, net_gso_segment(frame, len, &h, seg, nop_emit, &emitted), -EINVAL);
	frame[23] = 6;
	frame[14] = 0x44;			/* IHL 4 */
	CHECK_EQ(u, net_gso_segment(frame, len, &h, seg, nop_emit, &emitted), -EINVAL);
	frame[14] = 0x4f;			/* IHL 15: TCP beyond a short frame */
	CHECK_EQ(u, net_gso_segment(frame, 80, &h, seg, nop_emit, &emitted), -EINVAL);
	frame[14] = 0x45;
	frame[46] = 0xf0;			/* TCP header 60 bytes, frame 66 */
	CHECK_EQ(u, net_gso_segment(frame, 66, &h, seg, nop_emit, &emitted), -EINVAL);
	frame[46] = 0x40;			/* data offset 4 */
	CHECK_EQ(u, net_gso_segment(frame, len, &h, seg, nop_emit, &emitted), -EINVAL);
	/* hdr_len beyond the frame is a hint only: the headers are parsed. */
	frame[46] = (TCP_HDR / 4) << 4;
	h.hdr_len = 65535;
	CHECK_EQ(u, net_gso_segment(frame, len, &h, seg, nop_emit, &emitted), 3);
	CHECK_EQ(u, emitted, 3);
}

/* NEEDS_CSUM: the pseudo-header's sum in place, the rest filled; offsets outside refused. */
static void test_csum(struct unit *u)
{
	static uint8_t frame[2000];
	size_t len = mk_frame(frame, false, 1001, 0x18), tl = len - 34;
	uint8_t pseudo[12] = { 10, 0, 2, 15, 10, 0, 2, 2, 0, 6, tl >> 8, tl & 0xff };
	const uint8_t *parts[2] = { pseudo, frame + 34 };
	struct virtio_net_hdr h = { .flags = 1, .csum_start = 34, .csum_offset = 16 };
	uint16_t ps = ~ref_sum((const uint8_t *[]){ pseudo }, (size_t[]){ 12 }, 1);

	/* What Linux leaves: the pseudo-header's folded sum, not inverted. */
	frame[50] = (uint16_t)~ps >> 8;
	frame[51] = (uint16_t)~ps;
	CHECK_EQ(u, net_csum_fill(frame, len, &h), 0);
	CHECK_EQ(u, ref_sum(parts, (size_t[]){ 12, tl }, 2), 0xffff);
	h.csum_offset = len - 34 - 1;
	CHECK_EQ(u, net_csum_fill(frame, len, &h), -EINVAL);
	h.csum_offset = len - 34 - 2;
	CHECK_EQ(u, net_csum_fill(frame, len, &h), 0);
	h.csum_start = 65535;
	h.csum_offset = 65535;
	CHECK_EQ(u, net_csum_fill(frame, len, &h), -EINVAL);
}

/*
 * A large segment whole: only with its IP length the frame's; then its
 * checksums right (the reference sums) and nothing else changed.
 */
static void test_whole(struct unit *u, bool v6)
{
	static uint8_t frame[70000], before[70000];
	size_t len = mk_frame(frame, v6, 60000, 0x18), l4 = v6 ? 54 : 34, tl = len - l4;
	struct virtio_net_hdr h = {
		.flags = 1, .gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4,
		.gso_size = 1448, .csum_start = l4, .csum_offset = 16,
	};
	uint8_t pseudo[40] = { 0 };
	const uint8_t *parts[2] = { pseudo, frame + l4 };
	const uint8_t *iph = frame + 14;
	size_t plen;

	CHECK_EQ(u, net_gso_whole(frame, len, &h), -EINVAL);	/* IP length 0 */
	frame[v6 ? 18 : 16] = (len - 14 - (v6 ? 40 : 0)) >> 8;
	frame[v6 ? 19 : 17] = len - 14 - (v6 ? 40 : 0);
	memcpy(before, frame, len);
	CHECK_EQ(u, net_gso_whole(frame, len - 1, &h), -EINVAL);
	CHECK_EQ(u, net_gso_whole(frame, len, &h), 0);
	if (v6) {
		memcpy(pseudo, frame + 22, 32);
		memcpy(pseudo + 32, (uint8_t[]){ 0, 0, tl >> 8, tl & 0xff, 0, 0, 0, 6 }, 8);
		plen = 40;
	} else {
		memcpy(pseudo, frame + 26, 8);
		memcpy(pseudo + 8, (uint8_t[]){ 0, 6, tl >> 8, tl & 0xff }, 4);
		plen = 12;
		CHECK_EQ(u, ref_sum(&iph, (size_t[]){ 20 }, 1), 0xffff);
	}
	CHECK_EQ(u, ref_sum(parts, (size_t[]){ plen, tl }, 2), 0xffff);
	/* Only the checksums changed. */
	CHECK(u, !memcmp(frame + l4 + 18, before + l4 + 18, len - l4 - 18) &&
	      !memcmp(frame + l4, before + l4, 16) && !memcmp(frame, before, v6 ? 54 : 24));
}

static void test_hdr_wire(struct unit *u)
{
	const uint8_t w[10] = { 1, 4, 0x42, 0, 0xa8, 5, 0x36, 0, 0x10, 0 };
	struct virtio_net_hdr h;
	uint8_t back[10];

	virtio_net_hdr_get(w, &h);
	CHECK(u, h.flags == 1 && h.gso_type == 4 && h.hdr_len == 66 && h.gso_size == 1448 &&
	      h.csum_start == 54 && h.csum_offset == 16);
	virtio_net_hdr_put(back, &h);
	CHECK(u, !memcmp(back, w, 10));
}

int main(void)
{
	struct unit u = { 0 };

	test_hdr_wire(&u);
	test_csum(&u);
	test_gso(&u, false, 65000, 1448);
	test_gso(&u, false, 2896, 1448);	/* exact multiple */
	test_gso(&u, false, 100, 1448);		/* one segment */
	test_gso(&u, false, 0, 1448);		/* headers only */
	test_gso(&u, true, 65000 - 20, 1428);
	test_gso(&u, true, 3001, 1000);
	test_gso_bad(&u);
	test_whole(&u, false);
	test_whole(&u, true);
	return unit_done(&u, "test-net-gso");
}
