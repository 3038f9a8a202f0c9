// SPDX-License-Identifier: GPL-2.0
/*
 * The user-mode network backend: libslirp on a thread of its own. The
 * thread owns the Slirp instance: it feeds it the guest's frames, polls
 * its sockets, runs its timers; slirp hands frames for the guest to
 * net_slirp_send_packet(), on that thread.
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <libslirp.h>

#include "host/net-slirp.h"
#include "lib/log.h"
#include "lib/thread.h"
#include "lib/util.h"

/* Frames from the guest waiting for the slirp thread; more are dropped. */
#define NET_SLIRP_TX_MAX	256
/* The longest poll() when slirp has nothing timed: it also says so. */
#define NET_SLIRP_POLL_MS	1000
#define NET_SLIRP_TIMERS	4

struct net_slirp_timer {
	SlirpTimerCb cb;
	void *cb_opaque;
	int64_t expire_ms;	/* -1: not armed */
	bool used;
};

struct net_slirp_frame {
	size_t len;
	uint8_t data[];
};

struct net_slirp {
	struct net_backend be;
	Slirp *slirp;
	const struct device_host_ops *host_ops;
	void *host;
	unsigned int index;
	int loglevel;
	int wake_fd;			/* an eventfd: frames queued, stop */

	pthread_t thread;
	bool started;
	atomic_bool stopping;

	pthread_mutex_t tx_lock;
	struct net_slirp_frame *tx[NET_SLIRP_TX_MAX];
	unsigned int tx_head, tx_count;

	/* The slirp thread's. */
	struct pollfd *pfds;
	unsigned int nr_pfds, max_pfds;
	struct net_slirp_timer timers[NET_SLIRP_TIMERS];
};

static int64_t net_slirp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void net_slirp_wake(struct net_slirp *s)
{
	uint64_t one = 1;

	if (write(s->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_debug(s->loglevel, "virtio-net %u: waking the slirp thread: %s",
			 s->index, strerror(errno));
}

/* slirp's callbacks; all on the slirp thread but at set-up. */
static ssize_t net_slirp_send_packet(const void *buf, size_t len, void *opaque)
{
	struct net_slirp *s = opaque;

	if (s->be.vd)
		virtio_net_receive(s->be.vd, buf, len);
	return len;
}

static void net_slirp_guest_error(const char *msg, void *opaque)
{
	struct net_slirp *s = opaque;

	pr_debug(s->loglevel, "virtio-net %u: slirp: %s", s->index, msg);
}

static int64_t net_slirp_clock_get_ns(void *opaque)
{
	return net_slirp_now_ns();
}

static void *net_slirp_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct net_slirp *s = opaque;
	unsigned int i;

	for (i = 0; i < NET_SLIRP_TIMERS; i++) {
		struct net_slirp_timer *t = &s->timers[i];

		if (!t->used) {
			*t = (struct net_slirp_timer){ cb, cb_opaque, -1, true };
			return t;
		}
	}
	pr_warn(s->loglevel, "virtio-net %u: slirp asked for more than %d timers",
		s->index, NET_SLIRP_TIMERS);
	return NULL;
}

static void net_slirp_timer_free(void *timer, void *opaque)
{
	struct net_slirp_timer *t = timer;

	if (t)
		t->used = false;
}

static void net_slirp_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct net_slirp_timer *t = timer;

	if (t)
		t->expire_ms = expire_ms;
}

static void net_slirp_poll_fd(int fd, void *opaque)
{
	/* Every fd is handed over again before each poll(): nothing to keep. */
}

static void net_slirp_notify(void *opaque)
{
	net_slirp_wake(opaque);
}

static const SlirpCb net_slirp_cb = {
	.send_packet = net_slirp_send_packet,
	.guest_error = net_slirp_guest_error,
	.clock_get_ns = net_slirp_clock_get_ns,
	.timer_new = net_slirp_timer_new,
	.timer_free = net_slirp_timer_free,
	.timer_mod = net_slirp_timer_mod,
	.register_poll_fd = net_slirp_poll_fd,
	.unregister_poll_fd = net_slirp_poll_fd,
	.notify = net_slirp_notify,
};

static int net_slirp_add_poll(int fd, int events, void *opaque)
{
	struct net_slirp *s = opaque;
	struct pollfd *p;

	if (s->nr_pfds == s->max_pfds) {
		unsigned int max = s->max_pfds * 2;

		p = realloc(s->pfds, max * sizeof(*p));
		if (!p)
			return -1;	/* slirp then skips the socket this round */
		s->pfds = p;
		s->max_pfds = max;
	}
	p = &s->pfds[s->nr_pfds];
	p->fd = fd;
	p->events = (events & SLIRP_POLL_IN ? POLLIN : 0) |
		    (events & SLIRP_POLL_OUT ? POLLOUT : 0) |
		    (events & SLIRP_POLL_PRI ? POLLPRI : 0);
	p->revents = 0;
	return s->nr_pfds++;
}

static int net_slirp_get_revents(int idx, void *opaque)
{
	struct net_slirp *s = opaque;
	short r;

	if (idx < 1 || (unsigned int)idx >= s->nr_pfds)
		return 0;
	r = s->pfds[idx].revents;
	return (r & POLLIN ? SLIRP_POLL_IN : 0) | (r & POLLOUT ? SLIRP_POLL_OUT : 0) |
	       (r & POLLPRI ? SLIRP_POLL_PRI : 0) | (r & POLLERR ? SLIRP_POLL_ERR : 0) |
	       (r & POLLHUP ? SLIRP_POLL_HUP : 0);
}

/* The guest's queued frames into slirp, outside the lock. */
static void net_slirp_input(struct net_slirp *s)
{
	struct net_slirp_frame *f;

	for (;;) {
		pthread_mutex_lock(&s->tx_lock);
		f = NULL;
		if (s->tx_count) {
			f = s->tx[s->tx_head];
			s->tx_head = (s->tx_head + 1) % NET_SLIRP_TX_MAX;
			s->tx_count--;
		}
		pthread_mutex_unlock(&s->tx_lock);
		if (!f)
			return;
		slirp_input(s->slirp, f->data, f->len);
		free(f);
	}
}

/* Runs expired timers; returns the ms until the next, at most max. */
static int net_slirp_timers(struct net_slirp *s, int max)
{
	int64_t now = net_slirp_now_ns() / 1000000;
	unsigned int i;

	for (i = 0; i < NET_SLIRP_TIMERS; i++) {
		struct net_slirp_timer *t = &s->timers[i];

		if (!t->used || t->expire_ms < 0)
			continue;
		if (t->expire_ms <= now) {
			t->expire_ms = -1;
			t->cb(t->cb_opaque);
			continue;
		}
		max = MIN(max, (int)MIN(t->expire_ms - now, (int64_t)max));
	}
	return max;
}

static void net_slirp_round(struct net_slirp *s)
{
	uint32_t timeout = NET_SLIRP_POLL_MS;
	uint64_t count;
	int ret;

	net_slirp_input(s);
	s->nr_pfds = 1;
	s->pfds[0] = (struct pollfd){ .fd = s->wake_fd, .events = POLLIN };
	slirp_pollfds_fill(s->slirp, &timeout, net_slirp_add_poll, s);
	timeout = net_slirp_timers(s, MIN(timeout, (uint32_t)NET_SLIRP_POLL_MS));
	ret = poll(s->pfds, s->nr_pfds, timeout);
	if (ret > 0 && (s->pfds[0].revents & POLLIN) &&
	    read(s->wake_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		pr_debug(s->loglevel, "virtio-net %u: %s", s->index, strerror(errno));
	slirp_pollfds_poll(s->slirp, ret < 0, net_slirp_get_revents, s);
	net_slirp_timers(s, 0);
}

static void *net_slirp_thread(void *arg)
{
	struct net_slirp *s = arg;

	if (s->host_ops && s->host_ops->thread_enter &&
	    s->host_ops->thread_enter(s->host, "net", s->index))
		return NULL;
	while (!atomic_load(&s->stopping))
		net_slirp_round(s);
	return NULL;
}

static int net_slirp_start(struct net_backend *be)
{
	struct net_slirp *s = be->priv;
	int ret;

	if (s->started)
		return 0;
	atomic_store(&s->stopping, false);
	ret = thread_start(&s->thread, net_slirp_thread, s);
	if (!ret)
		s->started = true;
	return ret;
}

static void net_slirp_stop(struct net_backend *be)
{
	struct net_slirp *s = be->priv;

	if (!s->started)
		return;
	atomic_store(&s->stopping, true);
	net_slirp_wake(s);
	pthread_join(s->thread, NULL);
	s->started = false;
}

/* From the I/O thread: queued for the slirp thread, never blocking on it. */
static int net_slirp_send(struct net_backend *be, const uint8_t *frame, size_t len)
{
	struct net_slirp *s = be->priv;
	struct net_slirp_frame *f = malloc(sizeof(*f) + len);
	bool queued = false;

	if (!f)
		return -ENOMEM;
	f->len = len;
	memcpy(f->data, frame, len);
	pthread_mutex_lock(&s->tx_lock);
	if (s->tx_count < NET_SLIRP_TX_MAX) {
		s->tx[(s->tx_head + s->tx_count++) % NET_SLIRP_TX_MAX] = f;
		queued = true;
	}
	pthread_mutex_unlock(&s->tx_lock);
	if (!queued) {
		free(f);
		return -ENOBUFS;
	}
	net_slirp_wake(s);
	return 0;
}

static void net_slirp_destroy(struct net_backend *be)
{
	struct net_slirp *s = be->priv;

	net_slirp_stop(be);
	if (s->slirp)
		slirp_cleanup(s->slirp);
	while (s->tx_count) {
		free(s->tx[s->tx_head]);
		s->tx_head = (s->tx_head + 1) % NET_SLIRP_TX_MAX;
		s->tx_count--;
	}
	if (s->wake_fd >= 0)
		close(s->wake_fd);
	pthread_mutex_destroy(&s->tx_lock);
	free(s->pfds);
	free(s);
}

static const struct net_backend_ops net_slirp_ops = {
	.start = net_slirp_start,
	.stop = net_slirp_stop,
	.send = net_slirp_send,
	.destroy = net_slirp_destroy,
};

static struct in_addr net_slirp_addr(uint32_t ip)
{
	return (struct in_addr){ .s_addr = htonl(ip) };
}

/*
 * slirp's DNS address: .3 of the network as QEMU's, or the next that
 * neither the host nor the guest's DHCP range (16 from guest_ip) takes.
 */
static uint32_t net_slirp_dns(const struct net_params *p)
{
	uint32_t net = p->host_ip & 0xffffff00u, host;

	for (host = 3; host < 255; host++) {
		uint32_t ip = net | host;

		if (ip != p->host_ip && (ip < p->guest_ip || ip >= p->guest_ip + 16))
			return ip;
	}
	return net | 254;
}

static int net_slirp_fwd(struct net_slirp *s, const struct net_params *p,
			 char *err, size_t err_len)
{
	unsigned int i;

	for (i = 0; i < p->nr_hostfwd; i++) {
		const struct net_hostfwd *f = &p->hostfwd[i];

		if (slirp_add_hostfwd(s->slirp, f->udp, net_slirp_addr(0x7f000001),
				      f->host_port, net_slirp_addr(p->guest_ip),
				      f->guest_port) < 0) {
			snprintf(err, err_len, "-n hostfwd=%s:%u:%u: cannot listen on the host's 127.0.0.1 port %u (in use?); choose another host port",
				 f->udp ? "udp" : "tcp", f->host_port, f->guest_port,
				 f->host_port);
			return -EADDRINUSE;
		}
	}
	return 0;
}

static int net_slirp_new(struct net_slirp *s, const struct net_params *p,
			 char *err, size_t err_len)
{
	SlirpConfig cfg = {
		.version = 4,
		.in_enabled = true,
		.vnetwork = net_slirp_addr(p->host_ip & 0xffffff00u),
		.vnetmask = net_slirp_addr(0xffffff00u),
		.vhost = net_slirp_addr(p->host_ip),
		.vhostname = "lkvm",
		.vdhcp_start = net_slirp_addr(p->guest_ip),
		.vnameserver = net_slirp_addr(net_slirp_dns(p)),
	};

	s->slirp = slirp_new(&cfg, &net_slirp_cb, s);
	if (!s->slirp) {
		snprintf(err, err_len, "libslirp could not set up the user-mode network");
		return -ENOMEM;
	}
	return net_slirp_fwd(s, p, err, err_len);
}

int net_slirp_create(const struct device_ctx *ctx, unsigned int index,
		     const struct net_params *p, struct net_backend **be,
		     char *err, size_t err_len)
{
	struct net_slirp *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->be.ops = &net_slirp_ops;
	s->be.priv = s;
	s->host_ops = ctx->host_ops;
	s->host = ctx->host;
	s->index = index;
	s->loglevel = ctx->loglevel;
	pthread_mutex_init(&s->tx_lock, NULL);
	s->max_pfds = 16;
	s->pfds = calloc(s->max_pfds, sizeof(*s->pfds));
	s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!s->pfds || s->wake_fd < 0) {
		ret = s->wake_fd < 0 ? -errno : -ENOMEM;
		snprintf(err, err_len, "cannot set up the user-mode network: %s", strerror(-ret));
		net_slirp_destroy(&s->be);
		return ret;
	}
	ret = net_slirp_new(s, p, err, err_len);
	if (ret) {
		net_slirp_destroy(&s->be);
		return ret;
	}
	*be = &s->be;
	return 0;
}
