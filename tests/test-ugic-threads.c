/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stress test of the userspace GIC for ThreadSanitizer.
 *
 * vCPU threads send SGIs to each other and run acknowledge / end of
 * interrupt loops (nesting when a higher priority arrives, some with
 * EOImode split). Device threads pulse edge SPIs, raise level SPIs
 * that the "driver" in the vCPU handler lowers, and drive the timer
 * PPI; another thread rewrites SPI routing meanwhile.
 *
 * Every interrupt source has at most one assertion in flight, so
 * nothing may coalesce: each one sent must be acknowledged exactly
 * once, and at the end every output line must be low.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gic/ugic.h"

#define NR_CPUS		4
#define NR_EDGE		8		/* SPIs 32..39 */
#define NR_LEVEL	8		/* SPIs 40..47 */
#define EDGE_BASE	32
#define LEVEL_BASE	40
#define TIMER_PPI	27
#define SGI_ID		1

#define SGIS_PER_CPU	3000
#define EDGE_PULSES	4000
#define LEVEL_RAISES	4000
#define TIMER_TICKS	1000
#define STALL_SECONDS	10

#define GICD_CTLR	0x000
#define GICD_ISENABLER	0x100
#define GICD_IPRIORITYR	0x400
#define GICD_ITARGETSR	0x800
#define GICD_ICFGR	0xc00
#define GICD_SGIR	0xf00
#define GICC_CTLR	0x00
#define GICC_PMR	0x04
#define GICC_IAR	0x0c
#define GICC_EOIR	0x10
#define GICC_RPR	0x14
#define GICC_DIR	0x1000

struct stress {
	struct ugic *gic;
	struct mmio_region dist;
	struct mmio_region cpu;

	/* In flight: set by the sender, cleared by the acknowledger. */
	atomic_int sgi_busy[NR_CPUS][NR_CPUS];	/* [source][target] */
	atomic_int edge_busy[NR_EDGE];
	atomic_int level_busy[NR_LEVEL];
	atomic_int timer_busy[NR_CPUS];

	atomic_long sent;
	atomic_long acked;
	long expected;
	atomic_int errors;
	atomic_int stop;		/* no progress: give up, report */

	/* Written by the output callback, serialised by the model. */
	bool line[NR_CPUS];
	long line_calls[NR_CPUS];
	bool line_repeat;
};

struct vcpu_arg {
	struct stress *s;
	int cpu;
};

static void error(struct stress *s, const char *what, long val)
{
	if (atomic_fetch_add(&s->errors, 1) < 10)
		fprintf(stderr, "error: %s (%ld)\n", what, val);
}

static void line_cb(void *opaque, int cpu, bool level)
{
	struct stress *s = opaque;

	if (s->line[cpu] == level)
		s->line_repeat = true;
	s->line[cpu] = level;
	s->line_calls[cpu]++;
}

static uint32_t mmio(struct stress *s, struct mmio_region *r, int cpu,
		     uint32_t off, uint32_t len, bool write, uint32_t val)
{
	struct mmio_access acc = {
		.offset = off, .len = len, .is_write = write,
		.data = val, .cpu = cpu,
	};

	if (r->handler(r, &acc))
		error(s, "access refused", off);
	return (uint32_t)acc.data;
}

#define DW(s, c, o, v)	mmio(s, &(s)->dist, c, o, 4, true, v)
#define DW8(s, c, o, v)	mmio(s, &(s)->dist, c, o, 1, true, v)
#define CR(s, c, o)	mmio(s, &(s)->cpu, c, o, 4, false, 0)
#define CW(s, c, o, v)	mmio(s, &(s)->cpu, c, o, 4, true, v)

/* Claim a free in-flight slot. */
static bool claim(atomic_int *busy)
{
	int idle = 0;

	return atomic_compare_exchange_strong(busy, &idle, 1);
}

/*
 * The source may assert again from here on; yielding before the EOI
 * lets that happen while the interrupt is still active.
 */
static void release(struct stress *s, atomic_int *busy, long id)
{
	if (atomic_exchange(busy, 0) != 1)
		error(s, "acknowledged but not in flight", id);
	atomic_fetch_add(&s->acked, 1);
	sched_yield();
}

/* The "driver": what a guest handler does for each source. */
static void handle(struct stress *s, int cpu, uint32_t iar)
{
	uint32_t id = iar & 0x3ff, src = (iar >> 10) & 7;

	if (id == SGI_ID && src < NR_CPUS)
		release(s, &s->sgi_busy[src][cpu], iar);
	else if (id >= EDGE_BASE && id < EDGE_BASE + NR_EDGE)
		release(s, &s->edge_busy[id - EDGE_BASE], id);
	else if (id >= LEVEL_BASE && id < LEVEL_BASE + NR_LEVEL) {
		/* Quiet the device before letting it raise again. */
		ugic_set_spi_level(s->gic, id, false);
		release(s, &s->level_busy[id - LEVEL_BASE], id);
	} else if (id == TIMER_PPI) {
		ugic_set_ppi_level(s->gic, cpu, TIMER_PPI, false);
		release(s, &s->timer_busy[cpu], cpu);
	} else {
		error(s, "unexpected IAR", iar);
	}
}

/* Acknowledge, nest while higher priorities arrive, unwind. */
static void service(struct stress *s, int cpu, bool split)
{
	uint32_t stack[8];
	int depth = 0;

	while (depth < 8) {
		uint32_t iar = CR(s, cpu, GICC_IAR);

		if ((iar & 0x3ff) == 1023)
			break;
		stack[depth++] = iar;
		handle(s, cpu, iar);
	}
	while (depth--) {
		CW(s, cpu, GICC_EOIR, stack[depth]);
		if (split)
			CW(s, cpu, GICC_DIR, stack[depth]);
	}
	if (CR(s, cpu, GICC_RPR) != 0xff)
		error(s, "running priority left behind", cpu);
}

static void send_sgi(struct stress *s, int cpu, int *sent, int *next)
{
	int target = (cpu + 1 + (*next)++ % (NR_CPUS - 1)) % NR_CPUS;

	if (*sent >= SGIS_PER_CPU || !claim(&s->sgi_busy[cpu][target]))
		return;
	(*sent)++;
	atomic_fetch_add(&s->sent, 1);
	DW(s, cpu, GICD_SGIR, (1U << (16 + target)) | SGI_ID);
}

static void *vcpu_thread(void *p)
{
	struct vcpu_arg *a = p;
	struct stress *s = a->s;
	bool split = a->cpu & 1;
	int sent = 0, next = 0;

	CW(s, a->cpu, GICC_CTLR, split ? 0x201 : 0x1);
	CW(s, a->cpu, GICC_PMR, 0xf8);
	DW8(s, a->cpu, GICD_IPRIORITYR + SGI_ID, 0xa0);
	DW8(s, a->cpu, GICD_IPRIORITYR + TIMER_PPI, 0x60);
	DW(s, a->cpu, GICD_ISENABLER, 1U << TIMER_PPI);

	while (atomic_load(&s->acked) < s->expected &&
	       !atomic_load(&s->stop)) {
		send_sgi(s, a->cpu, &sent, &next);
		service(s, a->cpu, split);
		sched_yield();
	}
	return NULL;
}

static void *edge_thread(void *p)
{
	struct stress *s = p;
	int n = 0, i = 0;

	while (n < EDGE_PULSES) {
		i = (i + 1) % NR_EDGE;
		if (atomic_load(&s->stop))
			break;
		if (!claim(&s->edge_busy[i])) {
			sched_yield();
			continue;
		}
		n++;
		atomic_fetch_add(&s->sent, 1);
		ugic_set_spi_level(s->gic, EDGE_BASE + i, true);
		ugic_set_spi_level(s->gic, EDGE_BASE + i, false);
	}
	return NULL;
}

static void *level_thread(void *p)
{
	struct stress *s = p;
	int n = 0, i = 0;

	while (n < LEVEL_RAISES) {
		i = (i + 3) % NR_LEVEL;
		if (atomic_load(&s->stop))
			break;
		if (!claim(&s->level_busy[i])) {
			sched_yield();
			continue;
		}
		n++;
		atomic_fetch_add(&s->sent, 1);
		ugic_set_spi_level(s->gic, LEVEL_BASE + i, true);
	}
	return NULL;
}

/* Timer ticks on every vCPU, and SPI routing rewritten meanwhile. */
static void *timer_thread(void *p)
{
	struct stress *s = p;
	int n = 0, c = 0, k = 0;

	while (n < TIMER_TICKS * NR_CPUS) {
		if (atomic_load(&s->stop))
			break;
		c = (c + 1) % NR_CPUS;
		k++;
		/* Never route to no CPU: everything must stay deliverable. */
		DW8(s, c, GICD_ITARGETSR + EDGE_BASE + k % 16,
		    1U << (k % NR_CPUS) | 1U << c);
		if (!claim(&s->timer_busy[c])) {
			sched_yield();
			continue;
		}
		n++;
		atomic_fetch_add(&s->sent, 1);
		ugic_set_ppi_level(s->gic, c, TIMER_PPI, true);
	}
	return NULL;
}

static int setup(struct stress *s)
{
	struct ugic_config cfg = {
		.nr_cpus = NR_CPUS,
		.set_irq_line = line_cb,
		.opaque = s,
	};
	int i, ret;

	ret = ugic_create(&s->gic, &cfg);
	if (!ret)
		ret = ugic_set_addr(s->gic, UGIC_ADDR_DIST, 0x08000000);
	if (!ret)
		ret = ugic_set_addr(s->gic, UGIC_ADDR_CPU, 0x08010000);
	if (!ret)
		ret = ugic_map_resources(s->gic);
	if (ret)
		return ret;
	ugic_dist_region(s->gic, &s->dist);
	ugic_cpuif_region(s->gic, &s->cpu);

	/* Edge SPIs 32-39 at 0x80, level SPIs 40-47 at 0x90. */
	DW(s, 0, GICD_ICFGR + 8, 0xaaaa);
	for (i = 0; i < NR_EDGE + NR_LEVEL; i++) {
		DW8(s, 0, GICD_IPRIORITYR + EDGE_BASE + i,
		    i < NR_EDGE ? 0x80 : 0x90);
		DW8(s, 0, GICD_ITARGETSR + EDGE_BASE + i, 1U << (i % NR_CPUS));
	}
	DW(s, 0, GICD_ISENABLER + 4, 0xffff);
	DW(s, 0, GICD_CTLR, 1);
	s->expected = (long)SGIS_PER_CPU * NR_CPUS + EDGE_PULSES +
		      LEVEL_RAISES + (long)TIMER_TICKS * NR_CPUS;
	return 0;
}

static int check(struct stress *s)
{
	int c, failed = atomic_load(&s->errors);

	if (atomic_load(&s->sent) != s->expected ||
	    atomic_load(&s->acked) != s->expected) {
		fprintf(stderr, "sent %ld acked %ld expected %ld\n",
			atomic_load(&s->sent), atomic_load(&s->acked),
			s->expected);
		failed++;
	}
	for (c = 0; c < NR_CPUS; c++) {
		if (s->line[c] || ugic_irq_line(s->gic, c) ||
		    CR(s, c, GICC_IAR) != 1023) {
			fprintf(stderr, "vCPU %d: interrupt left over\n", c);
			failed++;
		}
		if (!s->line_calls[c]) {
			fprintf(stderr, "vCPU %d: line never raised\n", c);
			failed++;
		}
	}
	if (s->line_repeat) {
		fprintf(stderr, "a line level was reported twice\n");
		failed++;
	}
	return failed;
}

/* A lost interrupt stops all progress: end the run instead of hanging. */
static void watchdog(struct stress *s)
{
	struct timespec tick = { .tv_nsec = 100 * 1000 * 1000 };
	long last = -1, now;
	int idle = 0;

	while ((now = atomic_load(&s->acked)) < s->expected) {
		idle = now == last ? idle + 1 : 0;
		last = now;
		if (idle >= STALL_SECONDS * 10) {
			fprintf(stderr, "no progress for %d s\n",
				STALL_SECONDS);
			atomic_store(&s->stop, 1);
			return;
		}
		nanosleep(&tick, NULL);
	}
}

int main(void)
{
	static struct stress s;
	struct vcpu_arg args[NR_CPUS];
	pthread_t vcpus[NR_CPUS], dev[3];
	int i, failed;

	if (setup(&s)) {
		printf("0 passed, 1 failed\n");
		return EXIT_FAILURE;
	}
	for (i = 0; i < NR_CPUS; i++) {
		args[i] = (struct vcpu_arg){ .s = &s, .cpu = i };
		pthread_create(&vcpus[i], NULL, vcpu_thread, &args[i]);
	}
	pthread_create(&dev[0], NULL, edge_thread, &s);
	pthread_create(&dev[1], NULL, level_thread, &s);
	pthread_create(&dev[2], NULL, timer_thread, &s);
	watchdog(&s);
	for (i = 0; i < 3; i++)
		pthread_join(dev[i], NULL);
	for (i = 0; i < NR_CPUS; i++)
		pthread_join(vcpus[i], NULL);

	failed = check(&s);
	printf("%ld interrupts sent and acknowledged\n", atomic_load(&s.acked));
	printf("%d passed, %d failed\n", failed ? 0 : 1, failed ? 1 : 0);
	ugic_destroy(&s.gic);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
