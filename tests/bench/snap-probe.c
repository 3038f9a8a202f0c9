// SPDX-License-Identifier: GPL-2.0
/*
 * snap-probe: run a VMM on a pseudo-terminal and time its console.
 *
 *   snap-probe [-k] [-t SECONDS] [-o FILE] [-e FILE] [-x PREFIX] [-w LINE] [-W TEXT]
 *              [-s LINE] [-a LINE] [-q LINE] [-m FILE] [--] COMMAND [ARG...]
 *
 * Forks COMMAND with a pseudo-terminal in raw mode as its standard input
 * and output (kvmtool reads its console only from a terminal; lkvm gets
 * the same) and its standard error on a pipe. Times are microseconds
 * from just before fork():
 *
 *   first_us   the first byte of console output that is not in a line
 *              starting with -x PREFIX (kvmtool's "  # lkvm run ..."
 *              banner: the VMM's, not the guest's)
 *   ready_us   the first console line starting with -w LINE, or the
 *              first standard error line holding -W TEXT
 *   answer_us  the first console line that is exactly -a LINE (its
 *              "\r" and blanks at the end left out)
 *
 * -s LINE is typed (with "\r", as the Enter key sends it) once ready
 * (at once without -w and -W). With -k, the command gets SIGTERM once
 * done: the answer came (with -a) or the guest's first byte (without).
 * After the answer, -q LINE is typed and
 * -m FILE is written: "pid=N answer_us=N" (the command's pid, for its
 * /proc files; the file appears whole, renamed into place). -o keeps
 * the console output, -e standard error, each of its lines prefixed
 * with the microseconds at which it arrived (default: dropped).
 * After -t SECONDS (default 300) SIGTERM, SIGKILL 5 s later.
 *
 * On exit one line to standard output:
 *
 *   first_us=N ready_us=N answer_us=N wall_us=N status=N timedout=0|1
 *
 * a time not reached being -1; status as a shell gives it. The exit
 * status is 0 when the answer (or, without -a, the exit) came, 1 if not,
 * 125 for snap-probe's own errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define OWN_ERROR	125
#define KILL_GRACE_US	5000000LL
#define LINE_MAX_LEN	1024

struct probe_opts {
	long long limit_us;
	const char *out_path, *err_path, *ready_line, *ready_err, *banner;
	const char *send, *answer, *quit, *mark;
	int kill_done;
};

/* One stream's partial line and its log. */
struct stream {
	int fd;
	FILE *log;
	char line[LINE_MAX_LEN];
	size_t len;
};

struct probe {
	struct probe_opts o;
	long long t0, first, ready, answer;
	pid_t pid;
	int master;
	int sent, quit_sent, killed;
};

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void probe_type(struct probe *p, const char *text)
{
	char buf[LINE_MAX_LEN + 2];
	int n = snprintf(buf, sizeof(buf), "%s\r", text);

	/* A short pty write of a short line does not happen; best effort. */
	if (write(p->master, buf, n) != n)
		fprintf(stderr, "snap-probe: typing '%s': %s\n", text, strerror(errno));
}

static void probe_mark(struct probe *p)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", p->o.mark);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "pid=%d answer_us=%lld\n", (int)p->pid, p->answer - p->t0);
	fclose(f);
	rename(tmp, p->o.mark);
}

static void probe_set_ready(struct probe *p)
{
	if (p->ready >= 0)
		return;
	p->ready = now_us();
	if (p->o.send && !p->sent) {
		probe_type(p, p->o.send);
		p->sent = 1;
	}
}

/* A whole console line (without its "\n"). */
static void probe_console_line(struct probe *p, char *line, size_t len)
{
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';
	if (p->o.ready_line && !strncmp(line, p->o.ready_line, strlen(p->o.ready_line)))
		probe_set_ready(p);
	if (p->o.answer && p->answer < 0 && p->sent && !strcmp(line, p->o.answer)) {
		p->answer = now_us();
		if (p->o.quit && !p->quit_sent) {
			probe_type(p, p->o.quit);
			p->quit_sent = 1;
		}
		if (p->o.mark)
			probe_mark(p);
	}
}

static void probe_err_line(struct probe *p, char *line)
{
	if (p->o.ready_err && strstr(line, p->o.ready_err))
		probe_set_ready(p);
}

/* The guest's first byte: the line so far is known not to be the banner. */
static void probe_first(struct probe *p, const struct stream *s)
{
	size_t blen = p->o.banner ? strlen(p->o.banner) : 0;

	if (p->first >= 0 || s->len < (blen ? blen : 1))
		return;
	if (blen && !strncmp(s->line, p->o.banner, blen))
		return;
	p->first = now_us();
}

/* Reads what is there; 0 at the end of the stream (EIO on a pty). */
static int probe_read(struct probe *p, struct stream *s, int console)
{
	char buf[4096];
	ssize_t n = read(s->fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0)
		return 0;
	if (s->log && console)
		fwrite(buf, 1, n, s->log);
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\n' && s->len < sizeof(s->line) - 1) {
			s->line[s->len++] = buf[i];
			if (console)
				probe_first(p, s);
			continue;
		}
		s->line[s->len] = '\0';
		if (console) {
			probe_console_line(p, s->line, s->len);
		} else {
			if (s->log)
				fprintf(s->log, "%lld %s\n", now_us() - p->t0, s->line);
			probe_err_line(p, s->line);
		}
		s->len = 0;
	}
	return 1;
}

static void child_exec(const char *slave_name, int err_w, char **argv)
{
	struct termios t;
	int slave;

	setsid();
	slave = open(slave_name, O_RDWR);
	if (slave < 0)
		_exit(127);
	ioctl(slave, TIOCSCTTY, 0);
	if (!tcgetattr(slave, &t)) {
		cfmakeraw(&t);
		tcsetattr(slave, TCSANOW, &t);
	}
	dup2(slave, 0);
	dup2(slave, 1);
	dup2(err_w, 2);
	if (slave > 2)
		close(slave);
	close(err_w);
	execvp(argv[0], argv);
	_exit(127);
}

static int probe_start(struct probe *p, char **argv, int *err_r)
{
	int pipefd[2];
	char *name;

	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0 || grantpt(p->master) || unlockpt(p->master) ||
	    !(name = ptsname(p->master)))
		return -errno;
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	p->t0 = now_us();
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (p->pid == 0)
		child_exec(name, pipefd[1], argv);
	close(pipefd[1]);
	*err_r = pipefd[0];
	if (!p->o.ready_line && !p->o.ready_err)
		probe_set_ready(p);
	return 0;
}

/* Runs until the command exits; its wait status in *status. */
static int probe_loop(struct probe *p, struct stream *con, struct stream *err, int *timedout)
{
	long long term_at = p->t0 + p->o.limit_us, kill_at = -1;
	int status = 0, open_con = 1, open_err = 1;

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = open_con ? con->fd : -1, .events = POLLIN },
			{ .fd = open_err ? err->fd : -1, .events = POLLIN },
		};
		pid_t w;

		poll(fds, 2, 20);
		if (fds[0].revents && !probe_read(p, con, 1))
			open_con = 0;
		if (fds[1].revents && !probe_read(p, err, 0))
			open_err = 0;
		if (p->o.kill_done && !p->killed &&
		    (p->o.answer ? p->answer : p->first) >= 0) {
			kill(p->pid, SIGTERM);
			p->killed = 1;
			kill_at = now_us() + KILL_GRACE_US;
		}
		w = waitpid(p->pid, &status, WNOHANG);
		if (w == p->pid) {
			/* What is left in the buffers. */
			while (open_con && poll(fds, 1, 0) > 0 && fds[0].revents &&
			       probe_read(p, con, 1))
				;
			return status;
		}
		if (now_us() >= term_at && kill_at < 0) {
			*timedout = 1;
			kill(p->pid, SIGTERM);
			kill_at = now_us() + KILL_GRACE_US;
		} else if (kill_at >= 0 && now_us() >= kill_at) {
			kill(p->pid, SIGKILL);
			kill_at = now_us() + 3600LL * 1000000LL;
		}
	}
}

static FILE *open_log(const char *path)
{
	FILE *f;

	if (!path)
		return NULL;
	f = fopen(path, "we");
	if (!f)
		fprintf(stderr, "snap-probe: %s: %s\n", path, strerror(errno));
	return f;
}

static long long rel(const struct probe *p, long long t)
{
	return t < 0 ? -1 : t - p->t0;
}

static int parse_opts(int argc, char **argv, struct probe_opts *o)
{
	int c;

	o->limit_us = 300LL * 1000000LL;
	while ((c = getopt(argc, argv, "+kt:o:e:x:w:W:s:a:q:m:")) != -1) {
		switch (c) {
		case 't': o->limit_us = atoll(optarg) * 1000000LL; break;
		case 'o': o->out_path = optarg; break;
		case 'e': o->err_path = optarg; break;
		case 'k': o->kill_done = 1; break;
		case 'x': o->banner = optarg; break;
		case 'w': o->ready_line = optarg; break;
		case 'W': o->ready_err = optarg; break;
		case 's': o->send = optarg; break;
		case 'a': o->answer = optarg; break;
		case 'q': o->quit = optarg; break;
		case 'm': o->mark = optarg; break;
		default: return -1;
		}
	}
	if (optind >= argc || o->limit_us <= 0)
		return -1;
	return optind;
}

int main(int argc, char **argv)
{
	struct probe p = { .first = -1, .ready = -1, .answer = -1, .master = -1 };
	struct stream con = { 0 }, err = { 0 };
	int first_arg, status, timedout = 0, rc;

	first_arg = parse_opts(argc, argv, &p.o);
	if (first_arg < 0) {
		fprintf(stderr, "usage: snap-probe [-k] [-t S] [-o F] [-e F] [-x PREFIX] [-w LINE] [-W TEXT] "
			"[-s LINE] [-a LINE] [-q LINE] [-m F] [--] COMMAND [ARG...]\n");
		return OWN_ERROR;
	}
	signal(SIGPIPE, SIG_IGN);
	con.log = open_log(p.o.out_path);
	err.log = open_log(p.o.err_path);
	rc = probe_start(&p, argv + first_arg, &err.fd);
	if (rc) {
		fprintf(stderr, "snap-probe: cannot start '%s': %s\n", argv[first_arg], strerror(-rc));
		return OWN_ERROR;
	}
	con.fd = p.master;
	status = probe_loop(&p, &con, &err, &timedout);
	if (con.log)
		fclose(con.log);
	if (err.log)
		fclose(err.log);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("first_us=%lld ready_us=%lld answer_us=%lld wall_us=%lld status=%d timedout=%d\n",
	       rel(&p, p.first), rel(&p, p.ready), rel(&p, p.answer), now_us() - p.t0,
	       status, timedout);
	if (p.o.answer)
		return p.answer >= 0 ? 0 : 1;
	return 0;
}
