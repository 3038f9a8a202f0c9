// SPDX-License-Identifier: GPL-2.0
/*
 * TCP segments joined into large ones for the guest (lib/net-gro.h).
 * Every offset is checked against the frame's length before it is
 * read; a frame that does not parse exactly as a plain TCP segment is
 * sent on as it came.
 */
#include <string.h>

#include "lib/net-bytes.h"
#include "lib/net-gro.h"
#include "lib/net-wire.h"

/* One frame as a candidate: where its headers are, what it carries. */
struct gro_seg {
	size_t l4, payload;
	bool v6;
	uint32_t seq;
	uint8_t flags;
};

/* The IP header: its length, or 0 when it is not one to join. */
static size_t gro_parse_ip(const struct net_gro *g, const uint8_t *f, size_t len,
			   struct gro_seg *s)
{
	const uint8_t *ip = f + ETH_HLEN;
	uint16_t proto = net_get16(f + 12);

	if (proto == ETH_P_IP && (g->types & NET_GRO_TCPV4)) {
		/* No options, not a fragment, the frame exactly the packet. */
		if (len < ETH_HLEN + IPV4_HLEN || ip[0] != 0x45 ||
		    ip[9] != IPPROTO_TCP_NR || (net_get16(ip + 6) & 0x3fff) ||
		    (size_t)ETH_HLEN + net_get16(ip + 2) != len)
			return 0;
		s->v6 = false;
		return IPV4_HLEN;
	}
	if (proto == ETH_P_IPV6 && (g->types & NET_GRO_TCPV6)) {
		if (len < ETH_HLEN + IPV6_HLEN || ip[0] >> 4 != 6 ||
		    ip[6] != IPPROTO_TCP_NR ||
		    (size_t)ETH_HLEN + IPV6_HLEN + net_get16(ip + 4) != len)
			return 0;
		s->v6 = true;
		return IPV6_HLEN;
	}
	return 0;
}

/* A TCP segment with data and only ACK (and PSH) set; false otherwise. */
static bool gro_parse(const struct net_gro *g, const uint8_t *f, size_t len,
		      struct gro_seg *s)
{
	size_t ihl, doff;
	const uint8_t *tcp;

	if (!g->types || len < ETH_HLEN || len > NET_GRO_FRAME_MAX)
		return false;
	ihl = gro_parse_ip(g, f, len, s);
	if (!ihl)
		return false;
	s->l4 = ETH_HLEN + ihl;
	if (len < s->l4 + TCP_HLEN)
		return false;
	tcp = f + s->l4;
	doff = (size_t)(tcp[12] >> 4) * 4;
	/* The reserved bits (and AccECN's) clear, as the flags other than ACK/PSH. */
	if (doff < TCP_HLEN || (tcp[12] & 0x0f) || (tcp[13] & ~TCP_F_PSH) != TCP_F_ACK)
		return false;
	s->payload = s->l4 + doff;
	if (s->payload >= len)
		return false;
	s->seq = net_get32(tcp + 4);
	s->flags = tcp[13];
	return true;
}

/* The IP fields a joined frame keeps from its first segment, compared. */
static bool gro_same_ip(const uint8_t *a, const uint8_t *b, bool v6)
{
	if (v6)	/* version, class, flow label; next header, hops; addresses */
		return !memcmp(a, b, 4) && !memcmp(a + 6, b + 6, 34);
	/* version, TOS; flags, TTL, protocol; addresses (not the ID) */
	return !memcmp(a, b, 2) && !memcmp(a + 6, b + 6, 4) && !memcmp(a + 12, b + 12, 8);
}

/* Whether s (in f) continues the frame held. */
static bool gro_joins(const struct net_gro *g, const uint8_t *f, size_t len,
		      const struct gro_seg *s)
{
	const uint8_t *h = g->buf, *tcp = f + s->l4, *htcp = h + g->l4;
	size_t pay = len - s->payload;

	if (!g->len || g->ended || s->v6 != g->v6 || s->payload != g->payload ||
	    s->l4 != g->l4 || g->last_size != g->seg_size || pay > g->seg_size ||
	    g->len + pay > NET_GRO_FRAME_MAX || s->seq != g->next_seq)
		return false;
	if (memcmp(f, h, ETH_HLEN) || !gro_same_ip(f + ETH_HLEN, h + ETH_HLEN, s->v6))
		return false;
	/*
	 * Ports; acknowledgement; data offset; window; urgent pointer
	 * (meaningless without URG, but the segments cut from the joined
	 * frame carry the first one's); options.
	 */
	return !memcmp(tcp, htcp, 4) && !memcmp(tcp + 8, htcp + 8, 5) &&
	       !memcmp(tcp + 14, htcp + 14, 2) && !memcmp(tcp + 18, htcp + 18, 2) &&
	       !memcmp(tcp + TCP_HLEN, htcp + TCP_HLEN, s->payload - s->l4 - TCP_HLEN);
}

static void gro_hold(struct net_gro *g, const uint8_t *f, size_t len,
		     const struct gro_seg *s)
{
	memcpy(g->buf, f, len);
	g->len = len;
	g->l4 = s->l4;
	g->payload = s->payload;
	g->v6 = s->v6;
	g->ended = s->flags & TCP_F_PSH;
	g->seg_size = len - s->payload;
	g->last_size = g->seg_size;
	g->segs = 1;
	g->next_seq = s->seq + g->seg_size;
}

static void gro_append(struct net_gro *g, const uint8_t *f, size_t len,
		       const struct gro_seg *s)
{
	size_t pay = len - s->payload;

	memcpy(g->buf + g->len, f + s->payload, pay);
	g->len += pay;
	g->last_size = pay;
	g->segs++;
	g->next_seq += pay;
	if (s->flags & TCP_F_PSH) {
		g->buf[g->l4 + 13] |= TCP_F_PSH;
		g->ended = true;
	}
}

/*
 * The held segments made one: IP lengths, the IPv4 header's checksum,
 * and in the TCP checksum field the pseudo-header's sum (with the
 * joined length) that NEEDS_CSUM wants there.
 */
static void gro_finish(struct net_gro *g, struct virtio_net_hdr *h)
{
	uint8_t *ip = g->buf + ETH_HLEN;
	size_t tcp_len = g->len - g->l4;
	uint64_t sum = IPPROTO_TCP_NR + tcp_len;

	if (g->v6) {
		net_put16(ip + 4, g->len - ETH_HLEN - IPV6_HLEN);
		sum = net_csum_add(sum, ip + 8, 32);
	} else {
		net_put16(ip + 2, g->len - ETH_HLEN);
		net_put16(ip + 10, 0);
		net_put16(ip + 10, ~net_csum_fold(net_csum_add(0, ip, IPV4_HLEN)));
		sum = net_csum_add(sum, ip + 12, 8);
	}
	net_put16(g->buf + g->l4 + TCP_CSUM_OFF, net_csum_fold(sum));
	*h = (struct virtio_net_hdr){
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = g->v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = g->payload,
		.gso_size = g->seg_size,
		.csum_start = g->l4,
		.csum_offset = TCP_CSUM_OFF,
	};
}

void net_gro_flush(struct net_gro *g)
{
	struct virtio_net_hdr h = { 0 };

	if (!g->len)
		return;
	/* One segment alone goes as it came: its checksum is whole. */
	if (g->segs > 1) {
		gro_finish(g, &h);
		g->joined += g->segs;
		g->large++;
	}
	g->out(&h, g->buf, g->len, g->opaque);
	g->len = 0;
}

void net_gro_add(struct net_gro *g, const uint8_t *frame, size_t len)
{
	static const struct virtio_net_hdr plain;
	struct gro_seg s;

	if (!gro_parse(g, frame, len, &s)) {
		net_gro_flush(g);
		g->out(&plain, frame, len, g->opaque);
		return;
	}
	if (gro_joins(g, frame, len, &s)) {
		gro_append(g, frame, len, &s);
		return;
	}
	net_gro_flush(g);
	/* A segment that ends its run at once is not worth the copy. */
	if (s.flags & TCP_F_PSH)
		g->out(&plain, frame, len, g->opaque);
	else
		gro_hold(g, frame, len, &s);
}

void net_gro_set_types(struct net_gro *g, unsigned int types)
{
	net_gro_flush(g);
	g->types = types & (NET_GRO_TCPV4 | NET_GRO_TCPV6);
}

void net_gro_init(struct net_gro *g, net_gro_out_fn out, void *opaque)
{
	g->types = 0;
	g->out = out;
	g->opaque = opaque;
	g->len = 0;
	g->joined = 0;
	g->large = 0;
}
