// SPDX-License-Identifier: GPL-2.0
/*
 * Where the control sockets live ($LKVM_HOME or ~/.lkvm, NAME.sock as
 * kvmtool keeps them) and how a client reaches one: what the server
 * (host/control.c), the name lock (host/control-name.c) and the client
 * commands share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "host/control.h"

/* $LKVM_HOME, else ~/.lkvm, as kvmtool. */
int control_dir(char *buf, size_t len)
{
	const char *dir = getenv("LKVM_HOME"), *home = getenv("HOME");
	int n;

	if (dir && *dir)
		n = snprintf(buf, len, "%s", dir);
	else if (home && *home)
		n = snprintf(buf, len, "%s/.lkvm", home);
	else
		return -ENOENT;
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

int control_path(const char *name, char *buf, size_t len)
{
	char dir[CONTROL_PATH_MAX];
	int ret, n;

	if (!*name || strchr(name, '/'))
		return -EINVAL;
	ret = control_dir(dir, sizeof(dir));
	if (ret)
		return ret;
	n = snprintf(buf, len, "%s/%s.sock", dir, name);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

/*
 * A client's connection. Both ways are bounded in time: a server whose
 * backlog is full (kvmtool serves one client at a time) or that never
 * answers must not hang the client.
 */
int control_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CONTROL_REPLY_S };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

/*
 * Connects to VM name: the socket, or -errno (-ENOENT: no such VM;
 * -ECONNREFUSED: a stale socket, its VM died). Reads and writes on it
 * give up after CONTROL_REPLY_S.
 */
int control_dial(const char *name)
{
	char path[CONTROL_PATH_MAX];
	int ret = control_path(name, path, sizeof(path));

	return ret ?: control_connect(path);
}
