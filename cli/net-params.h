/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CLI_NET_PARAMS_H
#define LKVM_CLI_NET_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * One -n/--network: a guest NIC (virtio-net) and how it reaches the
 * host, kvmtool's key=value syntax (docs/network.md). Addresses are
 * IPv4 in host byte order.
 */
enum net_mode {
	NET_MODE_USER,		/* libslirp: NAT, DHCP, DNS, port forwards */
	NET_MODE_TAP,		/* a host tap device: /dev/net/tun */
};

enum net_trans {
	NET_TRANS_DEFAULT,	/* --virtio-transport's */
	NET_TRANS_MMIO,
	NET_TRANS_PCI,
};

#define NET_MAX_HOSTFWD		8
/*
 * mq=: queue pairs, each a receive and a transmit queue, plus the
 * control queue, within the virtio transports' 8 queues.
 */
#define NET_MQ_MAX		3
/* An interface name: IFNAMSIZ (16) less its NUL. */
#define NET_TAPIF_MAX		15

/* hostfwd=tcp:HOSTPORT:GUESTPORT (or udp:): host's loopback to the guest. */
struct net_hostfwd {
	bool udp;
	uint16_t host_port;
	uint16_t guest_port;
};

struct net_params {
	enum net_mode mode;
	uint32_t host_ip;	/* the guest's gateway (slirp's host address) */
	uint32_t guest_ip;	/* the address DHCP offers the guest */
	uint8_t guest_mac[6];
	/* tap: the device's name and set-up script, within the option's text */
	const char *tapif;
	const char *script;
	unsigned int tapif_len, script_len;
	bool vhost;
	unsigned int mq;	/* queue pairs asked for; 0: one */
	enum net_trans trans;
	struct net_hostfwd hostfwd[NET_MAX_HOSTFWD];
	unsigned int nr_hostfwd;
};

#endif
