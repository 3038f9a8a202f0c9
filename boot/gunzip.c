// SPDX-License-Identifier: GPL-2.0
/*
 * Inflate: stored, fixed and dynamic Huffman blocks. Codes are decoded
 * a bit at a time against the canonical code's counts per length,
 * which needs no table beyond the symbols in code order; fast enough
 * for a kernel once per boot.
 */
#include <errno.h>
#include <string.h>

#include "boot/gunzip.h"

#define MAXBITS		15
#define NLITLEN		288
#define NDIST		30

struct inflate {
	const uint8_t *in;
	size_t len, pos;
	uint32_t bitbuf;
	unsigned int bitcnt;
	uint8_t *out;
	size_t out_len, out_pos;
	int err;
};

struct huff {
	uint16_t count[MAXBITS + 1];
	uint16_t sym[NLITLEN];
};

static unsigned int bits(struct inflate *s, unsigned int n)
{
	uint32_t v;

	while (s->bitcnt < n) {
		if (s->pos == s->len) {
			s->err = -EINVAL;
			return 0;
		}
		s->bitbuf |= (uint32_t)s->in[s->pos++] << s->bitcnt;
		s->bitcnt += 8;
	}
	v = s->bitbuf & ((1U << n) - 1);
	s->bitbuf >>= n;
	s->bitcnt -= n;
	return v;
}

/* Canonical code from lengths; an over-subscribed set is corrupt. */
static int huff_build(struct huff *h, const uint8_t *len, unsigned int n)
{
	uint16_t offs[MAXBITS + 1];
	unsigned int i;
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (i = 0; i < n; i++)
		h->count[len[i]]++;
	for (i = 1; i <= MAXBITS; i++) {
		left = left * 2 - h->count[i];
		if (left < 0)
			return -EINVAL;
	}
	offs[1] = 0;
	for (i = 1; i < MAXBITS; i++)
		offs[i + 1] = offs[i] + h->count[i];
	for (i = 0; i < n; i++)
		if (len[i])
			h->sym[offs[len[i]]++] = i;
	return 0;
}

static int decode(struct inflate *s, const struct huff *h)
{
	int code = 0, first = 0, index = 0, count;
	unsigned int len;

	for (len = 1; len <= MAXBITS; len++) {
		code |= bits(s, 1);
		if (s->err)
			return -1;
		count = h->count[len];
		if (code - first < count)
			return h->sym[index + code - first];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	s->err = -EINVAL;
	return -1;
}

static int stored(struct inflate *s)
{
	unsigned int n;

	s->bitbuf = 0;
	s->bitcnt = 0;
	if (s->len - s->pos < 4)
		return -EINVAL;
	n = s->in[s->pos] | s->in[s->pos + 1] << 8;
	if ((n ^ 0xffff) != (unsigned int)(s->in[s->pos + 2] | s->in[s->pos + 3] << 8))
		return -EINVAL;
	s->pos += 4;
	if (s->len - s->pos < n)
		return -EINVAL;
	if (s->out_len - s->out_pos < n)
		return -E2BIG;
	memcpy(s->out + s->out_pos, s->in + s->pos, n);
	s->pos += n;
	s->out_pos += n;
	return 0;
}

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

static int codes(struct inflate *s, const struct huff *lit, const struct huff *dist)
{
	unsigned int n, d;
	int sym;

	for (;;) {
		sym = decode(s, lit);
		if (sym < 0)
			return s->err;
		if (sym == 256)
			return 0;
		if (sym < 256) {
			if (s->out_pos == s->out_len)
				return -E2BIG;
			s->out[s->out_pos++] = sym;
			continue;
		}
		sym -= 257;
		if (sym >= 29)
			return -EINVAL;
		n = len_base[sym] + bits(s, len_extra[sym]);
		sym = decode(s, dist);
		if (sym < 0 || sym >= NDIST)
			return -EINVAL;
		d = dist_base[sym] + bits(s, dist_extra[sym]);
		if (s->err || d > s->out_pos)
			return -EINVAL;
		if (s->out_len - s->out_pos < n)
			return -E2BIG;
		for (; n; n--, s->out_pos++)
			s->out[s->out_pos] = s->out[s->out_pos - d];
	}
}

static int fixed(struct inflate *s)
{
	struct huff lit, dist;
	uint8_t len[NLITLEN];
	unsigned int i;

	for (i = 0; i < NLITLEN; i++)
		len[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
	huff_build(&lit, len, NLITLEN);
	memset(len, 5, NDIST);
	huff_build(&dist, len, NDIST);
	return codes(s, &lit, &dist);
}

static const uint8_t clen_order[19] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

/* The code lengths of a dynamic block, run-length coded by a code of their own. */
static int dyn_lengths(struct inflate *s, uint8_t *len, unsigned int nlen)
{
	unsigned int ncode = bits(s, 4) + 4, i = 0, rep, v;
	uint8_t clen[19] = { 0 };
	struct huff h;
	int sym;

	for (v = 0; v < ncode; v++)
		clen[clen_order[v]] = bits(s, 3);
	if (s->err || huff_build(&h, clen, 19))
		return -EINVAL;
	while (i < nlen) {
		sym = decode(s, &h);
		if (sym < 0)
			return -EINVAL;
		if (sym < 16) {
			len[i++] = sym;
			continue;
		}
		if (sym == 16 && !i)
			return -EINVAL;
		v = sym == 16 ? len[i - 1] : 0;
		rep = sym == 16 ? 3 + bits(s, 2) : sym == 17 ? 3 + bits(s, 3) : 11 + bits(s, 7);
		if (s->err || i + rep > nlen)
			return -EINVAL;
		while (rep--)
			len[i++] = v;
	}
	return len[256] ? 0 : -EINVAL;	/* a block must be able to end */
}

static int dynamic(struct inflate *s)
{
	unsigned int nlit = bits(s, 5) + 257, ndist = bits(s, 5) + 1;
	uint8_t len[NLITLEN + NDIST];
	struct huff lit, dist;

	if (s->err || nlit > 286 || ndist > NDIST)
		return -EINVAL;
	if (dyn_lengths(s, len, nlit + ndist) ||
	    huff_build(&lit, len, nlit) || huff_build(&dist, len + nlit, ndist))
		return -EINVAL;
	return codes(s, &lit, &dist);
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	unsigned int k;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Past the header's optional fields: where deflate starts, or 0. */
static size_t gzip_header(const uint8_t *in, size_t len)
{
	size_t pos = 10;
	uint8_t flg;

	if (len < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8 || (in[3] & 0xe0))
		return 0;
	flg = in[3];
	if (flg & 4) {		/* FEXTRA */
		if (len - pos < 2)
			return 0;
		pos += 2 + (in[pos] | in[pos + 1] << 8);
	}
	for (int f = 8; f <= 16; f <<= 1) {	/* FNAME, FCOMMENT: NUL-ended */
		if (!(flg & f))
			continue;
		while (pos < len && in[pos])
			pos++;
		pos++;
	}
	if (flg & 2)		/* FHCRC */
		pos += 2;
	return pos + 8 <= len ? pos : 0;
}

long long gunzip_size(const uint8_t *in, size_t len)
{
	uint32_t isize;

	if (!gzip_header(in, len))
		return -EINVAL;
	isize = le32(in + len - 4);
	return isize <= GUNZIP_MAX ? (long long)isize : -EINVAL;
}

long long gunzip(const uint8_t *in, size_t len, uint8_t *out, size_t out_len)
{
	struct inflate s = { .in = in, .out = out, .out_len = out_len };
	size_t start = gzip_header(in, len);
	unsigned int last, type;
	int ret = 0;

	if (!start)
		return -EINVAL;
	s.pos = start;
	s.len = len - 8;
	do {
		last = bits(&s, 1);
		type = bits(&s, 2);
		if (s.err)
			return s.err;
		ret = type == 0 ? stored(&s) : type == 1 ? fixed(&s) :
		      type == 2 ? dynamic(&s) : -EINVAL;
	} while (!ret && !last);
	if (ret)
		return ret;
	if (crc32_update(0, out, s.out_pos) != le32(in + len - 8) ||
	    (uint32_t)s.out_pos != le32(in + len - 4))
		return -EINVAL;
	return s.out_pos;
}
