// SPDX-License-Identifier: GPL-2.0
/*
 * Frames to and from a descriptor (host/net-fd.h): the guest's frames
 * are written as they come, from guest memory; those for the guest are
 * read on the backend's thread, a run at a time, and handed to the
 * device, which puts them in the guest's buffers from here when it can.
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "host/child.h"
#include "host/net-fd.h"
#include "lib/log.h"
#include "lib/thread.h"

/* Frames read per wake-up before the interrupt and a look at stop. */
#define NET_FD_READ_BATCH	64

struct net_fd {
	struct net_backend be;
	const struct device_host_ops *host_ops;
	void *host;
	unsigned int index;
	int loglevel;
	int fd;
	size_t hdr_len;			/* before each frame on fd: 0, or the header */
	net_fd_apply_fn apply;		/* the driver's offloads to fd; optional */
	int wake_fd;			/* an eventfd: stop, or features owed */
	atomic_bool stopping;		/* what a wake means: leave the thread */
	struct child peer;		/* the process at fd's other end, if any */
	pthread_t thread;
	bool started;
	pthread_mutex_t apply_lock;	/* one apply at a time, with features */
	uint64_t features;		/* the driver's offloads, latest */
	atomic_bool owed;		/* fd was full: features not yet applied */
	uint8_t frame[NET_FD_HDR_MAX + VIRTIO_NET_FRAME_MAX];	/* the thread's */
};

/*
 * One frame read, handed to the device (the interrupt left owed).
 * Returns 0 for a frame (or a read to ignore), -EAGAIN when none is
 * left; 1 (end of file) or another -errno when the other end is gone
 * (the helper died or closed).
 */
static int net_fd_read_one(struct net_fd *n)
{
	ssize_t len = read(n->fd, n->frame, sizeof(n->frame));
	struct virtio_net_hdr h;

	/* The model checks the header against what the driver took. */
	if (len > (ssize_t)n->hdr_len) {
		if (n->hdr_len)
			virtio_net_hdr_get(n->frame, &h);
		if (n->be.vd)
			virtio_net_rx_put(n->be.vd, n->hdr_len ? &h : NULL,
					  n->frame + n->hdr_len, len - n->hdr_len);
		return 0;
	}
	if (len > 0)
		return 0;
	if (len < 0 && errno == EINTR)
		return 0;
	return len < 0 ? -errno : 1;
}

/*
 * Up to NET_FD_READ_BATCH frames, then one interrupt for them all: the
 * guest handles a run at once. The bound lets a stop in. Returns 0, or
 * net_fd_read_one()'s account of the other end gone.
 */
static int net_fd_read(struct net_fd *n)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < NET_FD_READ_BATCH && !ret; i++)
		ret = net_fd_read_one(n);
	if (n->be.vd)
		virtio_net_rx_signal(n->be.vd);
	return ret == -EAGAIN ? 0 : ret;
}

/* The wake eventfd read: true when it was a stop. */
static bool net_fd_woken(struct net_fd *n)
{
	uint64_t count;

	if (read(n->wake_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		pr_debug(n->loglevel, "virtio-net %u: %s", n->index, strerror(errno));
	return atomic_load(&n->stopping);
}

/*
 * The other end closed (why: 1 for end of file, or -errno): when it is
 * a process of lkvm's, it has ended or is ending. Reaped here, or at the
 * teardown if it takes longer; said once, with how it ended.
 */
static void net_fd_gone(struct net_fd *n, int why)
{
	pid_t pid = n->peer.pid;
	char how[64];
	int status, ret = -ECHILD;

	while (pid) {
		ret = child_wait(&n->peer, CHILD_END_MS, n->wake_fd, &status);
		if (ret != -EINTR || net_fd_woken(n))
			break;
	}
	if (!ret) {
		child_describe(status, how, sizeof(how));
		pr_warn(n->loglevel, "virtio-net %u: %s (pid %d) ended: %s; the card is cut off",
			n->index, n->peer.name, (int)pid, how);
		return;
	}
	pr_warn(n->loglevel, "virtio-net %u: the network's other end closed (%s); the card is cut off",
		n->index, why > 0 ? "end of file" : strerror(-why));
}

/*
 * The driver's offloads to fd, apply_lock held. A full socket (-EAGAIN)
 * leaves them owed: the reader thread waits for room and applies them
 * then. Only the latest are ever owed, so an older value never lands
 * after a newer one.
 */
static void net_fd_apply(struct net_fd *n)
{
	int ret = n->apply(n->fd, n->features);

	if (ret == -EAGAIN)
		return;
	atomic_store(&n->owed, false);
	if (ret)
		pr_warn(n->loglevel, "virtio-net %u: cannot set the offloads the driver took (%#llx): %s",
			n->index, (unsigned long long)n->features, strerror(-ret));
}

/* On the reader thread: fd has room for what is owed. */
static void net_fd_apply_owed(struct net_fd *n)
{
	pthread_mutex_lock(&n->apply_lock);
	if (atomic_load(&n->owed))
		net_fd_apply(n);
	pthread_mutex_unlock(&n->apply_lock);
}

static void *net_fd_thread(void *arg)
{
	struct net_fd *n = arg;
	struct pollfd p[2] = {
		{ .fd = n->fd, .events = POLLIN },
		{ .fd = n->wake_fd, .events = POLLIN },
	};
	int ret;

	if (n->host_ops && n->host_ops->thread_enter &&
	    n->host_ops->thread_enter(n->host, "net", n->index))
		return NULL;
	for (;;) {
		p[0].events = POLLIN | (atomic_load(&n->owed) ? POLLOUT : 0);
		ret = ppoll(p, 2, NULL, NULL);
		if (ret < 0 && errno != EINTR)
			break;
		if (ret < 0)
			continue;
		if (p[1].revents && net_fd_woken(n))
			break;
		if (p[0].revents & POLLOUT)
			net_fd_apply_owed(n);
		ret = p[0].revents & ~POLLOUT ? net_fd_read(n) : 0;
		if (ret) {
			net_fd_gone(n, ret);
			break;
		}
	}
	return NULL;
}

static int net_fd_start(struct net_backend *be)
{
	struct net_fd *n = be->priv;
	int ret;

	if (n->started)
		return 0;
	ret = thread_start(&n->thread, net_fd_thread, n);
	if (!ret)
		n->started = true;
	return ret;
}

static void net_fd_stop(struct net_backend *be)
{
	struct net_fd *n = be->priv;
	uint64_t one = 1;

	if (!n->started)
		return;
	atomic_store(&n->stopping, true);
	if (write(n->wake_fd, &one, sizeof(one)) < 0)
		pr_debug(n->loglevel, "virtio-net %u: %s", n->index, strerror(errno));
	pthread_join(n->thread, NULL);
	net_fd_woken(n);
	atomic_store(&n->stopping, false);
	n->started = false;
}

/*
 * From the I/O thread; the descriptor is non-blocking: full means
 * dropped. One writev: the header, then the frame's segments.
 */
static int net_fd_send(struct net_backend *be, const struct virtio_net_hdr *h,
		       const struct iovec *frame, unsigned int nr, size_t len)
{
	struct net_fd *n = be->priv;
	uint8_t hdr[NET_FD_HDR_MAX] = { 0 };
	struct iovec v[1 + VIRTQ_CHAIN_MAX];

	if (nr > VIRTQ_CHAIN_MAX)
		return -EINVAL;
	virtio_net_hdr_put(hdr, h);
	v[0] = (struct iovec){ .iov_base = hdr, .iov_len = n->hdr_len };
	memcpy(v + 1, frame, nr * sizeof(*frame));
	if (writev(n->fd, v + !n->hdr_len, nr + !!n->hdr_len) < 0)
		return errno == EAGAIN ? -ENOBUFS : -errno;
	return 0;
}

/*
 * The driver's offloads (0 after a reset): what fd may hand over. On
 * the I/O thread, or a vCPU's (a reset, under the device's lock): never
 * waits. Owed when fd is full, the reader thread is woken to wait for
 * room as well as frames.
 */
static void net_fd_features_set(struct net_backend *be, uint64_t features)
{
	struct net_fd *n = be->priv;
	uint64_t one = 1;

	if (!n->apply)
		return;
	pthread_mutex_lock(&n->apply_lock);
	n->features = features;
	atomic_store(&n->owed, true);
	net_fd_apply(n);
	pthread_mutex_unlock(&n->apply_lock);
	if (atomic_load(&n->owed) && write(n->wake_fd, &one, sizeof(one)) < 0)
		pr_debug(n->loglevel, "virtio-net %u: %s", n->index, strerror(errno));
}

void net_fd_offload(struct net_backend *be, uint64_t offloads, net_fd_apply_fn apply)
{
	struct net_fd *n = be->priv;

	be->offloads = n->hdr_len ? offloads : 0;
	n->apply = apply;
}

/*
 * The process at the other end, once its socket is closed: it ends
 * then, or is killed after CHILD_END_MS; reaped either way. An end
 * other than its own clean exit is said here, unless the reader
 * thread already saw it.
 */
static void net_fd_peer_end(struct net_fd *n)
{
	pid_t pid = n->peer.pid;
	bool killed;
	char how[64];
	int status, ret;

	ret = child_end(&n->peer, CHILD_END_MS, &status, &killed);
	if (!pid)
		return;
	if (ret) {
		pr_warn(n->loglevel, "virtio-net %u: %s (pid %d) did not end: %s",
			n->index, n->peer.name, (int)pid, strerror(-ret));
		return;
	}
	child_describe(status, how, sizeof(how));
	if (killed)
		pr_warn(n->loglevel, "virtio-net %u: %s (pid %d) did not end within %d ms of its socket closing; killed",
			n->index, n->peer.name, (int)pid, CHILD_END_MS);
	else if (status)
		pr_warn(n->loglevel, "virtio-net %u: %s (pid %d) ended: %s",
			n->index, n->peer.name, (int)pid, how);
}

static void net_fd_destroy(struct net_backend *be)
{
	struct net_fd *n = be->priv;

	net_fd_stop(be);
	if (n->wake_fd >= 0)
		close(n->wake_fd);
	if (n->fd >= 0)
		close(n->fd);
	net_fd_peer_end(n);
	pthread_mutex_destroy(&n->apply_lock);
	free(n);
}

static const struct net_backend_ops net_fd_ops = {
	.start = net_fd_start,
	.stop = net_fd_stop,
	.send = net_fd_send,
	.features_set = net_fd_features_set,
	.destroy = net_fd_destroy,
};

int net_fd_create(const struct device_ctx *ctx, unsigned int index, int fd,
		  size_t hdr_len, struct child *peer, struct net_backend **be)
{
	struct net_fd *n = hdr_len <= NET_FD_HDR_MAX ? calloc(1, sizeof(*n)) : NULL;
	int ret;

	if (!n) {
		close(fd);
		if (peer)
			child_end(peer, CHILD_END_MS, NULL, NULL);
		return hdr_len > NET_FD_HDR_MAX ? -EINVAL : -ENOMEM;
	}
	n->peer = peer ? *peer : CHILD_NONE;
	n->be.ops = &net_fd_ops;
	n->be.priv = n;
	n->host_ops = ctx->host_ops;
	n->host = ctx->host;
	n->index = index;
	n->loglevel = ctx->loglevel;
	n->fd = fd;
	n->hdr_len = hdr_len;
	pthread_mutex_init(&n->apply_lock, NULL);
	n->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->wake_fd < 0) {
		ret = -errno;
		net_fd_destroy(&n->be);
		return ret;
	}
	*be = &n->be;
	return 0;
}
