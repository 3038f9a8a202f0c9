// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L server's handlers of names in directories (mkdir,
 * symlink, mknod, link, rename, unlink), readlink, fsync, statfs and
 * locks: each parses its fields, has the backend act, answers.
 */
#include <errno.h>
#include <string.h>

#include "devices/9p/p9-request.h"

/* A directory fid and a name, then what the request adds. */
static struct p9_fid *p9_dir_name(struct p9_ctx *c, char *name)
{
	struct p9_fid *f = p9_fid(c);

	p9_get_str(&c->req, name, P9_NAME_MAX + 1);
	return f;
}

static int p9_reply_qid(struct p9_ctx *c, int ret, const struct p9_qid *q)
{
	if (ret)
		return ret;
	p9_reply(c);
	p9_put_qid(&c->rep, q);
	return 0;
}

int p9_srv_mkdir(struct p9_ctx *c)
{
	char name[P9_NAME_MAX + 1];
	struct p9_fid *d = p9_dir_name(c, name);
	uint32_t mode = p9_get_u32(&c->req);
	struct p9_qid q;

	p9_get_u32(&c->req);				/* gid */
	if (c->req.err)
		return -EINVAL;
	if (!d)
		return -EBADF;
	return p9_reply_qid(c, p9_fs_mkdir(&c->s->fs, d, name, mode, &q), &q);
}

int p9_srv_symlink(struct p9_ctx *c)
{
	char name[P9_NAME_MAX + 1], target[P9_STR_MAX];
	struct p9_fid *d = p9_dir_name(c, name);
	struct p9_qid q;

	p9_get_str(&c->req, target, sizeof(target));
	p9_get_u32(&c->req);				/* gid */
	if (c->req.err)
		return -EINVAL;
	if (!d)
		return -EBADF;
	return p9_reply_qid(c, p9_fs_symlink(&c->s->fs, d, name, target, &q), &q);
}

int p9_srv_mknod(struct p9_ctx *c)
{
	char name[P9_NAME_MAX + 1];
	struct p9_fid *d = p9_dir_name(c, name);
	uint32_t mode = p9_get_u32(&c->req);
	struct p9_qid q;

	p9_get_u32(&c->req);				/* major */
	p9_get_u32(&c->req);				/* minor */
	p9_get_u32(&c->req);				/* gid */
	if (c->req.err)
		return -EINVAL;
	if (!d)
		return -EBADF;
	return p9_reply_qid(c, p9_fs_mknod(&c->s->fs, d, name, mode, &q), &q);
}

int p9_srv_readlink(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	char target[P9_STR_MAX];
	ssize_t n;

	if (!f)
		return -EBADF;
	n = p9_fs_readlink(f, target, sizeof(target));
	if (n < 0)
		return n;
	p9_reply(c);
	p9_put_str(&c->rep, target, n);
	return 0;
}

static int p9_done(struct p9_ctx *c, int ret)
{
	if (ret)
		return ret;
	p9_reply(c);
	return 0;
}

int p9_srv_link(struct p9_ctx *c)
{
	struct p9_fid *d = p9_fid(c);
	struct p9_fid *f = p9_fid(c);
	char name[P9_NAME_MAX + 1];

	p9_get_str(&c->req, name, sizeof(name));
	if (c->req.err)
		return -EINVAL;
	if (!d || !f)
		return -EBADF;
	return p9_done(c, p9_fs_link(&c->s->fs, d, f, name));
}

int p9_srv_rename(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	struct p9_fid *d = p9_fid(c);
	char name[P9_NAME_MAX + 1];

	p9_get_str(&c->req, name, sizeof(name));
	if (c->req.err)
		return -EINVAL;
	if (!d || !f)
		return -EBADF;
	return p9_done(c, p9_fs_rename(&c->s->fs, f, d, name));
}

int p9_srv_renameat(struct p9_ctx *c)
{
	char oname[P9_NAME_MAX + 1], nname[P9_NAME_MAX + 1];
	struct p9_fid *od = p9_dir_name(c, oname);
	struct p9_fid *nd = p9_dir_name(c, nname);

	if (c->req.err)
		return -EINVAL;
	if (!od || !nd)
		return -EBADF;
	return p9_done(c, p9_fs_renameat(&c->s->fs, od, oname, nd, nname));
}

int p9_srv_unlinkat(struct p9_ctx *c)
{
	char name[P9_NAME_MAX + 1];
	struct p9_fid *d = p9_dir_name(c, name);
	uint32_t flags = p9_get_u32(&c->req);

	if (c->req.err)
		return -EINVAL;
	if (!d)
		return -EBADF;
	return p9_done(c, p9_fs_unlinkat(&c->s->fs, d, name, flags));
}

int p9_srv_fsync(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	uint32_t datasync = p9_get_u32(&c->req);

	if (!f)
		return -EBADF;
	return p9_done(c, p9_fs_fsync(f, datasync));
}

int p9_srv_statfs(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	struct statfs sf;
	int ret;

	if (!f)
		return -EBADF;
	ret = p9_fs_statfs(f, &sf);
	if (ret)
		return ret;
	p9_reply(c);
	p9_put_u32(&c->rep, sf.f_type);
	p9_put_u32(&c->rep, sf.f_bsize);
	p9_put_u64(&c->rep, sf.f_blocks);
	p9_put_u64(&c->rep, sf.f_bfree);
	p9_put_u64(&c->rep, sf.f_bavail);
	p9_put_u64(&c->rep, sf.f_files);
	p9_put_u64(&c->rep, sf.f_ffree);
	p9_put_u64(&c->rep, (uint64_t)sf.f_fsid.__val[0] |
			    (uint64_t)sf.f_fsid.__val[1] << 32);
	p9_put_u32(&c->rep, sf.f_namelen);
	return 0;
}

/*
 * Locks: the guest's kernel serves them among its own processes; the
 * host's files are not locked for it. Tlock always succeeds, Tgetlock
 * always finds the range free.
 */
#define P9_LOCK_SUCCESS		0
#define P9_LOCK_TYPE_UNLCK	2

int p9_srv_lock(struct p9_ctx *c)
{
	if (!p9_fid(c))
		return -EBADF;
	p9_reply(c);
	p9_put_u8(&c->rep, P9_LOCK_SUCCESS);
	return 0;
}

int p9_srv_getlock(struct p9_ctx *c)
{
	struct p9_fid *f = p9_fid(c);
	uint64_t start, len;
	uint32_t pid;
	char client[P9_STR_MAX];

	p9_get_u8(&c->req);				/* type */
	start = p9_get_u64(&c->req);
	len = p9_get_u64(&c->req);
	pid = p9_get_u32(&c->req);
	p9_get_str(&c->req, client, sizeof(client));
	if (c->req.err)
		return -EINVAL;
	if (!f)
		return -EBADF;
	p9_reply(c);
	p9_put_u8(&c->rep, P9_LOCK_TYPE_UNLCK);
	p9_put_u64(&c->rep, start);
	p9_put_u64(&c->rep, len);
	p9_put_u32(&c->rep, pid);
	p9_put_str(&c->rep, client, strlen(client));
	return 0;
}

int p9_srv_flush(struct p9_ctx *c)
{
	/* Every earlier request has been answered already. */
	p9_reply(c);
	return 0;
}
