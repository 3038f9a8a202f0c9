// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm-net-user FD NAME HOST_IP GUEST_IP DNS_IP [tcp|udp:HOSTPORT:GUESTPORT]...
 *
 * Started by lkvm (host/net-user.c), never by hand: FD is its end of a
 * SOCK_SEQPACKET socketpair. Dies with lkvm (PR_SET_PDEATHSIG) and
 * leaves when lkvm closes the socket.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "net-user/net-user.h"

static int arg_ip(const char *s, uint32_t *ip)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*ip = ntohl(a.s_addr);
	return 0;
}

static int arg_fwd(const char *s, struct net_user_fwd *f)
{
	unsigned int h, g;
	char proto[4], end;

	if (sscanf(s, "%3[a-z]:%u:%u%c", proto, &h, &g, &end) != 3 ||
	    (strcmp(proto, "tcp") && strcmp(proto, "udp")) ||
	    !h || h > 65535 || !g || g > 65535)
		return -EINVAL;
	*f = (struct net_user_fwd){ !strcmp(proto, "udp"), h, g };
	return 0;
}

static int args_parse(int argc, char **argv, struct net_user_config *c)
{
	char *end;
	int i;

	if (argc < 6 || argc - 6 > NET_USER_MAX_FWD)
		return -EINVAL;
	c->fd = strtol(argv[1], &end, 10);
	if (*end || c->fd < 0)
		return -EINVAL;
	c->name = argv[2];
	if (arg_ip(argv[3], &c->host_ip) || arg_ip(argv[4], &c->guest_ip) ||
	    arg_ip(argv[5], &c->dns_ip))
		return -EINVAL;
	for (i = 6; i < argc; i++)
		if (arg_fwd(argv[i], &c->fwd[c->nr_fwd++]))
			return -EINVAL;
	c->debug = getenv("LKVM_NET_USER_DEBUG") != NULL;
	return 0;
}

/* Set up, tell lkvm, relay: what lkvm waits for is the one-byte message. */
static int net_user_main(struct net_user_config *c)
{
	char ready = NET_USER_READY;
	void *state;
	int ret;

	ret = net_user_setup(c, &state);
	if (ret)
		return ret;
	ret = net_user_sandbox();
	if (ret) {
		fprintf(stderr, "lkvm-net-user: %s: cannot enter its seccomp filter: %s\n",
			c->name, strerror(-ret));
		return ret;
	}
	if (send(c->fd, &ready, 1, MSG_NOSIGNAL) != 1)
		return -errno;
	return net_user_run(state);
}

int main(int argc, char **argv)
{
	struct net_user_config c = { 0 };

	if (args_parse(argc, argv, &c)) {
		fprintf(stderr, "lkvm-net-user: lkvm starts this program for -n mode=user; it is not run by hand\n");
		return 2;
	}
	/* lkvm gone before this line: getppid() is then not who forked us. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() == 1)
		return 1;
	return net_user_main(&c) ? 1 : 0;
}
