// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm snapshot -n NAME FILE [--stop]: the client. It creates FILE and
 * passes its descriptor with the SNAPSHOT request (SCM_RIGHTS), so the
 * VM, sandboxed, never opens a path; the VM writes its state into it
 * and answers once done. A failed snapshot's file is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli/control-cmds.h"
#include "host/control.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2
/* Writing guest RAM out takes time: as long as this for the answer. */
#define SNAPSHOT_REPLY_S	600

struct snap_args {
	const char *name, *file;
	bool stop;
};

static int snap_usage(const char *why)
{
	fprintf(stderr, "lkvm: error: %s; use lkvm snapshot -n NAME FILE [--stop]\n", why);
	return EXIT_USAGE;
}

static int snap_parse(int argc, char *argv[], struct snap_args *a)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--stop"))
			a->stop = true;
		else if ((!strcmp(argv[i], "-n") || !strcmp(argv[i], "--name")) && i + 1 < argc)
			a->name = argv[++i];
		else if (!strncmp(argv[i], "--name=", 7))
			a->name = argv[i] + 7;
		else if (argv[i][0] == '-' && argv[i][1])
			return snap_usage("unknown option or missing value");
		else if (a->file)
			return snap_usage("one FILE only");
		else
			a->file = argv[i];
	}
	if (!a->name || !*a->name)
		return snap_usage("no VM named (-n NAME)");
	if (!a->file || !*a->file)
		return snap_usage("no FILE to write the snapshot to");
	return 0;
}

/* The request line with the file's descriptor. */
static int snap_send(int sock, int fd, bool stop)
{
	const char *line = stop ? "SNAPSHOT stop\n" : "SNAPSHOT\n";
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = { 0 };
	struct iovec iov = { .iov_base = (void *)line, .iov_len = strlen(line) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)iov.iov_len ? 0 : -EIO;
}

static int snap_reply(int sock, char *reply, size_t len)
{
	struct timeval tv = { .tv_sec = SNAPSHOT_REPLY_S };
	size_t got = 0;

	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (got + 1 < len) {
		ssize_t r = read(sock, reply + got, len - got - 1);

		if (r <= 0)
			break;
		got += r;
		if (memchr(reply, '\n', got))
			break;
	}
	reply[got] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	return got ? 0 : -EIO;
}

static int snap_request(const struct snap_args *a, int fd)
{
	char reply[320];
	int sock = control_dial(a->name), ret;

	if (sock == -ENOENT || sock == -ECONNREFUSED) {
		fprintf(stderr, "lkvm: error: no VM named '%s' is running; see 'lkvm list'\n",
			a->name);
		return EXIT_FAIL;
	}
	if (sock < 0) {
		fprintf(stderr, "lkvm: error: cannot reach VM '%s': %s; see 'lkvm list'\n",
			a->name, strerror(-sock));
		return EXIT_FAIL;
	}
	ret = snap_send(sock, fd, a->stop);
	ret = ret ?: snap_reply(sock, reply, sizeof(reply));
	close(sock);
	if (ret) {
		fprintf(stderr, "lkvm: error: VM '%s' did not answer the snapshot request (a kvmtool VM never does); no snapshot taken\n",
			a->name);
		return EXIT_FAIL;
	}
	if (strncmp(reply, "OK ", 3)) {
		fprintf(stderr, "lkvm: error: no snapshot of '%s': %s\n", a->name,
			strncmp(reply, "ERR ", 4) ? reply : reply + 4);
		return EXIT_FAIL;
	}
	printf("%s\n", reply + 3);
	return 0;
}

int cmd_snapshot(int argc, char *argv[])
{
	struct snap_args a = { 0 };
	int fd, ret;

	if (snap_parse(argc, argv, &a))
		return EXIT_USAGE;
	fd = open(a.file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "lkvm: error: cannot create '%s': %s; give a writable path\n",
			a.file, strerror(errno));
		return EXIT_FAIL;
	}
	ret = snap_request(&a, fd);
	close(fd);
	if (ret)
		unlink(a.file);
	return ret;
}
