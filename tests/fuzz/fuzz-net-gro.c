// SPDX-License-Identifier: GPL-2.0
/*
 * lib/net-gro.c as lkvm-net-user runs it on slirp's frames for the
 * guest. The input builds a run of frames, mostly TCP segments of one
 * flow, and changes them:
 *   byte 0      the types joined (NET_GRO_TCPV4 | NET_GRO_TCPV6)
 *   byte 1      bit 0: IPv6; bit 1: 12 bytes of TCP options
 *   then 4-byte operations: op, a (le16), b:
 *     op & 7 = 0..3  a segment of a % 2049 payload bytes; its TCP
 *                    flags ACK ^ b (b 0: a plain data segment),
 *                    | PSH when op & 0x08; the sequence goes on
 *            4       the next segment's byte a (mod its length) ^= b
 *            5       the sequence moves by (int8_t)b
 *            6       another flow (source port a), IPv6 when b & 1
 *            7       b & 1: flush; b & 2: the types become a & 3;
 *                    b & 4: the next segment is cut or padded by a & 63
 * Every frame must come out once, in order: as it went in (a zero
 * header), or inside a large frame whose header is sane, whose IPv4
 * header and filled-in TCP checksum are whole (a byte-wise sum here)
 * and which lib/net-gso.c cuts back into the segments that went in
 * (IPv4 ID and checksums aside: they are made anew).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/net-gro.h"
#include "lib/net-gso.h"
#include "tests/fuzz/fuzz.h"
#include "tests/net-ref.h"

#define FZ_FRAMES	80
#define FZ_FRAME_MAX	2200

struct fz {
	uint8_t f[FZ_FRAMES][FZ_FRAME_MAX];
	size_t len[FZ_FRAMES];
	unsigned int n, next;
	unsigned int seg_n;		/* segments cut from the current large frame */
};

static uint16_t fz_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i < len; i++)
		sum += (i & 1) ? p[i] : p[i] << 8;
	while (sum > 0xffff)
		sum = (sum >> 16) + (sum & 0xffff);
	return sum;
}

/* Equal but for the IPv4 ID and checksum and the TCP checksum. */
static bool fz_same_seg(const uint8_t *a, const uint8_t *b, size_t len, bool v6)
{
	size_t l4 = v6 ? 54 : 34, i;

	for (i = 0; i < len; i++) {
		if (!v6 && (i == 18 || i == 19 || i == 24 || i == 25))
			continue;
		if (i == l4 + 16 || i == l4 + 17)
			continue;
		if (a[i] != b[i])
			return false;
	}
	return true;
}

static void fz_cut(const uint8_t *seg, size_t len, void *opaque)
{
	struct fz *z = opaque;
	unsigned int k = z->next + z->seg_n++;

	FUZZ_CHECK(k < z->n && z->len[k] == len);
	FUZZ_CHECK(fz_same_seg(seg, z->f[k], len, be16(seg + 12) == 0x86dd));
}

static void fz_check_large(struct fz *z, const struct virtio_net_hdr *h,
			   const uint8_t *f, size_t len)
{
	static uint8_t seg[NET_GSO_SEG_MAX], copy[NET_GRO_FRAME_MAX];
	bool v6 = h->gso_type == VIRTIO_NET_HDR_GSO_TCPV6;
	size_t l4 = v6 ? 54 : 34, tl = len - l4;
	uint8_t ph[40] = { 0 };
	int n;

	FUZZ_CHECK(h->gso_type == VIRTIO_NET_HDR_GSO_TCPV4 || v6);
	FUZZ_CHECK(h->flags == VIRTIO_NET_HDR_F_NEEDS_CSUM);
	FUZZ_CHECK(len <= NET_GRO_FRAME_MAX && len - 14 <= 65535);
	FUZZ_CHECK_EQ(h->csum_start, l4);
	FUZZ_CHECK_EQ(h->csum_offset, 16);
	FUZZ_CHECK(h->hdr_len < len && h->gso_size && h->gso_size <= len - h->hdr_len);
	if (!v6)
		FUZZ_CHECK_EQ(fz_sum(f + 14, 20, 0), 0xffff);
	memcpy(copy, f, len);
	FUZZ_CHECK(net_csum_fill(copy, len, h) == 0);
	if (v6) {
		memcpy(ph, copy + 22, 32);
		memcpy(ph + 32, (uint8_t[]){ 0, 0, tl >> 8, tl & 0xff, 0, 0, 0, 6 }, 8);
	} else {
		memcpy(ph, copy + 26, 8);
		memcpy(ph + 8, (uint8_t[]){ 0, 6, tl >> 8, tl & 0xff }, 4);
	}
	FUZZ_CHECK_EQ(fz_sum(copy + l4, tl, fz_sum(ph, v6 ? 40 : 12, 0)), 0xffff);
	z->seg_n = 0;
	n = net_gso_segment(f, len, h, seg, fz_cut, z);
	FUZZ_CHECK(n >= 2 && (unsigned int)n == z->seg_n);
	z->next += n;
}

static void fz_out(const struct virtio_net_hdr *h, const uint8_t *f, size_t len, void *opaque)
{
	struct fz *z = opaque;

	if (h->gso_type == VIRTIO_NET_HDR_GSO_NONE) {
		FUZZ_CHECK(h->flags == 0 && z->next < z->n);
		FUZZ_CHECK(len == z->len[z->next] && !memcmp(f, z->f[z->next], len));
		z->next++;
		return;
	}
	fz_check_large(z, h, f, len);
}

struct fz_flow {
	bool v6;
	size_t opt;
	uint16_t port, id;
	uint32_t seq;
	uint16_t poke_at;
	uint8_t poke, cut;
	bool poke_set, cut_set;
};

/* Segment k: Ethernet, IPv4 or IPv6, TCP as slirp makes them. */
static void fz_seg(struct fz *z, struct fz_flow *fl, size_t pay, uint8_t flags)
{
	uint8_t *f = z->f[z->n];
	size_t l4 = fl->v6 ? 54 : 34, hl = 20 + fl->opt, len = l4 + hl + pay, i;

	memset(f, 0, l4 + hl);
	memcpy(f, (uint8_t[]){ 2, 0x15, 0x15, 0x15, 0x15, 0x15, 0x52, 0x55, 10, 0, 2, 2 }, 12);
	wr16(f + 12, fl->v6 ? 0x86dd : 0x0800);
	if (fl->v6) {
		f[14] = 0x60;
		wr16(f + 18, len - l4);
		f[20] = 6;
		f[21] = 64;
		memset(f + 22, 0xfe, 32);
	} else {
		f[14] = 0x45;
		wr16(f + 16, len - 14);
		wr16(f + 18, fl->id++);
		f[20] = 0x40;
		f[22] = 64;
		f[23] = 6;
		memcpy(f + 26, (uint8_t[]){ 10, 0, 2, 2, 10, 0, 2, 15 }, 8);
		wr16(f + 24, ~fz_sum(f + 14, 20, 0));
	}
	wr16(f + l4, 80);
	wr16(f + l4 + 2, fl->port);
	wr16(f + l4 + 4, fl->seq >> 16);
	wr16(f + l4 + 6, fl->seq);
	wr16(f + l4 + 8, 0x1234);
	f[l4 + 12] = (hl / 4) << 4;
	f[l4 + 13] = flags;
	wr16(f + l4 + 14, 0xffff);
	for (i = 0; i < fl->opt; i++)
		f[l4 + 20 + i] = 1;
	for (i = 0; i < pay; i++)
		f[l4 + hl + i] = fl->seq + i;
	fl->seq += pay;
	if (fl->poke_set)
		f[fl->poke_at % len] ^= fl->poke;
	if (fl->cut_set && fl->cut <= len) {
		len -= fl->cut;
	} else if (fl->cut_set) {
		memset(f + len, 0, fl->cut);
		len += fl->cut;
	}
	fl->poke_set = fl->cut_set = false;
	z->len[z->n++] = len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct net_gro g;
	static struct fz z;
	struct fuzz_input in;
	struct fz_flow fl = { .port = 0x9c40, .seq = 0xfffff000u };
	uint8_t mode, op, b;
	uint16_t a;

	fuzz_input_init(&in, data, size);
	z.n = z.next = 0;
	net_gro_init(&g, fz_out, &z);
	net_gro_set_types(&g, fuzz_u8(&in));
	mode = fuzz_u8(&in);
	fl.v6 = mode & 1;
	fl.opt = mode & 2 ? 12 : 0;
	while (!fuzz_input_done(&in) && z.n < FZ_FRAMES) {
		op = fuzz_u8(&in);
		a = fuzz_u16(&in);
		b = fuzz_u8(&in);
		switch (op & 7) {
		case 4:
			fl.poke_at = a;
			fl.poke = b;
			fl.poke_set = true;
			break;
		case 5:
			fl.seq += (int8_t)b;
			break;
		case 6:
			fl.port = a;
			fl.v6 = b & 1;
			break;
		case 7:
			if (b & 1)
				net_gro_flush(&g);
			if (b & 2)
				net_gro_set_types(&g, a & 3);
			fl.cut = a & 63;
			fl.cut_set = b & 4;
			break;
		default:
			fz_seg(&z, &fl, a % 2049, (0x10 ^ b) | (op & 0x08 ? 0x08 : 0));
			net_gro_add(&g, z.f[z.n - 1], z.len[z.n - 1]);
			break;
		}
	}
	net_gro_flush(&g);
	FUZZ_CHECK_EQ(z.next, z.n);
	return 0;
}
