// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel panic matcher (host/panic-watch.h): whatever a guest
 * writes to its console.
 *
 * Input: the guest's console bytes, fed one at a time.
 *
 * Checked after every byte: the reason is NUL-terminated at its length,
 * at most PANIC_WATCH_REASON_MAX bytes, all printable ASCII; seen and
 * ended never go back, ended implies seen, and the matcher reports news
 * exactly when one of them is first set. At the end: a panic was seen
 * when the input holds "Kernel panic - not syncing" at its start or
 * right after a CR or LF, and never when it does not hold the words.
 */
#include "tests/fuzz/fuzz.h"
#include "host/panic-watch.h"

static const char words[] = "Kernel panic - not syncing";

static void panic_check_reason(const struct panic_watch *w)
{
	uint16_t i;

	FUZZ_CHECK(w->len <= PANIC_WATCH_REASON_MAX);
	FUZZ_CHECK_EQ(w->reason[w->len], 0);
	for (i = 0; i < w->len; i++)
		FUZZ_CHECK(w->reason[i] >= 0x20 && w->reason[i] < 0x7f);
}

/* Whether the words begin the input or follow a CR or LF in it. */
static bool panic_at_line_start(const uint8_t *data, size_t size)
{
	size_t n = sizeof(words) - 1, i;

	for (i = 0; i + n <= size; i++)
		if ((!i || data[i - 1] == '\n' || data[i - 1] == '\r') &&
		    !memcmp(data + i, words, n))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct panic_watch w;
	bool was_seen = false, was_ended = false;
	size_t i;

	panic_watch_init(&w);
	for (i = 0; i < size; i++) {
		bool news = panic_watch_feed(&w, data[i]);

		FUZZ_CHECK(!was_seen || w.seen);
		FUZZ_CHECK(!was_ended || w.ended);
		FUZZ_CHECK(!w.ended || w.seen);
		FUZZ_CHECK_EQ(news, (w.seen && !was_seen) || (w.ended && !was_ended));
		panic_check_reason(&w);
		was_seen = w.seen;
		was_ended = w.ended;
	}
	if (panic_at_line_start(data, size))
		FUZZ_CHECK(w.seen);
	if (w.seen)
		FUZZ_CHECK(memmem(data, size, words, sizeof(words) - 1));
	if (w.ended)
		FUZZ_CHECK(panic_watch_wait_ms(&w, 1, 1, 1) == 0);
	return 0;
}
