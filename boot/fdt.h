/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_FDT_FDT_H
#define LKVM_FDT_FDT_H

#include <stddef.h>

struct vm;

int fdt_build(struct vm *vm, void *buf, size_t size, const char *cmdline);
int fdt_dump(const void *fdt, const char *path);

#endif
