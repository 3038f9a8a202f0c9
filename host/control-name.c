// SPDX-License-Identifier: GPL-2.0
/*
 * Who may take or remove a VM's socket name. A VM binds its socket and
 * a client removes a stale one (its VM was killed) under one lock file
 * in the control directory. Without it a client that found the socket
 * stale could unlink the socket a new VM of that name had just put in
 * its place: bind() and listen() are two steps, and a connect() between
 * them is refused exactly as on a dead VM's socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "host/control.h"

#define CONTROL_LOCK_NAME	".names.lock"

/*
 * Takes the name lock: its fd, or -errno (no directory, read-only
 * directory), in which case the caller goes on without it, as before
 * the lock existed.
 */
int control_name_lock(void)
{
	char dir[CONTROL_PATH_MAX], path[CONTROL_PATH_MAX + sizeof(CONTROL_LOCK_NAME)];
	int fd, ret = control_dir(dir, sizeof(dir));

	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/%s", dir, CONTROL_LOCK_NAME);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			ret = -errno;
			close(fd);
			return ret;
		}
	}
	return fd;
}

void control_name_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* the lock goes with the last fd */
}

/*
 * Removes VM name's socket if nobody listens on it, under the lock so
 * that it cannot be a new VM's socket half set up. Returns 0 when it
 * removed one, -EEXIST when a VM answers there now, or -errno.
 */
int control_remove_stale(const char *name)
{
	char path[CONTROL_PATH_MAX];
	int lock, fd, ret = control_path(name, path, sizeof(path));

	if (ret)
		return ret;
	lock = control_name_lock();
	fd = control_connect(path);
	if (fd >= 0) {
		close(fd);
		ret = -EEXIST;
	} else if (fd != -ECONNREFUSED) {
		ret = fd;
	} else if (unlink(path)) {
		ret = -errno;
	}
	control_name_unlock(lock);
	return ret;
}

/*
 * Connects to VM name; a stale socket is removed and reads as no VM.
 * Returns the connection, -ENOENT, or -errno.
 */
int control_dial_live(const char *name)
{
	int fd = control_dial(name);

	if (fd != -ECONNREFUSED)
		return fd;
	if (control_remove_stale(name) == -EEXIST)
		return control_dial(name);	/* a new VM took the name */
	return -ENOENT;
}
