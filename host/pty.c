// SPDX-License-Identifier: GPL-2.0
/* Host pseudo-terminals for the guest's extra serial lines (--tty). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "host/pty.h"

static int pty_open_master(struct pty *p)
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY);

	if (fd < 0)
		return -errno;
	p->master = fd;
	if (grantpt(fd) || unlockpt(fd) || ptsname_r(fd, p->path, sizeof(p->path)))
		return errno ? -errno : -ENOTTY;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) || fcntl(fd, F_SETFL, O_NONBLOCK))
		return -errno;
	return 0;
}

/* Raw, so that the guest's bytes pass unchanged and are not echoed back. */
static int pty_open_slave(struct pty *p)
{
	struct termios t;

	p->slave = open(p->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0)
		return -errno;
	if (tcgetattr(p->slave, &t))
		return -errno;
	cfmakeraw(&t);
	return tcsetattr(p->slave, TCSANOW, &t) ? -errno : 0;
}

int pty_open(struct pty *p)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->master = p->slave = -1;
	ret = -pthread_mutex_init(&p->lock, NULL);
	if (ret)
		return ret;
	ret = pty_open_master(p);
	ret = ret ?: pty_open_slave(p);
	if (ret)
		pty_close(p);
	return ret;
}

void pty_close(struct pty *p)
{
	if (p->slave >= 0)
		close(p->slave);
	if (p->master >= 0)
		close(p->master);
	p->slave = p->master = -1;
	pthread_mutex_destroy(&p->lock);
}

/*
 * On a vCPU thread: never blocks beyond the ring's lock. Returns true
 * when the ring was empty, and the main loop must be woken to write.
 */
bool pty_put(struct pty *p, uint8_t byte)
{
	bool was_empty;

	pthread_mutex_lock(&p->lock);
	was_empty = !p->len;
	if (p->broken || p->len == PTY_OUT_SIZE) {
		p->dropped++;
		was_empty = false;
	} else {
		p->out[(p->head + p->len) % PTY_OUT_SIZE] = byte;
		p->len++;
	}
	pthread_mutex_unlock(&p->lock);
	return was_empty;
}

bool pty_has_output(struct pty *p)
{
	bool ret;

	pthread_mutex_lock(&p->lock);
	ret = p->len && !p->broken;
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/*
 * On the main thread, the ring's only reader: writes what the pty takes
 * now, without blocking. Only this thread removes bytes, so the chunk
 * copied out stays valid while the lock is dropped for write().
 */
void pty_flush(struct pty *p)
{
	uint8_t buf[512];
	size_t n, i;
	ssize_t w;

	pthread_mutex_lock(&p->lock);
	n = p->len < sizeof(buf) ? p->len : sizeof(buf);
	for (i = 0; i < n; i++)
		buf[i] = p->out[(p->head + i) % PTY_OUT_SIZE];
	pthread_mutex_unlock(&p->lock);
	if (!n)
		return;
	w = write(p->master, buf, n);
	if (w < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	pthread_mutex_lock(&p->lock);
	if (w < 0) {
		p->broken = true;	/* output is dropped from now on */
		p->dropped += p->len;
		p->len = 0;
	} else {
		p->head = (p->head + w) % PTY_OUT_SIZE;
		p->len -= w;
	}
	pthread_mutex_unlock(&p->lock);
}

/* Input for the guest: at most room bytes; 0 when there is none now. */
ssize_t pty_read(struct pty *p, uint8_t *buf, size_t room)
{
	ssize_t n = read(p->master, buf, room);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return n < 0 ? -errno : n;
}
