// SPDX-License-Identifier: GPL-2.0
/*
 * Flattened device tree reader (devicetree specification v0.4, ch. 5).
 * Only what the runtime needs: walking nodes, reading properties and
 * decoding reg/interrupts with the right cell counts. No allocation,
 * no writes; the blob stays where the loader put it.
 */
#include "fdt.h"
#include "string.h"

#define FDT_MAGIC		0xd00dfeed
#define FDT_BEGIN_NODE		1
#define FDT_END_NODE		2
#define FDT_PROP		3
#define FDT_NOP			4
#define FDT_END			9
#define FDT_MAX_DEPTH		32

static const u8 *blob;
static const u8 *dt_struct;
static const char *dt_strings;
static u32 struct_size;
static u32 strings_size;

const void *fdt_blob(void)
{
	return blob;
}

u32 fdt_total_size(void)
{
	return blob ? be32(blob + 4) : 0;
}

static u32 token_at(int off)
{
	if (off < 0 || (u32)off + 4 > struct_size)
		return FDT_END;
	return be32(dt_struct + off);
}

/* Offset of the token following the one at @off. */
static int token_next(int off)
{
	u32 tok = token_at(off);
	int len;

	off += 4;
	switch (tok) {
	case FDT_BEGIN_NODE:
		len = strlen((const char *)dt_struct + off) + 1;
		return ALIGN_UP(off + len, 4);
	case FDT_PROP:
		len = be32(dt_struct + off);
		return ALIGN_UP(off + 8 + len, 4);
	case FDT_END:
		return -1;
	default:
		return off;
	}
}

int fdt_init(const void *p)
{
	const u8 *b = p;
	u32 off_struct, off_strings;

	if (!b || ((u64)b & 7) || be32(b) != FDT_MAGIC)
		return -1;
	if (be32(b + 20) < 17)	/* version: size_dt_struct needs v17 */
		return -1;
	off_struct = be32(b + 8);
	off_strings = be32(b + 12);
	struct_size = be32(b + 36);
	strings_size = be32(b + 32);
	if (off_struct + struct_size > be32(b + 4) ||
	    off_strings + strings_size > be32(b + 4))
		return -1;
	blob = b;
	dt_struct = b + off_struct;
	dt_strings = (const char *)b + off_strings;
	if (token_at(FDT_ROOT) != FDT_BEGIN_NODE) {
		blob = NULL;
		return -1;
	}
	return 0;
}

/*
 * Next node in document order after @node. @depth, if given, is
 * adjusted by the nesting change; returns -1 at the end of the tree.
 */
int fdt_next_node(int node, int *depth)
{
	int off = token_next(node);
	int d = 0;

	while (off >= 0) {
		switch (token_at(off)) {
		case FDT_BEGIN_NODE:
			d++;
			if (depth)
				*depth += d;
			return off;
		case FDT_END_NODE:
			d--;
			break;
		case FDT_END:
			return -1;
		}
		off = token_next(off);
	}
	return -1;
}

int fdt_first_child(int node)
{
	int depth = 0;
	int child = fdt_next_node(node, &depth);

	return (child >= 0 && depth == 1) ? child : -1;
}

int fdt_next_sibling(int node)
{
	int depth = 0;
	int next = node;

	do {
		next = fdt_next_node(next, &depth);
	} while (next >= 0 && depth > 0);
	return (next >= 0 && depth == 0) ? next : -1;
}

int fdt_parent(int node)
{
	int stack[FDT_MAX_DEPTH];
	int depth = 0, off = FDT_ROOT;

	stack[0] = FDT_ROOT;
	while (off >= 0 && off != node) {
		off = fdt_next_node(off, &depth);
		if (depth < 0 || depth >= FDT_MAX_DEPTH)
			return -1;
		stack[depth] = off;
	}
	return (off == node && depth > 0) ? stack[depth - 1] : -1;
}

const char *fdt_node_name(int node)
{
	if (token_at(node) != FDT_BEGIN_NODE)
		return NULL;
	return (const char *)dt_struct + node + 4;
}

const void *fdt_getprop(int node, const char *name, int *lenp)
{
	int off;

	if (token_at(node) != FDT_BEGIN_NODE)
		return NULL;
	for (off = token_next(node); off >= 0; off = token_next(off)) {
		u32 tok = token_at(off);
		u32 len, nameoff;

		if (tok == FDT_NOP)
			continue;
		if (tok != FDT_PROP)
			break;
		len = be32(dt_struct + off + 4);
		nameoff = be32(dt_struct + off + 8);
		if (nameoff < strings_size &&
		    !strcmp(dt_strings + nameoff, name)) {
			if (lenp)
				*lenp = len;
			return dt_struct + off + 12;
		}
	}
	return NULL;
}

bool fdt_getprop_u32(int node, const char *name, u32 *val)
{
	int len;
	const void *p = fdt_getprop(node, name, &len);

	if (!p || len < 4)
		return false;
	*val = be32(p);
	return true;
}

const char *fdt_getprop_str(int node, const char *name)
{
	int len;
	const char *p = fdt_getprop(node, name, &len);

	if (!p || len < 1 || p[len - 1] != '\0')
		return NULL;
	return p;
}

/* "compatible" is a list of NUL-terminated strings. */
bool fdt_is_compatible(int node, const char *compat)
{
	int len, pos = 0;
	const char *p = fdt_getprop(node, "compatible", &len);

	while (p && pos < len) {
		if (!strcmp(p + pos, compat))
			return true;
		pos += strlen(p + pos) + 1;
	}
	return false;
}

/* First node after @from (use -1 to start at the root) with @compat. */
int fdt_find_compatible(int from, const char *compat)
{
	int node = from < 0 ? FDT_ROOT : fdt_next_node(from, NULL);

	for (; node >= 0; node = fdt_next_node(node, NULL))
		if (fdt_is_compatible(node, compat))
			return node;
	return -1;
}

/* Same, matching the device_type property (e.g. "memory"). */
int fdt_find_device_type(int from, const char *type)
{
	int node = from < 0 ? FDT_ROOT : fdt_next_node(from, NULL);
	const char *t;

	for (; node >= 0; node = fdt_next_node(node, NULL)) {
		t = fdt_getprop_str(node, "device_type");
		if (t && !strcmp(t, type))
			return node;
	}
	return -1;
}

int fdt_find_phandle(u32 phandle)
{
	int node;
	u32 v;

	for (node = FDT_ROOT; node >= 0; node = fdt_next_node(node, NULL)) {
		if (!fdt_getprop_u32(node, "phandle", &v) &&
		    !fdt_getprop_u32(node, "linux,phandle", &v))
			continue;
		if (v == phandle)
			return node;
	}
	return -1;
}

/* A path component matches "name@unit" exactly, or "name" alone. */
static bool name_matches(const char *name, const char *comp, int len)
{
	if (strncmp(name, comp, len))
		return false;
	if (name[len] == '\0')
		return true;
	return name[len] == '@' && !memchr(comp, '@', len);
}

int fdt_path(const char *path)
{
	int node = FDT_ROOT;

	if (*path != '/')
		return -1;
	while (node >= 0 && *path) {
		const char *comp;
		int len;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		comp = path;
		while (*path && *path != '/')
			path++;
		len = path - comp;
		for (node = fdt_first_child(node); node >= 0;
		     node = fdt_next_sibling(node))
			if (name_matches(fdt_node_name(node), comp, len))
				break;
	}
	return node;
}

static int cells_of(int node, const char *name, int dflt)
{
	u32 v;

	if (node >= 0 && fdt_getprop_u32(node, name, &v))
		return v;
	return dflt;
}

/* Cell counts that apply to @node's own reg, i.e. its parent's. */
int fdt_address_cells(int node)
{
	return cells_of(fdt_parent(node), "#address-cells", 2);
}

int fdt_size_cells(int node)
{
	return cells_of(fdt_parent(node), "#size-cells", 1);
}

int fdt_reg_count(int node)
{
	int len, entry;

	if (!fdt_getprop(node, "reg", &len))
		return 0;
	entry = 4 * (fdt_address_cells(node) + fdt_size_cells(node));
	return entry ? len / entry : 0;
}

/*
 * Addresses are used untranslated: the nodes the runtime reads sit on
 * the root bus or on buses with identity "ranges", as on kvmtool, lkvm
 * and QEMU virt.
 */
bool fdt_read_reg(int node, int index, u64 *addr, u64 *size)
{
	int ac = fdt_address_cells(node), sc = fdt_size_cells(node);
	int len;
	const u8 *p = fdt_getprop(node, "reg", &len);

	if (!p || ac < 1 || ac > 2 || sc > 2 || index < 0 ||
	    (index + 1) * 4 * (ac + sc) > len)
		return false;
	p += index * 4 * (ac + sc);
	if (addr)
		*addr = be_cells(p, ac);
	if (size)
		*size = be_cells(p + 4 * ac, sc);
	return true;
}

/* The interrupt-parent in force for @node: its own or an ancestor's. */
int fdt_irq_parent(int node)
{
	u32 ph;

	while (node >= 0) {
		if (fdt_getprop_u32(node, "interrupt-parent", &ph))
			return fdt_find_phandle(ph);
		node = fdt_parent(node);
	}
	return -1;
}

static int irq_cells(int node)
{
	return cells_of(fdt_irq_parent(node), "#interrupt-cells", 3);
}

int fdt_irq_count(int node)
{
	int len, cells = irq_cells(node);

	if (!fdt_getprop(node, "interrupts", &len) || cells < 2)
		return 0;
	return len / (4 * cells);
}

/* Decode entry @index of "interrupts" per the arm,gic binding. */
bool fdt_read_irq(int node, int index, struct fdt_irq *irq)
{
	int len, cells = irq_cells(node);
	const u8 *p = fdt_getprop(node, "interrupts", &len);

	if (!p || cells < 3 || index < 0 || (index + 1) * 4 * cells > len)
		return false;
	p += index * 4 * cells;
	irq->type = be32(p);
	irq->num = be32(p + 4);
	irq->flags = be32(p + 8);
	irq->intid = irq->num + (irq->type == 1 ? 16 : 32);
	return irq->type <= 1;
}
