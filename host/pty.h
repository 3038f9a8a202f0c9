/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_PTY_H
#define LKVM_HOST_PTY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Guest output a pty may hold before lkvm drops it (and counts it). */
#define PTY_OUT_SIZE	4096

/*
 * A host pseudo-terminal for a guest serial line (--tty N). The master
 * is non-blocking and only the main loop reads and writes it; guest
 * output goes through a bounded ring filled on vCPU threads, so a pty
 * nobody reads never makes the guest wait: what does not fit is
 * dropped and counted. lkvm keeps the slave open itself, so output
 * written before anyone opens it waits in the pty, and the master never
 * sees a hang-up (which would make poll() spin) when a reader closes it.
 */
struct pty {
	int master;
	int slave;
	char path[64];		/* the slave's, e.g. /dev/pts/3 */
	bool broken;		/* the master failed: output is dropped */

	pthread_mutex_t lock;	/* guards the ring and dropped */
	size_t head, len;
	uint64_t dropped;
	uint8_t out[PTY_OUT_SIZE];
};

int pty_open(struct pty *p);
void pty_close(struct pty *p);
bool pty_put(struct pty *p, uint8_t byte);
bool pty_has_output(struct pty *p);
void pty_flush(struct pty *p);
ssize_t pty_read(struct pty *p, uint8_t *buf, size_t room);

#endif
