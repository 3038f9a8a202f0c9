/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_TESTS_PCI_HOSTILE_H
#define GUEST_TESTS_PCI_HOSTILE_H

/*
 * pci-hostile, shared between its files: pci-hostile.c (the machine as
 * the DT gives it, enumeration, the run, the sanity rounds, the
 * report), pci-hostile-ops.c (the operations) and pci-hostile-rng.c (a
 * well-behaved virtio-pci driver for the last check).
 */
#include "pci-regs.h"
#include "rand.h"
#include "types.h"

#define PH_MAX_FNS		8
#define PH_NR_BARS		6
#define PH_ZONE_SIZE		SZ_64K	/* rings and buffers, a device's */

/* MSI-X's capability and table (PCI Local Bus 3.0, 6.8.2). */
#define MSIX_CTRL		2
#define  MSIX_CTRL_MASKALL	0x4000
#define  MSIX_CTRL_ENABLE	0x8000
#define MSIX_ENTRY		16
#define MSIX_VEC_MASKED		1

/* A function found at enumeration. */
struct pfn {
	int slot;
	u64 cfg;			/* its 4 KiB of ECAM */
	u16 vendor, device;
	u32 bar[PH_NR_BARS];		/* where lkvm placed each BAR */
	u32 bar_size[PH_NR_BARS];	/* 0: none */
	u8 msix;			/* the capability, 0: none */
	u32 msix_nr, msix_bar, table_off, pba_off;
	/* BAR and offset of the virtio regions, from the vendor caps. */
	u32 vbar;
	u32 common, notify, isr, devcfg;
	u64 zone;			/* its rings and buffers in scratch */
	u64 itt;			/* its ITS device's table, 64 events */
};

/* The machine, from the DT. */
struct pmach {
	u64 ecam, ecam_size, win, win_size;
	u64 ram_base, ram_end;
	u64 own[2][2];			/* image and DTB, [start, end) */
	u64 canary, canary_size;	/* RAM that BARs are put over */
	u64 scratch;			/* the devices' zones */
	u64 gic[4];			/* distributor, redistributors or CPU if, ... */
	int nr_gic;
	u64 its, v2m;			/* 0: none */
	u32 v2m_first, v2m_nr;		/* the frame's SPIs (INTIDs) */
	struct pfn fn[PH_MAX_FNS];
	int nr_fn;
};
extern struct pmach pm;

u64 rand_val(void);
/* Anywhere: RAM, the GIC's frames, ECAM, the window, 0, near 2^32. */
u64 rand_addr(void);

/* Where a BAR of pfn decodes now, or 0 when not wholly inside the window. */
u64 bar_live(const struct pfn *f, u32 bar);
/* Accesses of width 1, 2, 4 or 8 at an address aligned to it. */
u64 mmio_read(u64 addr, int width);
void mmio_write(u64 addr, int width, u64 val);
/* A write to a BAR, guarded (pci-hostile-ops.c). */
void bar_write(u64 addr, int width, u64 val);
static inline int rand_width(void)
{
	return 1 << rnd_below(4);
}

/* pci-hostile-probe.c */
/* 0; -1: no room in RAM for the zones and the canary; -2: no bridge. */
int ph_find_machine(void);
/*
 * The functions of bus 0, into pm.fn: how many; -1 for a virtio one
 * whose common config is not at the start of its BAR.
 */
int ph_enumerate(void);
/* Every page of RAM but the guest's own and its zones touched once. */
void ph_touch_ram(void);
/* Every function as lkvm placed it: BARs, memory and bus master on, MSI-X off. */
void ph_restore_functions(void);

/* pci-hostile-ops.c */
enum ph_op {
	OP_CFG, OP_HEADER, OP_BAR, OP_MSIX_CTRL, OP_MSIX_TABLE, OP_VIRTIO,
	OP_RING, OP_KICK, OP_ITS, OP_V2M, NR_PH_OPS,
};
extern const char *const ph_op_names[NR_PH_OPS];
extern u32 ph_op_count[NR_PH_OPS];
extern u32 ph_its_stuck;	/* ITS commands CREADR never passed */
int ph_run_op(void);		/* returns the op */
/* The zones' descriptors: each a buffer of the zone, never indirect. */
void ph_zone_init(const struct pfn *f);

/* MSIs the guest took (the frame's SPIs, the ITS's LPIs), and the last INTID. */
extern volatile u32 ph_msi_irqs, ph_msi_last;
#define PH_ITS_LPIS		64	/* LPIs from 8192, enabled */
#define PH_ITS_PRIO		0xa0

/*
 * pci-hostile-rng.c: a proper driver for the virtio-rng at f, its
 * queue's vector an MSI-X message to the frame where there is one:
 * NULL when it gave random bytes (and the message came), else what
 * went wrong.
 */
const char *ph_rng_check(struct pfn *f, u32 *msis, u32 *bytes);
/*
 * Reset, the handshake with VERSION_1 alone, queue 0 of num entries on
 * the rings given with the MSI-X vector given, DRIVER_OK: NULL, or the
 * step the device did not take.
 */
const char *ph_virtio_start(u64 cc, u16 vector, u16 num, u64 desc, u64 avail,
			    u64 used);

#endif
