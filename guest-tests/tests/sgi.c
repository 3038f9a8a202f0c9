// SPDX-License-Identifier: GPL-2.0
/*
 * sgi: every CPU sends SGIs to each other CPU, to all-but-self and to
 * itself, for many rounds; every receiver must see exactly what was
 * sent to it, no more (duplication, misrouting) and no less (loss).
 *
 * An SGI's pending state is one bit per INTID (per source on GICv2),
 * so two SGIs with the same INTID in flight to one CPU may legally
 * merge. The protocol keeps counts exact by never having that: senders
 * go in phases of 8, and sender s uses INTID s % 8 for unicast and
 * self, 8 + s % 8 for broadcast. Within a phase each (receiver, INTID)
 * pair then has exactly one SGI, which also identifies the sender on
 * GICv3, whose IAR has no source field. On GICv2 the IAR source
 * (bits [12:10]) is checked as well.
 */
#include "guest.h"

const char test_name[] = "sgi";

#define SENDERS_PER_PHASE	8
#define PHASE_TIMEOUT_US	(2 * 1000 * 1000)
#define MAX_REPORTS		5

struct rx {
	volatile u32 count[GIC_NR_SGIS];	/* this phase */
	u32 unicast;				/* totals */
	u32 broadcast;
	u32 self;
	u32 lost;
	u32 extra;
	u32 bad_source;
	u32 reports;
} __aligned(64);

static struct rx rx[NR_CPUS];
static int phases;
/* Current phase, for the handler; only CPU 0 writes it, between phases. */
static int phase;
static u64 rounds;

static int sender_of(u32 intid, int ph)
{
	return ph * SENDERS_PER_PHASE + intid % SENDERS_PER_PHASE;
}

static void report(int cpu, const char *fmt, u32 a, u32 b, u32 c)
{
	if (rx[cpu].reports++ < MAX_REPORTS) {
		console_lock();
		printf("# cpu%d: ", cpu);
		printf(fmt, a, b, c);
		printf("\n");
		console_unlock();
	}
}

static void sgi_handler(u32 intid, u32 iar, void *arg __unused)
{
	int me = smp_processor_id();
	int src = gic_iar_source(iar);
	int expect = sender_of(intid, READ_ONCE(phase));

	rx[me].count[intid]++;
	if (gic_version() == 2 && src != expect) {
		rx[me].bad_source++;
		report(me, "SGI %u from cpu%d, expected cpu%d", intid, src,
		       expect);
	}
}

/* SGIs @me should receive from @sender in one phase, by INTID. */
static void expected_from(int me, int sender, u32 want[GIC_NR_SGIS])
{
	u32 k = sender % SENDERS_PER_PHASE;

	want[k]++;				/* unicast, or self */
	if (sender != me)
		want[SENDERS_PER_PHASE + k]++;	/* broadcast */
}

static int phase_senders(int ph)
{
	return MIN(nr_cpus_online() - ph * SENDERS_PER_PHASE,
		   SENDERS_PER_PHASE);
}

static void send_all(int me)
{
	u32 k = me % SENDERS_PER_PHASE;
	int cpu;

	for (cpu = 0; cpu < nr_cpus_online(); cpu++)
		if (cpu != me)
			gic_send_sgi(k, cpu);
	gic_send_sgi_others(SENDERS_PER_PHASE + k);
	gic_send_sgi_self(k);
}

static u32 received(struct rx *r)
{
	u32 n = 0, i;

	for (i = 0; i < GIC_NR_SGIS; i++)
		n += r->count[i];
	return n;
}

/* Compare, account and reset the counts of phase @ph. */
static void settle(int me, int ph, const u32 want[GIC_NR_SGIS])
{
	struct rx *r = &rx[me];
	u32 i, got;

	for (i = 0; i < GIC_NR_SGIS; i++) {
		got = r->count[i];
		r->count[i] = 0;
		if (got > want[i]) {
			r->extra += got - want[i];
			report(me, "SGI %u: %u received, %u sent", i, got,
			       want[i]);
		} else if (got < want[i]) {
			r->lost += want[i] - got;
			report(me, "SGI %u: %u received, %u sent", i, got,
			       want[i]);
		}
		got = MIN(got, want[i]);
		if (i >= SENDERS_PER_PHASE)
			r->broadcast += got;
		else if (sender_of(i, ph) == me)
			r->self += got;
		else
			r->unicast += got;
	}
}

static void run_phase(int me, int ph)
{
	u32 want[GIC_NR_SGIS] = { 0 };
	u32 total = 0, i;
	u64 end;
	int s;

	for (s = 0; s < phase_senders(ph); s++)
		expected_from(me, ph * SENDERS_PER_PHASE + s, want);
	for (i = 0; i < GIC_NR_SGIS; i++)
		total += want[i];

	smp_barrier();
	if (me / SENDERS_PER_PHASE == ph)
		send_all(me);
	end = timer_deadline_us(PHASE_TIMEOUT_US);
	while (received(&rx[me]) < total && !timer_expired(end))
		cpu_relax();
	smp_barrier();
	local_irq_disable();
	settle(me, ph, want);
	local_irq_enable();
}

static void sgi_cpu(void *arg __unused)
{
	int me = smp_processor_id();
	u64 round;
	u32 i;

	for (i = 0; i < GIC_NR_SGIS; i++)
		gic_irq_enable(i);
	local_irq_enable();
	for (round = 0; round < rounds; round++) {
		for (int ph = 0; ph < phases; ph++) {
			if (me == 0)
				WRITE_ONCE(phase, ph);
			run_phase(me, ph);
		}
	}
	/* Give late duplicates a chance to show up before the last count. */
	udelay(10000);
	local_irq_disable();
	rx[me].extra += received(&rx[me]);
	for (i = 0; i < GIC_NR_SGIS; i++)
		gic_irq_disable(i);
}

static void check_cpu(int cpu)
{
	struct rx *r = &rx[cpu];
	u32 n = nr_cpus_online() - 1;

	check(r->unicast == rounds * n && !r->lost && !r->extra,
	      "sgi.unicast", "cpu%d: %u of %lu from %u other CPU(s)", cpu,
	      r->unicast, rounds * n, n);
	check(r->broadcast == rounds * n, "sgi.all-but-self",
	      "cpu%d: %u of %lu", cpu, r->broadcast, rounds * n);
	check(r->self == rounds, "sgi.self", "cpu%d: %u of %lu", cpu, r->self,
	      rounds);
	check(!r->lost && !r->extra, "sgi.exact", "cpu%d: %u lost, %u extra",
	      cpu, r->lost, r->extra);
	if (gic_version() == 2)
		check(!r->bad_source, "sgi.source",
		      "cpu%d: %u with a wrong source CPU", cpu,
		      r->bad_source);
}

void test_main(void)
{
	int cpu, online = smp_boot_secondaries();
	u32 i;

	check(online == nr_cpus(), "sgi.cpus-online", "%d of %d", online,
	      nr_cpus());
	rounds = bootarg_u64("sgi.rounds", 200);
	phases = (online + SENDERS_PER_PHASE - 1) / SENDERS_PER_PHASE;
	pr_info("%lu rounds, %d CPU(s), %d phase(s); %s", rounds, online,
		phases, gic_version() == 2 ? "checking IAR source" :
		"GICv3 IAR has no source: checking delivery only");
	for (i = 0; i < GIC_NR_SGIS; i++)
		irq_set_handler(i, sgi_handler, NULL);
	smp_run(sgi_cpu, NULL);
	for (cpu = 0; cpu < online; cpu++) {
		pr_info("cpu%d: %lu interrupts taken, %lu spurious", cpu,
			irq_count(cpu), irq_spurious_count(cpu));
		check_cpu(cpu);
	}
}
