/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_TESTDEV_RIG_H
#define LKVM_TESTS_TESTDEV_RIG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/testdev.h"

#define NR_LINES	4
#define MAX_EVENTS	4096
#define WAIT_MS		3000	/* bound on any wait: a hang is a failure */

struct event {
	unsigned int line;
	bool level;
	uint64_t t_ns;
};

/* What the device did to the VM; written from the device's thread too. */
struct sink {
	pthread_mutex_t lock;
	struct event ev[MAX_EVENTS];
	unsigned int nr_ev;
	unsigned int lost;
	int exits;
	int status;
};

/* The device's ops: exits are counted in the sink given as opaque. */
extern const struct testdev_ops td_ops;

void td_sleep_ms(unsigned int ms);
/* Lines whose every change is recorded in s as an event. */
void td_lines(struct irq_line *lines, struct sink *s);
unsigned int td_nr_events(struct sink *s);
struct event td_event_at(struct sink *s, unsigned int i);
/* True when event i exists and is line going to level. */
bool td_event_is(struct sink *s, unsigned int i, unsigned int line,
		 bool level);

/* A device of NR_LINES lines into a fresh sink; and its end. */
void td_setup(struct testdev *d, struct sink *s);
void td_teardown(struct testdev *d, struct sink *s);

/* A vCPU's access: the handler's return value, a read's data in *val. */
int td_mmio(struct testdev *d, uint64_t off, uint32_t len, bool wr,
	    uint64_t *val);
uint64_t td_rd(struct testdev *d, uint64_t off);
void td_wr(struct testdev *d, uint64_t off, uint64_t v);
/* A line command through the registers: LINE, DELAY_US, then CMD. */
void td_cmd(struct testdev *d, uint32_t line, uint32_t delay, uint32_t cmd);
/* Commands waiting for the device's thread. */
unsigned int td_queued(struct testdev *d);
/* Waits, bounded by WAIT_MS, until COUNTER reaches n. */
bool td_wait_counter(struct testdev *d, uint32_t n);

#endif
