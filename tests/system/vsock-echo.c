// SPDX-License-Identifier: GPL-2.0
/*
 * AF_VSOCK test tool of the vsock scenario (ctl-vsock.sh), for the
 * emulated host and the guest alike:
 *
 *   vsock-echo cid                  prints this side's local CID
 *   vsock-echo listen PORT [COUNT]  echoes COUNT connections (0: until
 *                                   killed): all a peer sends, back
 *                                   once it has shut its sending side
 *   vsock-echo connect CID PORT MSG sends MSG, prints the reply; exits
 *                                   0 only when it is MSG, byte for byte
 *   vsock-echo rr CID PORT N        N round trips of 64 bytes on one
 *                                   connection to an echo server; prints
 *                                   the time each took on average
 *   vsock-echo hold CID PORT        connects to an echo server, prints
 *                                   "held" once a line came back, then
 *                                   waits (up to 600 s) for the
 *                                   connection to end and says how
 *
 * The server echoes each piece as it arrives, so a round trip needs no
 * shutdown; a peer that sends all, then shuts, then reads, gets the
 * same bytes back.
 *
 * Each run is bounded by an alarm (20 s, rr 120 s), so that a lost
 * packet fails a step instead of hanging the scenario.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#define BUF_MAX		65536

static int die(const char *what)
{
	fprintf(stderr, "vsock-echo: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Everything the peer sends until it shuts its side, up to BUF_MAX. */
static ssize_t read_all(int fd, char *buf)
{
	size_t got = 0;
	ssize_t n;

	while (got < BUF_MAX && (n = read(fd, buf + got, BUF_MAX - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		got += n;
	}
	return got;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

static int do_cid(void)
{
	unsigned int cid;
	int fd = open("/dev/vsock", O_RDONLY);

	if (fd < 0 || ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid) < 0)
		return die("/dev/vsock: IOCTL_VM_SOCKETS_GET_LOCAL_CID");
	printf("%u\n", cid);
	return 0;
}

static int do_listen(unsigned int port, unsigned long count)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK,
				 .svm_cid = VMADDR_CID_ANY, .svm_port = port };
	static char buf[BUF_MAX];
	unsigned long served = 0;
	int s, c;
	ssize_t n;

	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s, 4) < 0)
		return die("listen");
	printf("listening on port %u\n", port);
	fflush(stdout);
	if (count)
		alarm(20);
	while (!count || served < count) {
		c = accept(s, NULL, NULL);
		if (c < 0 && errno == EINTR)
			continue;
		if (c < 0)
			return die("accept");
		while ((n = read(c, buf, sizeof(buf))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n >= 0 && write_all(c, buf, n) >= 0)
				continue;
			/* A server for ever outlives a peer whose VM went away. */
			if (count)
				return die("echo");
			break;
		}
		close(c);
		served++;
	}
	return 0;
}

static int do_connect(unsigned int cid, unsigned int port, const char *msg)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_cid = cid,
				 .svm_port = port };
	static char buf[BUF_MAX + 1];
	size_t len = strlen(msg);
	ssize_t n;
	int s;

	alarm(20);
	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return die("connect");
	if (write_all(s, msg, len) < 0 || shutdown(s, SHUT_WR) < 0)
		return die("send");
	n = read_all(s, buf);
	if (n < 0)
		return die("receive");
	buf[n] = 0;
	printf("%s\n", buf);
	if ((size_t)n != len || memcmp(buf, msg, len)) {
		fprintf(stderr, "vsock-echo: sent %zu bytes, got %zd back, not the same\n",
			len, n);
		return 1;
	}
	return 0;
}

static int do_rr(unsigned int cid, unsigned int port, unsigned long n)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_cid = cid,
				 .svm_port = port };
	char out[64], in[64];
	struct timespec t0, t1;
	unsigned long i;
	size_t got;
	ssize_t r;
	int s;

	alarm(120);
	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return die("connect");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		memset(out, (int)(i & 0xff), sizeof(out));
		if (write_all(s, out, sizeof(out)) < 0)
			return die("send");
		for (got = 0; got < sizeof(in); got += r) {
			r = read(s, in + got, sizeof(in) - got);
			if (r <= 0)
				return die("receive");
		}
		if (memcmp(in, out, sizeof(in))) {
			fprintf(stderr, "vsock-echo: round trip %lu came back changed\n", i);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%lu round trips, %lu us each\n", n,
	       (unsigned long)(((t1.tv_sec - t0.tv_sec) * 1000000000LL +
				(t1.tv_nsec - t0.tv_nsec)) / 1000 / (n ? n : 1)));
	return 0;
}

static int do_hold(unsigned int cid, unsigned int port)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_cid = cid,
				 .svm_port = port };
	char buf[64];
	size_t got;
	ssize_t r;
	int s;

	alarm(20);
	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return die("connect");
	if (write_all(s, "hold\n", 5) < 0)
		return die("send");
	for (got = 0; got < 5; got += r) {
		r = read(s, buf + got, 5 - got);
		if (r <= 0)
			return die("receive");
	}
	printf("held\n");
	fflush(stdout);
	alarm(600);
	do {
		r = read(s, buf, sizeof(buf));
	} while (r > 0 || (r < 0 && errno == EINTR));
	printf("ended: %s\n", r < 0 ? strerror(errno) : "end of stream");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "cid"))
		return do_cid();
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "listen"))
		return do_listen(strtoul(argv[2], NULL, 0),
				 argc == 4 ? strtoul(argv[3], NULL, 0) : 1);
	if (argc == 5 && !strcmp(argv[1], "connect"))
		return do_connect(strtoul(argv[2], NULL, 0),
				  strtoul(argv[3], NULL, 0), argv[4]);
	if (argc == 5 && !strcmp(argv[1], "rr"))
		return do_rr(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0),
			     strtoul(argv[4], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return do_hold(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
	fprintf(stderr, "usage: vsock-echo cid | listen PORT [COUNT] | connect CID PORT MSG | rr CID PORT N | hold CID PORT\n");
	return 2;
}
