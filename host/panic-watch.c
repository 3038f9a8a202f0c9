// SPDX-License-Identifier: GPL-2.0
/* A guest kernel panic found in its console output (host/panic-watch.h). */
#include <string.h>

#include "host/panic-watch.h"

void panic_watch_init(struct panic_watch *w)
{
	memset(w, 0, sizeof(*w));
}

static const char *panic_watch_literal(unsigned int lit)
{
	return lit == PANIC_WATCH_START ? "Kernel panic - not syncing" :
					  "---[ end Kernel panic - not syncing";
}

/* Timestamps, caller ids: what printk puts between the brackets. */
static bool panic_watch_group_char(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == ' ' || c == '.';
}

static bool panic_watch_try_literal(struct panic_watch *w, uint8_t c)
{
	unsigned int i;

	for (i = 0; i < PANIC_WATCH_NR_LITERALS; i++) {
		if ((uint8_t)panic_watch_literal(i)[0] == c) {
			w->state = PANIC_WATCH_LITERAL;
			w->lit = i;
			w->pos = 1;
			return true;
		}
	}
	return false;
}

/* Where no literal is being matched: line starts and prefix groups. */
static void panic_watch_scan(struct panic_watch *w, uint8_t c)
{
	if (c == '\n' || c == '\r') {
		w->state = PANIC_WATCH_LINE_START;
		return;
	}
	if (c == '[') {
		w->state = PANIC_WATCH_GROUP;
		w->pos = 0;
		return;
	}
	switch (w->state) {
	case PANIC_WATCH_LINE_START:
	case PANIC_WATCH_PREFIX:
		if (panic_watch_try_literal(w, c))
			return;
		if (w->state == PANIC_WATCH_PREFIX && c == ' ')
			return;
		break;
	case PANIC_WATCH_GROUP:
		if (c == ']') {
			w->state = PANIC_WATCH_CLOSED;
			return;
		}
		if (panic_watch_group_char(c) && ++w->pos <= PANIC_WATCH_GROUP_MAX)
			return;
		break;
	case PANIC_WATCH_CLOSED:
		if (c == ' ') {
			w->state = PANIC_WATCH_PREFIX;
			return;
		}
		break;
	}
	w->state = PANIC_WATCH_MID;
}

/* A literal matched whole; returns true when this is news for the owner. */
static bool panic_watch_matched(struct panic_watch *w)
{
	bool news = !w->seen;

	if (w->lit == PANIC_WATCH_START && w->seen) {
		w->state = PANIC_WATCH_MID;	/* the first panic line counts */
		return false;
	}
	w->state = w->lit == PANIC_WATCH_START ? PANIC_WATCH_REASON :
						 PANIC_WATCH_END_TAIL;
	w->skip_sep = true;
	/* A closing line whose panic line was lost still says why. */
	if (!w->line_done) {
		w->end_reason = w->lit == PANIC_WATCH_END;
		w->len = 0;
		w->reason[0] = '\0';
	}
	w->seen = true;
	return news;
}

static bool panic_watch_literal_step(struct panic_watch *w, uint8_t c)
{
	const char *lit = panic_watch_literal(w->lit);

	if (c == (uint8_t)lit[w->pos])
		return lit[++w->pos] ? false : panic_watch_matched(w);
	/* Not it: the byte may still end the line or open a group. */
	w->state = PANIC_WATCH_MID;
	panic_watch_scan(w, c);
	return false;
}

/* Guest bytes reach lkvm's stderr: control characters never do. */
static void panic_watch_keep(struct panic_watch *w, uint8_t c)
{
	if (w->skip_sep && (c == ':' || c == ' '))
		return;
	w->skip_sep = false;
	if (w->len >= PANIC_WATCH_REASON_MAX)
		return;
	w->reason[w->len++] = c >= 0x20 && c < 0x7f ? c : '?';
	w->reason[w->len] = '\0';
}

/* The closing line's reason ends in " ]---", which is not the reason. */
static void panic_watch_trim_end(struct panic_watch *w)
{
	static const char tail[] = " ]---";
	size_t n = sizeof(tail) - 1;

	if (w->len >= n && !memcmp(w->reason + w->len - n, tail, n))
		w->len -= n;
	while (w->len && w->reason[w->len - 1] == ' ')
		w->len--;
	w->reason[w->len] = '\0';
}

static bool panic_watch_line_end(struct panic_watch *w)
{
	bool closing = w->state == PANIC_WATCH_END_TAIL;

	w->state = PANIC_WATCH_LINE_START;
	if (!w->line_done && w->end_reason)
		panic_watch_trim_end(w);
	w->line_done = true;
	if (!closing || w->ended)
		return false;
	w->ended = true;
	return true;
}

static bool panic_watch_reason_step(struct panic_watch *w, uint8_t c)
{
	if (c == '\n' || c == '\r')
		return panic_watch_line_end(w);
	if (!w->line_done)
		panic_watch_keep(w, c);
	return false;
}

/*
 * Takes the guest's next console byte. Returns true when the guest's
 * state changed in a way its owner must act on: the panic was first
 * seen (start the grace period), or the kernel's closing line ended
 * (nothing more will come: stop now).
 */
bool panic_watch_feed(struct panic_watch *w, uint8_t c)
{
	switch (w->state) {
	case PANIC_WATCH_LITERAL:
		return panic_watch_literal_step(w, c);
	case PANIC_WATCH_REASON:
	case PANIC_WATCH_END_TAIL:
		return panic_watch_reason_step(w, c);
	default:
		panic_watch_scan(w, c);
		return false;
	}
}

/* See host/panic-watch.h. */
uint64_t panic_watch_wait_ms(const struct panic_watch *w, uint64_t seen_ns,
			     uint64_t last_ns, uint64_t now_ns)
{
	uint64_t due = seen_ns + PANIC_WATCH_GRACE_MS * 1000000ull;
	uint64_t quiet = last_ns + PANIC_WATCH_QUIET_MS * 1000000ull;
	uint64_t cap = seen_ns + PANIC_WATCH_MAX_MS * 1000000ull;

	if (w->ended)
		return 0;
	if (quiet > due)
		due = quiet;
	if (due > cap)
		due = cap;
	return now_ns >= due ? 0 : (due - now_ns + 999999) / 1000000;
}
