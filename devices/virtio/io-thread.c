// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O thread of a virtio device (devices/virtio/virtio.h): it waits
 * on the queues' eventfds (KVM's ioeventfds) and the kick, and serves
 * them in bounded rounds; stop and reset hold it off through io_lock.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/virtio/virtio-core.h"
#include "lib/log.h"
#include "lib/thread.h"

/* The kick's bit in a round's mask, after the queues' bits. */
#define VIRTIO_KICK_BIT		(1u << VIRTIO_MAX_QUEUES)

/* io_lock held: the rings stay as they are while the model runs. */
static void virtio_serve_queue(struct virtio_dev *vd, unsigned int q)
{
	struct virtq *vq = &vd->vqs[q];

	if (!vq->ready || !vq->desc || vq->broken)
		return;
	vd->ops->queue_notify(vd, q);
	/* Whether or not the model said so itself. */
	if (vq->broken)
		virtio_dev_broken(vd, q);
}

/*
 * A round takes at most num chains from each queue (virtq_batch_*), so
 * that a reset or stop waiting for io_lock gets its turn however fast
 * the driver adds buffers; a queue with more left is served again in
 * the next round.
 */
static void virtio_batch(struct virtio_dev *vd, bool start)
{
	unsigned int q;

	for (q = 0; q < vd->nr_queues; q++) {
		if (start)
			virtq_batch_start(&vd->vqs[q]);
		else if (virtq_batch_end(&vd->vqs[q]))
			virtio_eventfd_signal(vd->queue_fd[q]);
	}
}

/*
 * What the thread waits on for queue q: the driver's notifications, or
 * for a queue vhost serves, vhost's call (vhost already looked at the
 * driver's flags or used_event: the driver wants this interrupt).
 */
static int virtio_wait_fd(const struct virtio_dev *vd, unsigned int q)
{
	return vd->vhost_queues & (1u << q) ? vd->call_fd[q] : vd->queue_fd[q];
}

/*
 * Reads the eventfds named in want (bit q: queue q; VIRTIO_KICK_BIT:
 * the kick), then serves what they held. Notifications that come
 * before DRIVER_OK are dropped: virtio_wake_all() looks at every
 * queue when the driver sets it.
 */
static void virtio_round(struct virtio_dev *vd, unsigned int want)
{
	unsigned int q, got = 0;

	for (q = 0; q < vd->nr_queues; q++)
		if ((want & (1u << q)) && virtio_eventfd_drain(virtio_wait_fd(vd, q)))
			got |= 1u << q;
	if ((want & VIRTIO_KICK_BIT) && virtio_eventfd_drain(vd->kick_fd))
		got |= VIRTIO_KICK_BIT;
	if (!got)
		return;
	pthread_mutex_lock(&vd->io_lock);
	if (!atomic_load(&vd->stopping) && virtio_dev_running(vd)) {
		virtio_batch(vd, true);
		for (q = 0; q < vd->nr_queues; q++) {
			if (!(got & (1u << q)))
				continue;
			if (vd->vhost_queues & (1u << q))
				virtio_queue_interrupt(vd, q);
			else
				virtio_serve_queue(vd, q);
		}
		if ((got & VIRTIO_KICK_BIT) && vd->ops->kick)
			vd->ops->kick(vd);
		virtio_batch(vd, false);
	}
	pthread_mutex_unlock(&vd->io_lock);
}

void virtio_dev_serve(struct virtio_dev *vd)
{
	virtio_round(vd, VIRTIO_KICK_BIT | ((1u << vd->nr_queues) - 1));
}

static void *virtio_io_fail(struct virtio_dev *vd, int err)
{
	pr_err(vd->loglevel, "%s: I/O thread: %s", vd->name, strerror(-err));
	if (vd->host_ops && vd->host_ops->fail)
		vd->host_ops->fail(vd->host);
	return NULL;
}

/* The revents of one wait as a round's mask; -EBADF on a bad fd. */
static int virtio_poll_mask(const struct pollfd *fds, unsigned int nr_queues)
{
	unsigned int i, want = 0;

	for (i = 0; i <= nr_queues; i++) {
		if (fds[i].revents & (POLLERR | POLLNVAL))
			return -EBADF;
		if (fds[i].revents & POLLIN)
			want |= i == nr_queues ? VIRTIO_KICK_BIT : 1u << i;
	}
	return want;
}

static void *virtio_io_thread(void *arg)
{
	struct virtio_dev *vd = arg;
	struct pollfd fds[VIRTIO_MAX_QUEUES + 1];
	unsigned int i, n = vd->nr_queues;
	int want;

	/* Into the sandbox before anything the guest controls is touched. */
	if (vd->host_ops && vd->host_ops->thread_enter &&
	    vd->host_ops->thread_enter(vd->host, vd->role ? vd->role : "virtio",
				       vd->index))
		return NULL;	/* reported, and the VM is stopping */
	for (i = 0; i < n; i++)
		fds[i] = (struct pollfd) { .fd = virtio_wait_fd(vd, i), .events = POLLIN };
	fds[n] = (struct pollfd) { .fd = vd->kick_fd, .events = POLLIN };
	while (!atomic_load(&vd->stopping)) {
		if (poll(fds, n + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return virtio_io_fail(vd, -errno);
		}
		want = virtio_poll_mask(fds, n);
		if (want < 0)
			return virtio_io_fail(vd, want);
		virtio_round(vd, want);
	}
	return NULL;
}

int virtio_dev_start(struct virtio_dev *vd)
{
	int ret;

	if (vd->thread_started)
		return 0;
	atomic_store(&vd->stopping, false);
	ret = thread_start(&vd->thread, virtio_io_thread, vd);
	if (ret)
		return ret;
	vd->thread_started = true;
	/* What the last thread drained as it stopped is looked at again. */
	if (virtio_dev_running(vd))
		virtio_wake_all(vd);
	return 0;
}

void virtio_dev_stop(struct virtio_dev *vd)
{
	if (!vd->thread_started)
		return;
	atomic_store(&vd->stopping, true);
	virtio_eventfd_signal(vd->kick_fd);
	pthread_join(vd->thread, NULL);
	vd->thread_started = false;
}
