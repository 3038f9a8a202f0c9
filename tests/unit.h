/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_H
#define LKVM_TESTS_UNIT_H

#include <stdio.h>

/*
 * A minimal harness: each CHECK counts, a failure prints the expression
 * and where it is, and unit_done() prints "N passed, N failed".
 */
struct unit {
	int passed;
	int failed;
};

#define CHECK(u, cond) do {						\
	if (cond) {							\
		(u)->passed++;						\
	} else {							\
		(u)->failed++;						\
		fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond); \
	}								\
} while (0)

#define CHECK_EQ(u, a, b) do {						\
	unsigned long long _a = (a), _b = (b);				\
	if (_a == _b) {							\
		(u)->passed++;						\
	} else {							\
		(u)->failed++;						\
		fprintf(stderr, "%s:%d: FAIL: %s == %s (0x%llx != 0x%llx)\n", \
			__FILE__, __LINE__, #a, #b, _a, _b);		\
	}								\
} while (0)

static inline int unit_done(struct unit *u, const char *name)
{
	printf("%s: %d passed, %d failed\n", name, u->passed, u->failed);
	return u->failed ? 1 : 0;
}

#endif
