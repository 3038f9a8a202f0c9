// SPDX-License-Identifier: GPL-2.0
/*
 * st-helper: what the host-side system-test scripts need in
 * the emulated host and busybox does not have. Built static for it by
 * scripts/mk-host-initramfs.sh; a direct run builds it with cc.
 *
 *  st-helper run [options] -- CMD [ARG...]
 *	Run CMD with its output on a channel we read and copy to a file:
 *	-t pty	a new pseudo-terminal, its stdin and stdout and its
 *		controlling terminal (default); -n: not the controlling one
 *	-t pipe	a pipe for stdout (-z BYTES: its size); stdin is ours
 *	-o FILE	the output goes there
 *	-p FILE	CMD's pid is written there once it runs
 *	-s FILE	"exit N" or "signal N" is written there when CMD ends
 *	-m PFX	pty: "stty -g" on the terminal before CMD starts and after
 *		it ended, to PFX.before and PFX.after; its path to PFX.tty
 *	-P FILE	no reading while FILE exists (a reader that stalls)
 *	-C FILE	once FILE exists, close our end (a closed pipe, or a
 *		terminal hung up)
 *	Exits with CMD's status, 128 + N if a signal N killed it.
 *  st-helper within MS CMD [ARG...]
 *	Run CMD; kill it if it is not done after MS ms (exit 124). Prints
 *	"within: N ms" on stderr.
 *  st-helper silent SOCKET SECONDS [COUNT]
 *	Connect COUNT times (default 1) to a Unix socket and send nothing;
 *	print when the server closes each connection.
 *  st-helper flood SOCKET COUNT REQUEST
 *	COUNT connections one after another, each sending the request line
 *	and reading the reply; prints a tally of the replies.
 *  st-helper rss PID
 *	"<now> <peak>": PID's resident memory (VmRSS, VmHWM) in KiB.
 *  st-helper signal-at PID SIG RSS_KB
 *	Send signal SIG once PID's RSS reaches RSS_KB (1 ms polls).
 *  st-helper orphans FILE CMD [ARG...]
 *	Run CMD as a child subreaper: a process whose parent ended
 *	without reaping it comes to us, and is reaped here and named in
 *	FILE ("<pid> <name>", a line each; empty: none). Waits up to 5 s
 *	after CMD for such stragglers. Exits with CMD's status.
 *  st-helper mmap-write FILE TEXT
 *	Write TEXT into FILE (which must hold at least as many bytes)
 *	through a shared writable mapping, msync it, unmap, then read the
 *	file back with read(): exit 0 only if it holds TEXT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct run_opts {
	int pty, ctty, pipe_size;
	const char *out, *pidfile, *statusfile, *mode, *pause, *close;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int usage(void)
{
	fprintf(stderr, "usage: st-helper run|within|silent|flood|rss|signal-at|orphans ...;"
		" see the comment at the top of st-helper.c\n");
	return 2;
}

static int exists(const char *path)
{
	return path && access(path, F_OK) == 0;
}

static void write_all(int fd, const char *p, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= w;
	}
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

static int cmd_run(int argc, char **argv)
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

static int cmd_within(int argc, char **argv)
{
	long long t0 = now_ms(), limit;
	int status;
	pid_t pid;

	if (argc < 3)
		return usage();
	limit = atoll(argv[1]);
	pid = fork();
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (now_ms() - t0 > limit) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(stderr, "within: %s not done after %lld ms: killed\n",
				argv[2], limit);
			return 124;
		}
		usleep(2000);
	}
	fprintf(stderr, "within: %lld ms\n", now_ms() - t0);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int cmd_silent(int argc, char **argv)
{
	int count = argc > 3 ? atoi(argv[3]) : 1, left, i;
	long long t0, limit;
	struct pollfd p[64];

	if (argc < 3 || count < 1 || count > 64)
		return usage();
	limit = atoll(argv[2]) * 1000;
	for (i = 0; i < count; i++) {
		p[i] = (struct pollfd) { .fd = unix_connect(argv[1]), .events = POLLIN };
		if (p[i].fd < 0) {
			printf("silent: connection %d failed: %s\n", i, strerror(errno));
			return 1;
		}
	}
	printf("silent: %d connected\n", count);
	fflush(stdout);
	t0 = now_ms();
	for (left = count; left && now_ms() - t0 < limit;) {
		if (poll(p, count, 50) <= 0)
			continue;
		for (i = 0; i < count; i++) {
			char buf[128];
			ssize_t n;

			if (p[i].fd < 0 || !p[i].revents)
				continue;
			n = read(p[i].fd, buf, sizeof(buf) - 1);
			buf[n > 0 ? n : 0] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			printf("silent: %d closed by the server after %lld ms%s%s\n", i,
			       now_ms() - t0, n > 0 ? ", reply: " : "", buf);
			close(p[i].fd);
			p[i].fd = -1;
			left--;
		}
		fflush(stdout);
	}
	printf("silent: %d still open after %lld ms\n", left, now_ms() - t0);
	return 0;
}

/* One request on a fresh connection: 0 OK, 1 ERR busy, 2 other ERR, -1 none. */
static int flood_one(const char *path, const char *req)
{
	struct timeval tv = { .tv_sec = 5 };
	char reply[256];
	ssize_t n;
	int fd = unix_connect(path);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	write_all(fd, req, strlen(req));
	n = read(fd, reply, sizeof(reply) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	reply[n] = '\0';
	if (!strncmp(reply, "OK", 2))
		return 0;
	return strstr(reply, "busy") ? 1 : 2;
}

static int cmd_flood(int argc, char **argv)
{
	int count, i, tally[4] = { 0 };
	long long t0 = now_ms(), worst = 0;
	char req[256];

	if (argc < 4)
		return usage();
	count = atoi(argv[2]);
	snprintf(req, sizeof(req), "%s\n", argv[3]);
	for (i = 0; i < count; i++) {
		long long t = now_ms();

		tally[flood_one(argv[1], req) + 1]++;
		if (now_ms() - t > worst)
			worst = now_ms() - t;
	}
	printf("flood: %d requests in %lld ms: ok=%d busy=%d err=%d none=%d, slowest %lld ms\n",
	       count, now_ms() - t0, tally[1], tally[2], tally[3], tally[0], worst);
	return tally[0] ? 1 : 0;
}

/* A "Name:   N kB" field of /proc/PID/status, -1 when PID is gone. */
static long status_kb(int pid, const char *field)
{
	char path[64], line[256];
	size_t len = strlen(field);
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			kb = atol(line + len + 1);
			break;
		}
	}
	fclose(f);
	return kb;
}

static int cmd_rss(int argc, char **argv)
{
	long rss, hwm;

	if (argc < 2)
		return usage();
	rss = status_kb(atoi(argv[1]), "VmRSS");
	hwm = status_kb(atoi(argv[1]), "VmHWM");
	if (rss < 0 || hwm < 0)
		return 1;
	printf("%ld %ld\n", rss, hwm);
	return 0;
}

static int cmd_signal_at(int argc, char **argv)
{
	int pid, sig;
	long want, kb;

	if (argc < 4)
		return usage();
	pid = atoi(argv[1]);
	sig = atoi(argv[2]);
	want = atol(argv[3]);
	while ((kb = status_kb(pid, "VmRSS")) >= 0 && kb < want)
		usleep(1000);
	if (kb < 0) {
		printf("signal-at: process %d is gone\n", pid);
		return 1;
	}
	kill(pid, sig);
	printf("signal-at: signal %d sent at RSS %ld kB\n", sig, kb);
	return 0;
}

/*
 * One child reaped: CMD's status, or an orphan named in out. 1: CMD,
 * 0: an orphan, -1: no child left (or none ended yet, with WNOHANG).
 */
static int orphans_reap(pid_t cmd, FILE *out, int *status, int flags)
{
	char path[64], name[64] = "?";
	siginfo_t si = { 0 };
	FILE *f;

	if (waitid(P_ALL, 0, &si, WEXITED | WNOWAIT | flags) || !si.si_pid)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/comm", si.si_pid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(name, sizeof(name), f))
			name[strcspn(name, "\n")] = 0;
		fclose(f);
	}
	if (si.si_pid != cmd) {
		fprintf(out, "%d %s\n", si.si_pid, name);
		fflush(out);
	}
	waitpid(si.si_pid, si.si_pid == cmd ? status : NULL, 0);
	return si.si_pid == cmd;
}

static int cmd_orphans(int argc, char **argv)
{
	int status = 0, done = 0;
	long long t0 = 0;
	FILE *out;
	pid_t pid;

	if (argc < 3)
		return usage();
	out = fopen(argv[1], "w");
	if (!out || prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		perror(argv[1]);
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	while (!done)
		done = orphans_reap(pid, out, &status, 0) > 0;
	t0 = now_ms();
	while (now_ms() - t0 < 5000) {
		if (orphans_reap(pid, out, &status, WNOHANG) < 0) {
			if (waitid(P_ALL, 0, &(siginfo_t){ 0 }, WEXITED | WNOWAIT | WNOHANG) &&
			    errno == ECHILD)
				break;
			usleep(10000);
		}
	}
	fclose(out);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int cmd_mmap_write(int argc, char **argv)
{
	size_t len;
	char *p, back[256];
	int fd;

	if (argc < 3 || (len = strlen(argv[2])) >= sizeof(back))
		return usage();
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return 1;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap-write: mmap");
		return 1;
	}
	memcpy(p, argv[2], len);
	if (msync(p, len, MS_SYNC) || munmap(p, len)) {
		perror("mmap-write: msync");
		return 1;
	}
	if (pread(fd, back, len, 0) != (ssize_t)len || memcmp(back, argv[2], len))
		return 1;
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	signal(SIGPIPE, SIG_IGN);
	argc--;
	argv++;
	if (!strcmp(argv[0], "run"))
		return cmd_run(argc, argv);
	if (!strcmp(argv[0], "within"))
		return cmd_within(argc, argv);
	if (!strcmp(argv[0], "silent"))
		return cmd_silent(argc, argv);
	if (!strcmp(argv[0], "flood"))
		return cmd_flood(argc, argv);
	if (!strcmp(argv[0], "rss"))
		return cmd_rss(argc, argv);
	if (!strcmp(argv[0], "signal-at"))
		return cmd_signal_at(argc, argv);
	if (!strcmp(argv[0], "orphans"))
		return cmd_orphans(argc, argv);
	if (!strcmp(argv[0], "mmap-write"))
		return cmd_mmap_write(argc, argv);
	return usage();
}
