/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_CONSOLE_H
#define LKVM_DEVICES_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>

#define CONSOLE_BUF_SIZE	4096
#define CONSOLE_ESCAPE		0x01	/* Ctrl-a, then x quits, as kvmtool */

/*
 * The host side of the serial console: the terminal (raw mode when it
 * is one), output batching, and the Ctrl-a escape on input.
 */
struct console {
	int in_fd;
	int out_fd;
	bool in_is_tty;
	bool termios_saved;
	struct termios saved;
	bool in_eof;
	bool escape;

	pthread_mutex_t lock;	/* guards the output buffer */
	uint8_t buf[CONSOLE_BUF_SIZE];
	size_t len;
	bool out_broken;	/* the terminal went away: output is dropped */
};

int console_init(struct console *c, int in_fd, int out_fd);
void console_restore(struct console *c);
void console_put(struct console *c, uint8_t byte);
void console_flush(struct console *c);
bool console_pending(struct console *c);
ssize_t console_read(struct console *c, uint8_t *buf, size_t room, bool *quit);

#endif
