/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_WFI_H
#define GUEST_WFI_H

#include "types.h"

bool timer_wfi_until(volatile u32 *flag, u64 deadline);

#endif
