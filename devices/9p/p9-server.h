/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_9P_P9_SERVER_H
#define LKVM_DEVICES_9P_P9_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "devices/9p/p9-fs.h"

/*
 * A 9P2000.L server over one share: a request in, a reply out, both
 * in the caller's buffers. Requests are served one at a time, to the
 * end, so Tflush has nothing to cancel. Anything not understood, and
 * every failure, is an Rlerror.
 */
#define P9_MSIZE_MAX		(512 * 1024)	/* the largest msize agreed */
#define P9_MSIZE_MIN		4096

struct p9_server {
	struct p9_fs fs;
	uint32_t msize;		/* agreed by Tversion; P9_MSIZE_MAX before */
};

int p9_server_init(struct p9_server *s, const char *dir, bool ro);
void p9_server_destroy(struct p9_server *s);
/*
 * Serves the request in [req, req + len) into rep (rep_size bytes, at
 * most what the guest gave for it). Returns the reply's length, or 0
 * when even an Rlerror does not fit.
 */
size_t p9_server_handle(struct p9_server *s, const void *req, size_t len,
			void *rep, size_t rep_size);
/*
 * The same without copying the bulk data (virtio-9p): a Twrite's
 * payload is read from the tail's segments, which follow the len bytes
 * of req (its fixed part); an Rread's payload is read from the file
 * into them, and only its fixed part into rep. The tail's iovecs may
 * be changed. The length returned counts the tail's bytes too.
 */
struct p9_data {
	struct iovec *iov;
	unsigned int cnt;
	size_t len;		/* bytes in iov[0..cnt) */
};
size_t p9_server_handle_tail(struct p9_server *s, const void *req, size_t len,
			     struct p9_data *tail, void *rep, size_t rep_size);

#endif
