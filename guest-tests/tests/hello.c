// SPDX-License-Identifier: GPL-2.0
/*
 * hello: print what the DT describes (CPUs, memory, GIC, UART, timer,
 * PSCI) and check that the basics a test relies on are present and
 * that every CPU comes up.
 */
#include "guest.h"

const char test_name[] = "hello";

static void print_memory(void)
{
	int node, i;
	u64 base, size;

	for (node = fdt_find_device_type(-1, "memory"); node >= 0;
	     node = fdt_find_device_type(node, "memory"))
		for (i = 0; fdt_read_reg(node, i, &base, &size); i++)
			pr_info("memory: %#lx-%#lx (%lu MiB)", base,
				base + size - 1, size >> 20);
}

static void print_cpus(void)
{
	int cpu;

	for (cpu = 0; cpu < nr_cpus(); cpu++)
		pr_info("cpu%d: mpidr %#lx%s", cpu, smp_cpu(cpu)->mpidr,
			cpu ? "" : " (boot)");
}

static void print_gic(void)
{
	int node = gic_node();
	u64 base, size;
	int i;

	pr_info("gic: %s (%s), %u interrupt lines", gic_name(),
		fdt_getprop_str(node, "compatible"), gic_nr_lines());
	for (i = 0; fdt_read_reg(node, i, &base, &size); i++)
		pr_info("gic: reg[%d] %#lx size %#lx", i, base, size);
}

static void print_misc(void)
{
	const struct console_info *con = console_info();
	int chosen = fdt_path("/chosen");
	const char *args = chosen >= 0 ?
		fdt_getprop_str(chosen, "bootargs") : NULL;
	u32 v = psci_version();

	pr_info("uart: %s at %#lx (reg-shift %u, io-width %u)",
		fdt_node_name(con->node), con->base, con->reg_shift,
		con->io_width);
	pr_info("timer: %lu Hz, virtual PPI INTID %u, physical %u",
		timer_freq(), timer_intid(TIMER_VIRT),
		timer_intid(TIMER_PHYS));
	pr_info("psci: version %u.%u via %s", v >> 16, v & 0xffff,
		psci_uses_smc() ? "smc" : "hvc");
	pr_info("bootargs: \"%s\"", args ? args : "");
	pr_info("entered at EL%d; image at %#lx-%#lx, DTB at %p (%u bytes)",
		boot_entry_el(), (u64)_text, (u64)_end, fdt_blob(),
		fdt_total_size());
}

static atomic_t cpus_seen;

static void say_hello(void *arg __unused)
{
	int cpu = smp_processor_id();

	check(smp_cpu(cpu)->mpidr == mpidr_affinity(), "hello.mpidr",
	      "cpu%d runs on mpidr %#lx", cpu, mpidr_affinity());
	atomic_inc(&cpus_seen);
}

void test_main(void)
{
	u32 v = psci_version();

	print_cpus();
	print_memory();
	print_gic();
	print_misc();

	check(nr_cpus() >= 1, "hello.cpus", "%d in the DT", nr_cpus());
	check(gic_version() == 2 || gic_version() == 3, "hello.gic", "%s",
	      gic_name());
	check(console_info()->type != CONSOLE_NONE, "hello.console", "%s at %#lx",
	      fdt_node_name(console_info()->node), console_info()->base);
	check(timer_freq() != 0, "hello.timer-freq", "%lu Hz", timer_freq());
	check(v >= 0x2, "hello.psci-version", "%u.%u", v >> 16, v & 0xffff);
	check(current_el() == 1, "hello.el", "EL%u", current_el());
	check(smp_boot_secondaries() == nr_cpus(), "hello.cpus-online",
	      "%d of %d", nr_cpus_online(), nr_cpus());
	smp_run(say_hello, NULL);
	check(atomic_read(&cpus_seen) == nr_cpus(), "hello.cpus-ran",
	      "%d of %d", atomic_read(&cpus_seen), nr_cpus());
}
