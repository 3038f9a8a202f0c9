/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests of the userspace GICv2 model. Ends with exactly one line,
 * "N passed, N failed", and a non-zero exit status on any failure.
 */
#include "tests/test-ugic.h"

int main(void)
{
	test_lifecycle();
	test_dist();
	test_dist_access();
	test_cpuif();
	test_cpuif_prio();
	test_irq();
	test_sgi();
	test_snap();
	return t_report();
}
