/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_CONTROL_PROTO_H
#define LKVM_VM_CONTROL_PROTO_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The control socket's protocol: one request line, one reply line.
 *   STATUS            -> "OK running|paused <name> <pid>"
 *   STOP | PAUSE | RESUME
 *   IRQ <spi> <0|1|pulse>
 *   STATS             -> "OK uptime_ms=N exits=N mmio=N signal=N"
 *   SYSRQ <c>         a break and c on the guest's serial console
 *   DUMP              -> "OK <bytes>", then that many bytes of register
 *                        dump (every vCPU's), then the connection closes
 *   SNAPSHOT [stop]   the VM's state into the file whose descriptor comes
 *                     with the line (SCM_RIGHTS); then it resumes, or
 *                     stops with "stop" (docs/snapshot.md)
 * Replies are "OK ..." or "ERR <message naming the problem and the fix>".
 */
#define CONTROL_LINE_MAX	128

enum control_op {
	CONTROL_STATUS,
	CONTROL_STOP,
	CONTROL_PAUSE,
	CONTROL_RESUME,
	CONTROL_IRQ,
	CONTROL_STATS,
	CONTROL_SYSRQ,
	CONTROL_DUMP,
	CONTROL_SNAPSHOT,
};

enum control_level {
	CONTROL_LEVEL_LOW,
	CONTROL_LEVEL_HIGH,
	CONTROL_LEVEL_PULSE,
};

struct control_cmd {
	enum control_op op;
	unsigned int spi;
	enum control_level level;
	char sysrq;		/* SYSRQ's key: a printable character */
	bool stop;		/* SNAPSHOT stop */
	int fd;			/* SNAPSHOT: the file, when has_fd */
	bool has_fd;
};

int control_parse(const char *line, size_t len, struct control_cmd *cmd,
		  char *err, size_t err_len);
int control_format(const struct control_cmd *cmd, char *buf, size_t len);
int control_parse_level(const char *s, enum control_level *level);
int control_check_sysrq(const char *s);

#endif
