// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO bus under concurrent dispatch, as vCPU threads use it: the
 * table is built before the threads start and then read by all of them
 * without a lock (devices/bus.h). Each thread mixes accesses to a locked
 * device, to its own per-vCPU registers, to a lock-free device and to
 * holes, and checks every result. Built under ASan/UBSan and, the same
 * file, under TSan, which reports any unsynchronised access the bus
 * itself makes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "devices/bus.h"
#include "tests/unit.h"

#define NR_THREADS	4
#define ITERS		20000

/* Shared state behind a lock: each write adds to the total. */
struct counter_dev {
	pthread_mutex_t lock;
	uint64_t total;
};

/* One register per vCPU: only that vCPU's thread touches it. */
struct percpu_dev {
	uint64_t reg[NR_THREADS];
};

/* No state but a call count, as a lock-free device would keep. */
struct atomic_dev {
	atomic_ulong calls;
};

struct bus_env {
	struct mmio_bus bus;
	struct counter_dev counter;
	struct percpu_dev percpu;
	struct atomic_dev atomic;
	struct mmio_region regions[3];
	pthread_barrier_t start;
};

struct worker {
	struct bus_env *env;
	int cpu;
	unsigned int bad;	/* results that were wrong; checked after join */
};

static int counter_handler(struct mmio_region *r, struct mmio_access *acc)
{
	struct counter_dev *d = r->opaque;

	pthread_mutex_lock(&d->lock);
	if (acc->is_write)
		d->total += acc->data;
	else
		acc->data = d->total;
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static int percpu_handler(struct mmio_region *r, struct mmio_access *acc)
{
	struct percpu_dev *d = r->opaque;

	if (acc->cpu < 0 || acc->cpu >= NR_THREADS || acc->offset != 8 * (uint64_t)acc->cpu)
		return -EINVAL;		/* a vCPU only reaches its own register */
	if (acc->is_write)
		d->reg[acc->cpu] = acc->data;
	else
		acc->data = d->reg[acc->cpu];
	return 0;
}

static int atomic_handler(struct mmio_region *r, struct mmio_access *acc)
{
	struct atomic_dev *d = r->opaque;
	unsigned long n = atomic_fetch_add(&d->calls, 1) + 1;

	if (!acc->is_write)
		acc->data = n;
	return 0;
}

static uint64_t get64(const uint8_t *b)
{
	uint64_t v;

	memcpy(&v, b, sizeof(v));
	return v;
}

/* One round of a vCPU's accesses; returns how many came back wrong. */
static unsigned int worker_round(struct worker *w, uint64_t i)
{
	struct mmio_bus *bus = &w->env->bus;
	uint64_t mine = ((uint64_t)w->cpu << 32) | i, one = 1;
	unsigned int bad = 0;
	uint8_t buf[8];

	bad += mmio_bus_access(bus, 0x1000, &one, 8, true, w->cpu) != 0;
	memcpy(buf, &mine, sizeof(mine));
	bad += mmio_bus_access(bus, 0x2000 + 8 * w->cpu, buf, 8, true, w->cpu) != 0;
	memset(buf, 0xee, sizeof(buf));
	bad += mmio_bus_access(bus, 0x2000 + 8 * w->cpu, buf, 8, false, w->cpu) != 0;
	bad += get64(buf) != mine;
	memset(buf, 0xee, sizeof(buf));
	bad += mmio_bus_access(bus, 0x3000, buf, 4, false, w->cpu) != 0;
	bad += get64(buf) >> 32 != 0xeeeeeeee;	/* only 4 bytes written */
	/* Holes and a straddling access read as zero; no device is called. */
	memset(buf, 0xee, sizeof(buf));
	bad += mmio_bus_access(bus, 0x1800, buf, 8, false, w->cpu) != -ENOENT;
	bad += get64(buf) != 0;
	bad += mmio_bus_access(bus, 0x10fc, buf, 8, false, w->cpu) != -ENOENT;
	bad += mmio_bus_find(bus, 0x2000 + 8 * w->cpu, 8) != &w->env->regions[1];
	return bad;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t i;

	pthread_barrier_wait(&w->env->start);
	for (i = 0; i < ITERS; i++)
		w->bad += worker_round(w, i);
	return NULL;
}

static void env_init(struct unit *u, struct bus_env *e)
{
	memset(e, 0, sizeof(*e));
	pthread_mutex_init(&e->counter.lock, NULL);
	atomic_init(&e->atomic.calls, 0);
	e->regions[0] = (struct mmio_region) {
		.name = "counter", .base = 0x1000, .size = 0x100, .handler = counter_handler, .opaque = &e->counter };
	e->regions[1] = (struct mmio_region) {
		.name = "percpu", .base = 0x2000, .size = 8 * NR_THREADS, .handler = percpu_handler, .opaque = &e->percpu };
	e->regions[2] = (struct mmio_region) {
		.name = "atomic", .base = 0x3000, .size = 0x1000, .handler = atomic_handler, .opaque = &e->atomic };
	/* Out of order, as devices register: the bus sorts. */
	CHECK_EQ(u, mmio_bus_register(&e->bus, &e->regions[2]), 0);
	CHECK_EQ(u, mmio_bus_register(&e->bus, &e->regions[0]), 0);
	CHECK_EQ(u, mmio_bus_register(&e->bus, &e->regions[1]), 0);
	pthread_barrier_init(&e->start, NULL, NR_THREADS + 1);
}

/* The table is fixed, the vCPU threads dispatch at once, and the main thread looks up too. */
static void test_concurrent_dispatch(struct unit *u)
{
	static struct bus_env e;
	struct worker w[NR_THREADS];
	pthread_t t[NR_THREADS];
	unsigned int i, bad = 0;
	uint8_t buf[8];

	env_init(u, &e);
	for (i = 0; i < NR_THREADS; i++) {
		w[i] = (struct worker) { .env = &e, .cpu = i };
		CHECK_EQ(u, pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	pthread_barrier_wait(&e.start);
	for (i = 0; i < ITERS; i++)
		bad += mmio_bus_find(&e.bus, 0x3000 + i % 0x1000, 1) != &e.regions[2];
	for (i = 0; i < NR_THREADS; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(u, w[i].bad, 0);
	}
	CHECK_EQ(u, bad, 0);
	CHECK_EQ(u, mmio_bus_access(&e.bus, 0x1000, buf, 8, false, -1), 0);
	CHECK_EQ(u, get64(buf), (uint64_t)NR_THREADS * ITERS);
	CHECK_EQ(u, atomic_load(&e.atomic.calls), (unsigned long)NR_THREADS * ITERS);
	for (i = 0; i < NR_THREADS; i++)
		CHECK_EQ(u, e.percpu.reg[i], ((uint64_t)i << 32) | (ITERS - 1));
	pthread_barrier_destroy(&e.start);
	pthread_mutex_destroy(&e.counter.lock);
}

int main(void)
{
	struct unit u = { 0 };

	test_concurrent_dispatch(&u);
	return unit_done(&u, "test-bus-threads");
}
