// SPDX-License-Identifier: GPL-2.0
/*
 * st-helper run: CMD on a channel we read, a pty or a pipe, its output
 * copied to a file, with the stalls, hang-ups and terminal modes the
 * scripts ask for (the options: the comment at the top of st-helper.c).
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
#include <unistd.h>

#include "st-helper.h"

struct run_opts {
	int pty, ctty, pipe_size;
	const char *out, *pidfile, *statusfile, *mode, *pause, *close;
};

static int exists(const char *path)
{
	return path && access(path, F_OK) == 0;
}

/* Written whole, then renamed: a reader never sees half of it. */
static void write_file(const char *path, const char *text)
{
	char tmp[4096];
	int fd;

	if (!path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	write_all(fd, text, strlen(text));
	close(fd);
	rename(tmp, path);
}

static int status_code(int status, char *text, size_t len)
{
	if (WIFSIGNALED(status)) {
		snprintf(text, len, "signal %d\n", WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	snprintf(text, len, "exit %d\n", WEXITSTATUS(status));
	return WEXITSTATUS(status);
}

/* "stty -g" with the terminal as its stdin, output to PFX.SUFFIX. */
static void run_stty(int tty, const char *pfx, const char *suffix)
{
	char path[4096];
	pid_t pid;
	int fd;

	snprintf(path, sizeof(path), "%s.%s", pfx, suffix);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	pid = fork();
	if (pid == 0) {
		dup2(tty, 0);
		dup2(fd, 1);
		execlp("stty", "stty", "-g", (char *)NULL);
		_exit(127);
	}
	close(fd);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static int open_pty(int *master, int *slave)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) || unlockpt(*master))
		return -1;
	*slave = open(ptsname(*master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	return *slave < 0 ? -1 : 0;
}

static pid_t spawn(const struct run_opts *o, int in, int out, char **argv)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/*
	 * As an interactive shell starts a command. A script's background
	 * jobs inherit SIGINT ignored, and we ignore SIGPIPE: either would
	 * hide how CMD meets them.
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	setsid();
	if (o->pty && o->ctty)
		ioctl(in, TIOCSCTTY, 0);
	if (in >= 0)
		dup2(in, 0);
	dup2(out, 1);
	execvp(argv[0], argv);
	fprintf(stderr, "st-helper: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Copies what can be read now; returns -1 once the channel is dead. */
static int copy_some(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n > 0) {
		write_all(to, buf, n);
		return 0;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	return -1;
}

static void drain(int from, int to)
{
	fcntl(from, F_SETFL, O_NONBLOCK);
	while (copy_some(from, to) == 0) {
		int avail = 0;

		if (ioctl(from, FIONREAD, &avail) || avail <= 0)
			break;
	}
}

static int run_loop(const struct run_opts *o, pid_t child, int rfd, int out)
{
	int status = 0, closed = 0, dead = 0;

	for (;;) {
		struct pollfd p = { .fd = rfd, .events = POLLIN };

		if (!closed && exists(o->close)) {
			close(rfd);
			closed = 1;
		}
		if (closed || dead || exists(o->pause))
			p.fd = -1;	/* poll() then only waits */
		if (poll(&p, 1, 20) > 0 && p.revents && copy_some(rfd, out))
			dead = 1;
		if (waitpid(child, &status, WNOHANG) == child)
			break;
	}
	if (!closed)
		drain(rfd, out);
	return status;
}

/* The channel CMD writes to: *rfd is our end, *wfd its (a pty: the slave). */
static int run_channel(const struct run_opts *o, int *rfd, int *wfd)
{
	char path[4096];
	int p[2];

	if (!o->pty) {
		if (pipe2(p, O_CLOEXEC)) {
			perror("st-helper: pipe");
			return -1;
		}
		if (o->pipe_size)
			fcntl(p[0], F_SETPIPE_SZ, o->pipe_size);
		*rfd = p[0];
		*wfd = p[1];
		return 0;
	}
	if (open_pty(rfd, wfd)) {
		perror("st-helper: cannot allocate a pty (is devpts mounted?)");
		return -1;
	}
	if (o->mode) {
		snprintf(path, sizeof(path), "%s.tty", o->mode);
		write_file(path, ptsname(*rfd));
		run_stty(*wfd, o->mode, "before");
	}
	return 0;
}

static int run_parse(int argc, char **argv, struct run_opts *o)
{
	int c;

	while ((c = getopt(argc, argv, "+t:no:p:s:m:z:P:C:")) != -1) {
		switch (c) {
		case 't': o->pty = !strcmp(optarg, "pty"); break;
		case 'n': o->ctty = 0; break;
		case 'o': o->out = optarg; break;
		case 'p': o->pidfile = optarg; break;
		case 's': o->statusfile = optarg; break;
		case 'm': o->mode = optarg; break;
		case 'z': o->pipe_size = atoi(optarg); break;
		case 'P': o->pause = optarg; break;
		case 'C': o->close = optarg; break;
		default: return -1;
		}
	}
	return optind < argc ? 0 : -1;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .pty = 1, .ctty = 1 };
	int rfd, wfd, out = 1, status, code;
	char text[64];
	pid_t child;

	if (run_parse(argc, argv, &o))
		return usage();
	if (o.out) {
		out = open(o.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out < 0) {
			perror(o.out);
			return 2;
		}
	}
	if (run_channel(&o, &rfd, &wfd))
		return 2;
	child = spawn(&o, o.pty ? wfd : -1, wfd, argv + optind);
	if (child < 0) {
		perror("st-helper: fork");
		return 2;
	}
	/* The pty's slave stays open here, for "stty -g" afterwards. */
	if (!o.pty)
		close(wfd);
	snprintf(text, sizeof(text), "%d\n", (int)child);
	write_file(o.pidfile, text);
	status = run_loop(&o, child, rfd, out);
	if (o.pty && o.mode)
		run_stty(wfd, o.mode, "after");
	code = status_code(status, text, sizeof(text));
	write_file(o.statusfile, text);
	return code;
}
