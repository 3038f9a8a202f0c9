// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-net header's codec, checksums left to the device and TCP
 * segmentation (lib/net-gso.h). Everything is bounded by the frame's
 * length: a header or frame from a guest is checked before it is used.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "lib/net-bytes.h"
#include "lib/net-gso.h"
#include "lib/net-wire.h"

void virtio_net_hdr_get(const uint8_t *p, struct virtio_net_hdr *h)
{
	h->flags = p[0];
	h->gso_type = p[1];
	h->hdr_len = net_get16le(p + 2);
	h->gso_size = net_get16le(p + 4);
	h->csum_start = net_get16le(p + 6);
	h->csum_offset = net_get16le(p + 8);
}

void virtio_net_hdr_put(uint8_t *p, const struct virtio_net_hdr *h)
{
	p[0] = h->flags;
	p[1] = h->gso_type;
	net_put16le(p + 2, h->hdr_len);
	net_put16le(p + 4, h->gso_size);
	net_put16le(p + 6, h->csum_start);
	net_put16le(p + 8, h->csum_offset);
}

uint64_t net_csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += net_get16(p + i);
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

uint16_t net_csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

int net_csum_fill(uint8_t *frame, size_t len, const struct virtio_net_hdr *h)
{
	size_t field = (size_t)h->csum_start + h->csum_offset;
	uint16_t c;

	if (field + 2 > len)
		return -EINVAL;
	c = ~net_csum_fold(net_csum_add(0, frame + h->csum_start, len - h->csum_start));
	/* As for UDP, a sum of 0 goes out as its other form (0 means "none"). */
	net_put16(frame + field, c ? c : 0xffff);
	return 0;
}

/* Where the headers are, parsed from the frame. */
struct gso_layout {
	size_t l3, l4, payload;	/* offsets */
	bool v6;
};

static int gso_parse(const uint8_t *f, size_t len, const struct virtio_net_hdr *h,
		     struct gso_layout *lo)
{
	uint8_t type = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	size_t l3 = ETH_HLEN, ihl;
	uint16_t proto;

	if (len < ETH_HLEN || !h->gso_size)
		return -EINVAL;
	proto = net_get16(f + 12);
	if (proto == ETH_P_8021Q) {
		if (len < ETH_HLEN + 4)
			return -EINVAL;
		proto = net_get16(f + 16);
		l3 += 4;
	}
	lo->l3 = l3;
	lo->v6 = type == VIRTIO_NET_HDR_GSO_TCPV6;
	if (type == VIRTIO_NET_HDR_GSO_TCPV4 && proto == ETH_P_IP) {
		if (len < l3 + 20 || f[l3] >> 4 != 4 || f[l3 + 9] != IPPROTO_TCP_NR)
			return -EINVAL;
		ihl = (f[l3] & 0xf) * 4;
		if (ihl < 20)
			return -EINVAL;
	} else if (lo->v6 && proto == ETH_P_IPV6) {
		if (len < l3 + IPV6_HLEN || f[l3] >> 4 != 6 || f[l3 + 6] != IPPROTO_TCP_NR)
			return -EINVAL;
		ihl = IPV6_HLEN;
	} else {
		return -EINVAL;
	}
	lo->l4 = l3 + ihl;
	if (len < lo->l4 + 20 || (f[lo->l4 + 12] >> 4) < 5)
		return -EINVAL;
	lo->payload = lo->l4 + (f[lo->l4 + 12] >> 4) * 4;
	if (lo->payload > len)
		return -EINVAL;
	/* Every segment's IP length must fit its 16-bit field. */
	if (lo->payload - l3 + h->gso_size > 65535 &&
	    lo->payload - l3 + (len - lo->payload) > 65535)
		return -EINVAL;
	return 0;
}

/* The TCP checksum of seg's TCP header and payload (tcp_len bytes at l4). */
static void gso_tcp_csum(uint8_t *seg, const struct gso_layout *lo, size_t tcp_len)
{
	uint8_t *tcp = seg + lo->l4;
	uint64_t sum = IPPROTO_TCP_NR + tcp_len;

	if (lo->v6)
		sum = net_csum_add(sum, seg + lo->l3 + 8, 32);
	else
		sum = net_csum_add(sum, seg + lo->l3 + 12, 8);
	net_put16(tcp + 16, 0);
	sum = net_csum_add(sum, tcp, tcp_len);
	net_put16(tcp + 16, ~net_csum_fold(sum));
}

/* Segment n's headers (already copied to seg) made its own. */
static void gso_fix(uint8_t *seg, const struct gso_layout *lo, unsigned int n,
		    size_t pay, size_t gso_size, bool last)
{
	uint8_t *ip = seg + lo->l3, *tcp = seg + lo->l4;
	size_t tcp_len = lo->payload - lo->l4 + pay;
	uint32_t seq;

	if (lo->v6) {
		net_put16(ip + 4, tcp_len);
	} else {
		size_t ihl = lo->l4 - lo->l3;

		net_put16(ip + 2, ihl + tcp_len);
		net_put16(ip + 4, net_get16(ip + 4) + n);
		net_put16(ip + 10, 0);
		net_put16(ip + 10, ~net_csum_fold(net_csum_add(0, ip, ihl)));
	}
	seq = net_get32(tcp + 4) + (uint32_t)(n * gso_size);
	net_put32(tcp + 4, seq);
	if (!last)
		tcp[13] &= ~(TCP_F_FIN | TCP_F_PSH);
	if (n)
		tcp[13] &= ~TCP_F_CWR;
	gso_tcp_csum(seg, lo, tcp_len);
}

int net_gso_segment(const uint8_t *frame, size_t len, const struct virtio_net_hdr *h,
		    uint8_t *seg, net_gso_emit_fn emit, void *opaque)
{
	struct gso_layout lo;
	size_t off, pay, data;
	unsigned int n = 0;

	if (gso_parse(frame, len, h, &lo))
		return -EINVAL;
	data = len - lo.payload;
	off = lo.payload;
	do {
		pay = data - (off - lo.payload) < h->gso_size ?
		      data - (off - lo.payload) : h->gso_size;
		memcpy(seg, frame, lo.payload);
		memcpy(seg + lo.payload, frame + off, pay);
		gso_fix(seg, &lo, n, pay, h->gso_size, off + pay == len);
		emit(seg, lo.payload + pay, opaque);
		off += pay;
		n++;
	} while (off < len);
	return n;
}

int net_gso_whole(uint8_t *frame, size_t len, const struct virtio_net_hdr *h)
{
	struct gso_layout lo;
	size_t ip_len;

	if (gso_parse(frame, len, h, &lo))
		return -EINVAL;
	ip_len = len - lo.l3;
	if (lo.v6 ? net_get16(frame + lo.l3 + 4) != ip_len - IPV6_HLEN :
		    net_get16(frame + lo.l3 + 2) != ip_len)
		return -EINVAL;
	gso_fix(frame, &lo, 0, len - lo.payload, 0, true);
	return 0;
}
