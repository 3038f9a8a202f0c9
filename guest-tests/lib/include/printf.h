/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include "types.h"

/*
 * Conversions: %d %i %u %x %X %o %p %s %c %%, with flags '-' '0' '+'
 * ' ' '#', a width or '*', a precision for %s, and the l, ll, z, h, hh
 * length modifiers.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vprintf(const char *fmt, va_list ap);
int printf(const char *fmt, ...) __printf(1, 2);

/* Commentary: one line prefixed with "# " so parsers can skip it. */
void pr_info(const char *fmt, ...) __printf(1, 2);

#endif
