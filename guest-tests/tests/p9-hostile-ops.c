// SPDX-License-Identifier: GPL-2.0
/*
 * p9-hostile's hostile requests: 9P2000.L messages whose size field
 * lies, whose strings run past the end or are longer than any name,
 * of unknown types, on fids in use or long clunked, walks of 1,000
 * names and of ".." chains, reads and writes of huge counts at huge
 * offsets, files created and written in the share, plain junk; each
 * maybe in a chain cut at random (zero-length segments too), with the
 * reply buffer too small, missing, read-only or before the request.
 *
 * Names the requests create or walk to are h0..h7 (and ".."): never
 * the host's test file, which the well-behaved sessions read.
 */
#include "guest.h"
#include "rand.h"
#include "p9-hostile.h"

const char *const p9h_op_names[NR_P9H_OPS] = {
	"size-lie", "bad-string", "unknown-type", "fid-reuse", "long-walk",
	"dotdot", "huge-io", "create-write", "junk",
};
u32 p9h_op_count[NR_P9H_OPS];
u32 p9h_chain_games, p9h_timeouts, p9h_lerrors, p9h_replies;

#define NAMES		8
#define FIDS		12

static u32 rand_fid(void)
{
	if (rnd_pct(5))
		return P9_NOFID;
	return rnd_below(FIDS);
}

static const char *rand_name(void)
{
	static const char *const names[NAMES] = {
		"h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7",
	};

	return rnd_pct(10) ? ".." : names[rnd_below(NAMES)];
}

static void start(struct p9msg *m, u8 type)
{
	pm_init(m, p9h_req, P9H_BUF, type, rnd_below(4) ? rnd_below(8) : 0xffff);
}

static void op_size_lie(struct p9msg *m)
{
	static const u32 sizes[] = { 0, 1, 4, 7, 8, 0x10000, 0x7fffffff, 0xffffffff };
	u32 size;

	start(m, P9_TGETATTR);
	pm_u32(m, rand_fid());
	pm_u64(m, 0x3fff);
	size = rnd_pct(50) ? sizes[rnd_below(8)] : m->len + rnd_below(64) - 32;
	m->buf[0] = size;
	m->buf[1] = size >> 8;
	m->buf[2] = size >> 16;
	m->buf[3] = size >> 24;
}

static void op_bad_string(struct p9msg *m)
{
	u32 i, n, fill;

	start(m, rnd_pct(50) ? P9_TWALK : P9_TATTACH);
	pm_u32(m, rand_fid());
	pm_u32(m, rand_fid());
	if (m->buf[4] == P9_TWALK)
		pm_u16(m, 1 + rnd_below(3));
	else
		pm_str(m, "root");
	/* A string's length beyond the message, or a long one. */
	n = rnd_pct(50) ? 0xffff : 256 + rnd_below(4096);
	fill = rnd_pct(50) ? n : rnd_below(16);
	pm_u16(m, n);
	for (i = 0; i < fill; i++)
		pm_u8(m, rnd_pct(3) ? '/' : 'a' + rnd_below(26));
	pm_done(m);
}

static void op_unknown_type(struct p9msg *m)
{
	u32 i, n = rnd_below(64);

	/* Even types are T-messages; R-messages and the rest too. */
	start(m, rnd_below(256));
	for (i = 0; i < n; i++)
		pm_u8(m, rnd());
	pm_done(m);
}

/* Attach or walk onto a fid maybe in use, clunk one maybe gone, use it. */
static void op_fid_reuse(struct p9msg *m)
{
	switch (rnd_below(4)) {
	case 0:
		start(m, P9_TATTACH);
		pm_u32(m, rand_fid());
		pm_u32(m, P9_NOFID);
		pm_str(m, "root");
		pm_str(m, "");
		pm_u32(m, rnd_below(2) ? 0 : rnd());
		break;
	case 1:
		start(m, P9_TWALK);
		pm_u32(m, rand_fid());
		pm_u32(m, rand_fid());
		pm_u16(m, rnd_below(2));
		pm_str(m, rand_name());
		break;
	case 2:
		start(m, P9_TCLUNK);
		pm_u32(m, rand_fid());
		break;
	default:
		start(m, P9_TREADDIR);
		pm_u32(m, rand_fid());
		pm_u64(m, rnd_pct(50) ? 0 : rnd());
		pm_u32(m, rnd_pct(50) ? 4096 : rnd());
		break;
	}
	pm_done(m);
}

static void op_walk(struct p9msg *m, bool dotdot)
{
	u32 i, n = dotdot ? 1 + rnd_below(16) : 1000;

	start(m, P9_TWALK);
	pm_u32(m, rand_fid());
	pm_u32(m, rand_fid());
	pm_u16(m, n);
	for (i = 0; i < n; i++)
		pm_str(m, dotdot ? ".." : rand_name());
	pm_done(m);
}

static u64 huge(void)
{
	switch (rnd_below(4)) {
	case 0:	return ~0UL;
	case 1:	return 1UL << (32 + rnd_below(32));
	case 2:	return 0x7fffffffffffffffUL - rnd_below(4096);
	default: return rnd_below(1 << 20);
	}
}

static void op_huge_io(struct p9msg *m)
{
	u32 i, n = rnd_below(256);

	start(m, rnd_pct(50) ? P9_TREAD : P9_TWRITE);
	pm_u32(m, rand_fid());
	pm_u64(m, huge());
	/* The count: huge, or more than the data that follows. */
	pm_u32(m, rnd_pct(50) ? 0xffffffff : n + rnd_below(1 << 20));
	if (m->buf[4] == P9_TWRITE)
		for (i = 0; i < n; i++)
			pm_u8(m, rnd());
	pm_done(m);
}

static void op_create_write(struct p9msg *m)
{
	u32 i, n = rnd_below(128);

	if (rnd_pct(50)) {
		start(m, P9_TLCREATE);
		pm_u32(m, rand_fid());
		pm_str(m, rand_name());
		pm_u32(m, 0x42);	/* O_RDWR | O_CREAT */
		pm_u32(m, 0644);
		pm_u32(m, 0);
	} else {
		start(m, P9_TWRITE);
		pm_u32(m, rand_fid());
		pm_u64(m, rnd_below(1 << 16));
		pm_u32(m, n);
		for (i = 0; i < n; i++)
			pm_u8(m, rnd());
	}
	pm_done(m);
}

static void op_junk(struct p9msg *m)
{
	u32 i, n = rnd_below(512);

	m->buf = p9h_req;
	m->len = 0;
	m->cap = P9H_BUF;
	for (i = 0; i < n; i++)
		pm_u8(m, rnd());
}

/* Pieces of [addr, addr + len) into c, some of length 0. */
static void cut(struct p9chain *c, u64 addr, u32 len, bool in, int pieces)
{
	u32 part;

	while (pieces-- > 1 && c->n < P9H_MAX_SEGS - 2) {
		part = rnd_pct(25) ? 0 : rnd_below(len + 1);
		c->seg[c->n++] = (struct p9seg){ addr, part, in };
		addr += part;
		len -= part;
	}
	c->seg[c->n++] = (struct p9seg){ addr, len, in };
}

static void chain(struct p9chain *c, const struct p9msg *m)
{
	u32 out = m->len, rep = P9H_BUF;
	struct p9seg t;

	c->n = 0;
	if (!rnd_pct(40)) {
		cut(c, (u64)p9h_req, out, false, 1);
		cut(c, (u64)p9h_rep, rep, true, 1);
		return;
	}
	p9h_chain_games++;
	if (rnd_pct(20))
		out = rnd_pct(50) ? P9H_BUF : rnd_below(out + 1);
	cut(c, (u64)p9h_req, out, false, 1 + rnd_below(6));
	switch (rnd_below(5)) {
	case 0:		/* no reply buffer */
		return;
	case 1:		/* too small for any reply */
		rep = rnd_below(P9_HDR + 4);
		break;
	case 2:		/* read-only: another device-readable segment */
		c->seg[c->n++] = (struct p9seg){ (u64)p9h_rep, rep, false };
		return;
	case 3:		/* the reply before the request */
		t = c->seg[0];
		c->seg[0] = (struct p9seg){ (u64)p9h_rep, rep, true };
		c->seg[c->n++] = t;
		return;
	default:
		break;
	}
	cut(c, (u64)p9h_rep, rep, true, 1 + rnd_below(4));
}

int p9h_hostile_op(void)
{
	enum p9h_op op = rnd_below(NR_P9H_OPS);
	struct p9chain c;
	struct p9msg m;
	u32 len;
	int ret;

	switch (op) {
	case OP_SIZE_LIE:	op_size_lie(&m); break;
	case OP_BAD_STRING:	op_bad_string(&m); break;
	case OP_UNKNOWN_TYPE:	op_unknown_type(&m); break;
	case OP_FID_REUSE:	op_fid_reuse(&m); break;
	case OP_LONG_WALK:	op_walk(&m, false); break;
	case OP_DOTDOT:		op_walk(&m, true); break;
	case OP_HUGE_IO:	op_huge_io(&m); break;
	case OP_CREATE_WRITE:	op_create_write(&m); break;
	default:		op_junk(&m); break;
	}
	p9h_op_count[op]++;
	chain(&c, &m);
	ret = p9h_send(&c, &len);
	if (ret == -1) {
		p9h_timeouts++;
	} else if (!ret && len >= P9_HDR) {
		p9h_replies++;
		p9h_lerrors += p9h_rep[4] == P9_RLERROR;
	}
	return ret;
}
