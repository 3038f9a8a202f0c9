// SPDX-License-Identifier: GPL-2.0
/*
 * rusage-run: run a command, report its wall time and peak RSS.
 *
 *   rusage-run [-o FILE] [-t SECONDS] [-s FILE] [-e FILE] [-i] [--] COMMAND [ARG...]
 *
 * Forks and execs COMMAND, waits for it with wait4() and writes one line
 * to FILE (default: standard error):
 *
 *   wall_us=N maxrss_kb=N utime_us=N stime_us=N status=N timedout=0|1
 *
 * wall_us runs from just before fork() to the return of wait4(): exec,
 * the command's whole life and its exit. maxrss_kb is the kernel's
 * ru_maxrss for the command, in KiB (no busybox "time -v" scaling).
 * status is the exit status, or 128 + N when signal N killed it, as a
 * shell reports it; 127 when it could not be executed.
 *
 *   -t SECONDS  send SIGTERM after SECONDS, SIGKILL 5 s later
 *   -s FILE     with -t: just before SIGTERM, copy the command's
 *               /proc/PID/status to FILE (its memory and threads while
 *               it runs), /proc/PID/smaps_rollup (exact resident sizes:
 *               status lags on kernels that cache RSS per thread), then
 *               one line per thread:
 *               Task: tid=N comm=NAME utime_ticks=N stime_ticks=N vcsw=N nvcsw=N
 *   -e FILE     the command's standard error goes to FILE through a pipe,
 *               each line prefixed with the microseconds since the fork
 *               at which it arrived (a VMM's --debug log as a timeline)
 *   -i          the command's standard input is an empty pipe that stays
 *               open until it exits: an idle console, never at end of file
 *
 * The exit status of rusage-run is the command's; 125 for its own errors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KILL_GRACE_S	5
#define OWN_ERROR	125

static volatile sig_atomic_t alarm_fired;

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

static unsigned long long tv_us(const struct timeval *tv)
{
	return (unsigned long long)tv->tv_sec * 1000000ULL + tv->tv_usec;
}

/* Reads a small /proc file into buf (NUL-terminated); length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)len < size - 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

static unsigned long status_field(const char *status, const char *name)
{
	const char *p = strstr(status, name);

	return p ? strtoul(p + strlen(name), NULL, 10) : 0;
}

/* One "Task:" line for a thread: its CPU time and context switches. */
static void save_task(FILE *out, pid_t pid, const char *tid)
{
	char path[320], stat[1024], status[4096], comm[32] = "?";
	unsigned long utime = 0, stime = 0;
	char *open_paren, *close_paren;

	snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", (int)pid, tid);
	if (read_small(path, stat, sizeof(stat)) < 0)
		return;
	/* comm is in parentheses and may hold blanks: parse around it. */
	open_paren = strchr(stat, '(');
	close_paren = strrchr(stat, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return;
	snprintf(comm, sizeof(comm), "%.*s", (int)(close_paren - open_paren - 1),
		 open_paren + 1);
	for (char *c = comm; *c; c++)
		if (*c == ' ')
			*c = '_';
	/* After ") ": state is field 3; utime and stime are fields 14, 15. */
	sscanf(close_paren + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	       &utime, &stime);
	snprintf(path, sizeof(path), "/proc/%d/task/%s/status", (int)pid, tid);
	if (read_small(path, status, sizeof(status)) < 0)
		status[0] = '\0';
	fprintf(out, "Task: tid=%s comm=%s utime_ticks=%lu stime_ticks=%lu vcsw=%lu nvcsw=%lu\n",
		tid, comm, utime, stime,
		status_field(status, "\nvoluntary_ctxt_switches:"),
		status_field(status, "\nnonvoluntary_ctxt_switches:"));
}

/*
 * Copies /proc/PID/status and smaps_rollup to path, then adds a line per
 * thread; best effort, the run goes on.
 */
static void save_status(pid_t pid, const char *path)
{
	char src[64], buf[8192];
	struct dirent *d;
	FILE *out;
	DIR *dir;

	snprintf(src, sizeof(src), "/proc/%d/status", (int)pid);
	if (read_small(src, buf, sizeof(buf)) < 0)
		return;
	out = fopen(path, "we");
	if (!out)
		return;
	fputs(buf, out);
	snprintf(src, sizeof(src), "/proc/%d/smaps_rollup", (int)pid);
	if (read_small(src, buf, sizeof(buf)) > 0)
		fputs(buf, out);
	snprintf(src, sizeof(src), "/proc/%d/task", (int)pid);
	dir = opendir(src);
	while (dir && (d = readdir(dir)))
		if (d->d_name[0] != '.')
			save_task(out, pid, d->d_name);
	if (dir)
		closedir(dir);
	fclose(out);
}

/* The alarm's work: SIGTERM first, SIGKILL when the grace time is over. */
static void on_timeout(pid_t pid, const char *status_path, bool *timed_out,
		       bool *killed)
{
	alarm_fired = 0;
	*timed_out = true;
	if (!*killed && status_path)
		save_status(pid, status_path);
	kill(pid, *killed ? SIGKILL : SIGTERM);
	if (!*killed)
		alarm(KILL_GRACE_S);
	*killed = true;
}

/*
 * Copies the command's standard error to out, one timestamped line at a
 * time, until every writer has closed it. Lines longer than the buffer
 * are cut.
 */
static void copy_stderr(int in, FILE *out, unsigned long long t0, pid_t pid,
			const char *status_path, bool *timed_out, bool *killed)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	char *nl;

	for (;;) {
		n = read(in, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR) {
			if (alarm_fired)
				on_timeout(pid, status_path, timed_out, killed);
			continue;
		}
		if (n <= 0)
			break;
		len += n;
		while ((nl = memchr(buf, '\n', len)) || len == sizeof(buf) - 1) {
			size_t line = nl ? (size_t)(nl - buf) : len;

			fprintf(out, "%llu %.*s\n", now_us() - t0, (int)line, buf);
			line += nl ? 1 : 0;
			memmove(buf, buf + line, len - line);
			len -= line;
		}
	}
	if (len)
		fprintf(out, "%llu %.*s\n", now_us() - t0, (int)len, buf);
	fflush(out);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: rusage-run [-o FILE] [-t SECONDS] [-s FILE] [-e FILE] [-i] [--] COMMAND [ARG...]\n");
	exit(OWN_ERROR);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned long long t0, t1;
	const char *out_path = NULL, *status_path = NULL, *err_path = NULL;
	int err_pipe[2] = { -1, -1 };
	FILE *err_out = NULL;
	unsigned long limit = 0;
	bool idle_stdin = false, timed_out = false, killed = false;
	int in_pipe[2] = { -1, -1 };
	struct rusage ru;
	int opt, out_fd, wstatus, status;
	pid_t pid, ret;
	char *end;

	while ((opt = getopt(argc, argv, "+o:t:s:e:i")) != -1) {
		switch (opt) {
		case 'o':
			out_path = optarg;
			break;
		case 't':
			errno = 0;
			limit = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg)
				usage();
			break;
		case 's':
			status_path = optarg;
			break;
		case 'e':
			err_path = optarg;
			break;
		case 'i':
			idle_stdin = true;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();

	out_fd = STDERR_FILENO;
	if (out_path) {
		out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out_fd < 0) {
			fprintf(stderr, "rusage-run: cannot open %s: %s\n",
				out_path, strerror(errno));
			return OWN_ERROR;
		}
	}
	if (idle_stdin && pipe2(in_pipe, O_CLOEXEC)) {
		fprintf(stderr, "rusage-run: pipe: %s\n", strerror(errno));
		return OWN_ERROR;
	}
	if (err_path) {
		err_out = fopen(err_path, "we");
		if (!err_out || pipe2(err_pipe, O_CLOEXEC)) {
			fprintf(stderr, "rusage-run: %s: %s\n", err_path, strerror(errno));
			return OWN_ERROR;
		}
	}
	/* No SA_RESTART: the alarm must interrupt wait4(). */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rusage-run: fork: %s\n", strerror(errno));
		return OWN_ERROR;
	}
	if (!pid) {
		if (idle_stdin && dup2(in_pipe[0], STDIN_FILENO) < 0)
			_exit(127);
		if (err_path && dup2(err_pipe[1], STDERR_FILENO) < 0)
			_exit(127);
		execvp(argv[optind], &argv[optind]);
		fprintf(stderr, "rusage-run: cannot execute %s: %s\n",
			argv[optind], strerror(errno));
		_exit(127);
	}
	if (limit)
		alarm(limit);
	if (err_path) {
		close(err_pipe[1]);
		copy_stderr(err_pipe[0], err_out, t0, pid, status_path,
			    &timed_out, &killed);
	}
	for (;;) {
		ret = wait4(pid, &wstatus, 0, &ru);
		if (ret == pid)
			break;
		if (ret < 0 && errno != EINTR) {
			fprintf(stderr, "rusage-run: wait4: %s\n", strerror(errno));
			return OWN_ERROR;
		}
		if (alarm_fired)
			on_timeout(pid, status_path, &timed_out, &killed);
	}
	t1 = now_us();
	alarm(0);

	if (WIFEXITED(wstatus))
		status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		status = 128 + WTERMSIG(wstatus);
	else
		status = OWN_ERROR;
	dprintf(out_fd,
		"wall_us=%llu maxrss_kb=%ld utime_us=%llu stime_us=%llu status=%d timedout=%d\n",
		t1 - t0, ru.ru_maxrss, tv_us(&ru.ru_utime), tv_us(&ru.ru_stime),
		status, timed_out);
	return status;
}
