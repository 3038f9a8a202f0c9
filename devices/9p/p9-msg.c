// SPDX-License-Identifier: GPL-2.0
/* The 9P2000.L codec: fields from and to a bounded buffer. */
#include <string.h>

#include "devices/9p/p9-msg.h"

/* n bytes to read, or NULL with err set; nothing is read past size. */
static const uint8_t *take(struct p9_buf *b, size_t n)
{
	const uint8_t *p;

	if (b->err || n > b->size - b->pos) {
		b->err = true;
		return NULL;
	}
	p = b->data + b->pos;
	b->pos += n;
	return p;
}

static uint64_t get_le(struct p9_buf *b, unsigned int n)
{
	const uint8_t *p = take(b, n);
	uint64_t v = 0;

	if (!p)
		return 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

uint8_t p9_get_u8(struct p9_buf *b)
{
	return get_le(b, 1);
}

uint16_t p9_get_u16(struct p9_buf *b)
{
	return get_le(b, 2);
}

uint32_t p9_get_u32(struct p9_buf *b)
{
	return get_le(b, 4);
}

uint64_t p9_get_u64(struct p9_buf *b)
{
	return get_le(b, 8);
}

const uint8_t *p9_get_bytes(struct p9_buf *b, size_t n)
{
	return take(b, n);
}

size_t p9_get_str(struct p9_buf *b, char *out, size_t out_size)
{
	size_t len = p9_get_u16(b);
	const uint8_t *p;

	out[0] = '\0';
	if (len >= out_size) {
		b->err = true;
		return 0;
	}
	p = take(b, len);
	if (!p)
		return 0;
	if (memchr(p, '\0', len)) {
		b->err = true;
		return 0;
	}
	memcpy(out, p, len);
	out[len] = '\0';
	return len;
}

uint8_t *p9_put_space(struct p9_buf *b, size_t n)
{
	uint8_t *p;

	if (b->err || n > b->size - b->pos) {
		b->err = true;
		return NULL;
	}
	p = b->data + b->pos;
	b->pos += n;
	return p;
}

static void put_le(struct p9_buf *b, uint64_t v, unsigned int n)
{
	uint8_t *p = p9_put_space(b, n);
	unsigned int i;

	if (!p)
		return;
	for (i = 0; i < n; i++, v >>= 8)
		p[i] = v;
}

void p9_put_u8(struct p9_buf *b, uint8_t v)
{
	put_le(b, v, 1);
}

void p9_put_u16(struct p9_buf *b, uint16_t v)
{
	put_le(b, v, 2);
}

void p9_put_u32(struct p9_buf *b, uint32_t v)
{
	put_le(b, v, 4);
}

void p9_put_u64(struct p9_buf *b, uint64_t v)
{
	put_le(b, v, 8);
}

void p9_put_str(struct p9_buf *b, const char *s, size_t len)
{
	uint8_t *p;

	if (len > 0xffff) {
		b->err = true;
		return;
	}
	p9_put_u16(b, len);
	p = p9_put_space(b, len);
	if (p)
		memcpy(p, s, len);
}

void p9_put_qid(struct p9_buf *b, const struct p9_qid *q)
{
	p9_put_u8(b, q->type);
	p9_put_u32(b, q->version);
	p9_put_u64(b, q->path);
}

bool p9_get_hdr(struct p9_buf *b, struct p9_hdr *h)
{
	h->size = p9_get_u32(b);
	h->type = p9_get_u8(b);
	h->tag = p9_get_u16(b);
	if (b->err || h->size < P9_HDR_SIZE || h->size > b->size)
		return false;
	/* The message ends where it says, whatever the buffer holds after. */
	b->size = h->size;
	return true;
}

void p9_begin_reply(struct p9_buf *b, uint8_t type, uint16_t tag)
{
	b->pos = 0;
	b->err = false;
	p9_put_u32(b, 0);
	p9_put_u8(b, type);
	p9_put_u16(b, tag);
}

size_t p9_end_reply(struct p9_buf *b)
{
	return p9_end_reply_data(b, 0);
}

size_t p9_end_reply_data(struct p9_buf *b, size_t tail)
{
	size_t len = b->pos;

	if (b->err)
		return 0;
	b->pos = 0;
	p9_put_u32(b, len + tail);
	b->pos = len;
	return len + tail;
}

bool p9_name_ok(const char *name)
{
	return name[0] && !strchr(name, '/');
}
