/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_CONSOLE_INTERNAL_H
#define LKVM_DEVICES_CONSOLE_INTERNAL_H

#include "host/console.h"

int console_out_init(struct console *c);

#endif
