// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm-net-user's command line (net-user/args.c): what host/net-user.c
 * writes is taken, anything else refused.
 */
#include <errno.h>

#include "lib/util.h"
#include "net-user/net-user.h"
#include "tests/unit.h"

#define PARSE(c, ...) ({						\
	char *_a[] = { "lkvm-net-user", __VA_ARGS__ };			\
	net_user_args_parse(ARRAY_SIZE(_a), _a, (c));			\
})

static void test_good(struct unit *u)
{
	struct net_user_config c;

	CHECK_EQ(u, PARSE(&c, "3", "virtio-net 0", "192.168.33.1", "192.168.33.15",
			  "192.168.33.3"), 0);
	CHECK_EQ(u, c.fd, 3);
	CHECK_EQ(u, c.host_ip, 0xc0a82101);
	CHECK_EQ(u, c.guest_ip, 0xc0a8210f);
	CHECK_EQ(u, c.dns_ip, 0xc0a82103);
	CHECK_EQ(u, c.nr_fwd, 0);
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3",
			  "tcp:2222:22", "udp:65535:1"), 0);
	CHECK_EQ(u, c.nr_fwd, 2);
	CHECK(u, !c.fwd[0].udp && c.fwd[0].host_port == 2222 && c.fwd[0].guest_port == 22);
	CHECK(u, c.fwd[1].udp && c.fwd[1].host_port == 65535 && c.fwd[1].guest_port == 1);
}

static void test_bad(struct unit *u)
{
	struct net_user_config c;

	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2.15"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "x", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "-1", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "99999999999", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.256", "10.0.2.15", "10.0.2.3"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2", "10.0.2.3"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2.15", "::1"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3", "tcp:0:22"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3", "tcp:65536:22"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3", "tcp:-1:22"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3", "tcp: 80:22"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3", "sctp:80:22"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3", "tcp:80:22:"), -EINVAL);
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3", "tcp:80"), -EINVAL);
	/* More forwards than a card has. */
	CHECK_EQ(u, PARSE(&c, "3", "n", "10.0.2.2", "10.0.2.15", "10.0.2.3",
			  "tcp:1:1", "tcp:2:1", "tcp:3:1", "tcp:4:1", "tcp:5:1",
			  "tcp:6:1", "tcp:7:1", "tcp:8:1", "tcp:9:1"), -EINVAL);
}

int main(void)
{
	struct unit u = { 0 };

	test_good(&u);
	test_bad(&u);
	return unit_done(&u, "test-net-user-args");
}
