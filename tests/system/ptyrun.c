// SPDX-License-Identifier: GPL-2.0
/*
 * ptyrun: run COMMAND on a new pseudo-terminal (stdin and stdout), copy our
 * stdin to it and its output to our stdout; stderr is left alone. Exits with
 * the command's status (128+N if killed by signal N). SIGTERM, SIGINT and
 * SIGHUP are passed on; the command is killed if ptyrun dies. VMMs that
 * only read console input from a terminal need it (the scenarios'
 * stdin=pty, scripts/run-vm-scenarios.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static volatile pid_t child;

static void pass_on(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static void copy_all(int to, const char *p, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(to, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= w;
	}
}

int main(int argc, char **argv)
{
	int master, slave, status = 0, in_open = 1, done = 0;
	struct termios t;
	struct sigaction sa;
	char buf[4096];
	ssize_t r;

	if (argc < 2) {
		fprintf(stderr, "usage: ptyrun COMMAND [ARG...]\n");
		return 2;
	}
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("ptyrun: cannot allocate a pty (is devpts mounted?)");
		return 2;
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0) {
		perror("ptyrun: cannot open the pty");
		return 2;
	}
	/* Raw: bytes pass unchanged, as through a pipe. */
	if (tcgetattr(slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(slave, TCSANOW, &t);
	}
	child = fork();
	if (child < 0) {
		perror("ptyrun: fork");
		return 2;
	}
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		if (slave > 2)
			close(slave);
		close(master);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "ptyrun: cannot run %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	close(slave);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_on;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	while (!done) {
		struct pollfd p[2] = { { master, POLLIN, 0 }, { 0, POLLIN, 0 } };
		int n = poll(p, in_open ? 2 : 1, 200);

		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && p[0].revents) {
			r = read(master, buf, sizeof(buf));
			if (r > 0)
				copy_all(1, buf, r);
			else if (!(r < 0 && errno == EINTR))
				break;	/* EIO: no one has the pty open any more */
		}
		if (n > 0 && in_open && p[1].revents) {
			r = read(0, buf, sizeof(buf));
			if (r > 0)
				copy_all(master, buf, r);
			else if (!(r < 0 && errno == EINTR))
				in_open = 0;
		}
		if (waitpid(child, &status, WNOHANG) == child) {
			/* Copy what is left, then stop. */
			fcntl(master, F_SETFL, O_NONBLOCK);
			while ((r = read(master, buf, sizeof(buf))) > 0)
				copy_all(1, buf, r);
			child = 0;
			done = 1;
		}
	}
	if (child > 0) {
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
