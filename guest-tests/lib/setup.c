// SPDX-License-Identifier: GPL-2.0
/*
 * C side of boot: bring the runtime up in dependency order, run the
 * test, report. Until mmu_init() succeeds only the boot CPU runs and
 * no atomics may be used, hence the separate early failure path.
 */
#include "console.h"
#include "fdt.h"
#include "gic.h"
#include "printf.h"
#include "psci.h"
#include "runtime.h"
#include "smp.h"
#include "sysreg.h"
#include "test.h"
#include "timer.h"

static int entry_el;

/* Without the DT there is no console: power off and let the VMM see it. */
static void __noreturn boot_fail(const char *why)
{
	if (console_info()->type != CONSOLE_NONE) {
		printf("# boot failed: %s\n", why);
		printf("TEST %s 0 passed, 1 failed\n", test_name);
		printf("TEST-RESULT FAIL\n");
	}
	psci_system_off();
	park();
}

int boot_entry_el(void)
{
	return entry_el;
}

static void banner(void)
{
	const struct console_info *con = console_info();

	pr_info("lkvm guest test %s: entered at EL%d, running at EL%u",
		test_name, entry_el, current_el());
	pr_info("%s, %d CPU(s), console %s at %#lx, timer %lu Hz",
		gic_name(), nr_cpus(),
		con->type == CONSOLE_PL011 ? "pl011" : "8250", con->base,
		timer_freq());
	if (smp_cpus_ignored())
		pr_info("%d CPU(s) beyond NR_CPUS=%d ignored",
			smp_cpus_ignored(), NR_CPUS);
}

void boot_primary(void *dtb, int el)
{
	entry_el = el;
	if (fdt_init(dtb))
		boot_fail("no valid DTB in x0");
	if (console_init())
		boot_fail("no console");
	if (psci_init())
		pr_info("no PSCI node in the DT; assuming hvc");
	if (smp_init())
		boot_fail("boot CPU's MPIDR is not in /cpus");
	if (mmu_init())
		boot_fail("DT memory does not cover the image and DTB");

	if (timer_init())
		test_abort("generic timer frequency unknown");
	if (gic_init())
		test_abort("no usable GIC in the DT");
	banner();
	test_main();
	test_report();
}

void boot_secondary(int cpu)
{
	if (gic_cpu_init(cpu))
		test_abort("GIC CPU interface init failed");
	smp_secondary_loop(cpu);
}
