// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox's allow-lists (host/sandbox-rules.c) as data: what a
 * thread may do with io_uring. Only the virtio role may enter a ring
 * (virtio-blk's, made and confined at set-up); no role may make one
 * or change one, which is what keeps a ring's restrictions in force.
 */
#include <seccomp.h>

#include "host/sandbox-rules.h"
#include "tests/unit.h"

static int role_allows(enum sandbox_role role, int nr)
{
	unsigned int g, i;

	for (g = 0; g < SANDBOX_MAX_GROUPS; g++) {
		const struct sandbox_list *l = &sandbox_roles[role][g];

		for (i = 0; l->rules && i < l->nr_rules; i++)
			if (l->rules[i].nr == nr && !l->rules[i].err)
				return 1;
	}
	return 0;
}

int main(void)
{
	struct unit u = { 0 };
	unsigned int role, setup = 0, reg = 0, enter = 0;

	for (role = 0; role < SANDBOX_NR_ROLES; role++) {
		setup += role_allows(role, SCMP_SYS(io_uring_setup));
		reg += role_allows(role, SCMP_SYS(io_uring_register));
		enter += role_allows(role, SCMP_SYS(io_uring_enter));
	}
	CHECK_EQ(&u, setup, 0);
	CHECK_EQ(&u, reg, 0);
	CHECK_EQ(&u, enter, 1);
	CHECK_EQ(&u, role_allows(SANDBOX_VIRTIO, SCMP_SYS(io_uring_enter)), 1);
	/* The check sees the lists: the virtio thread's reads are there. */
	CHECK_EQ(&u, role_allows(SANDBOX_VIRTIO, SCMP_SYS(preadv)), 1);
	return unit_done(&u, "test-sandbox-rules");
}
