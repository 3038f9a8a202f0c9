// SPDX-License-Identifier: GPL-2.0
/*
 * pci-hostile's view of the machine: RAM and the guest's own memory,
 * the GIC's frames, the bridge's ECAM and window from the DT; the
 * functions on bus 0 with their BARs and capabilities, and setting
 * them back as lkvm placed them.
 */
#include "guest.h"
#include "its.h"
#include "pci-hostile.h"

#define CANARY_SIZE	SZ_2M

/* The bridge's 32-bit memory window from "ranges": space code 0x02. */
static bool find_window(int node)
{
	int len, pc = fdt_address_cells(fdt_parent(node)), i, n;
	const u8 *r = fdt_getprop(node, "ranges", &len);
	int entry = 4 * (3 + pc + 2);

	if (!r)
		return false;
	n = len / entry;
	for (i = 0; i < n; i++, r += entry) {
		if (((be32(r) >> 24) & 3) != 2)
			continue;
		pm.win = be_cells(r + 12, pc);
		pm.win_size = be_cells(r + 12 + 4 * pc, 2);
		return true;
	}
	return false;
}

int ph_find_machine(void)
{
	int node = fdt_find_device_type(-1, "memory"), i;
	u64 base, size, dtb = (u64)fdt_blob();

	if (node < 0 || !fdt_read_reg(node, 0, &base, &size))
		return -1;
	pm.ram_base = base;
	pm.ram_end = base + size;
	pm.own[0][0] = ALIGN_DOWN((u64)_text, SZ_4K);
	pm.own[0][1] = ALIGN_UP((u64)_end, SZ_4K);
	pm.own[1][0] = ALIGN_DOWN(dtb, SZ_4K);
	pm.own[1][1] = ALIGN_UP(dtb + fdt_total_size(), SZ_4K);
	pm.scratch = ALIGN_UP((u64)_end, SZ_2M);
	pm.canary = pm.scratch + SZ_2M;
	pm.canary_size = CANARY_SIZE;
	if (pm.canary + CANARY_SIZE > pm.own[1][0] && pm.scratch < pm.own[1][1])
		return -1;
	if (pm.canary + CANARY_SIZE > pm.ram_end ||
	    !mmu_is_normal(pm.scratch, SZ_2M + CANARY_SIZE))
		return -1;
	for (i = 0; i < 3 && fdt_read_reg(gic_node(), i, &base, &size); i++)
		pm.gic[pm.nr_gic++] = base;
	node = fdt_find_compatible(0, "pci-host-ecam-generic");
	if (node < 0 || !fdt_read_reg(node, 0, &pm.ecam, &pm.ecam_size) ||
	    !find_window(node))
		return -2;
	node = its_find_node();
	if (node >= 0 && fdt_read_reg(node, 0, &base, &size))
		pm.its = pm.gic[pm.nr_gic++] = base;
	node = fdt_find_compatible(0, "arm,gic-v2m-frame");
	if (node >= 0 && fdt_read_reg(node, 0, &base, &size))
		pm.v2m = pm.gic[pm.nr_gic++] = base;
	return 0;
}

static bool own(u64 a)
{
	int i;

	for (i = 0; i < 2; i++)
		if (a < pm.own[i][1] && a + SZ_4K > pm.own[i][0])
			return true;
	return a >= pm.scratch && a < pm.canary + pm.canary_size;
}

/*
 * Every page of RAM touched once, so that lkvm's memory is all there
 * before the abuse and whatever it grows by afterwards is its own.
 */
void ph_touch_ram(void)
{
	u64 a;

	for (a = ALIGN_UP(pm.ram_base, SZ_2M); a < ALIGN_DOWN(pm.ram_end, SZ_2M);
	     a += SZ_4K)
		if (!own(a))
			*(volatile u64 *)a = 0;
}

/* ---- enumeration ---- */

static void probe_bars(struct pfn *f)
{
	u32 b, v, mask;

	for (b = 0; b < PH_NR_BARS; b++) {
		u64 reg = f->cfg + CFG_BAR0 + 4 * b;

		v = readl(reg);
		writel(~0U, reg);
		mask = readl(reg) & ~0xfU;
		writel(v, reg);
		f->bar[b] = v & ~0xfU;
		f->bar_size[b] = mask ? ~mask + 1 : 0;
	}
}

static void probe_vcap(struct pfn *f, u64 cap)
{
	u8 type = readb(cap + 3);
	u32 off = readl(cap + 8);

	f->vbar = readb(cap + 4);
	if (type == VPCI_CAP_COMMON)
		f->common = off;
	else if (type == VPCI_CAP_NOTIFY)
		f->notify = off;
	else if (type == VPCI_CAP_ISR)
		f->isr = off;
	else if (type == VPCI_CAP_DEVICE)
		f->devcfg = off;
}

static void probe_caps(struct pfn *f)
{
	u8 at = readb(f->cfg + CFG_CAP_PTR) & ~3;
	int n;

	for (n = 0; at >= 0x40 && n < 48; n++) {
		u64 cap = f->cfg + at;
		u8 id = readb(cap);

		if (id == CAP_ID_VNDR) {
			probe_vcap(f, cap);
		} else if (id == CAP_ID_MSIX) {
			u32 t = readl(cap + 4), p = readl(cap + 8);

			f->msix = at;
			f->msix_nr = (readw(cap + MSIX_CTRL) & 0x7ff) + 1;
			f->msix_bar = t & 7;
			f->table_off = t & ~7U;
			f->pba_off = p & ~7U;
		}
		at = readb(cap + 1) & ~3;
	}
}

int ph_enumerate(void)
{
	int slot;

	for (slot = 0; slot < 32 && pm.nr_fn < PH_MAX_FNS; slot++) {
		u64 cfg = pm.ecam + ((u64)slot << 15);
		u32 id = readl(cfg + CFG_VENDOR);
		struct pfn *f = &pm.fn[pm.nr_fn];

		if ((id & 0xffff) == 0xffff)
			continue;
		f->slot = slot;
		f->cfg = cfg;
		f->vendor = id;
		f->device = id >> 16;
		f->zone = pm.scratch + pm.nr_fn * PH_ZONE_SIZE;
		probe_bars(f);
		probe_caps(f);
		/* bar_write()'s guard knows the common config at BAR offset 0. */
		if (f->vendor == VPCI_VENDOR && f->common)
			return -1;
		ph_zone_init(f);
		pr_info("slot %d: %04x:%04x, BAR1 %#x (%#x), BAR2 %#x (%#x), MSI-X %u vectors in BAR %u",
			slot, f->vendor, f->device, f->bar[1], f->bar_size[1],
			f->bar[2], f->bar_size[2], f->msix_nr, f->msix_bar);
		pm.nr_fn++;
	}
	return pm.nr_fn;
}

/* Every function as lkvm placed it: BARs, memory and bus master on, MSI-X off. */
void ph_restore_functions(void)
{
	int i, b;

	for (i = 0; i < pm.nr_fn; i++) {
		struct pfn *f = &pm.fn[i];

		writew(0, f->cfg + CFG_COMMAND);
		for (b = 0; b < PH_NR_BARS; b++)
			writel(f->bar[b], f->cfg + CFG_BAR0 + 4 * b);
		if (f->msix)
			writew(0, f->cfg + f->msix + MSIX_CTRL);
		writew(CMD_MEMORY | CMD_MASTER, f->cfg + CFG_COMMAND);
	}
}
