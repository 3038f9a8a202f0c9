// SPDX-License-Identifier: GPL-2.0
/*
 * Starting lkvm-net-user for a user-mode NIC (host/net-user.h): found,
 * forked and executed with its end of the socketpair as descriptor 3,
 * then waited for until it says it is ready or dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "host/child.h"
#include "host/net-user.h"
#include "net-user/net-user.h"

#define NET_USER_FD		3
/* Set-up is slirp_new() and a few bind()s; slow only on an emulated host. */
#define NET_USER_READY_MS	20000
#define NET_USER_ARGS		(6 + NET_MAX_HOSTFWD + 1)
#define NET_USER_SNDBUF		(4 << 20)
_Static_assert(NET_USER_F_GUEST_CSUM == VIRTIO_NET_F_GUEST_CSUM &&
	       NET_USER_F_GUEST_TSO4 == VIRTIO_NET_F_GUEST_TSO4 &&
	       NET_USER_F_GUEST_TSO6 == VIRTIO_NET_F_GUEST_TSO6,
	       "the feature message carries virtio-net's own bits");

/* The helper beside lkvm's binary, else in the install directory. */
static int net_user_find(char *path, size_t len)
{
	char self[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			snprintf(path, len, "%s/%s", self, NET_USER_HELPER);
			if (!access(path, X_OK))
				return 0;
		}
	}
	snprintf(path, len, "%s/%s", LKVM_LIBEXECDIR, NET_USER_HELPER);
	return access(path, X_OK) ? -ENOENT : 0;
}

/*
 * slirp's DNS address: .3 of the network as QEMU's, or the next that
 * neither the host nor the guest's DHCP range (16 from guest_ip) takes.
 */
static uint32_t net_user_dns(const struct net_params *p)
{
	uint32_t net = p->host_ip & 0xffffff00u, host;

	for (host = 3; host < 255; host++) {
		uint32_t ip = net | host;

		if (ip != p->host_ip && (ip < p->guest_ip || ip >= p->guest_ip + 16))
			return ip;
	}
	return net | 254;
}

static void net_user_ip(char *buf, uint32_t ip)
{
	struct in_addr a = { .s_addr = htonl(ip) };

	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/*
 * The child: never returns. Only async-signal-safe calls after fork().
 * Its own session, so a terminal's signals meant for lkvm (^C) do not
 * end the network under it; lkvm's blocked signals unblocked (exec
 * keeps the mask); the socket at NET_USER_FD without close-on-exec
 * (dup2() onto itself would leave the flag set).
 */
static void net_user_exec(const char *path, int fd, char *const argv[])
{
	sigset_t none;

	sigemptyset(&none);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || setsid() < 0 ||
	    sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		_exit(127);
	if (fd == NET_USER_FD ? fcntl(fd, F_SETFD, 0) < 0 : dup2(fd, NET_USER_FD) < 0)
		_exit(127);
	close_range(NET_USER_FD + 1, ~0u, 0);
	execv(path, argv);
	_exit(127);
}

/* The helper's argument strings, in buf (one block, no allocation). */
static void net_user_argv(unsigned int index, const struct net_params *p,
			  const char *path, char buf[][32], char *argv[])
{
	unsigned int i, n = 0;

	argv[n++] = (char *)path;
	snprintf(buf[0], 32, "%d", NET_USER_FD);
	snprintf(buf[1], 32, "virtio-net %u", index);
	net_user_ip(buf[2], p->host_ip);
	net_user_ip(buf[3], p->guest_ip);
	net_user_ip(buf[4], net_user_dns(p));
	for (i = 0; i < 5; i++)
		argv[n++] = buf[i];
	for (i = 0; i < p->nr_hostfwd; i++) {
		const struct net_hostfwd *f = &p->hostfwd[i];

		snprintf(buf[5 + i], 32, "%s:%u:%u", f->udp ? "udp" : "tcp",
			 f->host_port, f->guest_port);
		argv[n++] = buf[5 + i];
	}
	argv[n] = NULL;
}

/*
 * Its one-byte "ready", or its end closed: it said why on stderr, unless
 * a signal ended it. Not ready in time, it is killed; either way reaped.
 */
static int net_user_wait(int fd, struct child *c, char *err, size_t err_len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char msg, how[64];
	int ret = poll(&p, 1, NET_USER_READY_MS), status = 0;
	bool late = ret <= 0;

	if (ret > 0 && recv(fd, &msg, 1, 0) == 1)
		return 0;
	if (late)
		pidfd_send_signal(c->pidfd, SIGKILL, NULL, 0);
	ret = child_end(c, CHILD_END_MS, &status, NULL);
	child_describe(status, how, sizeof(how));
	if (late)
		snprintf(err, err_len, "%s did not start within %d s", NET_USER_HELPER,
			 NET_USER_READY_MS / 1000);
	else if (!ret && WIFSIGNALED(status))
		snprintf(err, err_len, "%s ended while setting the user-mode network up (%s)",
			 NET_USER_HELPER, how);
	else
		snprintf(err, err_len, "%s could not set the user-mode network up (its message above)",
			 NET_USER_HELPER);
	return -EIO;
}

/*
 * Room for the guest's frames in flight toward the helper: a socket
 * that is full drops them, and one 64 KiB segment takes what 44 small
 * frames did. Forced where lkvm may (CAP_NET_ADMIN), else up to the
 * system's net.core.wmem_max; the default stays if neither works.
 */
static void net_user_sndbuf(int fd)
{
	int size = NET_USER_SNDBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

int net_user_spawn(unsigned int index, const struct net_params *p, struct child *child,
		   char *err, size_t err_len)
{
	char path[PATH_MAX], buf[5 + NET_MAX_HOSTFWD][32];
	char *argv[NET_USER_ARGS];
	int sv[2], ret;
	pid_t pid;

	*child = CHILD_NONE;
	if (net_user_find(path, sizeof(path))) {
		snprintf(err, err_len, "user-mode networking needs %s next to lkvm or in %s (install lkvm's package, or build it: make %s); -n mode=none runs without a network",
			 NET_USER_HELPER, LKVM_LIBEXECDIR, NET_USER_HELPER);
		return -ENOENT;
	}
	net_user_argv(index, p, path, buf, argv);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		ret = -errno;
		snprintf(err, err_len, "cannot make a socketpair: %s", strerror(-ret));
		return ret;
	}
	pid = fork();
	if (!pid)
		net_user_exec(path, sv[1], argv);
	close(sv[1]);
	ret = pid < 0 ? -errno : child_watch(child, pid, NET_USER_HELPER);
	if (ret) {
		close(sv[0]);
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		snprintf(err, err_len, "cannot start %s: %s", NET_USER_HELPER, strerror(-ret));
		return ret;
	}
	net_user_sndbuf(sv[0]);
	ret = net_user_wait(sv[0], child, err, err_len);
	if (!ret && fcntl(sv[0], F_SETFL, O_NONBLOCK)) {
		ret = -errno;
		snprintf(err, err_len, "cannot make the socket to %s non-blocking: %s",
			 NET_USER_HELPER, strerror(-ret));
	}
	if (ret) {
		close(sv[0]);
		child_end(child, CHILD_END_MS, NULL, NULL);	/* it ends on the close */
		return ret;
	}
	return sv[0];
}

/*
 * The features the driver took, to the helper (net-user/net-user.h).
 * Never waits: a reset comes on the vCPU thread that wrote the status,
 * under the device's lock, and a guest that floods its transmit queue
 * keeps the socket full. -EAGAIN then: net_fd keeps the value and sends
 * it again once the socket has room (host/net-fd.h).
 */
int net_user_offload_set(int fd, uint64_t features)
{
	uint8_t m[NET_USER_CTL_LEN] = { NET_USER_CTL_MARK, NET_USER_CTL_FEATURES };
	unsigned int i;

	for (i = 0; i < 8; i++)
		m[2 + i] = features >> (8 * i);
	if (write(fd, m, sizeof(m)) == sizeof(m))
		return 0;
	return errno == EAGAIN ? -EAGAIN : -errno;
}
