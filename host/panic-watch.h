/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_PANIC_WATCH_H
#define LKVM_HOST_PANIC_WATCH_H

/*
 * Finds a Linux guest's kernel panic in its console output, one byte at
 * a time, so that lkvm can end the run with a verdict instead of
 * waiting for a guest that will never power off (docs/usage.md, "A
 * guest kernel panic"). Plain C: no locks, no system calls, fixed size;
 * the console feeds it every byte the guest writes, from any device.
 *
 * The kernel writes `Kernel panic - not syncing: <reason>` and, when it
 * is to spin rather than reboot, `---[ end Kernel panic - not syncing:
 * <reason> ]---` last. Either counts only at the start of a line or
 * right after printk's bracketed prefixes (`[    1.234567] `, a caller
 * id `[    T1] `), which may follow a prompt that has no newline: a
 * program that prints the words mid-line does not stop the guest, and a
 * partial match is forgotten at the first byte that differs.
 *
 * The console (host/console-out.c) is its one user in lkvm; the unit
 * test and the fuzz target drive it directly.
 */

#include <stdbool.h>
#include <stdint.h>

/* The reason kept for lkvm's message; the rest of a longer one is dropped. */
#define PANIC_WATCH_REASON_MAX	160
/* Longest printk prefix group taken, "[...]" without the brackets. */
#define PANIC_WATCH_GROUP_MAX	32

/* Once the panic line is seen, the guest has this long to reset or power off... */
#define PANIC_WATCH_GRACE_MS	2000
/* ...or longer while its backtrace still arrives, quiet for this long... */
#define PANIC_WATCH_QUIET_MS	500
/* ...but never more than this. */
#define PANIC_WATCH_MAX_MS	5000

enum panic_watch_state {
	PANIC_WATCH_LINE_START,	/* a line begins: a literal may start */
	PANIC_WATCH_MID,	/* inside a line: only a '[' may lead to one */
	PANIC_WATCH_GROUP,	/* inside a "[...]" prefix group */
	PANIC_WATCH_CLOSED,	/* right after its ']' */
	PANIC_WATCH_PREFIX,	/* after "] ": a literal or another group */
	PANIC_WATCH_LITERAL,	/* matching one of the literals */
	PANIC_WATCH_REASON,	/* the rest of the panic line */
	PANIC_WATCH_END_TAIL,	/* the rest of the closing line */
};

enum panic_watch_literal {
	PANIC_WATCH_START,	/* the panic line */
	PANIC_WATCH_END,	/* the kernel's closing line, before it spins */
	PANIC_WATCH_NR_LITERALS,
};

struct panic_watch {
	uint8_t state;		/* enum panic_watch_state */
	uint8_t lit;		/* enum panic_watch_literal being matched */
	uint8_t pos;		/* bytes of it matched, or of the prefix group */
	bool skip_sep;		/* the ": " before the reason is still to come */
	bool end_reason;	/* the reason comes from the closing line */
	bool seen;		/* the guest's kernel panicked */
	bool line_done;		/* the reason is whole (its line ended) */
	bool ended;		/* the closing line came, whole: nothing follows */
	uint16_t len;		/* of reason */
	char reason[PANIC_WATCH_REASON_MAX + 1];	/* printable ASCII, NUL-terminated */
};

void panic_watch_init(struct panic_watch *w);
/*
 * Takes the guest's next console byte. Returns true when its owner must
 * act: the panic was first seen (start the grace period), or the
 * kernel's closing line ended (nothing more will come: stop now).
 */
bool panic_watch_feed(struct panic_watch *w, uint8_t c);
/*
 * After a panic seen at seen_ns, with the guest's last console byte at
 * last_ns: how many ms lkvm should still give the guest to reset or
 * power off by itself (panic=-1) and its backtrace to reach the
 * console; 0 when it should stop the guest now.
 */
uint64_t panic_watch_wait_ms(const struct panic_watch *w, uint64_t seen_ns,
			     uint64_t last_ns, uint64_t now_ns);

#endif
