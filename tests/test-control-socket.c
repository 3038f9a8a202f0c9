// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket end to end, without KVM: host/control.c served on a
 * thread as the main loop serves it, driven by lkvm's client
 * (host/control-client.c) and by raw writes in kvmtool's shapes: both
 * protocols on one socket, messages split across writes, many on one
 * connection, and malformed ones that end the connection; and a new VM
 * taking a dead one's name while lkvm list removes stale sockets.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/unit.h"
#include "lib/log.h"
#include "host/control.h"
#include "host/control-client.h"
#include "host/control-kvmtool.h"

struct server {
	struct control ctl;
	atomic_bool dump_fails;
	atomic_bool stop;
	atomic_bool paused;
	atomic_int stops;
};

static int server_handler(void *opaque, const struct control_cmd *cmd,
			  char *msg, size_t len)
{
	struct server *s = opaque;

	switch (cmd->op) {
	case CONTROL_STATUS:
		snprintf(msg, len, "%s sock1 %d", s->paused ? "paused" : "running",
			 (int)getpid());
		return 0;
	case CONTROL_PAUSE:
	case CONTROL_RESUME:
		s->paused = cmd->op == CONTROL_PAUSE;
		snprintf(msg, len, "ok");
		return 0;
	case CONTROL_STOP:
		s->stops++;
		snprintf(msg, len, "stopping");
		return 0;
	default:
		snprintf(msg, len, "not here");
		return -EINVAL;
	}
}

/* The main loop's share of the work: poll, then control_handle(). */
static void *server_loop(void *arg)
{
	struct server *s = arg;

	while (!s->stop) {
		struct pollfd fds[1 + CONTROL_MAX_CLIENTS];
		int n = control_pollfds(&s->ctl, fds, 1 + CONTROL_MAX_CLIENTS);
		int t = control_timeout_ms(&s->ctl);

		if (poll(fds, n, t < 0 || t > 20 ? 20 : t) >= 0)
			control_handle(&s->ctl, fds, n);
	}
	return NULL;
}

static int raw_connect(void)
{
	char path[CONTROL_PATH_MAX];

	control_path("sock1", path, sizeof(path));
	return control_connect(path);
}

/* Reads until len bytes or the end; returns how many came. */
static size_t read_some(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);

		if (r <= 0)
			break;
		got += r;
	}
	return got;
}

/* Whether the server ended the connection (and sent nothing more). */
static bool closed_by_server(int fd)
{
	uint8_t b;

	return read(fd, &b, 1) == 0;
}

static void test_client(struct unit *u, struct server *s)
{
	uint32_t ask[2] = { KVMIPC_PID, KVMIPC_VMSTATE };
	uint32_t pause[2] = { KVMIPC_PAUSE, KVMIPC_VMSTATE };
	int32_t ans[2];
	int fd = control_dial("sock1");

	CHECK(u, fd >= 0);
	CHECK_EQ(u, control_ask(fd, ask, 2, ans), 0);
	CHECK(u, ans[0] == getpid() && ans[1] == KVMIPC_RUNNING);
	CHECK_EQ(u, control_ask(fd, pause, 2, ans), 0);
	CHECK(u, ans[0] == KVMIPC_PAUSED && s->paused);
	close(fd);
	CHECK_EQ(u, control_dial("nosuch"), -ENOENT);
}

/* kvmtool's list, a byte at a time: the answers come when all is in. */
static void test_split(struct unit *u)
{
	uint8_t req[16], ans[8];
	int fd = raw_connect(), i;

	kvmipc_header(req, KVMIPC_PID, 0);
	kvmipc_header(req + 8, KVMIPC_VMSTATE, 0);
	for (i = 0; i < 16; i++) {
		CHECK_EQ(u, write(fd, req + i, 1), 1);
		usleep(2000);
	}
	CHECK_EQ(u, read_some(fd, ans, 8), 8);
	CHECK_EQ(u, kvmipc_get_u32(ans), (uint32_t)getpid());
	close(fd);
}

static void test_text(struct unit *u)
{
	struct control_cmd cmd = { .op = CONTROL_STATUS };
	char reply[128];

	CHECK_EQ(u, control_request("sock1", &cmd, reply, sizeof(reply)), 0);
	CHECK(u, !strncmp(reply, "OK ", 3) && strstr(reply, " sock1 "));
}

/* Malformed, oversized or unsupported: the connection ends, unanswered. */
static void test_refused(struct unit *u, struct server *s)
{
	static const uint8_t bad_type[8] = { 7, 0, 1, 0 };
	uint8_t req[24];
	int fd;

	fd = raw_connect();
	CHECK_EQ(u, write(fd, bad_type, 8), 8);
	CHECK(u, closed_by_server(fd));
	close(fd);

	fd = raw_connect();
	kvmipc_header(req, KVMIPC_BALLOON, 1u << 20);
	CHECK_EQ(u, write(fd, req, 8), 8);
	CHECK(u, closed_by_server(fd));
	close(fd);

	fd = raw_connect();
	kvmipc_header(req, KVMIPC_STAT, 0);
	CHECK_EQ(u, write(fd, req, 8), 8);
	CHECK(u, closed_by_server(fd));
	close(fd);

	/* kvmtool's stop: the message, then gone at once. Still taken. */
	fd = raw_connect();
	kvmipc_header(req, KVMIPC_STOP, 0);
	CHECK_EQ(u, write(fd, req, 8), 8);
	close(fd);
	for (int i = 0; i < 200 && !s->stops; i++)
		usleep(5000);
	CHECK_EQ(u, s->stops, 1);
}

#define DUMP_LEN	(1u << 20)	/* far more than a socket buffer holds */

static char dump_byte(size_t i)
{
	return 'a' + i % 23 + (i >> 12) % 3;
}

static int server_dump(void *opaque, char **text, size_t *len, char *msg,
		       size_t msg_len)
{
	struct server *s = opaque;
	size_t i;

	if (s->dump_fails) {
		snprintf(msg, msg_len, "no dump here");
		return -ETIMEDOUT;
	}
	*text = malloc(DUMP_LEN);
	for (i = 0; i < DUMP_LEN; i++)
		(*text)[i] = dump_byte(i);
	*len = DUMP_LEN;
	return 0;
}

/* The whole dump, in order, then the end: read late, so that it waits for room. */
static bool dump_intact(int fd, uint8_t *buf)
{
	size_t i;

	usleep(100 * 1000);
	if (read_some(fd, buf, DUMP_LEN) != DUMP_LEN || !closed_by_server(fd))
		return false;
	for (i = 0; i < DUMP_LEN; i++)
		if (buf[i] != (uint8_t)dump_byte(i))
			return false;
	return true;
}

/* DUMP ("OK <bytes>" and the text) and kvmtool's DEBUG (the text to the end). */
static void test_dump(struct unit *u, struct server *s)
{
	uint8_t *buf = malloc(DUMP_LEN), msg[20] = { 0 };
	char head[32] = "";
	int fd = raw_connect();

	CHECK_EQ(u, write(fd, "DUMP\n", 5), 5);
	CHECK_EQ(u, read_some(fd, (uint8_t *)head, 11), 11);
	CHECK(u, !strcmp(head, "OK 1048576\n"));
	CHECK(u, dump_intact(fd, buf));
	close(fd);

	fd = raw_connect();
	kvmipc_header(msg, KVMIPC_DEBUG, KVMIPC_DEBUG_LEN);
	kvmipc_put_u32(msg + 8, KVMIPC_DEBUG_DUMP);
	CHECK_EQ(u, write(fd, msg, sizeof(msg)), (ssize_t)sizeof(msg));
	CHECK(u, dump_intact(fd, buf));
	close(fd);

	s->dump_fails = true;
	fd = raw_connect();
	CHECK_EQ(u, write(fd, "DUMP\n", 5), 5);
	memset(head, 0, sizeof(head));
	read_some(fd, (uint8_t *)head, sizeof(head) - 1);
	CHECK(u, !strcmp(head, "ERR no dump here\n"));
	close(fd);
	s->dump_fails = false;
	free(buf);
}

/* lkvm list, over and over: it removes the sockets it finds stale. */
static void *list_loop(void *arg)
{
	atomic_bool *stop = arg;

	while (!*stop) {
		int fd = control_dial_live("race");

		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

/* What a VM killed with SIGKILL leaves: a socket file nobody listens on. */
static void make_stale(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
}

/*
 * A VM started under a dead VM's name while two clients list: once
 * control_open() has returned, the name must answer every time (a
 * client that took the half-made socket for stale removed it).
 */
static void test_stale_race(struct unit *u)
{
	char path[CONTROL_PATH_MAX];
	atomic_bool stop = false;
	int i, lost = 0, fd;
	pthread_t lists[2];

	control_path("race", path, sizeof(path));
	for (i = 0; i < 2; i++)
		pthread_create(&lists[i], NULL, list_loop, &stop);
	for (i = 0; i < 1000; i++) {
		struct server r = { 0 };
		pthread_t th;

		make_stale(path);
		if (control_open(&r.ctl, "race", LOG_ERROR, server_handler, &r)) {
			lost++;
			continue;
		}
		pthread_create(&th, NULL, server_loop, &r);
		fd = control_dial("race");
		lost += fd < 0;
		if (fd >= 0)
			close(fd);
		r.stop = true;
		pthread_join(th, NULL);
		control_close(&r.ctl);
	}
	stop = true;
	for (i = 0; i < 2; i++)
		pthread_join(lists[i], NULL);
	CHECK_EQ(u, lost, 0);
	unlink(path);
}

int main(void)
{
	struct server s = { 0 };
	struct unit u = { 0 };
	char dir[] = "/tmp/lkvm-test-control-XXXXXX", lock[64];
	pthread_t th;

	if (!mkdtemp(dir))
		return 1;
	setenv("LKVM_HOME", dir, 1);
	signal(SIGPIPE, SIG_IGN);	/* as lkvm's main loop */
	CHECK_EQ(&u, control_open(&s.ctl, "sock1", LOG_ERROR, server_handler, &s), 0);
	s.ctl.dump = server_dump;
	pthread_create(&th, NULL, server_loop, &s);
	test_client(&u, &s);
	test_split(&u);
	test_text(&u);
	test_refused(&u, &s);
	test_dump(&u, &s);
	s.stop = true;
	pthread_join(th, NULL);
	control_close(&s.ctl);
	test_stale_race(&u);
	snprintf(lock, sizeof(lock), "%s/.names.lock", dir);
	unlink(lock);
	rmdir(dir);
	return unit_done(&u, "test-control-socket");
}
