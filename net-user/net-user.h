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
 * program; toward the guest zero, or a large TCP segment's) and its
 * configuration on the command
 * line; once set up it sends a one-byte message (no frame is that
 * short) and then relays frames until lkvm closes its end.
 */
#define NET_USER_MAX_FWD	8
#define NET_USER_READY		'R'

/*
 * lkvm's one message that is not a frame: the virtio-net features the
 * guest's driver took, sent whenever they change (when the driver
 * starts, 0 on a reset). Exactly NET_USER_CTL_LEN bytes, a header's
 * size with no frame after it (no frame message is that short):
 *   byte 0     NET_USER_CTL_MARK (a flags byte no header has)
 *   byte 1     NET_USER_CTL_FEATURES
 *   bytes 2-9  the feature bits, little-endian (virtio 1.x, 5.1.3)
 *   bytes 10-11 zero
 * Anything else of that length is refused (and counted as a bad
 * frame). With GUEST_CSUM and GUEST_TSO4 (or TSO6) taken, the program
 * joins the TCP segments slirp sends in one round into large ones
 * (lib/net-gro.h); before the first such message, and after 0, it
 * sends the guest plain frames only.
 */
#define NET_USER_CTL_LEN	12
#define NET_USER_CTL_MARK	0xff
#define NET_USER_CTL_FEATURES	'F'
#define NET_USER_F_GUEST_CSUM	1
#define NET_USER_F_GUEST_TSO4	7
#define NET_USER_F_GUEST_TSO6	8

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
	bool debug;	/* LKVM_NET_USER_DEBUG: slirp's complaints, counts at the end */
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
