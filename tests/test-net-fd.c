// SPDX-License-Identifier: GPL-2.0
/*
 * The descriptor backend (host/net-fd.c) over a real SOCK_SEQPACKET
 * socketpair, as lkvm-net-user's: each frame from the guest is one
 * message, whatever segments it came in; a full socket drops instead
 * of blocking; each message from the other end reaches the device
 * whole and in order (virtio_net_rx_put(), stubbed here to record
 * it), a run of them with one interrupt (virtio_net_rx_signal()); the
 * other end closing stops the reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host/net-fd.h"
#include "host/net-user.h"
#include "net-user/net-user.h"
#include "tests/unit.h"

static atomic_uint rx_frames, rx_signals;
static atomic_size_t rx_last_len;
static uint8_t rx_last[VIRTIO_NET_FRAME_MAX];
static uint8_t rx_first[64];	/* the first byte of each frame, in order */

/* The device's side, recorded: what the reader thread hands over. */
static struct virtio_net_hdr rx_hdr;
static bool rx_had_hdr;

void virtio_net_rx_put(struct virtio_dev *vd, const struct virtio_net_hdr *h,
		       const uint8_t *frame, size_t len)
{
	unsigned int i = atomic_load(&rx_frames);

	rx_had_hdr = h != NULL;
	if (h)
		rx_hdr = *h;
	memcpy(rx_last, frame, len);
	if (i < sizeof(rx_first))
		rx_first[i] = frame[0];
	atomic_store(&rx_last_len, len);
	atomic_fetch_add(&rx_frames, 1);
}

void virtio_net_rx_signal(struct virtio_dev *vd)
{
	atomic_fetch_add(&rx_signals, 1);
}

/* The frame whole, as one segment. */
static int send1(struct net_backend *be, const struct virtio_net_hdr *h,
		 const uint8_t *frame, size_t len)
{
	struct iovec v = { (void *)frame, len };

	return be->ops->send(be, h, &v, 1, len);
}

static const struct virtio_net_hdr no_hdr;

static bool wait_frames(unsigned int n)
{
	for (int i = 0; i < 2000 && atomic_load(&rx_frames) < n; i++)
		usleep(1000);
	return atomic_load(&rx_frames) >= n;
}

static struct net_backend *make_hdr(struct unit *u, int sv[2], size_t hdr_len)
{
	struct device_ctx ctx = { .loglevel = 0 };
	struct net_backend *be = NULL;

	CHECK_EQ(u, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	CHECK_EQ(u, fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	CHECK_EQ(u, net_fd_create(&ctx, 0, sv[0], hdr_len, NULL, &be), 0);
	be->vd = (struct virtio_dev *)be;	/* any non-NULL device */
	return be;
}

static struct net_backend *make(struct unit *u, int sv[2])
{
	return make_hdr(u, sv, 0);
}

static void test_tx(struct unit *u)
{
	uint8_t a[60], b[1514], got[2048];
	struct net_backend *be;
	int sv[2], ret, sent;

	be = make(u, sv);
	memset(a, 0xa5, sizeof(a));
	memset(b, 0x5a, sizeof(b));
	CHECK_EQ(u, send1(be, &no_hdr, a, sizeof(a)), 0);
	CHECK_EQ(u, send1(be, &no_hdr, b, sizeof(b)), 0);
	/* Boundaries kept: one read, one frame. */
	CHECK_EQ(u, read(sv[1], got, sizeof(got)), sizeof(a));
	CHECK(u, !memcmp(got, a, sizeof(a)));
	CHECK_EQ(u, read(sv[1], got, sizeof(got)), sizeof(b));
	CHECK(u, !memcmp(got, b, sizeof(b)));

	/* Nobody reads: the socket fills, then frames are refused, never blocking. */
	for (sent = 0; sent < 100000; sent++) {
		ret = send1(be, &no_hdr, b, sizeof(b));
		if (ret)
			break;
	}
	CHECK(u, sent > 0 && sent < 100000);
	CHECK_EQ(u, ret, -ENOBUFS);
	be->ops->destroy(be);
	/* Destroyed: its end is closed, the other end sees the frames, then EOF. */
	while ((ret = read(sv[1], got, sizeof(got))) > 0)
		;
	CHECK_EQ(u, ret, 0);
	close(sv[1]);
}

static void test_rx(struct unit *u)
{
	static uint8_t big[VIRTIO_NET_FRAME_MAX];
	struct net_backend *be;
	uint8_t f[100];
	int sv[2];

	atomic_store(&rx_frames, 0);
	be = make(u, sv);
	memset(f, 0x11, sizeof(f));
	/* Frames written before the start wait in the socket. */
	CHECK_EQ(u, write(sv[1], f, sizeof(f)), sizeof(f));
	CHECK_EQ(u, be->ops->start(be), 0);
	CHECK(u, wait_frames(1));
	CHECK_EQ(u, atomic_load(&rx_last_len), sizeof(f));
	memset(big, 0x22, sizeof(big));
	CHECK_EQ(u, write(sv[1], big, sizeof(big)), sizeof(big));
	CHECK(u, wait_frames(2));
	CHECK_EQ(u, atomic_load(&rx_last_len), sizeof(big));
	CHECK(u, !memcmp(rx_last, big, sizeof(big)));

	/* Stopped and started again: still the same socket. */
	be->ops->stop(be);
	CHECK_EQ(u, write(sv[1], f, 60), 60);
	CHECK_EQ(u, be->ops->start(be), 0);
	CHECK(u, wait_frames(3));
	CHECK_EQ(u, atomic_load(&rx_last_len), 60);

	/* The other end gone (the helper died): the reader leaves, stop still joins. */
	close(sv[1]);
	usleep(20000);
	be->ops->stop(be);
	CHECK_EQ(u, atomic_load(&rx_frames), 3);
	be->ops->destroy(be);
}

/* A frame in three segments of the guest's: one message, the header first. */
static void test_tx_segments(struct unit *u)
{
	static const struct virtio_net_hdr h = { .gso_type = VIRTIO_NET_HDR_GSO_NONE, .hdr_len = 7 };
	uint8_t a[10], b[1], c[300], got[512];
	struct iovec v[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) } };
	struct net_backend *be;
	int sv[2];

	be = make_hdr(u, sv, NET_FD_HDR_MAX);
	memset(a, 1, sizeof(a));
	b[0] = 2;
	memset(c, 3, sizeof(c));
	CHECK_EQ(u, be->ops->send(be, &h, v, 3, 311), 0);
	CHECK_EQ(u, read(sv[1], got, sizeof(got)), NET_FD_HDR_MAX + 311);
	CHECK(u, got[2] == 7 && got[NET_FD_HDR_MAX] == 1 && got[NET_FD_HDR_MAX + 9] == 1 &&
	      got[NET_FD_HDR_MAX + 10] == 2 && got[NET_FD_HDR_MAX + 11] == 3 &&
	      got[NET_FD_HDR_MAX + 310] == 3);
	/* No segment: the header alone, an empty frame. */
	CHECK_EQ(u, be->ops->send(be, &h, v, 0, 0), 0);
	CHECK_EQ(u, read(sv[1], got, sizeof(got)), NET_FD_HDR_MAX);
	be->ops->destroy(be);
	close(sv[1]);
}

/*
 * Frames that wait together are read in one wake-up: in order, with
 * fewer interrupts than frames (one per run of up to 64).
 */
static void test_rx_run(struct unit *u)
{
	struct net_backend *be;
	uint8_t f[60];
	int sv[2], i;

	atomic_store(&rx_frames, 0);
	atomic_store(&rx_signals, 0);
	be = make(u, sv);
	for (i = 0; i < 40; i++) {
		memset(f, i, sizeof(f));
		CHECK_EQ(u, write(sv[1], f, sizeof(f)), sizeof(f));
	}
	CHECK_EQ(u, be->ops->start(be), 0);
	CHECK(u, wait_frames(40));
	be->ops->stop(be);
	for (i = 0; i < 40; i++)
		CHECK_EQ(u, rx_first[i], i);
	CHECK(u, atomic_load(&rx_signals) >= 1 && atomic_load(&rx_signals) < 40);
	be->ops->destroy(be);
	close(sv[1]);
}

/*
 * The 12-byte header (a tap's IFF_VNET_HDR, the helper's socket): the
 * guest's before each frame it sends, in the wire's little-endian
 * order; read off each frame for the guest and handed over with it; a
 * read no longer than the header is no frame. More than NET_FD_HDR_MAX
 * is refused.
 */
static void test_hdr(struct unit *u)
{
	static const uint8_t want[NET_FD_HDR_MAX] = { 1, 4, 66, 0, 0xa8, 5, 34, 0, 16, 0, 0, 0 };
	static const struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .gso_type = VIRTIO_NET_HDR_GSO_TCPV6,
		.hdr_len = 66, .gso_size = 1448, .csum_start = 34, .csum_offset = 16,
	};
	struct device_ctx ctx = { .loglevel = 0 };
	uint8_t f[NET_FD_HDR_MAX + 64], got[256];
	struct net_backend *be;
	int sv[2];

	atomic_store(&rx_frames, 0);
	be = make_hdr(u, sv, NET_FD_HDR_MAX);
	memset(f, 0x33, sizeof(f));
	CHECK_EQ(u, send1(be, &h, f, 64), 0);
	CHECK_EQ(u, read(sv[1], got, sizeof(got)), NET_FD_HDR_MAX + 64);
	CHECK(u, !memcmp(got, want, NET_FD_HDR_MAX) && got[NET_FD_HDR_MAX] == 0x33 &&
	      got[NET_FD_HDR_MAX + 63] == 0x33);

	CHECK_EQ(u, be->ops->start(be), 0);
	memcpy(f, want, NET_FD_HDR_MAX);
	f[NET_FD_HDR_MAX] = 0x55;
	CHECK_EQ(u, write(sv[1], f, NET_FD_HDR_MAX), NET_FD_HDR_MAX);
	CHECK_EQ(u, write(sv[1], f, sizeof(f)), sizeof(f));
	CHECK(u, wait_frames(1));
	usleep(20000);
	CHECK_EQ(u, atomic_load(&rx_frames), 1);
	CHECK_EQ(u, atomic_load(&rx_last_len), 64);
	CHECK(u, rx_last[0] == 0x55 && rx_last[1] == 0x33);
	CHECK(u, rx_had_hdr && !memcmp(&rx_hdr, &h, sizeof(h)));
	be->ops->destroy(be);
	close(sv[1]);

	CHECK_EQ(u, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	CHECK_EQ(u, net_fd_create(&ctx, 0, sv[0], NET_FD_HDR_MAX + 1, NULL, &be), -EINVAL);
	close(sv[1]);
}

/*
 * The process at the other end (lkvm-net-user's place): forked holding
 * sv[1]; it reads until its end closes, then exits (stay: never exits).
 */
static struct net_backend *make_peer(struct unit *u, bool stay, pid_t *pid)
{
	struct device_ctx ctx = { .loglevel = 0 };
	struct net_backend *be = NULL;
	struct child c = CHILD_NONE;
	uint8_t buf[64];
	int sv[2];

	CHECK_EQ(u, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	*pid = fork();
	if (!*pid) {
		close(sv[0]);
		while (stay || read(sv[1], buf, sizeof(buf)) > 0)
			pause();
		_exit(0);
	}
	close(sv[1]);
	CHECK_EQ(u, child_watch(&c, *pid, "peer"), 0);
	CHECK_EQ(u, fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	CHECK_EQ(u, net_fd_create(&ctx, 0, sv[0], NET_FD_HDR_MAX, &c, &be), 0);
	be->vd = (struct virtio_dev *)be;
	return be;
}

static bool reaped(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD;
}

static long long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Destroyed: the peer ends with its socket, or is killed after its grace; reaped. */
static void test_peer_end(struct unit *u)
{
	struct net_backend *be;
	struct timespec t0;
	pid_t pid;

	be = make_peer(u, false, &pid);
	CHECK_EQ(u, be->ops->start(be), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	be->ops->destroy(be);
	CHECK(u, ms_since(&t0) < CHILD_END_MS);
	CHECK(u, reaped(pid));

	be = make_peer(u, true, &pid);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	be->ops->destroy(be);
	CHECK(u, ms_since(&t0) >= CHILD_END_MS);
	CHECK(u, reaped(pid));
}

/* A peer that dies while the card runs is reaped by the reader, not left a zombie. */
static void test_peer_dies(struct unit *u)
{
	struct net_backend *be;
	pid_t pid;
	int i;

	be = make_peer(u, true, &pid);
	CHECK_EQ(u, be->ops->start(be), 0);
	CHECK_EQ(u, kill(pid, SIGKILL), 0);
	for (i = 0; i < 500 && !reaped(pid); i++)
		usleep(10000);
	CHECK(u, reaped(pid));
	be->ops->destroy(be);
}

/*
 * The 12-byte feature message (host/net-user.c) on a socket the guest's
 * frames have filled: not lost but owed, sent by the reader thread once
 * the other end reads, after the frames; only the latest of two.
 */
static void test_features_full(struct unit *u)
{
	uint64_t a = 1ULL << VIRTIO_NET_F_GUEST_CSUM, b = a | 1ULL << VIRTIO_NET_F_GUEST_TSO4;
	uint8_t frame[1514], got[2048], want[NET_USER_CTL_LEN] = {
		NET_USER_CTL_MARK, NET_USER_CTL_FEATURES };
	struct pollfd p;
	struct net_backend *be;
	int sv[2], sent, frames = 0, msgs = 0, i;
	ssize_t len;

	be = make_hdr(u, sv, NET_FD_HDR_MAX);
	net_fd_offload(be, NET_USER_OFFLOADS, net_user_offload_set);
	CHECK_EQ(u, be->ops->start(be), 0);
	memset(frame, 0x5a, sizeof(frame));
	for (sent = 0; sent < 100000 && !send1(be, &no_hdr, frame, sizeof(frame)); sent++)
		;
	CHECK(u, sent > 0 && sent < 100000);
	CHECK_EQ(u, net_user_offload_set(sv[0], a), -EAGAIN);	/* full indeed */
	be->ops->features_set(be, a);
	be->ops->features_set(be, b);
	for (i = 0; i < 8; i++)
		want[2 + i] = b >> (8 * i);
	p = (struct pollfd){ .fd = sv[1], .events = POLLIN };
	while (poll(&p, 1, 2000) > 0) {
		len = read(sv[1], got, sizeof(got));
		if (len == NET_FD_HDR_MAX + (ssize_t)sizeof(frame)) {
			CHECK_EQ(u, msgs, 0);		/* the frames first */
			frames++;
		} else if (len == NET_USER_CTL_LEN) {
			CHECK(u, !memcmp(got, want, sizeof(want)));
			msgs++;
		} else {
			CHECK_EQ(u, len, 0);
			break;
		}
	}
	CHECK_EQ(u, frames, sent);
	CHECK_EQ(u, msgs, 1);
	be->ops->destroy(be);
	close(sv[1]);
}

int main(void)
{
	struct unit u = { 0 };

	test_tx(&u);
	test_rx(&u);
	test_hdr(&u);
	test_tx_segments(&u);
	test_rx_run(&u);
	test_peer_end(&u);
	test_peer_dies(&u);
	test_features_full(&u);
	return unit_done(&u, "test-net-fd");
}
