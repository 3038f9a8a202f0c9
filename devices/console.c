// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "devices/console.h"

int console_init(struct console *c, int in_fd, int out_fd)
{
	struct termios raw;

	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->in_is_tty = isatty(in_fd);
	if (fcntl(in_fd, F_GETFD) < 0)
		c->in_eof = true;	/* started without stdin */
	if (!c->in_is_tty)
		return 0;
	if (tcgetattr(in_fd, &c->saved))
		return -errno;
	c->termios_saved = true;
	/*
	 * Keystrokes go to the guest as typed: no line editing, no echo,
	 * and Ctrl-c reaches the guest's shell instead of killing lkvm.
	 * Output processing stays on so our own messages stay readable.
	 */
	raw = c->saved;
	raw.c_iflag &= ~(ICRNL | IXON | INLCR | IGNCR);
	raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(in_fd, TCSAFLUSH, &raw))
		return -errno;
	return 0;
}

void console_restore(struct console *c)
{
	console_flush(c);
	if (c->termios_saved)
		tcsetattr(c->in_fd, TCSAFLUSH, &c->saved);
	c->termios_saved = false;
}

static void console_flush_locked(struct console *c)
{
	size_t done = 0;

	while (done < c->len && !c->out_broken) {
		ssize_t n = write(c->out_fd, c->buf + done, c->len - done);

		if (n > 0)
			done += n;
		else if (n < 0 && errno != EINTR && errno != EAGAIN)
			c->out_broken = true;	/* closed pipe: drop, keep running */
	}
	c->len = 0;
}

void console_flush(struct console *c)
{
	pthread_mutex_lock(&c->lock);
	console_flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}

/*
 * Bytes are batched and written a line at a time; the main loop
 * flushes a partial line (a prompt) shortly after it stops growing.
 */
void console_put(struct console *c, uint8_t byte)
{
	pthread_mutex_lock(&c->lock);
	c->buf[c->len++] = byte;
	if (byte == '\n' || c->len == sizeof(c->buf))
		console_flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}

bool console_pending(struct console *c)
{
	bool pending;

	pthread_mutex_lock(&c->lock);
	pending = c->len != 0;
	pthread_mutex_unlock(&c->lock);
	return pending;
}

/*
 * Reads at most room bytes of input for the guest. Ctrl-a x asks to
 * quit; Ctrl-a Ctrl-a sends one Ctrl-a. Returns the bytes for the
 * guest, 0 at end of input, or -errno.
 */
ssize_t console_read(struct console *c, uint8_t *buf, size_t room, bool *quit)
{
	uint8_t in[64];
	ssize_t n, i, out = 0;

	*quit = false;
	n = read(c->in_fd, in, room < sizeof(in) ? room : sizeof(in));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0) {
		c->in_eof = true;	/* unreadable input: stop polling it */
		return -errno;
	}
	if (n == 0) {
		c->in_eof = true;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (c->in_is_tty && c->escape) {
			c->escape = false;
			if (in[i] == 'x') {
				*quit = true;
				return out;
			}
			/* Anything else, Ctrl-a included, goes to the guest. */
		} else if (c->in_is_tty && in[i] == CONSOLE_ESCAPE) {
			c->escape = true;
			continue;
		}
		buf[out++] = in[i];
	}
	return out;
}
