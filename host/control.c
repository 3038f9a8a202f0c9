// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: a Unix stream socket per VM, one request line and
 * one reply line per connection, or kvmtool's binary messages, as many
 * as the client sends. Served from the main loop without ever blocking
 * it: clients are non-blocking, bounded in number and in what they may
 * send, and dropped when they stay silent.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"
#include "host/control.h"
#include "host/control-kvmtool.h"

static int64_t control_now_ms(void)
{
	return clock_now_ns() / 1000000;
}

/* Whether a live VM answers on path; fd: the connection, or -errno. */
static bool control_taken(int th, const char *name, const char *path, int fd)
{
	if (fd < 0)
		return false;
	close(fd);
	pr_err(th, "a VM named '%s' is already running (socket %s); choose another --name",
	       name, path);
	return true;
}

/*
 * A set-up stage, early: a name that a live VM holds is refused before
 * any slow work (loading a large kernel); the socket itself is made
 * last (control_open()), when all else is sound.
 */
int control_check_name(const char *name, int loglevel)
{
	char path[CONTROL_PATH_MAX];

	if (control_path(name, path, sizeof(path)))
		return 0;	/* control_open() says why there is no socket */
	if (access(path, F_OK))
		return 0;	/* the usual case: one system call */
	return control_taken(loglevel, name, path,
			     control_connect(path)) ? -EEXIST : 0;
}

/*
 * A socket file nobody answers on is stale (its VM died without
 * cleaning up) and is replaced; a live one means the name is taken.
 */
static int control_claim(struct control *c, int th, const char *name)
{
	int fd = control_connect(c->path);

	if (control_taken(th, name, c->path, fd))
		return -EEXIST;
	if (fd == -ECONNREFUSED) {
		pr_info(th, "removing stale control socket %s", c->path);
		unlink(c->path);
	}
	return 0;
}

static int control_listen(struct control *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4)) {
		int err = errno;

		close(fd);
		return -err;
	}
	c->listen_fd = fd;
	return 0;
}

int control_open(struct control *c, const char *name, int th,
		 control_handler_t handler, void *opaque)
{
	char dir[CONTROL_PATH_MAX];
	int ret, i, lock;

	c->handler = handler;
	c->opaque = opaque;
	c->listen_fd = -1;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		c->clients[i].fd = -1;
		c->clients[i].out = NULL;
		c->clients[i].passed_fd = -1;
	}
	/*
	 * Without a place for the socket the guest still runs, only
	 * unreachable by lkvm list/stop/irq: a warning, not an error.
	 */
	ret = control_dir(dir, sizeof(dir));
	ret = ret ?: control_path(name, c->path, sizeof(c->path));
	if (ret) {
		pr_warn(th, "no control socket for '%s' (%s): set HOME or LKVM_HOME to a short writable directory",
			name, strerror(-ret));
		c->path[0] = '\0';
		return 0;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		pr_warn(th, "no control socket: cannot create %s: %s; set LKVM_HOME to a writable directory",
			dir, strerror(errno));
		c->path[0] = '\0';
		return 0;
	}
	/*
	 * The name is usually free: bind first, ask who holds it only if
	 * not. Under the name lock, so that no client takes the socket
	 * for stale between bind() and listen().
	 */
	lock = control_name_lock();
	ret = control_listen(c);
	if (ret == -EADDRINUSE) {
		ret = control_claim(c, th, name);
		ret = ret ?: control_listen(c);
	}
	control_name_unlock(lock);
	if (ret && ret != -EEXIST)
		pr_err(th, "cannot listen on %s: %s", c->path, strerror(-ret));
	if (ret)
		c->path[0] = '\0';	/* not ours: never unlink it */
	return ret;
}

static void control_drop(struct control_client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	cl->fd = -1;
	cl->len = 0;
	cl->kvmtool = false;
	if (cl->passed_fd >= 0)
		close(cl->passed_fd);
	cl->passed_fd = -1;
	free(cl->out);
	cl->out = NULL;
}

void control_close(struct control *c)
{
	int i;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		control_drop(&c->clients[i]);
	/*
	 * The name is given up before the socket closes: closed first, a
	 * new VM of that name could take it for stale and bind its own,
	 * which this unlink would then remove.
	 */
	if (c->path[0])
		unlink(c->path);
	c->path[0] = '\0';
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	c->listen_fd = -1;
}

/* Fills fds with the listening socket and the clients; returns how many. */
int control_pollfds(struct control *c, struct pollfd *fds, int max)
{
	int i, n = 0;

	if (c->listen_fd < 0 || max < 1)
		return 0;
	fds[n++] = (struct pollfd) { .fd = c->listen_fd, .events = POLLIN };
	for (i = 0; i < CONTROL_MAX_CLIENTS && n < max; i++)
		if (c->clients[i].fd >= 0)
			fds[n++] = (struct pollfd) {
				.fd = c->clients[i].fd,
				.events = c->clients[i].out ? POLLOUT : POLLIN,
			};
	return n;
}

/* Until the earliest client deadline, or -1 without clients. */
int control_timeout_ms(struct control *c)
{
	int64_t now = control_now_ms(), best = -1;
	int i;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		int64_t left;

		if (c->clients[i].fd < 0)
			continue;
		left = c->clients[i].deadline_ms - now;
		left = left < 0 ? 0 : left;
		if (best < 0 || left < best)
			best = left;
	}
	return best;
}

static void control_reply(struct control_client *cl, const char *msg)
{
	/* One short line to a fresh socket: fits its buffer, never blocks. */
	(void)!write(cl->fd, msg, strlen(msg));
	control_drop(cl);
}

/*
 * When all slots are taken, the client that has waited longest gives
 * way: it had its chance to send its line, and a few clients that
 * connect and say nothing must not lock lkvm stop out.
 */
static struct control_client *control_slot(struct control *c)
{
	struct control_client *oldest = &c->clients[0];
	int i;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		if (c->clients[i].fd < 0)
			return &c->clients[i];
		if (c->clients[i].deadline_ms < oldest->deadline_ms)
			oldest = &c->clients[i];
	}
	/* A kvmtool client would take the text for an answer; a dump is cut short. */
	if (oldest->kvmtool || oldest->out)
		control_drop(oldest);
	else
		control_reply(oldest, "ERR busy; try again\n");
	return oldest;
}

static void control_accept(struct control *c)
{
	struct control_client *cl;
	int fd;

	fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	cl = control_slot(c);
	cl->fd = fd;
	cl->len = 0;
	cl->kvmtool = false;
	cl->out = NULL;
	cl->passed_fd = -1;
	cl->deadline_ms = control_now_ms() + CONTROL_CLIENT_MS;
}

/*
 * Sends what the socket takes of a long answer without blocking; the
 * rest when poll says there is room. A client that reads nothing for
 * CONTROL_CLIENT_MS is dropped, as one that says nothing.
 */
static void control_flush(struct control_client *cl)
{
	while (cl->out_off < cl->out_len) {
		/* write, not send: the sandbox allows it; lkvm ignores SIGPIPE. */
		ssize_t n = write(cl->fd, cl->out + cl->out_off,
				  cl->out_len - cl->out_off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		cl->out_off += n;
		cl->deadline_ms = control_now_ms() + CONTROL_CLIENT_MS;
	}
	control_drop(cl);
}

/* out (malloc'd, taken over) is the rest of the answer; then the connection closes. */
static void control_send_long(struct control_client *cl, char *out, size_t len)
{
	cl->out = out;
	cl->out_len = len;
	cl->out_off = 0;
	control_flush(cl);
}

/* The dump, as its text; on failure, why (NULL: out of memory). */
static char *control_dump_text(struct control *c, size_t *len, char *err,
			       size_t err_len)
{
	char *text = NULL;

	if (!c->dump) {
		snprintf(err, err_len, "this VM cannot dump its registers");
		return NULL;
	}
	if (c->dump(c->opaque, &text, len, err, err_len))
		return NULL;
	return text;
}

/* DUMP: "OK <bytes>", the dump, then the end of the connection. */
static void control_execute_dump(struct control *c, struct control_client *cl)
{
	char err[224], head[256], *text, *out;
	size_t len;
	int n;

	text = control_dump_text(c, &len, err, sizeof(err));
	if (!text) {
		snprintf(head, sizeof(head), "ERR %s\n", err);
		control_reply(cl, head);
		return;
	}
	n = snprintf(head, sizeof(head), "OK %zu\n", len);
	out = malloc(n + len);
	if (out) {
		memcpy(out, head, n);
		memcpy(out + n, text, len);
		control_send_long(cl, out, n + len);
	} else {
		control_drop(cl);
	}
	free(text);
}

/* kvmtool's DEBUG with DUMP: the text alone, which its client prints until the end. */
static void control_kvmtool_dump(struct control *c, struct control_client *cl)
{
	char err[224], *text;
	size_t len;

	text = control_dump_text(c, &len, err, sizeof(err));
	if (!text) {
		text = malloc(strlen(err) + 32);
		if (!text) {
			control_drop(cl);
			return;
		}
		len = sprintf(text, "lkvm: cannot dump: %s\n", err);
	}
	control_send_long(cl, text, len);
}

static void control_execute(struct control *c, struct control_client *cl)
{
	char err[224], reply[256];	/* lkvm stat's counters are the longest */
	struct control_cmd cmd;
	int ret;

	if (control_parse(cl->buf, cl->len, &cmd, err, sizeof(err))) {
		snprintf(reply, sizeof(reply), "ERR %s\n", err);
		control_reply(cl, reply);
		return;
	}
	if (cmd.op == CONTROL_DUMP) {
		control_execute_dump(c, cl);
		return;
	}
	cmd.has_fd = cl->passed_fd >= 0;
	cmd.fd = cl->passed_fd;
	ret = c->handler(c->opaque, &cmd, err, sizeof(err));
	if (ret)
		snprintf(reply, sizeof(reply), "ERR %s\n", err);
	else
		snprintf(reply, sizeof(reply), "OK %s\n", err);
	control_reply(cl, reply);
}

_Static_assert(KVMIPC_HDR_LEN + KVMIPC_BODY_MAX <= CONTROL_LINE_MAX,
	       "a client's buffer must hold a whole kvmtool message");

/*
 * kvmtool's messages, answered in order; the connection stays for more
 * until the client closes it or stays silent. A full buffer always
 * holds a whole message (KVMIPC_BODY_MAX), so none waits for room.
 */
static void control_serve_kvmtool(struct control *c, struct control_client *cl)
{
	uint8_t out[CONTROL_LINE_MAX / KVMIPC_HDR_LEN * KVMIPC_ANSWER_LEN];
	struct kvmipc_served res;
	int ret;

	cl->kvmtool = true;
	ret = kvmipc_serve((const uint8_t *)cl->buf, cl->len, c->handler,
			   c->opaque, out, sizeof(out), &res);
	/* A few bytes to a socket that had room for the request: never blocks. */
	if (res.out_len && write(cl->fd, out, res.out_len) != (ssize_t)res.out_len)
		ret = -EIO;	/* a client that does not read its answers */
	if (!ret && res.dump) {
		control_kvmtool_dump(c, cl);
		return;
	}
	if (ret || res.close) {
		control_drop(cl);
		return;
	}
	memmove(cl->buf, cl->buf + res.used, cl->len - res.used);
	cl->len -= res.used;
	if (res.used)
		cl->deadline_ms = control_now_ms() + CONTROL_CLIENT_MS;
}

/*
 * A request's bytes, and the descriptor a SNAPSHOT request passes with
 * them (the client opens the file: lkvm itself never opens a path once
 * the guest runs). Any other descriptor is closed with the client.
 */
static ssize_t control_recv(struct control_client *cl)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {
		.iov_base = cl->buf + cl->len, .iov_len = sizeof(cl->buf) - cl->len,
	};
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm;
	ssize_t n = recvmsg(cl->fd, &msg, MSG_CMSG_CLOEXEC);

	for (cm = n >= 0 ? CMSG_FIRSTHDR(&msg) : NULL; cm; cm = CMSG_NXTHDR(&msg, cm)) {
		int fd;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
		    cm->cmsg_len != CMSG_LEN(sizeof(int)))
			continue;
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
		if (cl->passed_fd >= 0)
			close(cl->passed_fd);
		cl->passed_fd = fd;
	}
	return n;
}

static void control_read(struct control *c, struct control_client *cl)
{
	ssize_t n = control_recv(cl);

	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		control_drop(cl);	/* gone before finishing its line */
		return;
	}
	cl->len += n;
	if (cl->kvmtool || kvmipc_starts(cl->buf[0]))
		control_serve_kvmtool(c, cl);
	else if (memchr(cl->buf, '\n', cl->len))
		control_execute(c, cl);
	else if (cl->len == sizeof(cl->buf))
		control_reply(cl, "ERR request too long; send one short line\n");
}

void control_handle(struct control *c, struct pollfd *fds, int n)
{
	int64_t now = control_now_ms();
	int i, j;

	for (i = 1; i < n; i++) {
		if (!(fds[i].revents & (POLLIN | POLLOUT | POLLHUP | POLLERR)))
			continue;
		for (j = 0; j < CONTROL_MAX_CLIENTS; j++) {
			struct control_client *cl = &c->clients[j];

			if (cl->fd != fds[i].fd)
				continue;
			if (cl->out)
				control_flush(cl);
			else
				control_read(c, cl);
		}
	}
	for (j = 0; j < CONTROL_MAX_CLIENTS; j++)
		if (c->clients[j].fd >= 0 && now >= c->clients[j].deadline_ms)
			control_drop(&c->clients[j]);
	if (n > 0 && (fds[0].revents & POLLIN))
		control_accept(c);
}

/*
 * Client side, for "lkvm stat/irq": one request line, one reply line.
 * Returns 0 with the reply, or -errno (-ECONNREFUSED: stale; -EIO: no
 * answer, as from a kvmtool VM, which reads no lines).
 */
int control_request(const char *name, const struct control_cmd *cmd,
		    char *reply, size_t len)
{
	char req[CONTROL_LINE_MAX];
	size_t got = 0;
	int fd, n;

	fd = control_dial(name);
	if (fd < 0)
		return fd;
	n = control_format(cmd, req, sizeof(req));
	if (n < 0 || write(fd, req, n) != n) {
		close(fd);
		return -EIO;
	}
	while (got + 1 < len) {
		ssize_t r = read(fd, reply + got, len - got - 1);

		if (r <= 0)
			break;
		got += r;
		if (memchr(reply, '\n', got))
			break;
	}
	close(fd);
	reply[got] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	return got ? 0 : -EIO;
}
