// SPDX-License-Identifier: GPL-2.0
/*
 * The console's output path (host/console-out.c) against real pipes:
 * batching, the linger of a partial line, a full ring refusing bytes
 * and calling room() once the terminal drains, a terminal that went
 * away, and a stop that cannot hang. Also built under TSan: bytes come
 * from several threads while the writer runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/console.h"
#include "tests/unit.h"

struct room_count {
	atomic_int calls;
};

static void count_room(void *opaque)
{
	atomic_fetch_add(&((struct room_count *)opaque)->calls, 1);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Reads what arrives within ms milliseconds. */
static size_t read_for(int fd, char *buf, size_t len, int ms)
{
	struct timespec t0;
	size_t got = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (got < len && ms_since(&t0) < ms) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n > 0)
			got += n;
		else
			usleep(1000);
	}
	return got;
}

static void setup(struct console *c, int p[2], struct room_count *r)
{
	if (pipe(p))
		perror("pipe");
	console_init(c, -1, p[1]);
	console_start(c, count_room, r);
}

static void test_lines(struct unit *u)
{
	struct room_count r = { 0 };
	struct console c;
	char buf[64];
	int p[2];

	setup(&c, p, &r);
	for (const char *s = "one\ntwo\nprompt> "; *s; s++)
		CHECK(u, console_put(&c, *s));
	/* The partial line follows within the linger time, not never. */
	CHECK_EQ(u, read_for(p[0], buf, 16, 5000), 16);
	CHECK(u, !memcmp(buf, "one\ntwo\nprompt> ", 16));
	CHECK_EQ(u, console_stop(&c, 1000), 0);
	CHECK_EQ(u, atomic_load(&r.calls), 0);
	close(p[0]);
	close(p[1]);
}

/* Nobody reads: the ring fills, refuses, and room() follows a drain. */
static void test_full(struct unit *u)
{
	static char out[CONSOLE_RING_SIZE * 4];
	struct room_count r = { 0 };
	size_t accepted = 0, got;
	struct console c;
	int p[2];

	setup(&c, p, &r);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	while (accepted < sizeof(out) && console_put(&c, 'a' + accepted % 26))
		accepted++;
	CHECK(u, accepted >= CONSOLE_RING_SIZE);
	CHECK(u, accepted < sizeof(out));
	got = read_for(p[0], out, accepted, 10000);
	CHECK_EQ(u, got, accepted);
	for (size_t i = 0; i < got; i++)
		if (out[i] != 'a' + (char)(i % 26)) {
			CHECK_EQ(u, i, got);	/* first byte out of order */
			break;
		}
	CHECK(u, atomic_load(&r.calls) >= 1);
	CHECK(u, console_put(&c, 'z'));
	CHECK_EQ(u, console_stop(&c, 1000), 0);
	close(p[0]);
	close(p[1]);
}

/* A terminal that went away: bytes are dropped, nothing blocks. */
static void test_broken(struct unit *u)
{
	struct room_count r = { 0 };
	struct console c;
	int p[2], i;

	setup(&c, p, &r);
	close(p[0]);
	for (i = 0; i < 3 * CONSOLE_RING_SIZE; i++)
		if (!console_put(&c, i % 64 ? 'x' : '\n'))
			usleep(100);
	CHECK_EQ(u, console_stop(&c, 1000), 0);
	CHECK(u, c.out_broken);
	CHECK(u, c.dropped > 0);
	close(p[1]);
}

/* A terminal that never drains cannot hold up the stop. */
static void test_stuck_stop(struct unit *u)
{
	struct room_count r = { 0 };
	struct timespec t0;
	struct console c;
	int p[2];

	setup(&c, p, &r);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	while (console_put(&c, 'x'))
		;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ(u, console_stop(&c, 200), -ETIMEDOUT);
	CHECK(u, ms_since(&t0) < 5000);	/* 200 ms, with room for a loaded machine */
	CHECK(u, c.abandoned);
	/* The terminal wakes up: the abandoned writer finishes on its own. */
	close(p[0]);
	CHECK_EQ(u, pthread_join(c.writer, NULL), 0);
	close(p[1]);
}

struct producer {
	struct console *c;
	char tag;
	int lines;
};

static void *produce(void *arg)
{
	struct producer *pr = arg;

	for (int i = 0; i < pr->lines; i++)
		for (int j = 0; j < 8; j++)
			while (!console_put(pr->c, j == 7 ? '\n' : pr->tag))
				sched_yield();
	return NULL;
}

/* Several vCPUs' UART writes at once: every byte arrives, once. */
static void test_threads(struct unit *u)
{
	static char out[2 * 500 * 8];
	struct room_count r = { 0 };
	struct producer pr[2];
	pthread_t t[2];
	struct console c;
	size_t got, a = 0, b = 0;
	int p[2];

	setup(&c, p, &r);
	for (int i = 0; i < 2; i++) {
		pr[i] = (struct producer){ .c = &c, .tag = 'A' + i, .lines = 500 };
		pthread_create(&t[i], NULL, produce, &pr[i]);
	}
	got = read_for(p[0], out, sizeof(out), 20000);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(u, console_stop(&c, 1000), 0);
	CHECK_EQ(u, got, sizeof(out));
	for (size_t i = 0; i < got; i++) {
		a += out[i] == 'A';
		b += out[i] == 'B';
	}
	CHECK_EQ(u, a, 500 * 7);
	CHECK_EQ(u, b, 500 * 7);
	close(p[0]);
	close(p[1]);
}

/*
 * leave_idle: a stop with everything written leaves the writer to end
 * by itself; a stop with bytes still in the ring writes them first.
 * Static: the consoles outlive the writers they leave.
 */
static void test_leave_idle(struct unit *u)
{
	static struct room_count r;
	static struct console c1, c2;
	char buf[8];
	int p[2], q[2];

	setup(&c1, p, &r);
	c1.leave_idle = true;
	for (const char *s = "abc\n"; *s; s++)
		console_put(&c1, *s);
	CHECK_EQ(u, read_for(p[0], buf, 4, 5000), 4);
	usleep(20000);		/* the writer is back waiting */
	CHECK_EQ(u, console_stop(&c1, 1000), 0);
	CHECK(u, c1.abandoned);

	setup(&c2, q, &r);
	c2.leave_idle = true;
	for (const char *s = "xyz"; *s; s++)
		console_put(&c2, *s);
	CHECK_EQ(u, console_stop(&c2, 1000), 0);
	CHECK_EQ(u, read_for(q[0], buf, 3, 5000), 3);
	CHECK(u, !memcmp(buf, "xyz", 3));
}

static void count_wake(void *opaque)
{
	atomic_fetch_add(&((struct room_count *)opaque)->calls, 1);
}

/*
 * A lazy start: no writer until the first byte, which asks for one
 * (once); console_spawn_due() makes it. A stop with bytes and no writer
 * yet makes one to write them, with the usual time limit.
 */
static void test_lazy(struct unit *u)
{
	struct room_count wakes = { 0 };
	struct console c, d;
	char buf[8];
	int p[2], q[2];

	if (pipe(p) || pipe(q))
		perror("pipe");
	console_init(&c, -1, p[1]);
	console_start_lazy(&c, count_room, count_wake, &wakes);
	CHECK_EQ(u, console_spawn_due(&c), 0);
	CHECK(u, !c.writer_started);		/* nothing written: no thread */
	for (const char *s = "ab\n"; *s; s++)
		CHECK(u, console_put(&c, *s));
	CHECK_EQ(u, atomic_load(&wakes.calls), 1);
	CHECK(u, !c.writer_started);
	CHECK_EQ(u, console_spawn_due(&c), 0);
	CHECK(u, c.writer_started);
	CHECK_EQ(u, read_for(p[0], buf, 3, 5000), 3);
	CHECK(u, !memcmp(buf, "ab\n", 3));
	CHECK(u, console_put(&c, 'c'));
	CHECK_EQ(u, atomic_load(&wakes.calls), 1);
	CHECK_EQ(u, console_stop(&c, 1000), 0);
	CHECK_EQ(u, read_for(p[0], buf, 1, 5000), 1);

	console_init(&d, -1, q[1]);
	console_start_lazy(&d, count_room, count_wake, &wakes);
	for (const char *s = "xyz"; *s; s++)
		CHECK(u, console_put(&d, *s));
	CHECK_EQ(u, console_stop(&d, 1000), 0);
	CHECK_EQ(u, read_for(q[0], buf, 3, 5000), 3);
	CHECK(u, !memcmp(buf, "xyz", 3));
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

/*
 * The panic watch sees every byte the ring takes, and those a broken
 * terminal drops: the owner is woken when the panic line starts and
 * again when the kernel's closing line ends; off, nothing is looked at.
 */
static void test_panic(struct unit *u)
{
	static const char line[] = "[ 1.0] Kernel panic - not syncing: VFS: no root\r\n";
	struct room_count wakes = { 0 };
	char reason[PANIC_WATCH_REASON_MAX + 1];
	uint64_t wait = ~0ull;
	struct console c;
	char buf[128];
	int p[2];

	if (pipe(p))
		perror("pipe");
	console_init(&c, -1, p[1]);
	console_start_lazy(&c, count_room, count_wake, &wakes);
	for (const char *s = line; *s; s++)
		console_put(&c, *s);
	CHECK(u, !console_panic_wait(&c, &wait));	/* off by default */
	console_panic_watch(&c, true);
	for (const char *s = line; *s; s++)
		console_put(&c, *s);
	CHECK_EQ(u, atomic_load(&wakes.calls), 2);	/* first byte, then the panic */
	CHECK(u, console_panic_wait(&c, &wait));
	CHECK(u, wait > 0 && wait <= PANIC_WATCH_GRACE_MS);
	console_panic_reason(&c, reason, sizeof(reason));
	CHECK(u, !strcmp(reason, "VFS: no root"));
	CHECK_EQ(u, console_spawn_due(&c), 0);
	CHECK_EQ(u, read_for(p[0], buf, 2 * (sizeof(line) - 1), 5000),
		 2 * (sizeof(line) - 1));

	/* The terminal goes away: what the guest writes is still looked at. */
	close(p[0]);
	for (const char *s = "x\n"; *s; s++)
		console_put(&c, *s);
	usleep(20000);
	for (const char *s = "---[ end Kernel panic - not syncing: VFS: no root ]---\n"; *s; s++)
		console_put(&c, *s);
	CHECK_EQ(u, atomic_load(&wakes.calls), 3);
	CHECK(u, console_panic_wait(&c, &wait));
	CHECK_EQ(u, wait, 0);
	console_stop(&c, 1000);
	console_panic_watch(&c, false);
	CHECK(u, !console_panic_wait(&c, &wait));
	close(p[1]);
}

int main(void)
{
	struct unit u = { 0 };

	signal(SIGPIPE, SIG_IGN);	/* as lkvm: EPIPE, not death */
	test_lines(&u);
	test_full(&u);
	test_broken(&u);
	test_stuck_stop(&u);
	test_threads(&u);
	test_leave_idle(&u);
	test_lazy(&u);
	test_panic(&u);
	return unit_done(&u, "test-console");
}
