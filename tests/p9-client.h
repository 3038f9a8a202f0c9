/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_P9_CLIENT_H
#define LKVM_TESTS_P9_CLIENT_H

/*
 * A minimal 9P2000.L client for the tests: builds a request with the
 * codec, hands it to the server and returns 0 or the Rlerror's errno
 * (-1 when the reply is not the expected one). The reply stays in
 * c->rep / c->r for the test to read further.
 */
#include <stdarg.h>
#include <string.h>

#include "devices/9p/p9-server.h"

struct p9c {
	struct p9_server *s;
	uint8_t req[P9_MSIZE_MAX], rep[P9_MSIZE_MAX];
	struct p9_buf q, r;
	uint8_t type;
	size_t rep_len;
};

static inline void p9c_begin(struct p9c *c, uint8_t type)
{
	p9_buf_init(&c->q, c->req, sizeof(c->req));
	p9_begin_reply(&c->q, type, 1);
	c->type = type;
}

static inline int p9c_send(struct p9c *c)
{
	size_t len = p9_end_reply(&c->q);
	struct p9_hdr h;

	c->rep_len = p9_server_handle(c->s, c->req, len, c->rep, sizeof(c->rep));
	p9_buf_init(&c->r, c->rep, c->rep_len);
	if (!p9_get_hdr(&c->r, &h) || h.tag != 1)
		return -1;
	if (h.type == P9_RLERROR)
		return p9_get_u32(&c->r);
	return h.type == c->type + 1 ? 0 : -1;
}

static inline void p9c_str(struct p9c *c, const char *s)
{
	p9_put_str(&c->q, s, strlen(s));
}

static inline int p9c_version(struct p9c *c, uint32_t msize, const char *v)
{
	p9c_begin(c, P9_TVERSION);
	p9_put_u32(&c->q, msize);
	p9c_str(c, v);
	return p9c_send(c);
}

static inline int p9c_attach(struct p9c *c, uint32_t fid)
{
	p9c_begin(c, P9_TATTACH);
	p9_put_u32(&c->q, fid);
	p9_put_u32(&c->q, P9_NOFID);
	p9c_str(c, "root");
	p9c_str(c, "");
	p9_put_u32(&c->q, 0);
	return p9c_send(c);
}

/* Walks the names of path (split on '/'); *nwalked gets Rwalk's count. */
static inline int p9c_walk(struct p9c *c, uint32_t fid, uint32_t newfid,
			   const char *path, int *nwalked)
{
	char buf[4096], *save, *n;
	uint16_t count = 0;
	size_t at;
	int ret;

	p9c_begin(c, P9_TWALK);
	p9_put_u32(&c->q, fid);
	p9_put_u32(&c->q, newfid);
	at = c->q.pos;
	p9_put_u16(&c->q, 0);
	snprintf(buf, sizeof(buf), "%s", path);
	for (n = strtok_r(buf, "/", &save); n; n = strtok_r(NULL, "/", &save)) {
		p9c_str(c, n);
		count++;
	}
	c->req[at] = count;
	c->req[at + 1] = count >> 8;
	ret = p9c_send(c);
	if (nwalked)
		*nwalked = ret ? -1 : p9_get_u16(&c->r);
	return ret;
}

static inline int p9c_lopen(struct p9c *c, uint32_t fid, uint32_t flags)
{
	p9c_begin(c, P9_TLOPEN);
	p9_put_u32(&c->q, fid);
	p9_put_u32(&c->q, flags);
	return p9c_send(c);
}

static inline int p9c_lcreate(struct p9c *c, uint32_t fid, const char *name,
			      uint32_t flags, uint32_t mode)
{
	p9c_begin(c, P9_TLCREATE);
	p9_put_u32(&c->q, fid);
	p9c_str(c, name);
	p9_put_u32(&c->q, flags);
	p9_put_u32(&c->q, mode);
	p9_put_u32(&c->q, 0);
	return p9c_send(c);
}

static inline int p9c_write(struct p9c *c, uint32_t fid, uint64_t off,
			    const void *data, uint32_t len)
{
	p9c_begin(c, P9_TWRITE);
	p9_put_u32(&c->q, fid);
	p9_put_u64(&c->q, off);
	p9_put_u32(&c->q, len);
	memcpy(p9_put_space(&c->q, len), data, len);
	return p9c_send(c);
}

/* Reads into buf; returns the count, or -errno. */
static inline int p9c_read(struct p9c *c, uint32_t fid, uint64_t off,
			   void *buf, uint32_t len)
{
	uint32_t n;
	int ret;

	p9c_begin(c, P9_TREAD);
	p9_put_u32(&c->q, fid);
	p9_put_u64(&c->q, off);
	p9_put_u32(&c->q, len);
	ret = p9c_send(c);
	if (ret)
		return -ret;
	n = p9_get_u32(&c->r);
	if (n > len)
		return -1000;
	memcpy(buf, p9_get_bytes(&c->r, n), n);
	return n;
}

static inline int p9c_fid_op(struct p9c *c, uint8_t type, uint32_t fid)
{
	p9c_begin(c, type);
	p9_put_u32(&c->q, fid);
	return p9c_send(c);
}

static inline int p9c_dir_name(struct p9c *c, uint8_t type, uint32_t dfid,
			       const char *name)
{
	p9c_begin(c, type);
	p9_put_u32(&c->q, dfid);
	p9c_str(c, name);
	return 0;
}

#endif
