/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_9P_P9_MSG_H
#define LKVM_DEVICES_9P_P9_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The 9P2000.L wire format (little-endian, size[4] type[1] tag[2] then
 * the message's fields) read from and written to a bounded buffer. The
 * guest writes every byte of a request: a read past the end, a string
 * longer than what is left or holding a NUL sets err and yields zeros
 * from then on, so a handler parses all its fields and checks err once.
 */
#define P9_HDR_SIZE		7
#define P9_NAME_MAX		255	/* one path component */
#define P9_STR_MAX		4096	/* a symlink's target, a version */
#define P9_MAXWELEM		16	/* names in one Twalk */
#define P9_NOTAG		0xffff
#define P9_NOFID		0xffffffffu

/* Message types (Linux include/net/9p/9p.h, the 9P2000.L set). */
enum {
	P9_TLERROR = 6, P9_RLERROR,
	P9_TSTATFS = 8, P9_RSTATFS,
	P9_TLOPEN = 12, P9_RLOPEN,
	P9_TLCREATE = 14, P9_RLCREATE,
	P9_TSYMLINK = 16, P9_RSYMLINK,
	P9_TMKNOD = 18, P9_RMKNOD,
	P9_TRENAME = 20, P9_RRENAME,
	P9_TREADLINK = 22, P9_RREADLINK,
	P9_TGETATTR = 24, P9_RGETATTR,
	P9_TSETATTR = 26, P9_RSETATTR,
	P9_TXATTRWALK = 30, P9_RXATTRWALK,
	P9_TXATTRCREATE = 32, P9_RXATTRCREATE,
	P9_TREADDIR = 40, P9_RREADDIR,
	P9_TFSYNC = 50, P9_RFSYNC,
	P9_TLOCK = 52, P9_RLOCK,
	P9_TGETLOCK = 54, P9_RGETLOCK,
	P9_TLINK = 70, P9_RLINK,
	P9_TMKDIR = 72, P9_RMKDIR,
	P9_TRENAMEAT = 74, P9_RRENAMEAT,
	P9_TUNLINKAT = 76, P9_RUNLINKAT,
	P9_TVERSION = 100, P9_RVERSION,
	P9_TAUTH = 102, P9_RAUTH,
	P9_TATTACH = 104, P9_RATTACH,
	P9_TFLUSH = 108, P9_RFLUSH,
	P9_TWALK = 110, P9_RWALK,
	P9_TREAD = 116, P9_RREAD,
	P9_TWRITE = 118, P9_RWRITE,
	P9_TCLUNK = 120, P9_RCLUNK,
	P9_TREMOVE = 122, P9_RREMOVE,
};

/* Qid types. */
#define P9_QTDIR		0x80
#define P9_QTSYMLINK		0x02
#define P9_QTFILE		0x00

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

struct p9_buf {
	uint8_t *data;
	size_t size;		/* bytes that may be read or written */
	size_t pos;
	bool err;		/* overrun, or a malformed string */
};

static inline void p9_buf_init(struct p9_buf *b, void *data, size_t size)
{
	b->data = data;
	b->size = size;
	b->pos = 0;
	b->err = false;
}

uint8_t p9_get_u8(struct p9_buf *b);
uint16_t p9_get_u16(struct p9_buf *b);
uint32_t p9_get_u32(struct p9_buf *b);
uint64_t p9_get_u64(struct p9_buf *b);
/*
 * A string (len[2] bytes) into out (out_size with its NUL): too long
 * for out, or holding a NUL, sets err. Returns its length.
 */
size_t p9_get_str(struct p9_buf *b, char *out, size_t out_size);
/* n bytes in place: a pointer into the buffer, or NULL (err set). */
const uint8_t *p9_get_bytes(struct p9_buf *b, size_t n);

void p9_put_u8(struct p9_buf *b, uint8_t v);
void p9_put_u16(struct p9_buf *b, uint16_t v);
void p9_put_u32(struct p9_buf *b, uint32_t v);
void p9_put_u64(struct p9_buf *b, uint64_t v);
void p9_put_str(struct p9_buf *b, const char *s, size_t len);
void p9_put_qid(struct p9_buf *b, const struct p9_qid *q);
/* Room for n bytes at pos, or NULL (err set); pos moves past them. */
uint8_t *p9_put_space(struct p9_buf *b, size_t n);

/* The header of a request: false when it is not a whole message. */
struct p9_hdr {
	uint32_t size;
	uint8_t type;
	uint16_t tag;
};
bool p9_get_hdr(struct p9_buf *b, struct p9_hdr *h);
/* Starts a reply (its size written by p9_end_reply()). */
void p9_begin_reply(struct p9_buf *b, uint8_t type, uint16_t tag);
/* Writes the size field; returns the reply's length, 0 if it overran. */
size_t p9_end_reply(struct p9_buf *b);
/* The same for a reply whose last tail bytes lie elsewhere (a zero-copy Rread). */
size_t p9_end_reply_data(struct p9_buf *b, size_t tail);

/* A name the backend may use: one component, not empty. */
bool p9_name_ok(const char *name);

#endif
