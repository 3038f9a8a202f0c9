/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_EXCEPTION_H
#define GUEST_EXCEPTION_H

#include "types.h"

/* Layout shared with vectors.S */
struct exc_frame {
	u64 x[31];
	u64 sp;
	u64 elr;
	u64 spsr;
	u64 esr;
	u64 far;
};

/* Vector slots, as passed to handle_exception() */
#define EXC_SYNC_SPX	4
#define EXC_IRQ_SPX	5

#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)

/*
 * A synchronous exception handler returns true when it dealt with the
 * exception (typically after advancing frame->elr); false falls back
 * to the fatal report. Per CPU, so a test can probe for faults on one
 * CPU without hiding real faults on the others.
 */
typedef bool (*sync_handler_t)(struct exc_frame *frame);

sync_handler_t exception_set_sync_handler(sync_handler_t fn);
void handle_exception(int kind, struct exc_frame *frame);

#endif
