// SPDX-License-Identifier: GPL-2.0
/*
 * Identity map, 4K granule, 39-bit VA: DT memory is Normal write-back
 * (so exclusives and caches behave), everything else is Device-nGnRnE
 * and never executable. 1 GiB blocks, split into 2 MiB blocks where a
 * gigabyte is only partly RAM; RAM edges are rounded inwards to 2 MiB.
 *
 * Built once by the boot CPU with the MMU off; never changed after, so
 * secondaries can walk it from their first instruction with the MMU on.
 */
#include "fdt.h"
#include "layout.h"
#include "printf.h"
#include "runtime.h"
#include "string.h"

#define PTRS			512
#define L2_TABLES		8
#define VA_LIMIT		(1UL << (64 - TCR_T0SZ))

#define PTE_TYPE_BLOCK		1UL
#define PTE_TYPE_TABLE		3UL
#define PTE_ATTRINDX(i)		((u64)(i) << 2)
#define PTE_SH_INNER		(3UL << 8)
#define PTE_AF			BIT(10)
#define PTE_PXN			BIT(53)
#define PTE_UXN			BIT(54)

#define PTE_DEVICE		(PTE_TYPE_BLOCK | PTE_AF | PTE_PXN | PTE_UXN | \
				 PTE_ATTRINDX(MT_DEVICE_nGnRnE))
#define PTE_NORMAL		(PTE_TYPE_BLOCK | PTE_AF | PTE_SH_INNER | \
				 PTE_ATTRINDX(MT_NORMAL))

#define MAX_RAM			16

u64 idmap_l1[PTRS] __aligned(SZ_4K);
static u64 idmap_l2[L2_TABLES][PTRS] __aligned(SZ_4K);
static int l2_used;

static struct {
	u64 start;
	u64 end;
} ram[MAX_RAM];
static int ram_count;

static void ram_add(u64 base, u64 size)
{
	u64 start = ALIGN_UP(base, SZ_2M);
	u64 end = ALIGN_DOWN(base + size, SZ_2M);

	if (end > VA_LIMIT)
		end = VA_LIMIT;
	if (start >= end || ram_count == MAX_RAM)
		return;
	ram[ram_count].start = start;
	ram[ram_count].end = end;
	ram_count++;
}

static void ram_scan(void)
{
	int node, i;
	u64 base, size;

	for (node = fdt_find_device_type(-1, "memory"); node >= 0;
	     node = fdt_find_device_type(node, "memory"))
		for (i = 0; fdt_read_reg(node, i, &base, &size); i++)
			ram_add(base, size);
}

/* How much of [addr, addr + size) is RAM: 0 none, 1 part, 2 all. */
static int ram_overlap(u64 addr, u64 size)
{
	u64 covered = 0;
	int i;

	for (i = 0; i < ram_count; i++) {
		u64 s = MAX(addr, ram[i].start);
		u64 e = MIN(addr + size, ram[i].end);

		if (s < e)
			covered += e - s;
	}
	return covered == 0 ? 0 : covered == size ? 2 : 1;
}

bool mmu_is_normal(u64 addr, u64 size)
{
	u64 a = ALIGN_DOWN(addr, SZ_2M);

	return ram_overlap(a, ALIGN_UP(addr + size, SZ_2M) - a) == 2;
}

static u64 block_pte(u64 addr, u64 size)
{
	return addr | (ram_overlap(addr, size) ? PTE_NORMAL : PTE_DEVICE);
}

static int map_gigabyte(int idx)
{
	u64 base = (u64)idx * SZ_1G;
	u64 *l2;
	int i;

	if (ram_overlap(base, SZ_1G) != 1) {
		idmap_l1[idx] = block_pte(base, SZ_1G);
		return 0;
	}
	if (l2_used == L2_TABLES)
		return -1;
	l2 = idmap_l2[l2_used++];
	for (i = 0; i < PTRS; i++)
		l2[i] = block_pte(base + i * SZ_2M, SZ_2M);
	idmap_l1[idx] = (u64)l2 | PTE_TYPE_TABLE;
	return 0;
}

/*
 * Returns 0, or -1 when the DT's memory cannot be described (the caller
 * reports it; the MMU stays off).
 */
int mmu_init(void)
{
	int i;

	ram_scan();
	if (!ram_count)
		return -1;
	for (i = 0; i < PTRS; i++)
		if (map_gigabyte(i))
			return -1;
	if (!mmu_is_normal((u64)_text, _end - _text) ||
	    !mmu_is_normal((u64)fdt_blob(), fdt_total_size()))
		return -1;
	mmu_enable_boot();
	return 0;
}
