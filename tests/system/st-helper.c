// SPDX-License-Identifier: GPL-2.0
/*
 * st-helper: what the host-side system-test scripts need in
 * the emulated host and busybox does not have. Built static for it by
 * scripts/mk-host-initramfs.sh; a direct run builds it with cc. The
 * commands are here but for run, which is st-run.c's; what both use is
 * st-util.c's.
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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "st-helper.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
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
