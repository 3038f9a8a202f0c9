/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include "types.h"

enum console_type {
	CONSOLE_NONE,
	CONSOLE_8250,
	CONSOLE_PL011,
};

struct console_info {
	enum console_type type;
	u64 base;
	u32 reg_shift;
	u32 io_width;
	int node;
};

int console_init(void);
const struct console_info *console_info(void);
void console_putc(char c);
void console_write(const char *s, size_t n);

/*
 * Serialises whole lines between CPUs. Recursive on the owning CPU so
 * that an exception or interrupt taken while printing can still print.
 */
void console_lock(void);
void console_unlock(void);

#endif
