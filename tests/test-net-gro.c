// SPDX-License-Identifier: GPL-2.0
/*
 * lib/net-gro.c: runs of TCP segments over IPv4 and IPv6 joined into
 * one large segment whose header, lengths and checksums are checked
 * against a reference computed here another way (byte-wise sums), and
 * which lib/net-gso.c cuts back into exactly the segments that went in;
 * segments that must not join (a gap, other flags, other options,
 * another flow, other sizes, past 64 KiB, a frame of another kind)
 * sent on as they came, in order.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/net-gro.h"
#include "lib/net-gso.h"
#include "tests/net-ref.h"
#include "tests/unit.h"

#define MSS		1448
#define SEQ0		0xfffff000u	/* the run wraps the sequence space */
#define OUT_MAX		64

struct out {
	struct virtio_net_hdr h;
	uint8_t *f;
	size_t len;
};

struct outs {
	struct out o[OUT_MAX];
	unsigned int n;
};

/* The pseudo-header's sum for tl bytes of TCP in frame f. */
static uint16_t ref_pseudo(const uint8_t *f, bool v6, size_t tl)
{
	uint8_t ph[40] = { 0 };
	const uint8_t *p[1] = { ph };

	if (v6) {
		memcpy(ph, f + 22, 32);
		memcpy(ph + 32, (uint8_t[]){ 0, 0, tl >> 8, tl & 0xff, 0, 0, 0, 6 }, 8);
		return ref_sum(p, (size_t[]){ 40 }, 1);
	}
	memcpy(ph, f + 26, 8);
	memcpy(ph + 8, (uint8_t[]){ 0, 6, tl >> 8, tl & 0xff }, 4);
	return ref_sum(p, (size_t[]){ 12 }, 1);
}

struct seg_spec {
	bool v6;
	uint32_t seq;		/* relative to SEQ0 */
	size_t pay;
	uint8_t flags;
	unsigned int id;
	size_t opt;		/* TCP option bytes (0 or 12) */
	uint8_t opt_byte, sport;
};

/* A whole segment as slirp sends it, checksums complete; its length. */
static size_t mk_seg(uint8_t *f, const struct seg_spec *s)
{
	size_t l4 = s->v6 ? 54 : 34, hl = 20 + s->opt, i, len = l4 + hl + s->pay;
	uint8_t *ip = f + 14, *tcp = f + l4;
	const uint8_t *p[2];

	memset(f, 0, l4 + hl);
	ref_tcp_frame_head(f, s->v6, len, l4);
	if (!s->v6) {
		wr16(ip + 4, s->id);
		ip[6] = 0x40;
		p[0] = ip;
		wr16(ip + 10, ~ref_sum(p, (size_t[]){ 20 }, 1));
	}
	tcp[0] = 0;
	tcp[1] = 80;
	tcp[2] = 0x9c;
	tcp[3] = s->sport ? s->sport : 0x40;
	wr16(tcp + 4, (SEQ0 + s->seq) >> 16);
	wr16(tcp + 6, (SEQ0 + s->seq) & 0xffff);
	wr16(tcp + 8, 0x1234);
	wr16(tcp + 10, 0x5678);
	tcp[12] = (hl / 4) << 4;
	tcp[13] = s->flags;
	wr16(tcp + 14, 0xffff);
	for (i = 0; i < s->opt; i++)
		tcp[20 + i] = s->opt_byte + i;
	for (i = 0; i < s->pay; i++)
		tcp[hl + i] = (s->seq + i) * 7 + ((s->seq + i) >> 9);
	{
		uint16_t ps = ref_pseudo(f, s->v6, len - l4);
		const uint8_t *parts[2] = { (uint8_t[2]){ ps >> 8, ps & 0xff }, tcp };

		wr16(tcp + 16, ~ref_sum(parts, (size_t[]){ 2, len - l4 }, 2));
	}
	return len;
}

static void collect(const struct virtio_net_hdr *h, const uint8_t *f, size_t len, void *opaque)
{
	struct outs *o = opaque;

	if (o->n == OUT_MAX)
		abort();
	o->o[o->n].h = *h;
	o->o[o->n].f = malloc(len);
	memcpy(o->o[o->n].f, f, len);
	o->o[o->n].len = len;
	o->n++;
}

static void outs_free(struct outs *o)
{
	for (unsigned int i = 0; i < o->n; i++)
		free(o->o[i].f);
	o->n = 0;
}

struct run {
	uint8_t f[48][1600];
	size_t len[48];
	unsigned int n;
};

static void run_add(struct run *r, const struct seg_spec *s)
{
	r->len[r->n] = mk_seg(r->f[r->n], s);
	r->n++;
}

/* The segments the large frame is cut into, compared with the run's. */
struct cut {
	const struct run *r;
	unsigned int first, n;
	bool same;
};

static void cut_emit(const uint8_t *seg, size_t len, void *opaque)
{
	struct cut *c = opaque;
	unsigned int k = c->first + c->n++;

	if (k >= c->r->n || c->r->len[k] != len || memcmp(c->r->f[k], seg, len))
		c->same = false;
}

/*
 * Out o (the run's segments first..first+n joined): its header, its
 * IP header's checksum and lengths, the pseudo-header's sum in its TCP
 * checksum field, a whole TCP checksum once filled in, and cut again
 * the very segments that went in.
 */
static void check_large(struct unit *u, const struct out *o, const struct run *r,
			unsigned int first, unsigned int n, bool v6)
{
	static uint8_t seg[NET_GSO_SEG_MAX];
	size_t l4 = v6 ? 54 : 34, hl = (size_t)(r->f[first][l4 + 12] >> 4) * 4;
	struct cut c = { .r = r, .first = first, .same = true };
	const uint8_t *ip = o->f + 14;
	uint8_t *copy = malloc(o->len);
	size_t tl = o->len - l4;

	CHECK_EQ(u, o->h.gso_type, v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4);
	CHECK_EQ(u, o->h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	CHECK_EQ(u, o->h.gso_size, r->len[first] - l4 - hl);
	CHECK_EQ(u, o->h.csum_start, l4);
	CHECK_EQ(u, o->h.csum_offset, 16);
	CHECK_EQ(u, o->h.hdr_len, l4 + hl);
	if (v6) {
		CHECK_EQ(u, be16(ip + 4), tl);
	} else {
		CHECK_EQ(u, be16(ip + 2), o->len - 14);
		CHECK_EQ(u, ref_sum(&ip, (size_t[]){ 20 }, 1), 0xffff);
	}
	CHECK_EQ(u, be16(o->f + l4 + 16), ref_pseudo(o->f, v6, tl));
	memcpy(copy, o->f, o->len);
	CHECK_EQ(u, net_csum_fill(copy, o->len, &o->h), 0);
	{
		uint16_t ps = ref_pseudo(copy, v6, tl);
		const uint8_t *parts[2] = { (uint8_t[2]){ ps >> 8, ps & 0xff }, copy + l4 };

		CHECK_EQ(u, ref_sum(parts, (size_t[]){ 2, tl }, 2), 0xffff);
	}
	free(copy);
	CHECK_EQ(u, net_gso_segment(o->f, o->len, &o->h, seg, cut_emit, &c), n);
	CHECK(u, c.same && c.n == n);
}

/* Out o is the run's frame k, untouched, with a zero header. */
static void check_plain(struct unit *u, const struct out *o, const struct run *r, unsigned int k)
{
	CHECK_EQ(u, o->h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	CHECK_EQ(u, o->h.flags, 0);
	CHECK(u, o->len == r->len[k] && !memcmp(o->f, r->f[k], o->len));
}

static void feed(struct net_gro *g, const struct run *r)
{
	for (unsigned int i = 0; i < r->n; i++)
		net_gro_add(g, r->f[i], r->len[i]);
	net_gro_flush(g);
}

/* n segments of MSS (the last last_pay, with PSH): one large frame. */
static void test_join(struct unit *u, bool v6, size_t opt, unsigned int n, size_t last_pay)
{
	static struct net_gro g;
	static struct run r;
	struct outs o = { .n = 0 };
	unsigned int i;

	r.n = 0;
	for (i = 0; i < n; i++)
		run_add(&r, &(struct seg_spec){ .v6 = v6, .seq = i * MSS,
			.pay = i + 1 < n ? MSS : last_pay, .flags = i + 1 < n ? 0x10 : 0x18,
			.id = 0x4321 + i, .opt = opt, .opt_byte = 1 });
	net_gro_init(&g, collect, &o);
	net_gro_set_types(&g, NET_GRO_TCPV4 | NET_GRO_TCPV6);
	feed(&g, &r);
	CHECK_EQ(u, o.n, 1);
	if (o.n == 1)
		check_large(u, &o.o[0], &r, 0, n, v6);
	CHECK_EQ(u, g.joined, n);
	CHECK_EQ(u, g.large, 1);
	outs_free(&o);
}

/* Past 64 KiB of IP: two large frames, neither over 65535 bytes of IP. */
static void test_limit(struct unit *u)
{
	static struct net_gro g;
	static struct run r;
	struct outs o = { .n = 0 };
	unsigned int i, per = (65535 - 40) / MSS;

	/* 45 fit one frame: a 46th starts the next. */
	r.n = 0;
	for (i = 0; i < per + 3; i++)
		run_add(&r, &(struct seg_spec){ .seq = i * MSS, .pay = MSS, .flags = 0x10,
			.id = i });
	net_gro_init(&g, collect, &o);
	net_gro_set_types(&g, NET_GRO_TCPV4);
	feed(&g, &r);
	CHECK_EQ(u, per, 45);
	CHECK_EQ(u, o.n, 2);
	if (o.n == 2) {
		CHECK_EQ(u, o.o[0].len, 34 + 20 + per * MSS);
		CHECK(u, o.o[0].len - 14 <= 65535);
		check_large(u, &o.o[0], &r, 0, per, false);
		check_large(u, &o.o[1], &r, per, 3, false);
	}
	outs_free(&o);
}

/*
 * Two segments, the second changed by change(): never joined, both
 * out as they came, in order.
 */
typedef void (*change_fn)(struct seg_spec *s);

static void ch_gap(struct seg_spec *s) { s->seq += 1; }
static void ch_back(struct seg_spec *s) { s->seq -= MSS; }
static void ch_syn(struct seg_spec *s) { s->flags |= 0x02; }
static void ch_fin(struct seg_spec *s) { s->flags |= 0x01; }
static void ch_rst(struct seg_spec *s) { s->flags |= 0x04; }
static void ch_urg(struct seg_spec *s) { s->flags |= 0x20; }
static void ch_ece(struct seg_spec *s) { s->flags |= 0x40; }
static void ch_cwr(struct seg_spec *s) { s->flags |= 0x80; }
static void ch_noack(struct seg_spec *s) { s->flags = 0x08; }
static void ch_opt(struct seg_spec *s) { s->opt_byte = 9; }
static void ch_optlen(struct seg_spec *s) { s->opt = 0; }
static void ch_port(struct seg_spec *s) { s->sport = 0x41; }
static void ch_bigger(struct seg_spec *s) { s->pay = MSS + 1; }
static void ch_empty(struct seg_spec *s) { s->pay = 0; }
static void ch_v6(struct seg_spec *s) { s->v6 = true; }

static void test_refuse(struct unit *u, change_fn change, const char *what)
{
	static struct net_gro g;
	static struct run r;
	struct outs o = { .n = 0 };
	struct seg_spec s = { .seq = 0, .pay = MSS, .flags = 0x10, .opt = 12, .opt_byte = 1 };

	r.n = 0;
	run_add(&r, &s);
	s.seq += MSS;
	s.id++;
	change(&s);
	run_add(&r, &s);
	net_gro_init(&g, collect, &o);
	net_gro_set_types(&g, NET_GRO_TCPV4 | NET_GRO_TCPV6);
	feed(&g, &r);
	CHECK_EQ(u, o.n, 2);
	if (o.n != 2) {
		fprintf(stderr, "  (joined: %s)\n", what);
	} else {
		check_plain(u, &o.o[0], &r, 0);
		check_plain(u, &o.o[1], &r, 1);
	}
	outs_free(&o);
}

/* A frame changed in place after it was made (ack, window, IP fields, padding). */
static void test_refuse_raw(struct unit *u, size_t at, uint8_t xor, size_t pad, unsigned int types)
{
	static struct net_gro g;
	static struct run r;
	struct outs o = { .n = 0 };

	r.n = 0;
	run_add(&r, &(struct seg_spec){ .pay = MSS, .flags = 0x10 });
	run_add(&r, &(struct seg_spec){ .seq = MSS, .pay = MSS, .flags = 0x10, .id = 1 });
	r.f[1][at] ^= xor;
	memset(r.f[1] + r.len[1], 0, pad);
	r.len[1] += pad;
	net_gro_init(&g, collect, &o);
	net_gro_set_types(&g, types);
	feed(&g, &r);
	CHECK_EQ(u, o.n, 2);
	if (o.n == 2) {
		check_plain(u, &o.o[0], &r, 0);
		check_plain(u, &o.o[1], &r, 1);
	}
	outs_free(&o);
}

/*
 * Order kept: A1 A2 B1 A3 (B another flow) and an ARP frame: A1+A2
 * joined, then B1, A3, the ARP frame as they came; a short segment
 * ends a run (the next one, contiguous, goes alone); PSH ends it.
 */
static void test_order(struct unit *u)
{
	static struct net_gro g;
	static struct run r;
	struct outs o = { .n = 0 };
	uint8_t arp[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06 };

	r.n = 0;
	run_add(&r, &(struct seg_spec){ .seq = 0, .pay = MSS, .flags = 0x10 });
	run_add(&r, &(struct seg_spec){ .seq = MSS, .pay = MSS, .flags = 0x10, .id = 1 });
	run_add(&r, &(struct seg_spec){ .seq = 0, .pay = 100, .flags = 0x10, .sport = 7 });
	run_add(&r, &(struct seg_spec){ .seq = 2 * MSS, .pay = MSS, .flags = 0x10, .id = 2 });
	memcpy(r.f[r.n], arp, sizeof(arp));
	r.len[r.n++] = sizeof(arp);
	net_gro_init(&g, collect, &o);
	net_gro_set_types(&g, NET_GRO_TCPV4);
	feed(&g, &r);
	CHECK_EQ(u, o.n, 4);
	if (o.n == 4) {
		check_large(u, &o.o[0], &r, 0, 2, false);
		check_plain(u, &o.o[1], &r, 2);
		check_plain(u, &o.o[2], &r, 3);
		check_plain(u, &o.o[3], &r, 4);
	}
	outs_free(&o);

	/* 1448, 1000, 1448: the third does not join the short second. */
	r.n = 0;
	run_add(&r, &(struct seg_spec){ .seq = 0, .pay = MSS, .flags = 0x10 });
	run_add(&r, &(struct seg_spec){ .seq = MSS, .pay = 1000, .flags = 0x10, .id = 1 });
	run_add(&r, &(struct seg_spec){ .seq = MSS + 1000, .pay = MSS, .flags = 0x10, .id = 2 });
	/* With PSH: it joins the third, and ends the run. */
	run_add(&r, &(struct seg_spec){ .seq = 2 * MSS + 1000, .pay = MSS, .flags = 0x18, .id = 3 });
	net_gro_init(&g, collect, &o);
	net_gro_set_types(&g, NET_GRO_TCPV4);
	feed(&g, &r);
	CHECK_EQ(u, o.n, 2);
	if (o.n == 2) {
		check_large(u, &o.o[0], &r, 0, 2, false);
		/* The third and the PSH one join: contiguous, same size. */
		check_large(u, &o.o[1], &r, 2, 2, false);
	}
	outs_free(&o);
}

/* Nothing joined without types, nor after they are taken back. */
static void test_types(struct unit *u)
{
	static struct net_gro g;
	static struct run r;
	struct outs o = { .n = 0 };

	r.n = 0;
	run_add(&r, &(struct seg_spec){ .seq = 0, .pay = MSS, .flags = 0x10 });
	run_add(&r, &(struct seg_spec){ .seq = MSS, .pay = MSS, .flags = 0x10, .id = 1 });
	net_gro_init(&g, collect, &o);
	feed(&g, &r);
	CHECK_EQ(u, o.n, 2);
	outs_free(&o);
	net_gro_set_types(&g, NET_GRO_TCPV6);
	feed(&g, &r);
	CHECK_EQ(u, o.n, 2);
	outs_free(&o);
	/* Held when the types change: sent (joined) before the change. */
	net_gro_set_types(&g, NET_GRO_TCPV4);
	net_gro_add(&g, r.f[0], r.len[0]);
	net_gro_add(&g, r.f[1], r.len[1]);
	CHECK_EQ(u, o.n, 0);
	net_gro_set_types(&g, 0);
	CHECK_EQ(u, o.n, 1);
	feed(&g, &r);
	CHECK_EQ(u, o.n, 3);
	outs_free(&o);
	/* Truncated and odd frames pass untouched. */
	net_gro_set_types(&g, NET_GRO_TCPV4 | NET_GRO_TCPV6);
	for (size_t len = 0; len < 60; len++)
		net_gro_add(&g, r.f[0], len);
	net_gro_flush(&g);
	CHECK_EQ(u, o.n, 60);
	outs_free(&o);
}

int main(void)
{
	static const struct { change_fn fn; const char *what; } refuse[] = {
		{ ch_gap, "a gap" }, { ch_back, "a resent segment" }, { ch_syn, "SYN" },
		{ ch_fin, "FIN" }, { ch_rst, "RST" }, { ch_urg, "URG" }, { ch_ece, "ECE" },
		{ ch_cwr, "CWR" }, { ch_noack, "no ACK" }, { ch_opt, "other options" },
		{ ch_optlen, "no options" }, { ch_port, "another port" },
		{ ch_bigger, "a larger payload" }, { ch_empty, "no payload" },
		{ ch_v6, "IPv6 after IPv4" },
	};
	struct unit u = { 0 };
	unsigned int i;

	test_join(&u, false, 0, 2, MSS);
	test_join(&u, false, 12, 5, 700);
	test_join(&u, true, 0, 7, 1);
	test_join(&u, true, 12, 45, MSS);
	test_join(&u, false, 0, 45, MSS);
	test_limit(&u);
	for (i = 0; i < sizeof(refuse) / sizeof(refuse[0]); i++)
		test_refuse(&u, refuse[i].fn, refuse[i].what);
	test_refuse_raw(&u, 34 + 8, 1, 0, NET_GRO_TCPV4);	/* ack */
	test_refuse_raw(&u, 34 + 15, 1, 0, NET_GRO_TCPV4);	/* window */
	test_refuse_raw(&u, 34 + 19, 8, 0, NET_GRO_TCPV4);	/* urgent pointer, URG clear */
	test_refuse_raw(&u, 15, 4, 0, NET_GRO_TCPV4);		/* TOS */
	test_refuse_raw(&u, 22, 1, 0, NET_GRO_TCPV4);		/* TTL */
	test_refuse_raw(&u, 29, 1, 0, NET_GRO_TCPV4);		/* source address */
	test_refuse_raw(&u, 20, 0x20, 0, NET_GRO_TCPV4);	/* more fragments */
	test_refuse_raw(&u, 5, 1, 0, NET_GRO_TCPV4);		/* another MAC */
	test_refuse_raw(&u, 14, 3, 0, NET_GRO_TCPV4);		/* IPv4 options */
	test_refuse_raw(&u, 0, 0, 6, NET_GRO_TCPV4);		/* padding after the packet */
	test_refuse_raw(&u, 0, 0, 0, NET_GRO_TCPV6);		/* IPv4 not taken */
	test_order(&u);
	test_types(&u);
	return unit_done(&u, "test-net-gro");
}
