/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_SANDBOX_RULES_H
#define LKVM_VM_SANDBOX_RULES_H

#include <stdint.h>

#include "host/sandbox.h"

/*
 * Allowed when argument @arg masked with @mask is @value; @arg < 0:
 * always. With @err, the call fails with that errno instead.
 */
struct sandbox_rule {
	int nr;
	int arg;
	uint64_t mask;
	uint64_t value;
	int err;
};

struct sandbox_list {
	const struct sandbox_rule *rules;
	unsigned int nr_rules;
};

#define SANDBOX_MAX_GROUPS	3	/* per role */

/*
 * Stands for lkvm's process ID in a rule; no PID is this large. The
 * compiled program compares with it, and sandbox_enter() puts the real
 * PID in its place.
 */
#define SANDBOX_PID		0x7ffffff3u

extern const struct sandbox_list sandbox_roles[SANDBOX_NR_ROLES][SANDBOX_MAX_GROUPS];

#endif
