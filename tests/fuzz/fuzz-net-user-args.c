// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm-net-user's command line (net-user/args.c). Input: the arguments
 * after the program's name, NUL-separated. A line taken must describe
 * what it says: ports in range, as many forwards as arguments after
 * the fifth, and printed back the way lkvm writes it, the same config.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "net-user/net-user.h"
#include "tests/fuzz/fuzz.h"

#define MAX_ARGS	(6 + NET_USER_MAX_FWD + 2)

static void ip(char *buf, uint32_t v)
{
	struct in_addr a = { .s_addr = htonl(v) };

	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* Printed as host/net-user.c writes it, then parsed again: the same. */
static void check_round_trip(const struct net_user_config *c)
{
	char b[MAX_ARGS][32], *argv[MAX_ARGS];
	struct net_user_config again;
	unsigned int i;

	argv[0] = "lkvm-net-user";
	snprintf(b[1], 32, "%d", c->fd);
	argv[2] = (char *)c->name;
	ip(b[3], c->host_ip);
	ip(b[4], c->guest_ip);
	ip(b[5], c->dns_ip);
	for (i = 0; i < c->nr_fwd; i++)
		snprintf(b[6 + i], 32, "%s:%u:%u", c->fwd[i].udp ? "udp" : "tcp",
			 c->fwd[i].host_port, c->fwd[i].guest_port);
	for (i = 1; i < 6 + c->nr_fwd; i++)
		if (i != 2)
			argv[i] = b[i];
	if (net_user_args_parse(6 + c->nr_fwd, argv, &again))
		__builtin_trap();
	if (again.fd != c->fd || again.host_ip != c->host_ip ||
	    again.guest_ip != c->guest_ip || again.dns_ip != c->dns_ip ||
	    again.nr_fwd != c->nr_fwd || memcmp(again.fwd, c->fwd, sizeof(c->fwd)))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *argv[MAX_ARGS];
	struct net_user_config c;
	int argc = 1;
	size_t i;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = 0;
	argv[0] = "lkvm-net-user";
	argv[argc++] = copy;
	for (i = 0; i < size && argc < MAX_ARGS; i++)
		if (!copy[i])
			argv[argc++] = copy + i + 1;
	if (!net_user_args_parse(argc, argv, &c)) {
		if ((unsigned int)argc != 6 + c.nr_fwd || c.fd < 0)
			__builtin_trap();
		for (i = 0; i < c.nr_fwd; i++)
			if (!c.fwd[i].host_port || !c.fwd[i].guest_port)
				__builtin_trap();
		check_round_trip(&c);
	}
	free(copy);
	return 0;
}
