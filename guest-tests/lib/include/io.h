/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_IO_H
#define GUEST_IO_H

#include "types.h"

#define isb()		asm volatile("isb" ::: "memory")
#define dsb(opt)	asm volatile("dsb " #opt ::: "memory")
#define dmb(opt)	asm volatile("dmb " #opt ::: "memory")
#define sev()		asm volatile("sev" ::: "memory")
#define wfi()		asm volatile("wfi" ::: "memory")
#define cpu_relax()	asm volatile("yield" ::: "memory")

/*
 * MMIO accessors are written in assembly on purpose: a VMM can only
 * emulate an access whose syndrome is valid (ESR_EL2.ISV), which rules
 * out pair, pre/post-indexed and split accesses that the compiler could
 * otherwise pick for a plain volatile dereference.
 */
static inline u8 readb(u64 addr)
{
	u8 v;

	asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline u16 readw(u64 addr)
{
	u16 v;

	asm volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline u32 readl(u64 addr)
{
	u32 v;

	asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline u64 readq(u64 addr)
{
	u64 v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void writeb(u8 v, u64 addr)
{
	asm volatile("strb %w0, [%1]" :: "rZ"(v), "r"(addr) : "memory");
}

static inline void writew(u16 v, u64 addr)
{
	asm volatile("strh %w0, [%1]" :: "rZ"(v), "r"(addr) : "memory");
}

static inline void writel(u32 v, u64 addr)
{
	asm volatile("str %w0, [%1]" :: "rZ"(v), "r"(addr) : "memory");
}

static inline void writeq(u64 v, u64 addr)
{
	asm volatile("str %x0, [%1]" :: "rZ"(v), "r"(addr) : "memory");
}

#endif
