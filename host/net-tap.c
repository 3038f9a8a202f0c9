// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a tap device for a NIC (host/net-tap.h): /dev/net/tun, the
 * interface attached or made, its header and offloads set, then the
 * user's script run or the interface configured. Set-up only: the
 * frames go through host/net-fd.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/if_tun.h>

#include "devices/virtio/net.h"
#include "host/net-tap.h"

#define TUN_PATH	"/dev/net/tun"
#define NET_TAP_FIX	"run lkvm with CAP_NET_ADMIN (as root), or make a tap for your user " \
			"(ip tuntap add dev tap0 mode tap user $USER vnet_hdr) and give -n mode=tap,tapif=tap0"

/* The interface: attached or made, one frame per read with our header. */
static int net_tap_attach(int fd, const struct net_params *p, char *name,
			  char *err, size_t err_len)
{
	int hdr = NET_TAP_HDR_LEN;
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (p->tapif)
		memcpy(ifr.ifr_name, p->tapif, p->tapif_len);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;

		if ((e == EPERM || e == EACCES) && p->tapif)
			snprintf(err, err_len, "-n tapif=%.*s: no permission to attach to it (%s); %s",
				 (int)p->tapif_len, p->tapif, strerror(e), NET_TAP_FIX);
		else if (e == EPERM || e == EACCES)
			snprintf(err, err_len, "-n mode=tap: no permission to make a tap device (%s); %s",
				 strerror(e), NET_TAP_FIX);
		else if (e == EBUSY || e == EINVAL)
			snprintf(err, err_len, "-n tapif=%.*s: cannot attach (%s): a tun rather than a tap, or made multi_queue?; give a tap (ip tuntap add dev NAME mode tap) or another tapif=",
				 (int)p->tapif_len, p->tapif, strerror(e));
		else
			snprintf(err, err_len, "-n mode=tap: TUNSETIFF: %s", strerror(e));
		return -e;
	}
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = 0;
	/*
	 * The header's size, and no offloads until a driver takes some:
	 * until then the tap hands over whole frames, checksums done.
	 */
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0 || ioctl(fd, TUNSETOFFLOAD, 0) < 0) {
		snprintf(err, err_len, "-n mode=tap: cannot set tap %s's header or offloads: %s",
			 name, strerror(errno));
		return -errno;
	}
	return 0;
}

/* script=PATH NAME, waited for; it must exit 0. */
static int net_tap_script(const struct net_params *p, const char *name,
			  char *err, size_t err_len)
{
	char path[4096];
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "%.*s", (int)p->script_len, p->script);
	pid = fork();
	if (pid < 0) {
		snprintf(err, err_len, "-n script=%s: cannot fork: %s", path, strerror(errno));
		return -errno;
	}
	if (!pid) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execl(path, path, name, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		snprintf(err, err_len, "-n script=%s: %s", path, strerror(errno));
		return -errno;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(err, err_len, "-n script=%s: cannot run it (exit 127: missing or not executable?); give an executable path, or script=none",
			 path);
	else
		snprintf(err, err_len, "-n script=%s %s failed (%s %d); fix the script, or give script=none",
			 path, name, WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return -EIO;
}

static int net_tap_ifioctl(int sock, unsigned long req, const char *name,
			   uint32_t ip, short flags)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(ip) };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (req == SIOCSIFFLAGS) {
		if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
			return -errno;
		ifr.ifr_flags |= flags;
	} else {
		memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	}
	return ioctl(sock, req, &ifr) < 0 ? -errno : 0;
}

/* host_ip/24 on the host's side, and the interface up. */
static int net_tap_configure(const struct net_params *p, const char *name,
			     char *err, size_t err_len)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret;

	if (sock < 0) {
		snprintf(err, err_len, "-n mode=tap: socket: %s", strerror(errno));
		return -errno;
	}
	ret = net_tap_ifioctl(sock, SIOCSIFADDR, name, p->host_ip, 0);
	if (!ret)
		ret = net_tap_ifioctl(sock, SIOCSIFNETMASK, name, 0xffffff00u, 0);
	if (!ret)
		ret = net_tap_ifioctl(sock, SIOCSIFFLAGS, name, 0, IFF_UP | IFF_RUNNING);
	close(sock);
	if (ret)
		snprintf(err, err_len, "-n mode=tap: cannot give tap %s its address host_ip and bring it up (%s); %s",
			 name, strerror(-ret), ret == -EPERM ? NET_TAP_FIX " (set up by you: lkvm leaves it as it is)" :
			 "give a script= that sets it up");
	return ret;
}

int net_tap_open(const struct net_params *p, char *name, char *err, size_t err_len)
{
	int fd = open(TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	int ret;

	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT || ret == -ENODEV || ret == -ENXIO)
			snprintf(err, err_len, "-n mode=tap: no %s (%s); load the tun module (modprobe tun) or create the node (mknod %s c 10 200)",
				 TUN_PATH, strerror(-ret), TUN_PATH);
		else if (ret == -EACCES || ret == -EPERM)
			snprintf(err, err_len, "-n mode=tap: no permission to open %s (%s); give this user read and write access to it (mode 0666, as udev makes it)",
				 TUN_PATH, strerror(-ret));
		else
			snprintf(err, err_len, "-n mode=tap: cannot open %s: %s", TUN_PATH, strerror(-ret));
		return ret;
	}
	ret = net_tap_attach(fd, p, name, err, err_len);
	if (!ret && p->script && !(p->script_len == 4 && !strncmp(p->script, "none", 4)))
		ret = net_tap_script(p, name, err, err_len);
	else if (!ret && !p->tapif)
		ret = net_tap_configure(p, name, err, err_len);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

uint64_t net_tap_offloads(int fd)
{
	if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, 0) < 0)
		return 0;
	return VIRTIO_NET_OFFLOAD_F;
}

int net_tap_offload_set(int fd, uint64_t features)
{
	unsigned long off = 0;

	if (features & 1ULL << VIRTIO_NET_F_GUEST_CSUM) {
		off |= TUN_F_CSUM;
		if (features & 1ULL << VIRTIO_NET_F_GUEST_TSO4)
			off |= TUN_F_TSO4;
		if (features & 1ULL << VIRTIO_NET_F_GUEST_TSO6)
			off |= TUN_F_TSO6;
	}
	return ioctl(fd, TUNSETOFFLOAD, off) < 0 ? -errno : 0;
}
