/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GIC_UGIC_SNAP_H
#define LKVM_GIC_UGIC_SNAP_H

#include "gic/gicv2-state.h"
#include "gic/ugic.h"

/*
 * The model's whole state as the GICv2 architectural record, and back
 * (gic/ugic-snap.c). Both need an initialised model; restore wants the
 * record's vCPU and interrupt counts to be the model's (-EINVAL), and
 * reports the resulting output lines as any input does.
 */
int ugic_snap_save(struct ugic *gic, struct gicv2_state *st);
int ugic_snap_restore(struct ugic *gic, const struct gicv2_state *st);

#endif
