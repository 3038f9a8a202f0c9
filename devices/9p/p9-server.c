// SPDX-License-Identifier: GPL-2.0
/* The 9P2000.L server: each request parsed, served, answered. */
#include <errno.h>
#include <string.h>

#include "devices/9p/p9-request.h"
#include "lib/iov.h"
#include "lib/util.h"

#define P9_VERSION	"9P2000.L"

static int p9_version(struct p9_ctx *c)
{
	uint32_t msize = p9_get_u32(&c->req);
	char ver[32];

	p9_get_str(&c->req, ver, sizeof(ver));
	if (c->req.err)
		strcpy(ver, "");
	if (msize < P9_MSIZE_MIN)
		return -EINVAL;
	if (msize > P9_MSIZE_MAX)
		msize = P9_MSIZE_MAX;
	/* A new session: every fid of the old one goes. */
	p9_fs_reset(&c->s->fs);
	c->s->msize = msize;
	c->req.err = false;
	p9_reply(c);
	p9_put_u32(&c->rep, msize);
	if (!strcmp(ver, P9_VERSION))
		p9_put_str(&c->rep, P9_VERSION, strlen(P9_VERSION));
	else
		p9_put_str(&c->rep, "unknown", 7);
	return 0;
}

static int p9_attach(struct p9_ctx *c)
{
	uint32_t fid = p9_get_u32(&c->req);
	char name[P9_STR_MAX];
	struct p9_qid q;
	int ret;

	p9_get_u32(&c->req);				/* afid */
	p9_get_str(&c->req, name, sizeof(name));	/* uname */
	p9_get_str(&c->req, name, sizeof(name));	/* aname: one tree */
	if (c->req.err)
		return -EINVAL;
	ret = p9_fs_attach(&c->s->fs, fid, &q);
	if (ret)
		return ret;
	p9_reply(c);
	p9_put_qid(&c->rep, &q);
	return 0;
}

static int p9_walk(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	uint32_t newid = p9_get_u32(&c->req);
	uint16_t n = p9_get_u16(&c->req);
	char names[P9_MAXWELEM][P9_NAME_MAX + 1];
	struct p9_qid qids[P9_MAXWELEM];
	unsigned int i;
	int ret;

	if (n > P9_MAXWELEM)
		return -E2BIG;
	for (i = 0; i < n; i++)
		p9_get_str(&c->req, names[i], sizeof(names[i]));
	if (c->req.err)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!p9_name_ok(names[i]))
			return -EINVAL;
	if (!f)
		return -EBADF;
	ret = p9_fs_walk(&c->s->fs, f, newid, n, names, qids);
	if (ret < 0)
		return ret;
	p9_reply(c);
	p9_put_u16(&c->rep, ret);
	for (i = 0; i < (unsigned int)ret; i++)
		p9_put_qid(&c->rep, &qids[i]);
	return 0;
}

/* The largest payload of an Rread or Twrite at this msize. */
static uint32_t p9_iounit(struct p9_ctx *c)
{
	return c->s->msize - P9_HDR_SIZE - 4 - 20;
}

static int p9_lopen(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	uint32_t flags = p9_get_u32(&c->req);
	struct p9_qid q;
	int ret;

	if (!f)
		return -EBADF;
	ret = p9_fs_lopen(&c->s->fs, f, flags, &q);
	if (ret)
		return ret;
	p9_reply(c);
	p9_put_qid(&c->rep, &q);
	p9_put_u32(&c->rep, p9_iounit(c));
	return 0;
}

static int p9_lcreate(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	char name[P9_NAME_MAX + 1];
	uint32_t flags, mode;
	struct p9_qid q;
	int ret;

	p9_get_str(&c->req, name, sizeof(name));
	flags = p9_get_u32(&c->req);
	mode = p9_get_u32(&c->req);
	p9_get_u32(&c->req);				/* gid: ours */
	if (c->req.err)
		return -EINVAL;
	if (!f)
		return -EBADF;
	ret = p9_fs_lcreate(&c->s->fs, f, name, flags, mode, &q);
	if (ret)
		return ret;
	p9_reply(c);
	p9_put_qid(&c->rep, &q);
	p9_put_u32(&c->rep, p9_iounit(c));
	return 0;
}

/* An Rread's data straight into the tail's segments, after its fixed part. */
static int p9_read_tail(struct p9_ctx *c, struct p9_fid *f, uint32_t count,
			uint64_t off)
{
	struct p9_data *d = c->tail;
	size_t max = c->s->msize - P9_HDR_SIZE - 4;
	ssize_t n;

	count = MIN(count, MIN(d->len, max));
	n = p9_fs_readv(f, d->iov, iov_trunc(d->iov, d->cnt, count), off);
	if (n < 0)
		return n;
	p9_reply(c);
	p9_put_u32(&c->rep, n);
	c->rep_tail = n;
	return 0;
}

static int p9_read(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	uint64_t off = p9_get_u64(&c->req);
	uint32_t count = p9_get_u32(&c->req);
	size_t room;
	uint8_t *p;
	ssize_t n;

	if (!f)
		return -EBADF;
	if (c->req.err)
		return -EINVAL;
	if (c->tail)
		return p9_read_tail(c, f, count, off);
	p9_reply(c);
	if (c->rep.err || c->rep.size - c->rep.pos < 4)
		return -ENOBUFS;
	room = c->rep.size - c->rep.pos - 4;
	if (count > room)
		count = room;
	p9_put_u32(&c->rep, 0);
	p = p9_put_space(&c->rep, 0);
	n = p9_fs_read(f, p, count, off);
	if (n < 0)
		return n;
	c->rep.pos -= 4;
	p9_put_u32(&c->rep, n);
	c->rep.pos += n;
	return 0;
}

/*
 * A Twrite's data from the tail's segments: the message's size bounds
 * it as in the buffer, and the request ends with its fixed part.
 */
static ssize_t p9_write_tail(struct p9_ctx *c, struct p9_fid *f, uint32_t count,
			     uint64_t off)
{
	struct p9_data *d = c->tail;

	if (c->req.err || c->req.pos != c->req.size ||
	    count > c->req_tail || count > d->len)
		return -EINVAL;
	return p9_fs_writev(&c->s->fs, f, d->iov, iov_trunc(d->iov, d->cnt, count), off);
}

static int p9_write(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	uint64_t off = p9_get_u64(&c->req);
	uint32_t count = p9_get_u32(&c->req);
	const uint8_t *data = c->tail ? NULL : p9_get_bytes(&c->req, count);
	ssize_t n;

	if (!data && !c->tail)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (c->tail)
		n = p9_write_tail(c, f, count, off);
	else
		n = p9_fs_write(&c->s->fs, f, data, count, off);
	if (n < 0)
		return n;
	p9_reply(c);
	p9_put_u32(&c->rep, n);
	return 0;
}

static int p9_clunk(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);

	if (!f)
		return -EBADF;
	p9_fid_clunk(&c->s->fs, f);
	p9_reply(c);
	return 0;
}

/* Tremove clunks the fid whether or not the file went. */
static int p9_remove(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	int ret;

	if (!f)
		return -EBADF;
	ret = p9_fs_remove(&c->s->fs, f);
	p9_fid_clunk(&c->s->fs, f);
	if (ret)
		return ret;
	p9_reply(c);
	return 0;
}

#define P9_GETATTR_BASIC	0x000007ffULL

static int p9_getattr(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	struct p9_buf *r = &c->rep;
	struct stat st;
	struct p9_qid q;
	int ret;

	if (!f)
		return -EBADF;
	ret = p9_fs_qid(f->fd, &q, &st);
	if (ret)
		return ret;
	p9_reply(c);
	p9_put_u64(r, P9_GETATTR_BASIC);
	p9_put_qid(r, &q);
	p9_put_u32(r, st.st_mode);
	p9_put_u32(r, st.st_uid);
	p9_put_u32(r, st.st_gid);
	p9_put_u64(r, st.st_nlink);
	p9_put_u64(r, st.st_rdev);
	p9_put_u64(r, st.st_size);
	p9_put_u64(r, st.st_blksize);
	p9_put_u64(r, st.st_blocks);
	p9_put_u64(r, st.st_atim.tv_sec);
	p9_put_u64(r, st.st_atim.tv_nsec);
	p9_put_u64(r, st.st_mtim.tv_sec);
	p9_put_u64(r, st.st_mtim.tv_nsec);
	p9_put_u64(r, st.st_ctim.tv_sec);
	p9_put_u64(r, st.st_ctim.tv_nsec);
	for (int i = 0; i < 4; i++)			/* btime, gen, data_version */
		p9_put_u64(r, 0);
	return 0;
}

static int p9_setattr(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	struct p9_setattr a;

	a.valid = p9_get_u32(&c->req);
	a.mode = p9_get_u32(&c->req);
	a.uid = p9_get_u32(&c->req);
	a.gid = p9_get_u32(&c->req);
	a.size = p9_get_u64(&c->req);
	a.atime_sec = p9_get_u64(&c->req);
	a.atime_nsec = p9_get_u64(&c->req);
	a.mtime_sec = p9_get_u64(&c->req);
	a.mtime_nsec = p9_get_u64(&c->req);
	if (c->req.err)
		return -EINVAL;
	if (!f)
		return -EBADF;
	return p9_fs_setattr(&c->s->fs, f, &a) ?: (p9_reply(c), 0);
}

static int p9_readdir(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	uint64_t off = p9_get_u64(&c->req);
	uint32_t count = p9_get_u32(&c->req);
	size_t start, end;
	int ret;

	if (c->req.err)
		return -EINVAL;
	if (!f)
		return -EBADF;
	p9_reply(c);
	p9_put_u32(&c->rep, 0);
	start = c->rep.pos;
	ret = p9_fs_readdir(f, off, &c->rep, count);
	if (ret)
		return ret;
	end = c->rep.pos;
	c->rep.pos = start - 4;
	p9_put_u32(&c->rep, end - start);
	c->rep.pos = end;
	return 0;
}

static int p9_dispatch(struct p9_ctx *c)
{
	switch (c->type) {
	case P9_TVERSION:	return p9_version(c);
	case P9_TATTACH:	return p9_attach(c);
	case P9_TWALK:		return p9_walk(c);
	case P9_TLOPEN:		return p9_lopen(c);
	case P9_TLCREATE:	return p9_lcreate(c);
	case P9_TREAD:		return p9_read(c);
	case P9_TWRITE:		return p9_write(c);
	case P9_TCLUNK:		return p9_clunk(c);
	case P9_TREMOVE:	return p9_remove(c);
	case P9_TGETATTR:	return p9_getattr(c);
	case P9_TSETATTR:	return p9_setattr(c);
	case P9_TREADDIR:	return p9_readdir(c);
	case P9_TMKDIR:		return p9_srv_mkdir(c);
	case P9_TSYMLINK:	return p9_srv_symlink(c);
	case P9_TMKNOD:		return p9_srv_mknod(c);
	case P9_TREADLINK:	return p9_srv_readlink(c);
	case P9_TLINK:		return p9_srv_link(c);
	case P9_TRENAME:	return p9_srv_rename(c);
	case P9_TRENAMEAT:	return p9_srv_renameat(c);
	case P9_TUNLINKAT:	return p9_srv_unlinkat(c);
	case P9_TFSYNC:		return p9_srv_fsync(c);
	case P9_TSTATFS:	return p9_srv_statfs(c);
	case P9_TLOCK:		return p9_srv_lock(c);
	case P9_TGETLOCK:	return p9_srv_getlock(c);
	case P9_TFLUSH:		return p9_srv_flush(c);
	case P9_TXATTRWALK:
	case P9_TXATTRCREATE:
		return -EOPNOTSUPP;
	default:
		return -EOPNOTSUPP;
	}
}

int p9_server_init(struct p9_server *s, const char *dir, bool ro)
{
	s->msize = P9_MSIZE_MAX;
	return p9_fs_init(&s->fs, dir, ro, P9_FIDS_MAX);
}

void p9_server_destroy(struct p9_server *s)
{
	p9_fs_destroy(&s->fs);
}

/*
 * A tail is taken by a Tread (the reply's data goes there) or a Twrite
 * (the message goes on past req's len bytes into it), else ignored.
 */
static int p9_serve(struct p9_ctx *c, size_t len, struct p9_data *tail)
{
	const uint8_t *req = c->req.data;
	bool wtail = tail && len > 4 && req[4] == P9_TWRITE;
	struct p9_hdr h;

	p9_buf_init(&c->req, c->req.data, len + (wtail ? tail->len : 0));
	if (!p9_get_hdr(&c->req, &h)) {
		/* Not a whole message: answered under its tag, if it has one. */
		c->tag = len >= P9_HDR_SIZE ? h.tag : P9_NOTAG;
		c->type = P9_TLERROR;
		return -EINVAL;
	}
	c->tag = h.tag;
	c->type = h.type;
	if (wtail) {
		c->req.size = MIN(h.size, len);
		c->req_tail = h.size - c->req.size;
	}
	if (wtail || (tail && h.type == P9_TREAD))
		c->tail = tail;
	return p9_dispatch(c);
}

size_t p9_server_handle_tail(struct p9_server *s, const void *req, size_t len,
			     struct p9_data *tail, void *rep, size_t rep_size)
{
	struct p9_ctx c = { .s = s };
	int ret;

	if (rep_size > s->msize)
		rep_size = s->msize;
	c.req.data = (void *)req;
	p9_buf_init(&c.rep, rep, rep_size);
	ret = p9_serve(&c, len, tail);
	if (!ret && c.rep.err)
		ret = -ENOBUFS;
	if (ret) {
		c.rep_tail = 0;
		p9_begin_reply(&c.rep, P9_RLERROR, c.tag);
		p9_put_u32(&c.rep, -ret);
	}
	return p9_end_reply_data(&c.rep, c.rep_tail);
}

size_t p9_server_handle(struct p9_server *s, const void *req, size_t len,
			void *rep, size_t rep_size)
{
	return p9_server_handle_tail(s, req, len, NULL, rep, rep_size);
}
