// SPDX-License-Identifier: GPL-2.0
/*
 * st-dns: a tiny DNS server for the network scenarios (tests/system/
 * ctl-net.sh), which busybox does not have. It stands in for the
 * emulated host's resolver, to which lkvm's user-mode network forwards
 * the guest's queries.
 *
 *  st-dns ADDR PORT NAME IPV4 SECONDS
 *	Answer queries on UDP ADDR:PORT for SECONDS: NAME's A record is
 *	IPV4; its other types have no data; any other name does not exist.
 *	Prints one line per query ("st-dns: NAME type T: ...").
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The question's name as dotted text; returns the offset past QCLASS, or 0. */
static size_t dns_question(const unsigned char *q, size_t len, char *name,
			   size_t max, unsigned int *type)
{
	size_t off = 12, n = 0;

	while (off < len && q[off]) {
		unsigned int l = q[off++];

		if (l > 63 || off + l > len || n + l + 2 > max)
			return 0;
		if (n)
			name[n++] = '.';
		memcpy(name + n, q + off, l);
		n += l;
		off += l;
	}
	name[n] = 0;
	if (off + 5 > len)
		return 0;
	*type = q[off + 1] << 8 | q[off + 2];
	return off + 5;
}

static size_t dns_answer(unsigned char *b, size_t qend, const char *want,
			 const char *name, unsigned int type, struct in_addr ip)
{
	bool ours = !strcasecmp(name, want), a = ours && type == 1;

	b[2] = 0x84 | (b[2] & 1);	/* a response, authoritative, RD kept */
	b[3] = ours ? 0 : 3;		/* NXDOMAIN for other names */
	b[6] = 0;
	b[7] = a;			/* ANCOUNT */
	memset(b + 8, 0, 4);		/* NSCOUNT, ARCOUNT */
	if (!a)
		return qend;
	memcpy(b + qend, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04", 12);
	memcpy(b + qend + 12, &ip, 4);
	return qend + 16;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET }, from;
	unsigned char buf[600];
	struct in_addr ip;
	time_t end;
	int fd;

	if (argc != 6 || !inet_aton(argv[1], &sa.sin_addr) || !inet_aton(argv[4], &ip)) {
		fprintf(stderr, "usage: st-dns ADDR PORT NAME IPV4 SECONDS\n");
		return 2;
	}
	sa.sin_port = htons(atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("st-dns: socket/bind");
		return 1;
	}
	printf("st-dns: serving %s on %s:%s\n", argv[3], argv[1], argv[2]);
	fflush(stdout);
	end = time(NULL) + atoi(argv[5]);
	while (time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		socklen_t fl = sizeof(from);
		unsigned int type = 0;
		char name[256];
		ssize_t n;
		size_t qend, len;

		if (poll(&p, 1, 500) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf) - 16, 0, (struct sockaddr *)&from, &fl);
		if (n < 12)
			continue;
		qend = dns_question(buf, n, name, sizeof(name), &type);
		if (!qend)
			continue;
		len = dns_answer(buf, qend, argv[3], name, type, ip);
		sendto(fd, buf, len, 0, (struct sockaddr *)&from, fl);
		printf("st-dns: %s type %u: %s\n", name, type,
		       strcasecmp(name, argv[3]) ? "no such name" : type == 1 ? argv[4] : "no data");
		fflush(stdout);
	}
	return 0;
}
