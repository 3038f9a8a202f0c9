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
#include <sys/prctl.h>
#include <sys/socket.h>

#include "net-user/net-user.h"

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
	struct net_user_config c;

	if (net_user_args_parse(argc, argv, &c)) {
		fprintf(stderr, "lkvm-net-user: lkvm starts this program for -n mode=user; it is not run by hand\n");
		return 2;
	}
	c.debug = getenv("LKVM_NET_USER_DEBUG") != NULL;
	/* lkvm gone before this line: getppid() is then not who forked us. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() == 1)
		return 1;
	return net_user_main(&c) ? 1 : 0;
}
