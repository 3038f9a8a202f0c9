/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_FUZZ_UGIC_FZ_H
#define LKVM_TESTS_FUZZ_UGIC_FZ_H

/*
 * fuzz-ugic's GIC under test, and its lifecycle operations
 * (ugic-lifecycle-fz.c), which the set-up and the operations of
 * fuzz-ugic.c both use.
 */
#include <stdbool.h>
#include <stdint.h>

#include "gic/ugic.h"
#include "tests/fuzz/fuzz.h"

struct gic_fuzz {
	struct ugic *gic;
	struct ugic_config cfg;
	bool reported[UGIC_MAX_CPUS];	/* what the line callback last said */
};

/* Each makes its call and checks the result against ugic.h's rules. */
void gic_create(struct gic_fuzz *g);
void gic_set_nr_irqs(struct gic_fuzz *g, uint32_t nr);
void gic_set_addr(struct gic_fuzz *g, int type, uint64_t addr);
void gic_init(struct gic_fuzz *g);
void gic_map(struct gic_fuzz *g);

/* The operations' decoders: their input's layout is at each. */
void gic_op_nr_irqs(struct gic_fuzz *g, struct fuzz_input *in);
void gic_op_addr(struct gic_fuzz *g, struct fuzz_input *in);
void gic_op_recreate(struct gic_fuzz *g);

#endif
