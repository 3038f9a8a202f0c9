// SPDX-License-Identifier: GPL-2.0
/* The console's terminal: raw mode and restoring it, input, Ctrl-a x. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "host/console.h"
#include "host/console-internal.h"

int console_init(struct console *c, int in_fd, int out_fd)
{
	int ret;

	memset(c, 0, sizeof(*c));
	ret = console_out_init(c);
	if (ret)
		return ret;
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->in_is_tty = isatty(in_fd);
	if (fcntl(in_fd, F_GETFD) < 0)
		c->in_eof = true;	/* started without stdin */
	return 0;
}

/* Input in raw mode, when it is a terminal; console_restore() undoes it. */
int console_raw(struct console *c)
{
	struct termios raw;

	if (!c->in_is_tty)
		return 0;
	if (tcgetattr(c->in_fd, &c->saved))
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
	if (tcsetattr(c->in_fd, TCSANOW, &raw))
		return -errno;
	return 0;
}

/*
 * Called once the writer has stopped. TCSANOW, not TCSAFLUSH: waiting
 * for output to drain could block on a terminal nobody reads; input
 * typed for the guest is discarded so it does not reach the shell.
 */
void console_restore(struct console *c)
{
	if (!c->termios_saved)
		return;
	tcflush(c->in_fd, TCIFLUSH);
	tcsetattr(c->in_fd, TCSANOW, &c->saved);
	c->termios_saved = false;
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
