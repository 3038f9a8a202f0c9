// SPDX-License-Identifier: GPL-2.0
/*
 * TCP acknowledgements for the guest held back until the next frame
 * of their connection carries them (lib/net-ack.h). Every offset is
 * checked against the frame's length before it is read; a frame that
 * does not parse as TCP is never held and never replaces one held.
 */
#include <string.h>

#include "lib/net-ack.h"
#include "lib/net-bytes.h"
#include "lib/net-wire.h"

/* A frame's TCP segment: where its header is, what it carries. */
struct ack_seg {
	size_t l4;
	size_t payload;		/* bytes of data */
	bool v6;
	uint8_t flags;
	bool reserved;		/* reserved or AccECN bits set */
	uint32_t ack;
};

/* The IP header's length and the packet's end (Ethernet padding after it); 0: not TCP. */
static size_t ack_parse_ip(const uint8_t *f, size_t len, struct ack_seg *s, size_t *end)
{
	const uint8_t *ip = f + ETH_HLEN;
	uint16_t proto = net_get16(f + 12);
	size_t ihl;

	if (proto == ETH_P_IP) {
		if (len < ETH_HLEN + IPV4_HLEN || ip[0] >> 4 != 4 ||
		    ip[9] != IPPROTO_TCP_NR || (net_get16(ip + 6) & 0x3fff))
			return 0;
		ihl = (size_t)(ip[0] & 0x0f) * 4;
		*end = ETH_HLEN + (size_t)net_get16(ip + 2);
		s->v6 = false;
		return ihl >= IPV4_HLEN && ETH_HLEN + ihl <= *end ? ihl : 0;
	}
	if (proto == ETH_P_IPV6) {
		if (len < ETH_HLEN + IPV6_HLEN || ip[0] >> 4 != 6 ||
		    ip[6] != IPPROTO_TCP_NR)
			return 0;
		*end = ETH_HLEN + IPV6_HLEN + (size_t)net_get16(ip + 4);
		s->v6 = true;
		return IPV6_HLEN;
	}
	return 0;
}

static bool ack_parse(const uint8_t *f, size_t len, struct ack_seg *s)
{
	size_t ihl, doff, end = 0;
	const uint8_t *tcp;

	if (len < ETH_HLEN)
		return false;
	ihl = ack_parse_ip(f, len, s, &end);
	if (!ihl || end > len)
		return false;
	s->l4 = ETH_HLEN + ihl;
	if (end < s->l4 + TCP_HLEN)
		return false;
	tcp = f + s->l4;
	doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < TCP_HLEN || s->l4 + doff > end)
		return false;
	s->payload = end - s->l4 - doff;
	s->flags = tcp[13];
	s->reserved = tcp[12] & 0x0f;
	s->ack = net_get32(tcp + 8);
	return true;
}

/* Nothing but an acknowledgement: no data, only ACK set. */
static bool ack_pure(const struct ack_seg *s)
{
	return !s->payload && s->flags == TCP_F_ACK && !s->reserved;
}

/* The same connection as the frame held: addresses and ports. */
static bool ack_same_flow(const struct net_ack *a, const uint8_t *f,
			  const struct ack_seg *s)
{
	const uint8_t *h = a->buf;

	if (s->v6 != a->v6)
		return false;
	/* IPv4: source and destination at 12..19; IPv6: at 8..39. */
	if (s->v6 ? memcmp(h + ETH_HLEN + 8, f + ETH_HLEN + 8, 32) :
		    memcmp(h + ETH_HLEN + 12, f + ETH_HLEN + 12, 8))
		return false;
	return !memcmp(h + a->l4, f + s->l4, 4);
}

/*
 * s tells the guest all the held acknowledgement does: a larger number,
 * or the same one with data or FIN (not a duplicate or a window update
 * alone, which the guest must see as such).
 */
static bool ack_covers(const struct net_ack *a, const struct ack_seg *s)
{
	int32_t d = (int32_t)(s->ack - a->ack);

	if (!(s->flags & TCP_F_ACK) || (s->flags & (TCP_F_SYN | TCP_F_RST)) || s->reserved)
		return false;
	return d > 0 || (d == 0 && (s->payload || (s->flags & TCP_F_FIN)));
}

/* The connection s is of, as bytes to compare. */
static void ack_key(const uint8_t *f, const struct ack_seg *s, uint8_t *key)
{
	memset(key, 0, NET_ACK_KEY_LEN);
	key[0] = s->v6;
	if (s->v6)
		memcpy(key + 1, f + ETH_HLEN + 8, 32);
	else
		memcpy(key + 1, f + ETH_HLEN + 12, 8);
	memcpy(key + 33, f + s->l4, 4);
}

/*
 * Whether s acknowledges a short message: fewer than NET_ACK_SMALL
 * bytes more than the last frame of its connection did. Remembers s
 * as that last frame.
 */
static bool ack_small(struct net_ack *a, const uint8_t *f, const struct ack_seg *s)
{
	uint8_t key[NET_ACK_KEY_LEN];
	uint32_t d = s->ack - a->last_ack;
	bool small;

	ack_key(f, s, key);
	small = a->last_valid && !memcmp(key, a->last_key, sizeof(key)) &&
		(int32_t)d >= 0 && d < NET_ACK_SMALL;
	memcpy(a->last_key, key, sizeof(key));
	a->last_ack = s->ack;
	a->last_valid = true;
	return small;
}

static void ack_hold(struct net_ack *a, const uint8_t *f, size_t len,
		     const struct ack_seg *s)
{
	memcpy(a->buf, f, len);
	a->len = len;
	a->l4 = s->l4;
	a->v6 = s->v6;
	a->ack = s->ack;
	a->held++;
}

bool net_ack_add(struct net_ack *a, const uint8_t *frame, size_t len, bool may_hold)
{
	struct ack_seg s;
	bool tcp = ack_parse(frame, len, &s), pure;

	pure = tcp && ack_small(a, frame, &s) && may_hold && ack_pure(&s) &&
	       len <= sizeof(a->buf);
	if (a->len) {
		if (tcp && ack_same_flow(a, frame, &s) && ack_covers(a, &s)) {
			a->len = 0;
			a->carried++;
			if (pure) {	/* waits in its place, no longer than it would have */
				ack_hold(a, frame, len, &s);
				return true;
			}
			return false;
		}
		net_ack_flush(a);
	}
	if (!pure)
		return false;
	ack_hold(a, frame, len, &s);
	a->rounds = 0;
	return true;
}

bool net_ack_round(struct net_ack *a)
{
	if (!a->len)
		return false;
	if (a->rounds++ >= 1) {
		net_ack_flush(a);
		return false;
	}
	return true;
}

void net_ack_flush(struct net_ack *a)
{
	size_t len = a->len;

	if (!len)
		return;
	a->len = 0;
	a->out(a->buf, len, a->opaque);
}

void net_ack_init(struct net_ack *a, net_ack_out_fn out, void *opaque)
{
	memset(a, 0, offsetof(struct net_ack, buf));
	a->out = out;
	a->opaque = opaque;
}
