/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_ITS_H
#define GUEST_ITS_H

#include "types.h"

/*
 * A small GICv3 ITS driver (IHI 0069, chapters 5 and 12): LPIs on every
 * online CPU's redistributor, the ITS's device and collection tables,
 * its command queue. One ITS, flat tables, memory from the image's
 * .bss, as much as a test needs: see guest-tests/lib/its.c.
 */
#define GITS_CTLR		0x0000
#define GITS_IIDR		0x0004
#define GITS_TYPER		0x0008
#define GITS_CBASER		0x0080
#define GITS_CWRITER		0x0088
#define GITS_CREADR		0x0090
#define GITS_BASER(n)		(0x0100 + 8 * (n))
#define GITS_PIDR2		0xffe8
#define GITS_TRANSLATER		0x10040	/* in the translation frame */
#define GITS_FRAME_SIZE		0x20000	/* control + translation frames */

#define GITS_CTLR_ENABLED	BIT(0)
#define GITS_CTLR_QUIESCENT	BIT(31)
#define GITS_CREADR_STALLED	BIT(0)
#define GITS_CWRITER_RETRY	BIT(0)
#define GITS_TYPER_PHYSICAL	BIT(0)
#define GITS_TYPER_ITT_SIZE(t)	((((t) >> 4) & 0xf) + 1)
#define GITS_TYPER_IDBITS(t)	((((t) >> 8) & 0x1f) + 1)
#define GITS_TYPER_DEVBITS(t)	((((t) >> 13) & 0x1f) + 1)
#define GITS_TYPER_PTA		BIT(19)
#define GITS_TYPER_HCC(t)	(((t) >> 24) & 0xff)
#define GITS_TYPER_CIL		BIT(36)
#define GITS_BASER_VALID	BIT(63)
#define GITS_BASER_INDIRECT	BIT(62)
#define GITS_BASER_TYPE(b)	(((b) >> 56) & 7)
#define GITS_BASER_ESIZE(b)	((((b) >> 48) & 0x1f) + 1)
#define GITS_BASER_PSZ(b)	(((b) >> 8) & 3)	/* 0 4K, 1 16K, 2 64K */
#define GITS_BASER_TYPE_DEVICE	1
#define GITS_BASER_TYPE_COLL	4

#define GICD_TYPER_LPIS		BIT(17)
#define GICR_CTLR_ENABLE_LPIS	BIT(0)
#define GICR_TYPER_PLPIS	BIT(0)
#define GICR_PROPBASER		0x0070
#define GICR_PENDBASER		0x0078

/* Commands (IHI 0069 5.3) */
#define GITS_CMD_MOVI		0x01
#define GITS_CMD_INT		0x03
#define GITS_CMD_CLEAR		0x04
#define GITS_CMD_SYNC		0x05
#define GITS_CMD_MAPD		0x08
#define GITS_CMD_MAPC		0x09
#define GITS_CMD_MAPTI		0x0a
#define GITS_CMD_INV		0x0c
#define GITS_CMD_INVALL		0x0d
#define GITS_CMD_DISCARD	0x0f

#define LPI_FIRST		8192
#define ITS_LPI_IDBITS		14	/* INTIDs below 16384: 8192 LPIs */
#define ITS_NR_LPIS		((1U << ITS_LPI_IDBITS) - LPI_FIRST)
#define ITS_MAX_CPUS		8	/* pending tables in the image */
#define ITS_CMDQ_SIZE		SZ_4K	/* 128 commands: tests wrap it */
#define ITS_LPI_ENABLED		BIT(0)	/* property byte */

/* The "arm,gic-v3-its" node, -1 if none. */
int its_find_node(void);
/*
 * Found by its_find_node() at @base: the ITS's tables and command queue
 * set up, the ITS enabled; then LPIs on each online CPU (one pending
 * table per CPU, all LPIs disabled in the property table). 0, or -1
 * with a message.
 */
int its_init(u64 base);
u64 its_base(void);
u64 its_typer(void);
/* LPIs of every online CPU's redistributor; before its_init(). */
int its_lpis_enable(void);

/*
 * A collection's target in MAPC and SYNC for @cpu: its redistributor's
 * physical address with GITS_TYPER.PTA, else its processor number.
 */
u64 its_rdbase(int cpu);

/*
 * Queue one command and wait (bounded) until GITS_CREADR passes it: 0,
 * or -1 when the ITS stalled or did not move. The raw form takes the
 * four doublewords as they go to memory.
 */
int its_cmd_raw(u64 dw0, u64 dw1, u64 dw2, u64 dw3);
int its_mapd(u32 devid, u64 itt, u32 event_bits, bool valid);
int its_mapc(u32 icid, u64 rdbase, bool valid);
int its_mapti(u32 devid, u32 event, u32 lpi, u32 icid);
int its_movi(u32 devid, u32 event, u32 icid);
int its_int(u32 devid, u32 event);
int its_discard(u32 devid, u32 event);
int its_inv(u32 devid, u32 event);
int its_invall(u32 icid);
int its_sync(u64 rdbase);
/* An ITT for a device of @event_bits, 256-byte aligned, never freed. */
u64 its_itt_alloc(u32 event_bits);
/* Offset of the next command slot (GITS_CWRITER as the driver has it). */
u64 its_cwriter(void);

/* The LPI's byte in the property table; the ITS reads it on INV/INVALL. */
void its_lpi_config(u32 lpi, u8 prio, bool enabled);

#endif
