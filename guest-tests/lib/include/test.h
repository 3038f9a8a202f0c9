/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include "types.h"

/*
 * Every test provides these two; the runtime calls test_main() on the
 * boot CPU once the DT, console, MMU, GIC and timer are set up, and
 * reports when it returns.
 */
extern const char test_name[];
void test_main(void);

/*
 * Record one check: prints "CHECK <name> PASS|FAIL <detail>" and
 * returns @cond. Safe from any CPU and from interrupt handlers.
 */
bool check(bool cond, const char *name, const char *fmt, ...) __printf(3, 4);

int test_passed(void);
int test_failed(void);

/* Print "TEST <name> <n> passed, <n> failed" and exit accordingly. */
void test_report(void) __noreturn;

/*
 * Fail the test now: records a failed check named "abort" with the
 * reason, then reports. For conditions the test cannot go on from.
 */
void test_abort(const char *fmt, ...) __printf(1, 2) __noreturn;

/*
 * The exit hook: status 0 = pass. Prints "TEST-RESULT PASS|FAIL", then
 * writes @status to lkvm's test device when the DT has one (it becomes
 * lkvm's exit status, see testdev.h) and powers off with PSCI
 * SYSTEM_OFF. Only the first caller gets through.
 */
void test_exit(int status) __noreturn;

#endif
