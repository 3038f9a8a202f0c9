// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel panic matcher (host/panic-watch.h): the lines Linux writes
 * when it panics, as its consoles deliver them (timestamps, caller ids,
 * CR LF, after a prompt), what must not match (the words mid-line, a
 * partial line, an oversized prefix), the reason lkvm prints (bounded,
 * printable) and the grace period's arithmetic.
 */
#include <string.h>

#include "host/panic-watch.h"
#include "tests/unit.h"

/* Feeds s byte by byte; returns how many bytes were news for the owner. */
static int feed(struct panic_watch *w, const char *s)
{
	int news = 0;

	for (; *s; s++)
		news += panic_watch_feed(w, *s);
	return news;
}

/* A fresh matcher that has taken s; returns whether it saw a panic. */
static bool seen(const char *s)
{
	struct panic_watch w;

	panic_watch_init(&w);
	feed(&w, s);
	return w.seen;
}

static void test_plain(struct unit *u)
{
	struct panic_watch w;

	panic_watch_init(&w);
	CHECK_EQ(u, feed(&w, "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n"), 1);
	CHECK(u, w.seen && w.line_done && !w.ended);
	CHECK(u, !strcmp(w.reason, "VFS: Unable to mount root fs on unknown-block(0,0)"));
}

/* What Debian's kernel writes on ttyS0: a timestamp, CR LF, lines around it. */
static void test_timestamped(struct unit *u)
{
	struct panic_watch w;

	panic_watch_init(&w);
	CHECK_EQ(u, feed(&w, "[    2.100000] Freeing unused kernel memory: 6784K\r\n"
			    "[    2.345678] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100\r\n"
			    "[    2.345900] CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-18-arm64 #1\r\n"), 1);
	CHECK(u, w.seen && !w.ended);
	CHECK(u, !strcmp(w.reason, "Attempted to kill init! exitcode=0x00000100"));
}

static void test_prefixes(struct unit *u)
{
	CHECK(u, seen("[    1.000000][    T1] Kernel panic - not syncing: x\n"));
	CHECK(u, seen("[    1.000000] [    C0] Kernel panic - not syncing: x\n"));
	CHECK(u, seen("\r\rKernel panic - not syncing: x\n"));
	/* After a prompt with no newline: the timestamp still opens the line. */
	CHECK(u, seen("/ # [   12.300000] Kernel panic - not syncing: sysrq triggered crash\n"));
	/* The end of the input may be the end of what arrived so far. */
	CHECK(u, seen("Kernel panic - not syncing"));
}

static void test_no_match(struct unit *u)
{
	CHECK(u, !seen("echo Kernel panic - not syncing: no\n"));
	CHECK(u, !seen("Kernel panic - not syncin\n"));
	CHECK(u, !seen("Kernel panic - not\nsyncing: no\n"));
	CHECK(u, !seen("Kernel panic - not syncinKernel panic - not syncing: no\n"));
	CHECK(u, !seen(" Kernel panic - not syncing: no\n"));
	CHECK(u, !seen("[1.0]Kernel panic - not syncing: no\n"));
	CHECK(u, !seen("[1.0] xKernel panic - not syncing: no\n"));
	CHECK(u, !seen("[1,0] Kernel panic - not syncing: no\n"));
	CHECK(u, !seen("[000000000000000000000000000000000] Kernel panic - not syncing: no\n"));
	CHECK(u, !seen("kernel panic - not syncing: no\n"));
	CHECK(u, !seen("Kernel Panic - not syncing: no\n"));
	CHECK(u, !seen("-- end Kernel panic - not syncing: no ]---\n"));
	CHECK(u, !seen(""));
	/* The longest group printk's prefix can have still counts. */
	CHECK(u, seen("[00000000000000000000000000000000] Kernel panic - not syncing: yes\n"));
}

/* A partial match is forgotten, and the next line is looked at afresh. */
static void test_partial_then_real(struct unit *u)
{
	struct panic_watch w;

	panic_watch_init(&w);
	feed(&w, "Kernel panic - not\n[ 1.0] Kernel panic -");
	CHECK(u, !w.seen);
	feed(&w, "\nKernel panic - not syncing: real\n");
	CHECK(u, w.seen && !strcmp(w.reason, "real"));
}

/* The kernel's closing line: stop now; its reason is the first line's. */
static void test_closing_line(struct unit *u)
{
	struct panic_watch w;

	panic_watch_init(&w);
	CHECK_EQ(u, feed(&w, "[ 1.0] Kernel panic - not syncing: first\n"
			    "[ 1.1] Kernel Offset: disabled\n"
			    "[ 1.2] ---[ end Kernel panic - not syncing: first ]---"), 1);
	CHECK(u, w.seen && !w.ended);
	CHECK_EQ(u, feed(&w, "\r\n"), 1);
	CHECK(u, w.ended && !strcmp(w.reason, "first"));
	/* A second closing line is no news. */
	CHECK_EQ(u, feed(&w, "---[ end Kernel panic - not syncing: again ]---\n"), 0);
}

/* A closing line whose panic line was lost (garbled) still counts. */
static void test_closing_line_alone(struct unit *u)
{
	struct panic_watch w;

	panic_watch_init(&w);
	CHECK_EQ(u, feed(&w, "Kernel pan!c - garbled\n[ 1.2] ---[ end Kernel panic - not syncing: lost ]---\n"), 2);
	CHECK(u, w.seen && w.ended && !strcmp(w.reason, "lost"));
}

static void test_first_panic_wins(struct unit *u)
{
	struct panic_watch w;

	panic_watch_init(&w);
	CHECK_EQ(u, feed(&w, "Kernel panic - not syncing: one\nKernel panic - not syncing: two\n"), 1);
	CHECK(u, !strcmp(w.reason, "one"));
}

/* The reason reaches lkvm's stderr: bounded and printable. */
static void test_reason_bounded(struct unit *u)
{
	struct panic_watch w;
	char line[400];
	size_t i;

	panic_watch_init(&w);
	feed(&w, "Kernel panic - not syncing: \x1b[31mred\x7f\n");
	CHECK(u, !strcmp(w.reason, "?[31mred?"));

	panic_watch_init(&w);
	strcpy(line, "Kernel panic - not syncing: ");
	for (i = strlen(line); i < sizeof(line) - 2; i++)
		line[i] = 'a' + i % 26;
	line[i] = '\n';
	line[i + 1] = '\0';
	feed(&w, line);
	CHECK_EQ(u, w.len, PANIC_WATCH_REASON_MAX);
	CHECK_EQ(u, strlen(w.reason), PANIC_WATCH_REASON_MAX);
	CHECK(u, w.line_done);
	/* Lines after it are looked at as before. */
	feed(&w, "---[ end Kernel panic - not syncing: x ]---\n");
	CHECK(u, w.ended);
}

/* "Kernel panic - not syncing" alone: a panic with nothing more to say. */
static void test_empty_reason(struct unit *u)
{
	struct panic_watch w;

	panic_watch_init(&w);
	feed(&w, "Kernel panic - not syncing\n");
	CHECK(u, w.seen && w.line_done && !strcmp(w.reason, ""));
}

static void test_wait(struct unit *u)
{
	const uint64_t ms = 1000000, t = 1000 * ms;
	struct panic_watch w;

	panic_watch_init(&w);
	feed(&w, "Kernel panic - not syncing: x\n");
	/* The grace period, from the panic line. */
	CHECK_EQ(u, panic_watch_wait_ms(&w, t, t, t), PANIC_WATCH_GRACE_MS);
	CHECK_EQ(u, panic_watch_wait_ms(&w, t, t, t + 1500 * ms), 500);
	CHECK_EQ(u, panic_watch_wait_ms(&w, t, t, t + PANIC_WATCH_GRACE_MS * ms), 0);
	/* Longer while the backtrace still arrives... */
	CHECK_EQ(u, panic_watch_wait_ms(&w, t, t + 1800 * ms, t + 2000 * ms), 300);
	/* ...but not for ever. */
	CHECK_EQ(u, panic_watch_wait_ms(&w, t, t + 9000 * ms, t + 4000 * ms), 1000);
	CHECK_EQ(u, panic_watch_wait_ms(&w, t, t + 9000 * ms, t + 5000 * ms), 0);
	/* The closing line: nothing more comes. */
	feed(&w, "---[ end Kernel panic - not syncing: x ]---\n");
	CHECK_EQ(u, panic_watch_wait_ms(&w, t, t, t), 0);
}

int main(void)
{
	struct unit u = { 0 };

	test_plain(&u);
	test_timestamped(&u);
	test_prefixes(&u);
	test_no_match(&u);
	test_partial_then_real(&u);
	test_closing_line(&u);
	test_closing_line_alone(&u);
	test_first_panic_wins(&u);
	test_reason_bounded(&u);
	test_empty_reason(&u);
	test_wait(&u);
	return unit_done(&u, "test-panic-watch");
}
