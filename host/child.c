// SPDX-License-Identifier: GPL-2.0
/*
 * A child process watched through a pidfd (host/child.h): waited for
 * with a bound, killed when it outstays it, always reaped.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

#include "host/child.h"

/* A process that SIGKILL does not end within this is left behind. */
#define CHILD_KILL_MS		5000

int child_watch(struct child *c, pid_t pid, const char *name)
{
	int fd = pidfd_open(pid, 0);

	if (fd < 0)
		return -errno;
	c->pid = pid;
	c->pidfd = fd;
	c->name = name;
	return 0;
}

/* siginfo's account of the end, as wait()'s status word. */
static int child_status(const siginfo_t *si)
{
	if (si->si_code == CLD_EXITED)
		return (si->si_status & 0xff) << 8;
	return (si->si_status & 0x7f) | (si->si_code == CLD_DUMPED ? 0x80 : 0);
}

/* Reaps it if it has ended: 0, -EAGAIN (still running), or -errno. */
static int child_reap(struct child *c, int *status)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, c->pidfd, &si, WEXITED | WNOHANG))
		return errno == EINTR ? -EAGAIN : -errno;
	if (!si.si_pid)
		return -EAGAIN;
	*status = child_status(&si);
	c->pid = 0;
	return 0;
}

int child_wait(struct child *c, int ms, int wake_fd, int *status)
{
	struct pollfd p[2] = {
		{ .fd = c->pidfd, .events = POLLIN },
		{ .fd = wake_fd, .events = POLLIN },
	};
	struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000L };
	int ret;

	if (!c->pid)
		return -ECHILD;
	ret = ppoll(p, wake_fd < 0 ? 1 : 2, &t, NULL);
	if (ret < 0)
		return errno == EINTR ? -EINTR : -errno;
	if (p[0].revents) {
		ret = child_reap(c, status);
		return ret == -EAGAIN ? -ETIMEDOUT : ret;
	}
	return p[1].revents ? -EINTR : -ETIMEDOUT;
}

int child_end(struct child *c, int grace_ms, int *status, bool *killed)
{
	bool sent = false;
	int ret = -ECHILD, st = 0;

	if (c->pid) {
		ret = child_wait(c, grace_ms, -1, &st);
		if (ret == -ETIMEDOUT || ret == -EINTR) {
			sent = !pidfd_send_signal(c->pidfd, SIGKILL, NULL, 0);
			ret = child_wait(c, CHILD_KILL_MS, -1, &st);
		}
	}
	if (status)
		*status = st;
	if (killed)
		*killed = sent;
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
	return ret;
}

void child_describe(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(buf, len, "killed by signal %d (SIG%s)%s", WTERMSIG(status),
			 sigabbrev_np(WTERMSIG(status)) ?: "?",
			 WCOREDUMP(status) ? ", core dumped" : "");
}
