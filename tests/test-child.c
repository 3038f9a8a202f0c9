// SPDX-License-Identifier: GPL-2.0
/*
 * host/child.c with real processes: an exit status and a signal read
 * back and said, a bounded wait that times out or is woken, a child
 * that outstays its grace killed, and every one reaped (no zombie).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/child.h"
#include "tests/unit.h"

/* A child that exits with code, or (code < 0) waits for a signal. */
static pid_t start(struct unit *u, struct child *c, int code)
{
	pid_t pid = fork();

	if (!pid) {
		if (code < 0)
			for (;;)
				pause();
		_exit(code);
	}
	CHECK(u, pid > 0);
	CHECK_EQ(u, child_watch(c, pid, "test-child"), 0);
	return pid;
}

/* Reaped: the pid is no child of ours any more. */
static bool reaped(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD;
}

static void test_exit(struct unit *u)
{
	struct child c = CHILD_NONE;
	char how[64];
	int status = -1;
	pid_t pid = start(u, &c, 3);

	CHECK_EQ(u, child_wait(&c, 5000, -1, &status), 0);
	CHECK(u, WIFEXITED(status) && WEXITSTATUS(status) == 3);
	CHECK_EQ(u, c.pid, 0);
	CHECK(u, reaped(pid));
	child_describe(status, how, sizeof(how));
	CHECK(u, !strcmp(how, "exit status 3"));
	CHECK_EQ(u, child_wait(&c, 0, -1, &status), -ECHILD);
	CHECK_EQ(u, child_end(&c, 0, NULL, NULL), -ECHILD);
	CHECK_EQ(u, c.pidfd, -1);
}

static void test_signal(struct unit *u)
{
	struct child c = CHILD_NONE;
	char how[64];
	int status = 0;
	pid_t pid = start(u, &c, -1);

	CHECK_EQ(u, child_wait(&c, 20, -1, &status), -ETIMEDOUT);
	CHECK_EQ(u, kill(pid, SIGTERM), 0);
	CHECK_EQ(u, child_wait(&c, 5000, -1, &status), 0);
	CHECK(u, WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	child_describe(status, how, sizeof(how));
	CHECK(u, !strcmp(how, "killed by signal 15 (SIGTERM)"));
	CHECK(u, reaped(pid));
	child_end(&c, 0, NULL, NULL);
}

static void test_wake(struct unit *u)
{
	struct child c = CHILD_NONE;
	uint64_t one = 1;
	int wake = eventfd(0, EFD_CLOEXEC), status;
	pid_t pid = start(u, &c, -1);

	CHECK_EQ(u, write(wake, &one, sizeof(one)), sizeof(one));
	CHECK_EQ(u, child_wait(&c, 5000, wake, &status), -EINTR);
	CHECK_EQ(u, c.pid, pid);
	CHECK(u, !reaped(pid));
	close(wake);
	child_end(&c, 0, NULL, NULL);
	CHECK(u, reaped(pid));
}

/* One that outstays its grace: killed, then reaped. */
static void test_end(struct unit *u)
{
	struct child c = CHILD_NONE;
	bool killed = false;
	int status = 0;
	pid_t pid = start(u, &c, -1);

	CHECK_EQ(u, child_end(&c, 50, &status, &killed), 0);
	CHECK(u, killed);
	CHECK(u, WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CHECK(u, reaped(pid));
	CHECK_EQ(u, c.pidfd, -1);

	pid = start(u, &c, 0);
	CHECK_EQ(u, child_end(&c, 5000, &status, &killed), 0);
	CHECK(u, !killed && WIFEXITED(status) && !WEXITSTATUS(status));
	CHECK(u, reaped(pid));
}

int main(void)
{
	struct unit u = { 0 };

	test_exit(&u);
	test_signal(&u);
	test_wake(&u);
	test_end(&u);
	return unit_done(&u, "test-child");
}
