/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_CHILD_H
#define LKVM_HOST_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * A process lkvm started and must reap (lkvm-net-user): its pid and a
 * pidfd, which polls readable once the process has ended and through
 * which it is signalled and waited for, so that nothing here can reach
 * another process (docs/sandbox.md). pid is 0 once it has been reaped.
 */
struct child {
	pid_t pid;
	int pidfd;
	const char *name;	/* the program, for messages */
};

#define CHILD_NONE	((struct child){ .pid = 0, .pidfd = -1, .name = "" })
/* How long a child told to end (its socket closed) is given to. */
#define CHILD_END_MS	2000

/* Right after fork(), in the parent: 0, or -errno (then kill and reap it). */
int child_watch(struct child *c, pid_t pid, const char *name);
/*
 * Waits up to ms (or until wake_fd, when not -1, is readable) for it
 * to end, and reaps it: 0 with its wait status in *status, -ETIMEDOUT,
 * -EINTR (woken, or a signal), or -errno.
 */
int child_wait(struct child *c, int ms, int wake_fd, int *status);
/*
 * Its end: waited for up to grace_ms, then SIGKILL and reaped; *killed
 * says whether it took the signal (either may be NULL). 0 with its
 * wait status, or -errno. The pidfd is closed; a child already reaped
 * is left as it is.
 */
int child_end(struct child *c, int grace_ms, int *status, bool *killed);
/* "exit status N" or "killed by signal N (name)", for a message. */
void child_describe(int status, char *buf, size_t len);

#endif
