/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_BOOTARGS_H
#define GUEST_BOOTARGS_H

#include "types.h"

/*
 * Test parameters from /chosen/bootargs, as space-separated key=value
 * words (e.g. "sgi.rounds=1000 timer.tolerance-us=500"). Lets a run
 * be tuned from the VMM command line (lkvm -p, qemu -append).
 */
u64 bootarg_u64(const char *key, u64 dflt);
bool bootarg_present(const char *key);

#endif
