/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_FDT_H
#define GUEST_FDT_H

#include "types.h"

/*
 * A read-only flattened device tree walker. Nodes are named by their
 * offset in the structure block; negative values mean "not found".
 * There is one tree, the one the loader passed in x0.
 */
#define FDT_ROOT	0

struct fdt_irq {
	u32 type;		/* 0 = SPI, 1 = PPI (GIC binding) */
	u32 num;		/* number within its type */
	u32 flags;		/* trigger bits [3:0] */
	u32 intid;		/* GIC INTID: SPI + 32, PPI + 16 */
};

int fdt_init(const void *blob);
const void *fdt_blob(void);
u32 fdt_total_size(void);

int fdt_next_node(int node, int *depth);
int fdt_first_child(int node);
int fdt_next_sibling(int node);
int fdt_parent(int node);
const char *fdt_node_name(int node);

const void *fdt_getprop(int node, const char *name, int *len);
bool fdt_getprop_u32(int node, const char *name, u32 *val);
const char *fdt_getprop_str(int node, const char *name);
bool fdt_is_compatible(int node, const char *compat);
int fdt_find_compatible(int from, const char *compat);
int fdt_find_device_type(int from, const char *type);
int fdt_find_phandle(u32 phandle);
int fdt_path(const char *path);

int fdt_address_cells(int node);
int fdt_size_cells(int node);
bool fdt_read_reg(int node, int index, u64 *addr, u64 *size);
int fdt_reg_count(int node);

int fdt_irq_parent(int node);
int fdt_irq_count(int node);
bool fdt_read_irq(int node, int index, struct fdt_irq *irq);

static inline u32 be32(const void *p)
{
	const u8 *b = p;

	return ((u32)b[0] << 24) | ((u32)b[1] << 16) | ((u32)b[2] << 8) | b[3];
}

static inline u64 be_cells(const void *p, int cells)
{
	u64 v = 0;
	int i;

	for (i = 0; i < cells; i++)
		v = (v << 32) | be32((const u8 *)p + 4 * i);
	return v;
}

#endif
