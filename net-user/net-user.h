/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_NET_USER_H
#define LKVM_NET_USER_H

#include <stdbool.h>
#include <stdint.h>

/*
 * lkvm-net-user: one guest NIC's user-mode network (libslirp) in a
 * process of its own, so that lkvm itself stays static and holds no
 * libslirp. lkvm hands it one end of a SOCK_SEQPACKET socketpair (one
 * Ethernet frame per message, after the 12-byte virtio-net header:
 * the guest's, which may leave a checksum or segmentation to this
 * program; zero toward the guest) and its configuration on the command
 * line; once set up it sends a one-byte message (no frame is that
 * short) and then relays frames until lkvm closes its end.
 */
#define NET_USER_MAX_FWD	8
#define NET_USER_READY		'R'

struct net_user_fwd {
	bool udp;
	uint16_t host_port, guest_port;
};

/* Addresses in host byte order. */
struct net_user_config {
	int fd;
	const char *name;	/* "virtio-net N", for messages */
	uint32_t host_ip, guest_ip, dns_ip;
	struct net_user_fwd fwd[NET_USER_MAX_FWD];
	unsigned int nr_fwd;
	bool debug;
};

/* argv as lkvm gives it (net-user/main.c); 0, or -EINVAL on anything else. */
int net_user_args_parse(int argc, char **argv, struct net_user_config *c);
/* Sets slirp up (port forwards bound); -errno, having said why. */
int net_user_setup(const struct net_user_config *cfg, void **state);
/* Relays frames until the socket closes; 0, or -errno on an error. */
int net_user_run(void *state);
/* The process's seccomp filter: what slirp's loop needs, nothing else. */
int net_user_sandbox(void);

#endif
