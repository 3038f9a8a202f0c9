// SPDX-License-Identifier: GPL-2.0
/*
 * sharebench: the 9p and network jobs of make bench's "p9" and "net"
 * phases (tests/bench/share-init.sh in the guest, p9-bench.sh and
 * net-bench.sh in the emulated host). Static, arm64, no library but libc.
 *
 * Guest side, each job timed by the guest's CLOCK_MONOTONIC, one line:
 *   sharebench create DIR MS         empty files, made for MS ms: files/s
 *   sharebench write FILE MB         MB of 128 KiB writes, then fsync: MB/s
 *   sharebench read FILE             the file in 128 KiB reads: MB/s
 *   sharebench time NAME N CMD...    CMD over N files (a tar): files/s
 *   sharebench tx HOST PORT MS       TCP to HOST for MS ms: MB/s
 *   sharebench rx HOST PORT MS       TCP from HOST for MS ms: MB/s
 *   sharebench rr HOST PORT MS       64-byte ping-pong over one connection
 *   sharebench crr HOST PORT MS      one connection per 64-byte exchange
 * The result: "SHAREBENCH name=JOB units=N us=N rate=R unit=U".
 *
 * Host side:
 *   sharebench serve PORT            the peer of tx/rx/rr/crr, forever:
 *                                    each connection's first byte says
 *                                    which (s sink, r source, e echo)
 *   sharebench mktree DIR FILES      a source-like tree: FILES files of
 *                                    100 to 8000 bytes in 50-file folders
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (128 * 1024)
#define MSG 64

static char buf[CHUNK];

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int die(const char *what)
{
	fprintf(stderr, "sharebench: %s: %s\n", what, strerror(errno));
	return 1;
}

/* rate: units per second, or MB (10^6 bytes) per second for bytes. */
static void report(const char *name, uint64_t units, uint64_t us, const char *unit)
{
	double rate = us ? (double)units * 1e6 / (double)us : 0;

	if (!strcmp(unit, "MB/s"))
		rate /= 1e6;
	printf("SHAREBENCH name=%s units=%llu us=%llu rate=%.2f unit=%s\n", name,
	       (unsigned long long)units, (unsigned long long)us, rate, unit);
	fflush(stdout);
}

static int job_create(const char *dir, long ms)
{
	char path[4096];
	uint64_t t0 = now_us(), end = t0 + ms * 1000;
	long i;
	int fd;

	for (i = 0; now_us() < end; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return die(path);
		close(fd);
	}
	report("create", i, now_us() - t0, "files/s");
	return 0;
}

static int job_write(const char *file, long mb)
{
	uint64_t t0 = now_us(), total = (uint64_t)mb << 20;
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return die(file);
	memset(buf, 0x5a, sizeof(buf));
	for (uint64_t done = 0; done < total; done += CHUNK)
		if (write(fd, buf, CHUNK) != CHUNK)
			return die("write");
	if (fsync(fd) < 0)
		return die("fsync");
	close(fd);
	report("write", total, now_us() - t0, "MB/s");
	return 0;
}

static int job_read(const char *file)
{
	uint64_t t0 = now_us(), total = 0;
	int fd = open(file, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return die(file);
	while ((n = read(fd, buf, CHUNK)) > 0)
		total += n;
	if (n < 0)
		return die("read");
	close(fd);
	report("read", total, now_us() - t0, "MB/s");
	return 0;
}

static int job_time(const char *name, long files, char **argv)
{
	uint64_t t0 = now_us();
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return die("fork");
	if (!pid) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "sharebench: %s: %s failed (status %#x)\n", name, argv[0], st);
		return 1;
	}
	report(name, files, now_us() - t0, "files/s");
	return 0;
}

static int tcp_connect(const char *host, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int full_io(int fd, char *p, size_t len, int out)
{
	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* tx and rx: bytes moved in ms; the first byte tells the server. */
static int job_stream(const char *name, const char *host, int port, long ms, int out)
{
	int fd = tcp_connect(host, port);
	uint64_t t0, end, total = 0;
	char mode = out ? 's' : 'r';

	if (fd < 0 || write(fd, &mode, 1) != 1)
		return die("connect");
	t0 = now_us();
	end = t0 + ms * 1000;
	while (now_us() < end) {
		ssize_t n = out ? write(fd, buf, CHUNK) : read(fd, buf, CHUNK);

		if (n <= 0)
			return die(name);
		total += n;
	}
	report(name, total, now_us() - t0, "MB/s");
	close(fd);
	return 0;
}

static int exchange(int fd)
{
	char msg[MSG] = { 'x' };

	if (full_io(fd, msg, MSG, 1) || full_io(fd, msg, MSG, 0))
		return -1;
	return 0;
}

static int job_rr(const char *host, int port, long ms)
{
	int fd = tcp_connect(host, port);
	uint64_t t0, end, n = 0;
	char mode = 'e';

	if (fd < 0 || write(fd, &mode, 1) != 1)
		return die("connect");
	t0 = now_us();
	end = t0 + ms * 1000;
	for (; now_us() < end; n++)
		if (exchange(fd))
			return die("rr");
	report("rr", n, now_us() - t0, "req/s");
	close(fd);
	return 0;
}

static int job_crr(const char *host, int port, long ms)
{
	uint64_t t0 = now_us(), end = t0 + ms * 1000, n = 0;
	char mode = 'e';

	for (; now_us() < end; n++) {
		int fd = tcp_connect(host, port);

		if (fd < 0 || write(fd, &mode, 1) != 1 || exchange(fd))
			return die("crr");
		close(fd);
	}
	report("crr", n, now_us() - t0, "conn/s");
	return 0;
}

/* One connection of the server, in its own child. */
static void serve_one(int fd)
{
	char mode, msg[MSG];

	if (read(fd, &mode, 1) != 1)
		_exit(0);
	if (mode == 's')
		while (read(fd, buf, CHUNK) > 0)
			;
	else if (mode == 'r')
		while (write(fd, buf, CHUNK) > 0)
			;
	else if (mode == 'e')
		while (!full_io(fd, msg, MSG, 0) && !full_io(fd, msg, MSG, 1))
			;
	_exit(0);
}

static int serve(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN);	/* no zombies */
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 64) < 0)
		return die("listen");
	for (;;) {
		int fd = accept(ls, NULL, NULL);

		if (fd < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (fork() == 0) {
			close(ls);
			serve_one(fd);
		}
		close(fd);
	}
}

static int mktree(const char *dir, long files)
{
	char path[4096];
	unsigned int seed = 1;

	memset(buf, 'c', sizeof(buf));
	for (long i = 0; i < files; i++) {
		size_t len = 100 + (rand_r(&seed) % 7900);
		int fd;

		snprintf(path, sizeof(path), "%s/d%ld", dir, i / 50);
		if (i % 50 == 0 && mkdir(path, 0755) < 0 && errno != EEXIST)
			return die(path);
		snprintf(path, sizeof(path), "%s/d%ld/f%ld.c", dir, i / 50, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
			return die(path);
		close(fd);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: sharebench create DIR MS | write FILE MB | read FILE |"
		" time NAME N CMD... | tx|rx|rr|crr HOST PORT MS | serve PORT |"
		" mktree DIR FILES\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	if (!strcmp(c, "create") && argc == 4)
		return job_create(argv[2], atol(argv[3]));
	if (!strcmp(c, "write") && argc == 4)
		return job_write(argv[2], atol(argv[3]));
	if (!strcmp(c, "read") && argc == 3)
		return job_read(argv[2]);
	if (!strcmp(c, "time") && argc >= 5)
		return job_time(argv[2], atol(argv[3]), argv + 4);
	if ((!strcmp(c, "tx") || !strcmp(c, "rx")) && argc == 5)
		return job_stream(c, argv[2], atoi(argv[3]), atol(argv[4]), c[0] == 't');
	if (!strcmp(c, "rr") && argc == 5)
		return job_rr(argv[2], atoi(argv[3]), atol(argv[4]));
	if (!strcmp(c, "crr") && argc == 5)
		return job_crr(argv[2], atoi(argv[3]), atol(argv[4]));
	if (!strcmp(c, "serve") && argc == 3)
		return serve(atoi(argv[2]));
	if (!strcmp(c, "mktree") && argc == 4)
		return mktree(argv[2], atol(argv[3]));
	return usage();
}
