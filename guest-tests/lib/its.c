// SPDX-License-Identifier: GPL-2.0
/*
 * GICv3 ITS driver for test guests, the steps a kernel driver takes:
 * the LPI property table (GICR_PROPBASER, the same on every
 * redistributor) and one pending table per CPU (GICR_PENDBASER), then
 * GICR_CTLR.EnableLPIs; the ITS's device and collection tables where
 * GITS_BASERn says it wants them, the command queue (GITS_CBASER),
 * GITS_CTLR.Enabled. Tables are flat, one 64 KiB page each, in .bss:
 * the ITS may use its tables as it likes, so they are nobody else's
 * memory, and 64 KiB aligned (the largest page size an ITS may force,
 * and PENDBASER's alignment).
 */
#include "fdt.h"
#include "gic.h"
#include "gic-v3.h"
#include "io.h"
#include "its.h"
#include "printf.h"
#include "smp.h"
#include "string.h"
#include "timer.h"

#define CMD_TIMEOUT_US	(1000 * 1000)
#define ITT_POOL	(SZ_64K - SZ_4K * 3)	/* after cmdq + prop */

/* Inner-shareable, write-back read/write-allocate: how the CPU maps RAM. */
#define ATTR_INNER_WB	(7UL << 59)	/* BASER, CBASER InnerCache */
#define ATTR_SH_INNER	(1UL << 10)
#define RD_INNER_WB	(7UL << 7)	/* PROPBASER, PENDBASER InnerCache */
#define PENDBASER_PTZ	BIT(62)
#define BASER_PSZ_64K	(2UL << 8)

/*
 * [0, 64K) device table, [64K, 128K) collection table, [128K, 192K)
 * the command queue, the property table (8 KiB at +4K) and the ITTs;
 * then a pending table per CPU, each 64 KiB aligned.
 */
static u8 mem[(3 + ITS_MAX_CPUS) * SZ_64K] __aligned(SZ_64K);

#define DEV_TABLE	(mem)
#define COLL_TABLE	(mem + SZ_64K)
#define CMDQ		(mem + 2 * SZ_64K)
#define PROP_TABLE	(mem + 2 * SZ_64K + SZ_4K)
#define ITT_BASE	(mem + 2 * SZ_64K + SZ_4K * 3)
#define PEND_TABLE(c)	(mem + (3 + (c)) * SZ_64K)

static u64 its;
static u64 typer;
static u64 cwriter;
static u64 itt_used;

int its_find_node(void)
{
	int gic = gic_node(), node;

	for (node = fdt_find_compatible(0, "arm,gic-v3-its"); node >= 0;
	     node = fdt_find_compatible(node, "arm,gic-v3-its"))
		if (gic < 0 || fdt_parent(node) == gic)
			return node;
	return -1;
}

u64 its_base(void)
{
	return its;
}

u64 its_typer(void)
{
	return typer;
}

static u64 va(const void *p)
{
	return (u64)(unsigned long)p;	/* identity mapped */
}

int its_lpis_enable(void)
{
	u64 prop = va(PROP_TABLE) | RD_INNER_WB | ATTR_SH_INNER |
		   (ITS_LPI_IDBITS - 1);
	int cpu, n = nr_cpus_online();

	if (n > ITS_MAX_CPUS) {
		pr_info("ITS: %d CPUs, pending tables for %d", n, ITS_MAX_CPUS);
		return -1;
	}
	/* All LPIs disabled until a test says otherwise. */
	memset(PROP_TABLE, 0, ITS_NR_LPIS);
	dsb(ishst);
	for (cpu = 0; cpu < n; cpu++) {
		u64 rd = gicv3_rdist_base(cpu);

		if (!rd)
			return -1;
		writeq(prop, rd + GICR_PROPBASER);
		/* PTZ: the table is zero (.bss), no LPI starts pending. */
		writeq(va(PEND_TABLE(cpu)) | RD_INNER_WB | ATTR_SH_INNER |
		       PENDBASER_PTZ, rd + GICR_PENDBASER);
		dsb(sy);
		writel(readl(rd + GICR_CTLR) | GICR_CTLR_ENABLE_LPIS,
		       rd + GICR_CTLR);
		if (!(readl(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS)) {
			pr_info("ITS: cpu%d: GICR_CTLR.EnableLPIs does not stick",
				cpu);
			return -1;
		}
	}
	return 0;
}

/* Each BASER the ITS implements: a flat table of one 64 KiB page. */
static int setup_tables(void)
{
	int n, found = 0;

	for (n = 0; n < 8; n++) {
		u64 b = readq(its + GITS_BASER(n)), t = GITS_BASER_TYPE(b), v;
		u8 *table;

		if (t == GITS_BASER_TYPE_DEVICE)
			table = DEV_TABLE;
		else if (t == GITS_BASER_TYPE_COLL)
			table = COLL_TABLE;
		else
			continue;
		/* Type and entry size are the ITS's (read-only); keep them. */
		v = (b & (GENMASK(58, 56) | GENMASK(52, 48))) | GITS_BASER_VALID |
		    ATTR_INNER_WB | va(table) | ATTR_SH_INNER | BASER_PSZ_64K;
		writeq(v, its + GITS_BASER(n));
		b = readq(its + GITS_BASER(n));
		if (!(b & GITS_BASER_VALID) || GITS_BASER_PSZ(b) != 2 ||
		    (b & GENMASK(47, 16)) != va(table)) {
			pr_info("ITS: GITS_BASER%d %#lx after writing %#lx", n, b, v);
			return -1;
		}
		found |= t == GITS_BASER_TYPE_DEVICE ? 1 : 2;
	}
	if (found != 3)
		pr_info("ITS: no %s table in GITS_BASER0-7",
			found & 1 ? "collection" : "device");
	return found == 3 ? 0 : -1;
}

int its_init(u64 base)
{
	u64 cb;

	its = base;
	typer = readq(its + GITS_TYPER);
	if (readl(its + GITS_CTLR) & GITS_CTLR_ENABLED) {
		pr_info("ITS: enabled before the driver ran");
		return -1;
	}
	if (setup_tables())
		return -1;
	cb = GITS_BASER_VALID | ATTR_INNER_WB | va(CMDQ) | ATTR_SH_INNER |
	     (ITS_CMDQ_SIZE / SZ_4K - 1);
	writeq(cb, its + GITS_CBASER);
	if ((readq(its + GITS_CBASER) & GENMASK(51, 12)) != va(CMDQ)) {
		pr_info("ITS: GITS_CBASER %#lx", readq(its + GITS_CBASER));
		return -1;
	}
	cwriter = 0;
	writeq(0, its + GITS_CWRITER);
	dsb(sy);
	writel(GITS_CTLR_ENABLED, its + GITS_CTLR);
	if (!(readl(its + GITS_CTLR) & GITS_CTLR_ENABLED)) {
		pr_info("ITS: GITS_CTLR.Enabled does not stick");
		return -1;
	}
	return 0;
}

u64 its_rdbase(int cpu)
{
	u64 rd = gicv3_rdist_base(cpu);

	if (typer & GITS_TYPER_PTA)
		return rd & GENMASK(51, 16);
	return GICR_TYPER_PROCNUM(readq(rd + GICR_TYPER)) << 16;
}

u64 its_cwriter(void)
{
	return cwriter;
}

int its_cmd_raw(u64 dw0, u64 dw1, u64 dw2, u64 dw3)
{
	u64 *slot = (u64 *)(CMDQ + cwriter), end, r;

	slot[0] = dw0;
	slot[1] = dw1;
	slot[2] = dw2;
	slot[3] = dw3;
	cwriter = (cwriter + 32) % ITS_CMDQ_SIZE;
	/* The command in memory before the ITS is told it is there. */
	dsb(sy);
	writeq(cwriter, its + GITS_CWRITER);
	end = timer_deadline_us(CMD_TIMEOUT_US);
	for (;;) {
		r = readq(its + GITS_CREADR);
		if (r & GITS_CREADR_STALLED)
			return -1;
		if ((r & GENMASK(19, 5)) == cwriter)
			return 0;
		if (timer_expired(end))
			return -1;
		cpu_relax();
	}
}

int its_mapd(u32 devid, u64 itt, u32 event_bits, bool valid)
{
	return its_cmd_raw(GITS_CMD_MAPD | (u64)devid << 32, event_bits - 1,
			   (itt & GENMASK(51, 8)) | (valid ? BIT(63) : 0), 0);
}

int its_mapc(u32 icid, u64 rdbase, bool valid)
{
	return its_cmd_raw(GITS_CMD_MAPC, 0, (icid & 0xffff) |
			   (rdbase & GENMASK(51, 16)) | (valid ? BIT(63) : 0), 0);
}

int its_mapti(u32 devid, u32 event, u32 lpi, u32 icid)
{
	return its_cmd_raw(GITS_CMD_MAPTI | (u64)devid << 32,
			   event | (u64)lpi << 32, icid & 0xffff, 0);
}

int its_movi(u32 devid, u32 event, u32 icid)
{
	return its_cmd_raw(GITS_CMD_MOVI | (u64)devid << 32, event,
			   icid & 0xffff, 0);
}

int its_int(u32 devid, u32 event)
{
	return its_cmd_raw(GITS_CMD_INT | (u64)devid << 32, event, 0, 0);
}

int its_discard(u32 devid, u32 event)
{
	return its_cmd_raw(GITS_CMD_DISCARD | (u64)devid << 32, event, 0, 0);
}

int its_inv(u32 devid, u32 event)
{
	return its_cmd_raw(GITS_CMD_INV | (u64)devid << 32, event, 0, 0);
}

int its_invall(u32 icid)
{
	return its_cmd_raw(GITS_CMD_INVALL, 0, icid & 0xffff, 0);
}

int its_sync(u64 rdbase)
{
	return its_cmd_raw(GITS_CMD_SYNC, 0, rdbase & GENMASK(51, 16), 0);
}

u64 its_itt_alloc(u32 event_bits)
{
	u64 esz = GITS_TYPER_ITT_SIZE(typer);
	u64 size = ALIGN_UP(esz << event_bits, 256), at = itt_used;

	if (at + size > ITT_POOL)
		return 0;
	itt_used += size;
	return va(ITT_BASE) + at;
}

void its_lpi_config(u32 lpi, u8 prio, bool enabled)
{
	if (lpi < LPI_FIRST || lpi >= LPI_FIRST + ITS_NR_LPIS)
		return;
	PROP_TABLE[lpi - LPI_FIRST] = (prio & 0xfc) | (enabled ? ITS_LPI_ENABLED : 0);
	/* The ITS reads the table from memory on INV/INVALL. */
	dsb(sy);
}
