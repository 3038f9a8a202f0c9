// SPDX-License-Identifier: GPL-2.0
/*
 * lib/net-ack.c: a pure TCP acknowledgement of a short message is
 * held, and dropped when the next frame of its connection acknowledges
 * as much with data or FIN, or more; a bulk sender's is not; sent
 * first, unchanged, before any other frame; sent at the end of the
 * second round it waits through (a newer one in its place keeps its
 * age); duplicates, window updates, SYN, FIN, RST,
 * data, other flows and frames that do not parse never replace it and
 * are never held.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/net-ack.h"
#include "tests/net-ref.h"
#include "tests/unit.h"

#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10

struct seg {
	bool v6;
	uint8_t flags;
	uint32_t ack;
	size_t pay;
	uint8_t sport;		/* the guest's port's low byte; 0: 0x40 */
	size_t pad;		/* Ethernet padding after the packet */
};

struct sent {
	unsigned int n;
	uint8_t last[NET_ACK_FRAME_MAX];
	size_t last_len;
};

static size_t mk(uint8_t *f, const struct seg *s)
{
	size_t l4 = s->v6 ? 54 : 34, len = l4 + 20 + s->pay, i;
	uint8_t *tcp = f + l4;

	memset(f, 0, len + s->pad);
	ref_tcp_frame_head(f, s->v6, len, l4);
	tcp[1] = 80;
	tcp[2] = 0x9c;
	tcp[3] = s->sport ? s->sport : 0x40;
	wr16(tcp + 8, s->ack >> 16);
	wr16(tcp + 10, s->ack & 0xffff);
	tcp[12] = 5 << 4;
	tcp[13] = s->flags;
	wr16(tcp + 14, 0xffff);
	for (i = 0; i < s->pay; i++)
		tcp[20 + i] = i;
	return len + s->pad;
}

static void out(const uint8_t *frame, size_t len, void *opaque)
{
	struct sent *o = opaque;

	o->n++;
	if (len <= sizeof(o->last)) {
		memcpy(o->last, frame, len);
		o->last_len = len;
	}
}

/* Hands a frame built from s to a; what net_ack_add() says. */
static bool add(struct net_ack *a, const struct seg *s, uint8_t *f, size_t *len)
{
	*len = mk(f, s);
	return net_ack_add(a, f, *len, true);
}

/* The answer before: a frame of the connection acknowledging 64 bytes less. */
static void prime(struct net_ack *a, bool v6, uint32_t ack)
{
	uint8_t f[1600];
	size_t len = mk(f, &(struct seg){ .v6 = v6, .flags = F_ACK | F_PSH,
					  .ack = ack - 64, .pay = 64 });

	net_ack_add(a, f, len, true);
}

/* The answer carries the acknowledgement: the guest gets one frame. */
static void test_carried(struct unit *u, bool v6)
{
	struct net_ack a;
	struct sent o = { 0 };
	uint8_t f[1600];
	size_t len;

	net_ack_init(&a, out, &o);
	prime(&a, v6, 1000);
	CHECK(u, add(&a, &(struct seg){ .v6 = v6, .flags = F_ACK, .ack = 1000 }, f, &len));
	CHECK(u, net_ack_round(&a));
	CHECK_EQ(u, o.n, 0);
	CHECK(u, !add(&a, &(struct seg){ .v6 = v6, .flags = F_ACK | F_PSH, .ack = 1000, .pay = 64 },
		      f, &len));
	CHECK_EQ(u, o.n, 0);
	CHECK_EQ(u, a.len, 0);
	CHECK_EQ(u, a.held, 1);
	CHECK_EQ(u, a.carried, 1);
	CHECK(u, !net_ack_round(&a));
	CHECK_EQ(u, o.n, 0);
}

/* Nothing follows: out, unchanged, at the end of the second round. */
static void test_rounds(struct unit *u)
{
	struct net_ack a;
	struct sent o = { 0 };
	uint8_t f[1600];
	size_t len;

	net_ack_init(&a, out, &o);
	prime(&a, false, 7);
	CHECK(u, add(&a, &(struct seg){ .flags = F_ACK, .ack = 7, .pad = 6 }, f, &len));
	CHECK_EQ(u, len, 60);
	CHECK(u, net_ack_round(&a));
	CHECK_EQ(u, o.n, 0);
	CHECK(u, !net_ack_round(&a));
	CHECK_EQ(u, o.n, 1);
	CHECK_EQ(u, o.last_len, len);
	CHECK(u, !memcmp(o.last, f, len));
	CHECK(u, !net_ack_round(&a));
	CHECK_EQ(u, o.n, 1);

	/* A larger one replaces it and keeps its age. */
	CHECK(u, add(&a, &(struct seg){ .flags = F_ACK, .ack = 100 }, f, &len));
	CHECK(u, net_ack_round(&a));
	CHECK(u, add(&a, &(struct seg){ .flags = F_ACK, .ack = 200 }, f, &len));
	CHECK_EQ(u, a.carried, 1);
	CHECK_EQ(u, o.n, 1);
	CHECK(u, !net_ack_round(&a));
	CHECK_EQ(u, o.n, 2);
	CHECK(u, !memcmp(o.last, f, len));

	/* Across the sequence space's wrap. */
	prime(&a, false, 0xfffffff0u);
	CHECK(u, add(&a, &(struct seg){ .flags = F_ACK, .ack = 0xfffffff0u }, f, &len));
	CHECK(u, add(&a, &(struct seg){ .flags = F_ACK, .ack = 0x10 }, f, &len));
	CHECK_EQ(u, a.carried, 2);
	CHECK_EQ(u, o.n, 2);
	net_ack_flush(&a);
	CHECK_EQ(u, o.n, 3);
	CHECK(u, !memcmp(o.last, f, len));
}

/*
 * Frames that must not replace the one held: it goes out first, then
 * the caller sends them (or holds the next pure one).
 */
static void test_kept(struct unit *u)
{
	static const struct seg others[] = {
		{ .flags = F_ACK, .ack = 500 },			/* a duplicate */
		{ .flags = F_ACK, .ack = 499, .pay = 10 },	/* less, with data */
		{ .flags = F_ACK | F_RST, .ack = 600 },
		{ .flags = F_ACK | F_SYN, .ack = 600 },
		{ .flags = F_ACK, .ack = 600, .sport = 0x41 },	/* another flow */
		{ .v6 = true, .flags = F_ACK, .ack = 600 },
		{ .flags = 0, .ack = 600, .pay = 5 },		/* no ACK */
	};
	uint8_t f[1600], held[1600];
	struct net_ack a;
	struct sent o;
	unsigned int i;
	size_t len, hlen;
	bool h;

	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		memset(&o, 0, sizeof(o));
		net_ack_init(&a, out, &o);
		prime(&a, false, 500);
		CHECK(u, add(&a, &(struct seg){ .flags = F_ACK, .ack = 500 }, held, &hlen));
		h = add(&a, &others[i], f, &len);
		CHECK_EQ(u, o.n, 1);
		CHECK_EQ(u, o.last_len, hlen);
		CHECK(u, !memcmp(o.last, held, hlen));
		CHECK_EQ(u, a.carried, 0);
		/* The duplicate is held in turn; another flow's has no frame before it. */
		CHECK_EQ(u, h, i == 0);
	}
	/* A FIN with the same number carries it. */
	memset(&o, 0, sizeof(o));
	net_ack_init(&a, out, &o);
	prime(&a, false, 500);
	CHECK(u, add(&a, &(struct seg){ .flags = F_ACK, .ack = 500 }, held, &hlen));
	CHECK(u, !add(&a, &(struct seg){ .flags = F_ACK | F_FIN, .ack = 500 }, f, &len));
	CHECK_EQ(u, o.n, 0);
	CHECK_EQ(u, a.carried, 1);
}

/*
 * A bulk sender's acknowledgements (512 bytes or more since the last
 * frame of the connection) and one with no frame of its connection
 * before it go at once; a short message's is held.
 */
static void test_bulk(struct unit *u)
{
	struct net_ack a;
	struct sent o = { 0 };
	uint8_t f[1600];
	size_t len;

	net_ack_init(&a, out, &o);
	CHECK(u, !add(&a, &(struct seg){ .flags = F_ACK, .ack = 1000 }, f, &len));
	CHECK(u, !add(&a, &(struct seg){ .flags = F_ACK, .ack = 1000 + 65160 }, f, &len));
	CHECK(u, !add(&a, &(struct seg){ .flags = F_ACK, .ack = 1000 + 65160 + 512 }, f, &len));
	CHECK(u, add(&a, &(struct seg){ .flags = F_ACK, .ack = 1000 + 65160 + 1023 }, f, &len));
	/* Another flow's frame in between: the next is no longer known small. */
	CHECK(u, !add(&a, &(struct seg){ .flags = F_ACK, .ack = 5, .sport = 0x41 }, f, &len));
	CHECK_EQ(u, o.n, 1);
	CHECK(u, !add(&a, &(struct seg){ .flags = F_ACK, .ack = 1000 + 65160 + 1030 }, f, &len));
	CHECK_EQ(u, a.held, 1);
	CHECK_EQ(u, a.len, 0);
}

/* Never held: not pure, not TCP, not plain, not whole. */
static void test_not_held(struct unit *u)
{
	static const struct seg segs[] = {
		{ .flags = F_ACK | F_PSH },
		{ .flags = F_ACK | F_SYN },
		{ .flags = F_ACK | F_FIN },
		{ .flags = F_ACK | F_RST },
		{ .flags = F_ACK, .pay = 1 },
		{ .flags = F_ACK | 0x40 },	/* ECE */
	};
	uint8_t f[1600];
	struct net_ack a;
	struct sent o = { 0 };
	unsigned int i;
	size_t len;

	net_ack_init(&a, out, &o);
	for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
		CHECK(u, !add(&a, &segs[i], f, &len));
	len = mk(f, &(struct seg){ .flags = F_ACK });
	CHECK(u, !net_ack_add(&a, f, len, false));	/* the caller's header is not plain */
	CHECK(u, !net_ack_add(&a, f, len - 1, true));	/* shorter than its IP length */
	CHECK(u, !net_ack_add(&a, f, 13, true));
	f[14 + 9] = 17;					/* UDP */
	CHECK(u, !net_ack_add(&a, f, len, true));
	f[14 + 9] = 6;
	f[34 + 12] = 4 << 4;				/* a TCP header under 20 bytes */
	CHECK(u, !net_ack_add(&a, f, len, true));
	f[34 + 12] = 15 << 4;				/* past the packet */
	CHECK(u, !net_ack_add(&a, f, len, true));
	f[34 + 12] = 5 << 4;
	wr16(f + 14 + 6, 0x2000);			/* a fragment */
	CHECK(u, !net_ack_add(&a, f, len, true));
	wr16(f + 12, 0x0806);				/* ARP */
	CHECK(u, !net_ack_add(&a, f, len, true));
	CHECK_EQ(u, a.held, 0);
	CHECK_EQ(u, o.n, 0);
	CHECK(u, !net_ack_round(&a));
}

/* Garbage of every length from 0 to 200: parsed safely, never held. */
static void test_garbage(struct unit *u)
{
	uint8_t f[200];
	struct net_ack a;
	struct sent o = { 0 };
	unsigned int i, held = 0;
	size_t len;

	srand(7);
	net_ack_init(&a, out, &o);
	for (len = 0; len <= sizeof(f); len++) {
		for (i = 0; i < len; i++)
			f[i] = rand();
		held += net_ack_add(&a, f, len, true);
	}
	CHECK_EQ(u, held, 0);
	CHECK_EQ(u, o.n, 0);
}

int main(void)
{
	struct unit u = { 0 };

	test_carried(&u, false);
	test_carried(&u, true);
	test_rounds(&u);
	test_kept(&u);
	test_bulk(&u);
	test_not_held(&u);
	test_garbage(&u);
	return unit_done(&u, "test-net-ack");
}
