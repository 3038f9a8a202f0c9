/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_CONSOLE_H
#define LKVM_DEVICES_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>

#include "host/panic-watch.h"

/* Output the guest may have in flight before its UART reports THR full. */
#define CONSOLE_RING_SIZE	16384
#define CONSOLE_ESCAPE		0x01	/* Ctrl-a, then x quits, as kvmtool */
/* How long a partial line (a prompt) waits for more before it is written. */
#define CONSOLE_LINGER_MS	5

/*
 * The host side of the serial console: the terminal (raw mode when it
 * is one), the Ctrl-a escape on input, and output.
 *
 * Output goes through a bounded ring to a writer thread, so a vCPU
 * never makes a system call per byte and never blocks on a slow or
 * stuck terminal: the writer writes whole lines (or a partial line once
 * it stops growing for CONSOLE_LINGER_MS), and when the ring is full
 * console_put() refuses the byte and the UART holds it, reporting THR
 * full, until the writer makes room and calls room(). A terminal that
 * went away (EPIPE, EIO) makes output be dropped; the guest runs on.
 *
 * Every byte the ring takes (or drops) is also scanned for a Linux
 * kernel panic once console_panic_watch() turns that on: the only place
 * all of the guest's console output passes, from the UART and from a
 * virtio console alike. Seeing one calls wake().
 */
struct console {
	int in_fd;
	int out_fd;
	bool in_is_tty;
	bool termios_saved;
	struct termios saved;
	bool in_eof;
	bool escape;

	/* Called on the writer thread, no lock held, when a refused byte fits. */
	void (*room)(void *opaque);
	/*
	 * The owner must look at the console: the first byte asks for a
	 * writer (console_start_lazy()), or the guest's kernel panicked.
	 */
	void (*wake)(void *opaque);
	void *opaque;
	/* Optional: first thing on the writer thread (to enter the sandbox). */
	void (*thread_start)(void *opaque);
	/*
	 * At stop, a writer with nothing to write is not waited for: it is
	 * detached and left to end with the process (and c must outlive it:
	 * abandoned is set). For a process that exits right after.
	 */
	bool leave_idle;

	pthread_mutex_t lock;	/* guards everything below */
	pthread_cond_t cond;	/* the writer waits here for bytes or a stop */
	pthread_t writer;
	bool writer_started;
	bool abandoned;		/* the writer may still run (stuck, or left): never free */
	bool stopping;		/* write what is left, then end */
	bool out_broken;	/* the terminal went away: output is dropped */
	bool refused;		/* a byte was refused: call room() when there is some */
	bool writing;		/* the writer is in write(), the lock released */
	bool wake_sent;		/* wake() was called */
	bool line_done;		/* a newline is in the ring */
	uint64_t last_put_ns;	/* CLOCK_MONOTONIC of the newest byte */
	size_t head, len;	/* ring: oldest byte, bytes held */
	uint64_t dropped;	/* bytes a broken terminal never got */
	bool panic_on;		/* look for a kernel panic in the output */
	uint64_t panic_ns;	/* CLOCK_MONOTONIC when it was seen */
	struct panic_watch panic;
	uint8_t ring[CONSOLE_RING_SIZE];
};

int console_init(struct console *c, int in_fd, int out_fd);
int console_raw(struct console *c);
int console_start(struct console *c, void (*room)(void *opaque), void *opaque);
void console_start_lazy(struct console *c, void (*room)(void *opaque),
			void (*wake)(void *opaque), void *opaque);
int console_spawn_due(struct console *c);
int console_stop(struct console *c, unsigned int timeout_ms);
void console_restore(struct console *c);
bool console_put(struct console *c, uint8_t byte);
size_t console_room(struct console *c);
void console_panic_watch(struct console *c, bool on);
bool console_panic_wait(struct console *c, uint64_t *wait_ms);
void console_panic_reason(struct console *c, char *buf, size_t len);
ssize_t console_read(struct console *c, uint8_t *buf, size_t room, bool *quit);

#endif
