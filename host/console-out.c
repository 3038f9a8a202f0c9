// SPDX-License-Identifier: GPL-2.0
/*
 * The console's output: a bounded ring filled by the UART on vCPU
 * threads and emptied by one writer thread (see host/console.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/console.h"
#include "host/console-internal.h"
#include "lib/thread.h"
#include "lib/util.h"

int console_out_init(struct console *c)
{
	pthread_condattr_t attr;
	int ret;

	ret = -pthread_mutex_init(&c->lock, NULL);
	if (ret)
		return ret;
	/* Linger timeouts are measured on the clock console_put() stamps with. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	ret = -pthread_cond_init(&c->cond, &attr);
	pthread_condattr_destroy(&attr);
	return ret;
}

/*
 * Lock held: every byte the guest wrote, whether a terminal gets it or
 * not, and whichever device it came through. A panic wakes the owner,
 * which decides when the guest has had its grace (console_panic_wait()).
 */
static void console_watch(struct console *c, uint8_t byte)
{
	if (!c->panic_on || !panic_watch_feed(&c->panic, byte))
		return;
	if (!c->panic_ns)
		c->panic_ns = clock_now_ns();
	if (c->wake)
		c->wake(c->opaque);
}

/*
 * On a vCPU thread, with the UART's lock held: never blocks beyond the
 * ring's lock. Returns false when the ring is full; the caller keeps
 * the byte and retries when room() is called.
 */
bool console_put(struct console *c, uint8_t byte)
{
	bool wake;

	pthread_mutex_lock(&c->lock);
	if (c->out_broken) {
		c->dropped++;
		console_watch(c, byte);
		pthread_mutex_unlock(&c->lock);
		return true;
	}
	if (c->len == CONSOLE_RING_SIZE) {
		c->refused = true;
		pthread_mutex_unlock(&c->lock);
		return false;
	}
	if (!c->writer_started && c->wake && !c->wake_sent) {
		c->wake_sent = true;
		c->wake(c->opaque);
	}
	c->ring[(c->head + c->len) % CONSOLE_RING_SIZE] = byte;
	/* The writer sleeps on an empty ring or until the line ends. */
	wake = !c->len || (byte == '\n' && !c->line_done) ||
	       c->len + 1 == CONSOLE_RING_SIZE / 2;
	c->len++;
	c->last_put_ns = clock_now_ns();
	if (byte == '\n')
		c->line_done = true;
	console_watch(c, byte);
	if (wake)
		pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return true;
}

/* Looks for a kernel panic in what the guest writes from now on (or not). */
void console_panic_watch(struct console *c, bool on)
{
	pthread_mutex_lock(&c->lock);
	c->panic_on = on;
	c->panic_ns = 0;
	panic_watch_init(&c->panic);
	pthread_mutex_unlock(&c->lock);
}

/*
 * Whether the guest's kernel panicked; if it did, *wait_ms is how long
 * the guest still has to reset or power off by itself (0: stop it).
 */
bool console_panic_wait(struct console *c, uint64_t *wait_ms)
{
	bool seen;

	pthread_mutex_lock(&c->lock);
	seen = c->panic_on && c->panic.seen;
	if (seen)
		*wait_ms = panic_watch_wait_ms(&c->panic, c->panic_ns,
					       c->last_put_ns, clock_now_ns());
	pthread_mutex_unlock(&c->lock);
	return seen;
}

/* The panic's reason as the kernel gave it, made printable; "" if none yet. */
void console_panic_reason(struct console *c, char *buf, size_t len)
{
	if (!len)
		return;
	pthread_mutex_lock(&c->lock);
	snprintf(buf, len, "%s", c->panic_on ? c->panic.reason : "");
	pthread_mutex_unlock(&c->lock);
}

/* How many bytes console_put() would take now, one after the other. */
size_t console_room(struct console *c)
{
	size_t room;

	pthread_mutex_lock(&c->lock);
	room = c->out_broken ? CONSOLE_RING_SIZE : CONSOLE_RING_SIZE - c->len;
	pthread_mutex_unlock(&c->lock);
	return room;
}

/* Whether the writer should write now rather than wait for more. */
static bool console_due(struct console *c, uint64_t now)
{
	return c->stopping || c->line_done || c->len >= CONSOLE_RING_SIZE / 2 ||
	       now >= c->last_put_ns + CONSOLE_LINGER_MS * 1000000ull;
}

/* Lock held; returns with bytes due to be written, or none when stopping. */
static void console_wait_due(struct console *c)
{
	for (;;) {
		uint64_t now = clock_now_ns(), until;
		struct timespec ts;

		if (c->len && console_due(c, now))
			return;
		if (!c->len && c->stopping)
			return;
		if (!c->len) {
			pthread_cond_wait(&c->cond, &c->lock);
			continue;
		}
		until = c->last_put_ns + CONSOLE_LINGER_MS * 1000000ull;
		ts.tv_sec = until / 1000000000ull;
		ts.tv_nsec = until % 1000000000ull;
		pthread_cond_timedwait(&c->cond, &c->lock, &ts);
	}
}

/*
 * Writes buf whole unless the terminal goes away; a full non-blocking
 * descriptor is waited for. Returns false when output is broken.
 */
static bool console_write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };

		if (n > 0) {
			buf += n;
			len -= n;
		} else if (n < 0 && errno == EAGAIN) {
			poll(&pfd, 1, -1);
		} else if (n == 0 || errno != EINTR) {
			return false;
		}
	}
	return true;
}

/* Writes the oldest contiguous run of bytes; lock held on entry and exit. */
static void console_write_some(struct console *c)
{
	size_t n = c->len;
	bool ok, refused;

	if (c->head + n > CONSOLE_RING_SIZE)
		n = CONSOLE_RING_SIZE - c->head;
	if (n == c->len)
		c->line_done = false;	/* everything due goes out now */
	c->writing = true;
	pthread_mutex_unlock(&c->lock);
	ok = console_write_all(c->out_fd, c->ring + c->head, n);
	pthread_mutex_lock(&c->lock);
	c->writing = false;
	if (!ok && !c->out_broken) {
		c->out_broken = true;
		c->dropped += c->len - n;
	}
	c->head = (c->head + n) % CONSOLE_RING_SIZE;
	c->len -= n;
	if (c->out_broken) {
		c->head = 0;
		c->len = 0;
	}
	refused = c->refused;
	c->refused = false;
	if (refused && c->room) {
		pthread_mutex_unlock(&c->lock);
		c->room(c->opaque);
		pthread_mutex_lock(&c->lock);
	}
}

static void *console_writer(void *arg)
{
	struct console *c = arg;

	if (c->thread_start)
		c->thread_start(c->opaque);
	pthread_mutex_lock(&c->lock);
	for (;;) {
		console_wait_due(c);
		if (!c->len)
			break;
		console_write_some(c);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

static int console_spawn(struct console *c)
{
	int ret = thread_start(&c->writer, console_writer, c);

	pthread_mutex_lock(&c->lock);
	c->writer_started = !ret;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* room is called when a byte console_put() refused would now fit. */
int console_start(struct console *c, void (*room)(void *opaque), void *opaque)
{
	c->room = room;
	c->opaque = opaque;
	return console_spawn(c);
}

/*
 * No writer yet: the first byte calls wake(), on whatever thread puts
 * it, and the owner then calls console_spawn_due() on a thread that may
 * create threads. A guest that writes nothing never costs one.
 */
void console_start_lazy(struct console *c, void (*room)(void *opaque),
			void (*wake)(void *opaque), void *opaque)
{
	c->room = room;
	c->wake = wake;
	c->opaque = opaque;
}

/* Creates the writer once there is output for it; 0 or -errno. */
int console_spawn_due(struct console *c)
{
	bool due;

	pthread_mutex_lock(&c->lock);
	due = c->wake_sent && !c->writer_started;
	pthread_mutex_unlock(&c->lock);
	return due ? console_spawn(c) : 0;
}

/*
 * Writes what the guest left in the ring and ends the writer. A
 * terminal that accepts nothing for timeout_ms loses the rest rather
 * than hang lkvm: returns -ETIMEDOUT and leaves the writer blocked in
 * write(), abandoned; the console must then outlive the process's
 * remaining work (lkvm exits right after). Cancelling the thread
 * instead would unwind it from inside a system call, which sanitizers
 * and some libcs handle badly, for no gain at exit.
 */
int console_stop(struct console *c, unsigned int timeout_ms)
{
	struct timespec ts;
	uint64_t until;
	int ret;

	/* Output the (lazy) writer was not made for yet: make it now. */
	if (!c->writer_started && c->len && c->wake)
		console_spawn(c);
	if (!c->writer_started) {
		/* No writer ever ran: whatever the ring holds goes out here. */
		if (c->len && !c->out_broken)
			console_write_all(c->out_fd, c->ring + c->head,
					  CONSOLE_RING_SIZE - c->head < c->len ?
					  CONSOLE_RING_SIZE - c->head : c->len);
		return 0;
	}
	pthread_mutex_lock(&c->lock);
	c->stopping = true;
	pthread_cond_signal(&c->cond);
	if (c->leave_idle && !c->len && !c->writing) {
		c->abandoned = true;
		pthread_mutex_unlock(&c->lock);
		pthread_detach(c->writer);
		return 0;
	}
	pthread_mutex_unlock(&c->lock);

	/* pthread_timedjoin_np takes CLOCK_REALTIME. */
	clock_gettime(CLOCK_REALTIME, &ts);
	until = ts.tv_sec * 1000000000ull + ts.tv_nsec + timeout_ms * 1000000ull;
	ts.tv_sec = until / 1000000000ull;
	ts.tv_nsec = until % 1000000000ull;
	ret = -pthread_timedjoin_np(c->writer, NULL, &ts);
	if (ret == -ETIMEDOUT) {
		/* The writer still runs: its fields change under the lock only. */
		pthread_mutex_lock(&c->lock);
		c->abandoned = true;
		pthread_mutex_unlock(&c->lock);
	} else {
		c->writer_started = false;
	}
	return ret;
}
