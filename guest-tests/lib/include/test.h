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

/*
 * A check that does not apply here: prints "CHECK <name> SKIP
 * <reason>". The reason is short (the runner repeats it); details go
 * on a commentary line of their own.
 */
void check_skip(const char *name, const char *fmt, ...) __printf(2, 3);

/*
 * A check that a known deviation of this implementation fails: PASS
 * when @cond holds, else SKIP with @why when @known, else FAIL. The
 * detail (@fmt) is printed either way. Returns @cond.
 */
bool check_known(bool cond, bool known, const char *why, const char *name,
		 const char *fmt, ...) __printf(5, 6);

int test_passed(void);
int test_failed(void);
int test_skipped(void);

/*
 * Print "TEST <name> <n> passed, <n> failed" (", <n> skipped" added
 * when a check was skipped) and exit accordingly.
 */
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
