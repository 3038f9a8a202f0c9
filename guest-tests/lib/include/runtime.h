/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include "types.h"

/* Linker script symbols: runtime addresses, since code is PC-relative. */
extern char _text[], _etext[], _edata[], _end[];

/* head.S */
void park(void) __noreturn;
void mmu_enable_boot(void);

/* Distance between where the image runs and where it was linked (0). */
static inline u64 load_offset(void)
{
	return (u64)_text;
}

/* mmu.c */
int mmu_init(void);
bool mmu_is_normal(u64 addr, u64 size);

/* setup.c */
void boot_primary(void *dtb, int entry_el) __noreturn;
int boot_entry_el(void);
void boot_secondary(int cpu) __noreturn;

#endif
