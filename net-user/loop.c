// SPDX-License-Identifier: GPL-2.0
/*
 * libslirp's poll loop: frames from lkvm's socket go into slirp, slirp's
 * frames for the guest go back as one message each; slirp's own sockets
 * toward the host and its timers are polled in the same loop. Single
 * threaded: slirp is not thread-safe and needs nothing else. Each
 * message starts with the guest's virtio-net header: slirp wants whole
 * frames, so a checksum the guest left is filled in and a large TCP
 * segment cut (lib/net-gso.h) before slirp sees them. The other way,
 * when the driver takes large segments, the TCP segments slirp sends
 * in one round are joined (lib/net-gro.h): one message, one read and
 * one receive in the guest for up to 44 of them. A pure TCP
 * acknowledgement of a short message waits a round (lib/net-ack.h):
 * the answer that usually follows carries it, one frame for the guest
 * instead of two.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <libslirp.h>

#include "lib/net-ack.h"
#include "lib/net-gro.h"
#include "lib/net-gso.h"
#include "net-user/net-user.h"

/* The longest poll() when slirp has nothing timed. */
#define LOOP_POLL_MS		1000
#define LOOP_TIMERS		4
/* The header, then one Ethernet frame of up to 64 KiB of IP (and a VLAN tag). */
#define LOOP_FRAME_MAX		(VIRTIO_NET_HDR_WIRE + 65535 + 18)
/* Room for the frames in flight toward lkvm (see host/net-user.c). */
#define LOOP_SNDBUF		(4 << 20)

struct loop_timer {
	SlirpTimerCb cb;
	void *cb_opaque;
	int64_t expire_ms;	/* -1: not armed */
	bool used;
};

struct loop {
	const struct net_user_config *cfg;
	Slirp *slirp;
	struct pollfd *pfds;
	unsigned int nr_pfds, max_pfds;
	struct loop_timer timers[LOOP_TIMERS];
	uint8_t frame[LOOP_FRAME_MAX];
	uint8_t seg[NET_GSO_SEG_MAX];	/* one segment of a large one */
	unsigned long dropped;
	unsigned long bad;		/* frames with a header slirp cannot take */
	unsigned long sent;		/* messages toward the guest */
	struct net_gro gro;		/* slirp's segments for the guest, joined */
	struct net_ack ack;		/* an acknowledgement for the guest, held */
};

static int64_t loop_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * A message for the guest: never blocks, so a guest that does not take
 * its frames cannot stall slirp; TCP resends what is dropped here.
 */
static void loop_send(struct loop *l, const struct virtio_net_hdr *h,
		      const uint8_t *frame, size_t len)
{
	uint8_t hdr[VIRTIO_NET_HDR_WIRE] = { 0 };
	struct iovec v[2] = {
		{ .iov_base = hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)frame, .iov_len = len },
	};
	struct msghdr m = { .msg_iov = v, .msg_iovlen = 2 };

	virtio_net_hdr_put(hdr, h);
	if (sendmsg(l->cfg->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		l->dropped++;
	else
		l->sent++;
}

/* A held acknowledgement going out: a plain frame. */
static void loop_send_ack(const uint8_t *frame, size_t len, void *opaque)
{
	static const struct virtio_net_hdr plain;

	loop_send(opaque, &plain, frame, len);
}

/* A frame from the joining: held if a pure acknowledgement, else sent. */
static void loop_send_frame(const struct virtio_net_hdr *h, const uint8_t *frame,
			    size_t len, void *opaque)
{
	struct loop *l = opaque;
	bool plain = !h->flags && h->gso_type == VIRTIO_NET_HDR_GSO_NONE;

	if (!net_ack_add(&l->ack, frame, len, plain))
		loop_send(l, h, frame, len);
}

/* slirp's frame for the guest: joined with the next ones, or sent. */
static ssize_t loop_send_packet(const void *buf, size_t len, void *opaque)
{
	struct loop *l = opaque;

	net_gro_add(&l->gro, buf, len);
	return len;
}

static void loop_guest_error(const char *msg, void *opaque)
{
	struct loop *l = opaque;

	if (l->cfg->debug)
		fprintf(stderr, "lkvm-net-user: %s: slirp: %s\n", l->cfg->name, msg);
}

static int64_t loop_clock_get_ns(void *opaque)
{
	return loop_now_ns();
}

static void *loop_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct loop *l = opaque;
	unsigned int i;

	for (i = 0; i < LOOP_TIMERS; i++) {
		struct loop_timer *t = &l->timers[i];

		if (!t->used) {
			*t = (struct loop_timer){ cb, cb_opaque, -1, true };
			return t;
		}
	}
	fprintf(stderr, "lkvm-net-user: %s: slirp asked for more than %d timers\n",
		l->cfg->name, LOOP_TIMERS);
	return NULL;
}

static void loop_timer_free(void *timer, void *opaque)
{
	struct loop_timer *t = timer;

	if (t)
		t->used = false;
}

static void loop_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct loop_timer *t = timer;

	if (t)
		t->expire_ms = expire_ms;
}

static void loop_poll_fd(int fd, void *opaque)
{
	/* Every fd is handed over again before each poll(): nothing to keep. */
}

static void loop_notify(void *opaque)
{
	/* One thread: the loop polls again right after slirp's calls. */
}

static const SlirpCb loop_cb = {
	.send_packet = loop_send_packet,
	.guest_error = loop_guest_error,
	.clock_get_ns = loop_clock_get_ns,
	.timer_new = loop_timer_new,
	.timer_free = loop_timer_free,
	.timer_mod = loop_timer_mod,
	.register_poll_fd = loop_poll_fd,
	.unregister_poll_fd = loop_poll_fd,
	.notify = loop_notify,
};

static int loop_add_poll(int fd, int events, void *opaque)
{
	struct loop *l = opaque;
	struct pollfd *p;

	if (l->nr_pfds == l->max_pfds) {
		unsigned int max = l->max_pfds * 2;

		p = realloc(l->pfds, max * sizeof(*p));
		if (!p)
			return -1;	/* slirp then skips the socket this round */
		l->pfds = p;
		l->max_pfds = max;
	}
	p = &l->pfds[l->nr_pfds];
	p->fd = fd;
	p->events = (events & SLIRP_POLL_IN ? POLLIN : 0) |
		    (events & SLIRP_POLL_OUT ? POLLOUT : 0) |
		    (events & SLIRP_POLL_PRI ? POLLPRI : 0);
	p->revents = 0;
	return l->nr_pfds++;
}

static int loop_get_revents(int idx, void *opaque)
{
	struct loop *l = opaque;
	short r;

	if (idx < 1 || (unsigned int)idx >= l->nr_pfds)
		return 0;
	r = l->pfds[idx].revents;
	return (r & POLLIN ? SLIRP_POLL_IN : 0) | (r & POLLOUT ? SLIRP_POLL_OUT : 0) |
	       (r & POLLPRI ? SLIRP_POLL_PRI : 0) | (r & POLLERR ? SLIRP_POLL_ERR : 0) |
	       (r & POLLHUP ? SLIRP_POLL_HUP : 0);
}

/* Runs expired timers; returns the ms until the next, at most max. */
static int loop_timers(struct loop *l, int max)
{
	int64_t now = loop_now_ns() / 1000000;
	unsigned int i;

	for (i = 0; i < LOOP_TIMERS; i++) {
		struct loop_timer *t = &l->timers[i];

		if (!t->used || t->expire_ms < 0)
			continue;
		if (t->expire_ms <= now) {
			t->expire_ms = -1;
			t->cb(t->cb_opaque);
			continue;
		}
		if (t->expire_ms - now < max)
			max = (int)(t->expire_ms - now);
	}
	return max;
}

static void loop_slirp_input(const uint8_t *frame, size_t len, void *opaque)
{
	struct loop *l = opaque;

	slirp_input(l->slirp, frame, len);
}

/*
 * lkvm's message of the features the driver took (net-user/net-user.h):
 * large segments for the guest only with its checksum and TSO taken.
 */
static void loop_control(struct loop *l)
{
	const uint8_t *m = l->frame;
	uint64_t f = 0;
	unsigned int types = 0, i;

	if (m[0] != NET_USER_CTL_MARK || m[1] != NET_USER_CTL_FEATURES || m[10] || m[11]) {
		if (l->cfg->debug)
			fprintf(stderr, "lkvm-net-user: %s: a %d-byte message from lkvm that is no feature message (%02x %02x); ignored\n",
				l->cfg->name, NET_USER_CTL_LEN, m[0], m[1]);
		l->bad++;
		return;
	}
	for (i = 0; i < 8; i++)
		f |= (uint64_t)m[2 + i] << (8 * i);
	if (f & 1ULL << NET_USER_F_GUEST_CSUM) {
		if (f & 1ULL << NET_USER_F_GUEST_TSO4)
			types |= NET_GRO_TCPV4;
		if (f & 1ULL << NET_USER_F_GUEST_TSO6)
			types |= NET_GRO_TCPV6;
	}
	net_gro_set_types(&l->gro, types);
}

/*
 * One message from lkvm: its header says what is left to do. lkvm
 * checked it against what the driver took; what is still wrong here
 * (headers the frame does not have) is dropped, as a wire would.
 */
static void loop_frame(struct loop *l, size_t n)
{
	uint8_t *frame = l->frame + VIRTIO_NET_HDR_WIRE;
	struct virtio_net_hdr h;
	size_t len;
	int ret = 0;

	if (n == NET_USER_CTL_LEN) {
		loop_control(l);
		return;
	}
	if (n <= VIRTIO_NET_HDR_WIRE) {
		l->bad++;
		return;
	}
	len = n - VIRTIO_NET_HDR_WIRE;
	virtio_net_hdr_get(l->frame, &h);
	/*
	 * A large TCP segment goes in whole when its IP length is the
	 * frame's: slirp's TCP takes segments of any size, and one 64 KiB
	 * segment costs it one pass where 44 cost 44 (and 22 acks). Else
	 * it is cut into the segments the guest asked for.
	 */
	if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		if (net_gso_whole(frame, len, &h) == 0)
			h.gso_type = VIRTIO_NET_HDR_GSO_NONE;	/* made whole: in as one */
		else
			ret = net_gso_segment(frame, len, &h, l->seg, loop_slirp_input, l);
	} else if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		ret = net_csum_fill(frame, len, &h);
	}
	if (ret < 0) {
		if (l->cfg->debug && !l->bad)
			fprintf(stderr, "lkvm-net-user: %s: a frame's header (gso_type %#x, gso_size %u, csum %u+%u) does not fit its %zu bytes; dropped\n",
				l->cfg->name, h.gso_type, h.gso_size, h.csum_start,
				h.csum_offset, len);
		l->bad++;
		return;
	}
	if (h.gso_type == VIRTIO_NET_HDR_GSO_NONE)
		slirp_input(l->slirp, frame, len);
}

/*
 * The guest's frames into slirp, all that wait. Returns 1 when lkvm
 * closed its end (time to go), 0 or -errno.
 */
static int loop_input(struct loop *l)
{
	ssize_t n;

	for (;;) {
		n = recv(l->cfg->fd, l->frame, sizeof(l->frame), MSG_DONTWAIT);
		if (n == 0)
			return 1;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		loop_frame(l, n);
	}
}

static int loop_round(struct loop *l)
{
	uint32_t timeout = LOOP_POLL_MS;
	int ret, in = 0;

	l->nr_pfds = 1;
	l->pfds[0] = (struct pollfd){ .fd = l->cfg->fd, .events = POLLIN };
	slirp_pollfds_fill(l->slirp, &timeout, loop_add_poll, l);
	timeout = loop_timers(l, timeout < LOOP_POLL_MS ? (int)timeout : LOOP_POLL_MS);
	/* A held acknowledgement waits this long at most. */
	if (l->ack.len && timeout > NET_ACK_HOLD_MS)
		timeout = NET_ACK_HOLD_MS;
	ret = poll(l->pfds, l->nr_pfds, timeout);
	if (ret > 0 && l->pfds[0].revents)
		in = loop_input(l);
	slirp_pollfds_poll(l->slirp, ret < 0, loop_get_revents, l);
	loop_timers(l, 0);
	/* What slirp sent this round goes before poll() may sleep. */
	net_gro_flush(&l->gro);
	net_ack_round(&l->ack);
	return in;
}

int net_user_run(void *state)
{
	struct loop *l = state;
	int ret;

	do
		ret = loop_round(l);
	while (!ret);
	if (l->cfg->debug)
		fprintf(stderr, "lkvm-net-user: %s: %lu messages to the guest (%lu dropped), %lu of them large, joined from %lu segments; %lu acknowledgements carried by the next frame; %lu bad from lkvm\n",
			l->cfg->name, l->sent, l->dropped, l->gro.large, l->gro.joined,
			l->ack.carried, l->bad);
	return ret < 0 ? ret : 0;
}

static struct in_addr loop_addr(uint32_t ip)
{
	return (struct in_addr){ .s_addr = htonl(ip) };
}

static int loop_fwd(struct loop *l)
{
	const struct net_user_config *c = l->cfg;
	unsigned int i;

	for (i = 0; i < c->nr_fwd; i++) {
		const struct net_user_fwd *f = &c->fwd[i];

		if (slirp_add_hostfwd(l->slirp, f->udp, loop_addr(0x7f000001),
				      f->host_port, loop_addr(c->guest_ip),
				      f->guest_port) < 0) {
			fprintf(stderr, "lkvm-net-user: %s: -n hostfwd=%s:%u:%u: cannot listen on the host's 127.0.0.1 port %u (in use?); choose another host port\n",
				c->name, f->udp ? "udp" : "tcp", f->host_port,
				f->guest_port, f->host_port);
			return -EADDRINUSE;
		}
	}
	return 0;
}

int net_user_setup(const struct net_user_config *cfg, void **state)
{
	SlirpConfig sc = {
		.version = 4,
		.in_enabled = true,
		.vnetwork = loop_addr(cfg->host_ip & 0xffffff00u),
		.vnetmask = loop_addr(0xffffff00u),
		.vhost = loop_addr(cfg->host_ip),
		.vhostname = "lkvm",
		.vdhcp_start = loop_addr(cfg->guest_ip),
		.vnameserver = loop_addr(cfg->dns_ip),
	};
	struct loop *l = calloc(1, sizeof(*l));

	int sndbuf = LOOP_SNDBUF;

	if (!l)
		return -ENOMEM;
	if (setsockopt(cfg->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		setsockopt(cfg->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	l->cfg = cfg;
	net_gro_init(&l->gro, loop_send_frame, l);
	net_ack_init(&l->ack, loop_send_ack, l);
	l->max_pfds = 16;
	l->pfds = calloc(l->max_pfds, sizeof(*l->pfds));
	if (l->pfds)
		l->slirp = slirp_new(&sc, &loop_cb, l);
	if (!l->slirp) {
		fprintf(stderr, "lkvm-net-user: %s: libslirp could not set up the user-mode network\n",
			cfg->name);
		return -ENOMEM;
	}
	*state = l;
	return loop_fwd(l);
}
