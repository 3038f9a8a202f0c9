// SPDX-License-Identifier: GPL-2.0
/*
 * The report protocol. Lines starting with CHECK, TEST and TEST-RESULT
 * are for machines; everything else on the console starts with "#".
 */
#include "atomic.h"
#include "console.h"
#include "io.h"
#include "printf.h"
#include "psci.h"
#include "runtime.h"
#include "smp.h"
#include "test.h"
#include "testdev.h"

static atomic_t passed;
static atomic_t failed;
static atomic_t skipped;
static atomic_t exiting;
static atomic_t reporting;

static void vcheck(const char *result, const char *name, const char *fmt,
		   va_list ap)
{
	console_lock();
	printf("CHECK %s %s", name, result);
	if (fmt && *fmt) {
		printf(" ");
		vprintf(fmt, ap);
	}
	printf("\n");
	console_unlock();
}

bool check(bool cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	atomic_inc(cond ? &passed : &failed);
	va_start(ap, fmt);
	vcheck(cond ? "PASS" : "FAIL", name, fmt, ap);
	va_end(ap);
	return cond;
}

void check_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	atomic_inc(&skipped);
	va_start(ap, fmt);
	vcheck("SKIP", name, fmt, ap);
	va_end(ap);
}

bool check_known(bool cond, bool known, const char *why, const char *name,
		 const char *fmt, ...)
{
	char detail[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (cond || !known)
		return check(cond, name, "%s", detail);
	check_skip(name, "%s", why);
	pr_info("%s: %s", name, detail);
	return false;
}

int test_passed(void)
{
	return atomic_read(&passed);
}

int test_failed(void)
{
	return atomic_read(&failed);
}

int test_skipped(void)
{
	return atomic_read(&skipped);
}

void test_report(void)
{
	int p, f;

	/* A second reporter (another CPU aborting) leaves it to the first. */
	if (atomic_xchg(&reporting, 1))
		park();
	p = test_passed();
	f = test_failed();
	if (!p && !f) {
		check(false, "ran-checks", "the test made no checks");
		f = 1;
	}
	if (test_skipped())
		printf("TEST %s %d passed, %d failed, %d skipped\n", test_name,
		       p, f, test_skipped());
	else
		printf("TEST %s %d passed, %d failed\n", test_name, p, f);
	test_exit(f ? 1 : 0);
}

void test_abort(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	check(false, "abort", "cpu%d: %s", smp_processor_id(), buf);
	test_report();
}

void test_exit(int status)
{
	if (atomic_xchg(&exiting, 1))
		park();
	printf("TEST-RESULT %s\n", status ? "FAIL" : "PASS");
	dsb(sy);
	/*
	 * Under lkvm with its test device the status becomes lkvm's exit
	 * status. SYSTEM_OFF stays as the fallback: without the device,
	 * and should the VM not have stopped yet (lkvm keeps the first
	 * stop reason, so it cannot override the status).
	 */
	if (!testdev_probe())
		testdev_exit(status);
	psci_system_off();
	pr_info("PSCI SYSTEM_OFF returned; parking");
	park();
}
