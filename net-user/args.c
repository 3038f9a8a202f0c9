// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm-net-user's command line, as host/net-user.c writes it:
 * FD NAME HOST_IP GUEST_IP DNS_IP [tcp|udp:HOSTPORT:GUESTPORT]...
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

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

	/* Digits only, so sscanf's spaces, signs and wrap-around never pass. */
	if (strspn(s, "tcpud0123456789:") != strlen(s) ||
	    sscanf(s, "%3[a-z]:%u:%u%c", proto, &h, &g, &end) != 3 ||
	    (strcmp(proto, "tcp") && strcmp(proto, "udp")) ||
	    !h || h > 65535 || !g || g > 65535)
		return -EINVAL;
	*f = (struct net_user_fwd){ !strcmp(proto, "udp"), h, g };
	return 0;
}

int net_user_args_parse(int argc, char **argv, struct net_user_config *c)
{
	char *end;
	long fd;
	int i;

	memset(c, 0, sizeof(*c));
	if (argc < 6 || argc - 6 > NET_USER_MAX_FWD)
		return -EINVAL;
	errno = 0;
	fd = strtol(argv[1], &end, 10);
	if (end == argv[1] || *end || errno || fd < 0 || fd > INT_MAX)
		return -EINVAL;
	c->fd = fd;
	c->name = argv[2];
	if (arg_ip(argv[3], &c->host_ip) || arg_ip(argv[4], &c->guest_ip) ||
	    arg_ip(argv[5], &c->dns_ip))
		return -EINVAL;
	for (i = 6; i < argc; i++)
		if (arg_fwd(argv[i], &c->fwd[c->nr_fwd++]))
			return -EINVAL;
	return 0;
}
