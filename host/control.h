/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_CONTROL_H
#define LKVM_VM_CONTROL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/control-proto.h"

#define CONTROL_MAX_CLIENTS	4
#define CONTROL_CLIENT_MS	2000	/* a client silent this long is dropped */
#define CONTROL_PATH_MAX	108	/* sun_path */
#define CONTROL_REPLY_S		5	/* a client waits this long for an answer */

/* Answers one request; msg gets the reply's text. Returns 0 or -errno. */
typedef int (*control_handler_t)(void *opaque, const struct control_cmd *cmd,
				 char *msg, size_t len);

/*
 * A register dump (DUMP, kvmtool's DEBUG): a text the caller frees, or
 * -errno with msg saying why.
 */
typedef int (*control_dump_t)(void *opaque, char **text, size_t *len,
			      char *msg, size_t msg_len);

struct control_client {
	int fd;
	bool kvmtool;		/* speaks kvmtool's binary messages */
	size_t len;
	char buf[CONTROL_LINE_MAX];
	int64_t deadline_ms;
	/* A long answer (a dump) still being sent; the connection closes after it. */
	char *out;
	size_t out_len, out_off;
	int passed_fd;		/* a file that came with the request (SNAPSHOT), or -1 */
};

/*
 * The VM's control socket, ~/.lkvm/NAME.sock as kvmtool keeps them. It
 * answers lkvm's request lines and kvmtool's binary messages
 * (host/control-kvmtool.h), told apart by a connection's first byte.
 */
struct control {
	int listen_fd;
	char path[CONTROL_PATH_MAX];
	struct control_client clients[CONTROL_MAX_CLIENTS];
	control_handler_t handler;
	control_dump_t dump;	/* optional */
	void *opaque;
};

int control_dir(char *buf, size_t len);
int control_path(const char *name, char *buf, size_t len);
int control_check_name(const char *name, int loglevel);
int control_connect(const char *path);
int control_dial(const char *name);
int control_open(struct control *c, const char *name, int loglevel,
		 control_handler_t handler, void *opaque);
void control_close(struct control *c);
int control_pollfds(struct control *c, struct pollfd *fds, int max);
void control_handle(struct control *c, struct pollfd *fds, int n);
int control_timeout_ms(struct control *c);

int control_request(const char *name, const struct control_cmd *cmd,
		    char *reply, size_t len);

#endif
