/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_TESTS_P9_HOSTILE_H
#define GUEST_TESTS_P9_HOSTILE_H

/*
 * p9-hostile, shared between its files: p9-hostile.c (the device, the
 * requests on the ring, the well-behaved session and the run) and
 * p9-hostile-ops.c (the malformed messages and descriptor chains).
 */
#include "types.h"
#include "virtio.h"

/* 9P2000.L message types, written out from the protocol's description. */
#define P9_RLERROR	7
#define P9_TLOPEN	12
#define P9_TLCREATE	14
#define P9_TGETATTR	24
#define P9_TREADDIR	40
#define P9_TVERSION	100
#define P9_TATTACH	104
#define P9_TWALK	110
#define P9_TREAD	116
#define P9_TWRITE	118
#define P9_TCLUNK	120
#define P9_NOFID	0xffffffffU
#define P9_HDR		7

#define VIRTIO_ID_9P	9
/* The file the host script put at the root of the share, and its text. */
#define P9H_FILE	"hostile.txt"
#define P9H_TEXT	"lkvm p9-hostile: this text must come back unchanged\n"

#define P9H_BUF		SZ_64K
#define P9H_MAX_SEGS	12

/* A message being built in a buffer. */
struct p9msg {
	u8 *buf;
	u32 len, cap;
};

void pm_init(struct p9msg *m, u8 *buf, u32 cap, u8 type, u16 tag);
void pm_u8(struct p9msg *m, u8 v);
void pm_u16(struct p9msg *m, u16 v);
void pm_u32(struct p9msg *m, u32 v);
void pm_u64(struct p9msg *m, u64 v);
void pm_str(struct p9msg *m, const char *s);
/* The size field set to the length built. */
void pm_done(struct p9msg *m);

/*
 * A chain for one request: segs[i] device-readable (out) or writable
 * (in), in order, each a part of the guest's request or reply buffer.
 */
struct p9seg {
	u64 addr;
	u32 len;
	bool in;
};

struct p9chain {
	struct p9seg seg[P9H_MAX_SEGS];
	int n;
};

/*
 * Sends chain, waits for it to be used: 0 with the used length, or
 * -1: no answer in time (the device was reset and brought up again),
 * -2: used length beyond the chain's writable bytes.
 */
int p9h_send(const struct p9chain *c, u32 *len);
/* The request buffer (P9H_BUF bytes) and the reply buffer. */
extern u8 p9h_req[], p9h_rep[];

/* p9-hostile-ops.c */
enum p9h_op {
	OP_SIZE_LIE, OP_BAD_STRING, OP_UNKNOWN_TYPE, OP_FID_REUSE,
	OP_LONG_WALK, OP_DOTDOT, OP_HUGE_IO, OP_CREATE_WRITE, OP_JUNK,
	NR_P9H_OPS,
};
extern const char *const p9h_op_names[NR_P9H_OPS];
extern u32 p9h_op_count[NR_P9H_OPS];
/* Chain games and their outcomes. */
extern u32 p9h_chain_games, p9h_timeouts, p9h_lerrors, p9h_replies;
/* One hostile request, its chain maybe hostile too; returns -2 on a bad used length. */
int p9h_hostile_op(void);

#endif
