/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

/* Everything a test usually needs, in one include. */
#include "atomic.h"
#include "bootargs.h"
#include "console.h"
#include "exception.h"
#include "fdt.h"
#include "gic.h"
#include "io.h"
#include "irq.h"
#include "printf.h"
#include "psci.h"
#include "runtime.h"
#include "smp.h"
#include "spinlock.h"
#include "string.h"
#include "sysreg.h"
#include "test.h"
#include "timer.h"
#include "wfi.h"
#include "types.h"

#endif
