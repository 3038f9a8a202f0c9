// SPDX-License-Identifier: GPL-2.0
/*
 * Secondary CPU bring-up through PSCI CPU_ON and a tiny work-dispatch
 * loop, so tests can say "run this on every CPU".
 */
#include "atomic.h"
#include "fdt.h"
#include "io.h"
#include "printf.h"
#include "psci.h"
#include "smp.h"
#include "string.h"
#include "test.h"
#include "timer.h"

#define BOOT_TIMEOUT_US		(10 * 1000 * 1000)
#define RUN_TIMEOUT_US		(300 * 1000 * 1000)
#define BARRIER_TIMEOUT_US	(30 * 1000 * 1000)

extern char secondary_entry[];

static struct cpu_info cpus[NR_CPUS];
static int cpu_count;
static int cpus_ignored;
static atomic_t cpus_online = ATOMIC_INIT(1);
static bool secondaries_started;

static struct {
	void (*fn)(void *arg);
	void *arg;
	volatile u32 seq;
	atomic_t done;
} work;

static struct {
	atomic_t count;
	volatile u32 gen;
} barrier;

static bool is_cpu_node(int node)
{
	const char *type = fdt_getprop_str(node, "device_type");

	return type && !strcmp(type, "cpu");
}

static void add_cpu(int node, u64 mpidr, u64 self)
{
	struct cpu_info *c;

	if (mpidr == self) {
		cpus[0].node = node;
		return;
	}
	if (cpu_count >= NR_CPUS) {
		cpus_ignored++;
		return;
	}
	c = &cpus[cpu_count++];
	c->mpidr = mpidr;
	c->node = node;
	c->state = CPU_OFF;
}

/* Returns 0, or -1 when the boot CPU is not among the DT's cpu nodes. */
int smp_init(void)
{
	int parent = fdt_path("/cpus");
	u64 self = mpidr_affinity();
	int node;
	u64 reg;

	cpus[0].mpidr = self;
	cpus[0].node = -1;
	cpus[0].state = CPU_ONLINE;
	cpu_count = 1;
	for (node = parent >= 0 ? fdt_first_child(parent) : -1; node >= 0;
	     node = fdt_next_sibling(node)) {
		if (is_cpu_node(node) && fdt_read_reg(node, 0, &reg, NULL))
			add_cpu(node, reg & MPIDR_AFF_MASK, self);
	}
	return cpus[0].node >= 0 ? 0 : -1;
}

int nr_cpus(void)
{
	return cpu_count;
}

int nr_cpus_online(void)
{
	return atomic_read(&cpus_online);
}

int smp_cpus_ignored(void)
{
	return cpus_ignored;
}

const struct cpu_info *smp_cpu(int cpu)
{
	return (cpu >= 0 && cpu < cpu_count) ? &cpus[cpu] : NULL;
}

int smp_cpu_by_mpidr(u64 mpidr)
{
	int i;

	mpidr &= MPIDR_AFF_MASK;
	for (i = 0; i < cpu_count; i++)
		if (cpus[i].mpidr == mpidr)
			return i;
	return -1;
}

static void cpu_start(int cpu)
{
	struct cpu_info *c = &cpus[cpu];
	s64 ret;

	c->state = CPU_BOOTING;
	dsb(ish);
	ret = psci_cpu_on(c->mpidr, (u64)secondary_entry, cpu);
	if (ret != PSCI_SUCCESS) {
		pr_info("cpu%d (mpidr %#lx): CPU_ON failed: %ld %s", cpu,
			c->mpidr, ret, psci_error_name(ret));
		c->state = CPU_FAILED;
	}
}

static void cpu_wait_online(int cpu)
{
	struct cpu_info *c = &cpus[cpu];
	u64 end = timer_deadline_us(BOOT_TIMEOUT_US);

	while (READ_ONCE(c->state) == CPU_BOOTING && !timer_expired(end))
		cpu_relax();
	if (READ_ONCE(c->state) != CPU_ONLINE) {
		pr_info("cpu%d (mpidr %#lx) did not come online", cpu,
			c->mpidr);
		c->state = CPU_FAILED;
	}
}

/* Returns the number of online CPUs, the boot CPU included. */
int smp_boot_secondaries(void)
{
	int cpu;

	if (secondaries_started)
		return nr_cpus_online();
	secondaries_started = true;
	for (cpu = 1; cpu < cpu_count; cpu++)
		cpu_start(cpu);
	for (cpu = 1; cpu < cpu_count; cpu++)
		if (cpus[cpu].state == CPU_BOOTING)
			cpu_wait_online(cpu);
	return nr_cpus_online();
}

void smp_run(void (*fn)(void *arg), void *arg)
{
	int others;
	u64 end;

	smp_boot_secondaries();
	others = nr_cpus_online() - 1;
	work.fn = fn;
	work.arg = arg;
	atomic_set(&work.done, 0);
	__atomic_store_n(&work.seq, work.seq + 1, __ATOMIC_RELEASE);
	sev();
	fn(arg);
	end = timer_deadline_us(RUN_TIMEOUT_US);
	while (atomic_read(&work.done) < others) {
		if (timer_expired(end))
			test_abort("smp_run: secondaries did not finish");
		cpu_relax();
	}
}

/*
 * Sense-reversing barrier: each CPU samples the generation before it
 * arrives, the last one to arrive resets the count and bumps it.
 */
void smp_barrier(void)
{
	u32 gen = __atomic_load_n(&barrier.gen, __ATOMIC_ACQUIRE);
	u64 end;

	if (atomic_inc_return(&barrier.count) == nr_cpus_online()) {
		atomic_set(&barrier.count, 0);
		__atomic_store_n(&barrier.gen, gen + 1, __ATOMIC_RELEASE);
		sev();
		return;
	}
	end = timer_deadline_us(BARRIER_TIMEOUT_US);
	while (__atomic_load_n(&barrier.gen, __ATOMIC_ACQUIRE) == gen) {
		if (timer_expired(end))
			test_abort("smp_barrier: timed out on cpu%d",
				   smp_processor_id());
		cpu_relax();
	}
}

void smp_secondary_loop(int cpu)
{
	u32 seen = __atomic_load_n(&work.seq, __ATOMIC_ACQUIRE);

	atomic_inc(&cpus_online);
	__atomic_store_n(&cpus[cpu].state, CPU_ONLINE, __ATOMIC_RELEASE);
	for (;;) {
		seen = wait_while_eq(&work.seq, seen);
		work.fn(work.arg);
		atomic_inc(&work.done);
	}
}
