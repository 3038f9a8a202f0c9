/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_9P_P9_REQUEST_H
#define LKVM_DEVICES_9P_P9_REQUEST_H

/* Shared by the server's dispatch (p9-server.c) and handlers (p9-handlers.c). */
#include "devices/9p/p9-server.h"

/* A request in hand: its fields in req, the reply going into rep. */
struct p9_ctx {
	struct p9_server *s;
	struct p9_buf req, rep;
	/* Bulk data in guest memory (p9_server_handle_tail()), or NULL. */
	struct p9_data *tail;
	size_t req_tail;	/* the Twrite's bytes there, by its size field */
	size_t rep_tail;	/* the Rread's bytes put there */
	uint16_t tag;
	uint8_t type;
};

/* A fid the request names, or NULL (the handler answers EBADF). */
static inline struct p9_fid *p9_fid(struct p9_ctx *c)
{
	return p9_fid_get(&c->s->fs, p9_get_u32(&c->req));
}

static inline void p9_reply(struct p9_ctx *c)
{
	p9_begin_reply(&c->rep, c->type + 1, c->tag);
}

/* The handlers of p9-handlers.c: names in directories, sync, statfs, locks. */
int p9_srv_mkdir(struct p9_ctx *c);
int p9_srv_symlink(struct p9_ctx *c);
int p9_srv_mknod(struct p9_ctx *c);
int p9_srv_readlink(struct p9_ctx *c);
int p9_srv_link(struct p9_ctx *c);
int p9_srv_rename(struct p9_ctx *c);
int p9_srv_renameat(struct p9_ctx *c);
int p9_srv_unlinkat(struct p9_ctx *c);
int p9_srv_fsync(struct p9_ctx *c);
int p9_srv_statfs(struct p9_ctx *c);
int p9_srv_lock(struct p9_ctx *c);
int p9_srv_getlock(struct p9_ctx *c);
int p9_srv_flush(struct p9_ctx *c);

#endif
