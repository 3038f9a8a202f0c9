// SPDX-License-Identifier: GPL-2.0
/*
 * pci-hostile's operations: one hostile thing at a time, to config
 * space, a BAR, the MSI-X capability and table, the virtio-pci
 * registers and rings, the ITS's command queue or the v2m frame.
 */
#include "guest.h"
#include "its.h"
#include "virtio.h"
#include "pci-hostile.h"

/* A zone: descriptors, avail ring, used ring, buffers. */
#define Z_DESC		0x0000
#define Z_AVAIL		0x2000
#define Z_USED		0x4000
#define Z_BUF		0x8000
#define Z_NUM		256	/* lkvm's QueueNumMax, and the zone's room */
#define Z_BUF_LEN	64

const char *const ph_op_names[NR_PH_OPS] = {
	"cfg", "header", "bar", "msix-ctrl", "msix-table", "virtio", "ring",
	"kick", "its", "v2m",
};
u32 ph_op_count[NR_PH_OPS];
u32 ph_its_stuck;

static struct pfn *rand_fn(void)
{
	return &pm.fn[rnd_below(pm.nr_fn)];
}

/* ---- config space ---- */

/* An ECAM offset: mostly an existing function, else anything the window holds. */
static u64 rand_ecam(int width)
{
	u64 off;

	switch (rnd_below(10)) {
	case 0:	/* a slot with nothing */
		off = (u64)rnd_below(32) << 15;
		break;
	case 1:	/* functions 1-7 */
		off = (rand_fn()->cfg - pm.ecam) | (1 + rnd_below(7)) << 12;
		break;
	case 2:	/* another bus */
		off = rnd() % pm.ecam_size;
		break;
	default:
		off = rand_fn()->cfg - pm.ecam;
	}
	off &= ~0xfffUL;
	switch (rnd_below(4)) {
	case 0:	off += rnd_below(0x1000); break;
	case 1:	off += 0x40 + rnd_below(0xc0); break;
	default: off += rnd_below(0x40);
	}
	return pm.ecam + (off & ~(u64)(width - 1));
}

static void op_cfg(void)
{
	int w = rand_width();
	u64 a = rand_ecam(w);

	if (rnd_pct(30))
		mmio_read(a, w);
	else
		mmio_write(a, w, rand_val());
}

/* The header's registers that matter, and the capabilities' bodies. */
static void op_header(void)
{
	struct pfn *f = rand_fn();
	static const u8 regs[] = {
		CFG_COMMAND, CFG_COMMAND + 1, 0x06, 0x08, 0x0c, 0x0d, 0x0e,
		0x0f, CFG_ROM, CFG_CAP_PTR, CFG_INT_LINE, 0x3d, 0x2c,
	};
	u32 reg = regs[rnd_below(ARRAY_SIZE(regs))];
	int w = rand_width();

	if (rnd_pct(25))
		reg = 0x40 + rnd_below(0xc0);		/* a capability */
	if (reg == CFG_COMMAND && rnd_pct(50)) {
		writew(rnd_below(8) & 7 ? rnd() : CMD_MEMORY | CMD_MASTER,
		       f->cfg + CFG_COMMAND);
		return;
	}
	mmio_write(f->cfg + reg, w, rand_val());
}

/* A BAR address to be put where it must not decode, or may. */
static u32 rand_bar_addr(const struct pfn *f, u32 bar)
{
	u32 size = f->bar_size[bar] ? f->bar_size[bar] : SZ_4K;
	const struct pfn *g = rand_fn();

	switch (rnd_below(12)) {
	case 0:	return pm.canary + ALIGN_DOWN(rnd() % pm.canary_size, size);
	case 1:	return pm.gic[rnd_below(pm.nr_gic)];
	case 2:	return pm.ecam + ((u64)rnd_below(32) << 15);
	case 3:	return g->bar[1 + rnd_below(2)];	/* another's, or its own */
	case 4:	return 0;
	case 5:	return pm.win + pm.win_size - size;	/* the top */
	case 6:	return pm.win + pm.win_size - size / 2;	/* across the end */
	case 7:	return ~0U;				/* sizing */
	case 8:	return pm.own[0][0];
	case 9:	return rnd();
	default: return f->bar[bar];			/* back home */
	}
}

static void op_bar(void)
{
	struct pfn *f = rand_fn();
	u32 bar = rnd_pct(70) ? 1 + rnd_below(2) : rnd_below(PH_NR_BARS);
	u64 reg = f->cfg + CFG_BAR0 + 4 * bar;

	switch (rnd_below(6)) {
	case 0:	/* a 64-bit BAR's halves, as if this one were */
		writeq(rand_addr(), reg & ~7UL);
		break;
	case 1:	/* the expansion ROM */
		writel(rnd_pct(50) ? ~0U : rand_addr() | 1, f->cfg + CFG_ROM);
		break;
	case 2:	/* part of the register */
		mmio_write(reg + rnd_below(4), rnd_pct(50) ? 1 : 2, rand_val());
		break;
	default:
		writel(rand_bar_addr(f, bar), reg);
	}
	if (rnd_pct(30))
		writew(rnd_pct(80) ? CMD_MEMORY | CMD_MASTER : 0, f->cfg + CFG_COMMAND);
}

/* ---- MSI-X ---- */

static struct pfn *rand_msix_fn(void)
{
	struct pfn *f = rand_fn();

	return f->msix ? f : NULL;
}

static void op_msix_ctrl(void)
{
	struct pfn *f = rand_msix_fn();
	static const u16 ctrl[] = {
		MSIX_CTRL_ENABLE, MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL,
		MSIX_CTRL_MASKALL, 0,
	};
	u64 cap;

	if (!f)
		return;
	cap = f->cfg + f->msix;
	switch (rnd_below(5)) {
	case 0:	writel(rnd(), cap); break;			/* ID, next, control */
	case 1:	writeb(rnd(), cap + MSIX_CTRL + 1); break;
	case 2:	mmio_write(cap + 4 + 4 * rnd_below(2), 4, rand_val()); break;
	default: writew(ctrl[rnd_below(4)] | (rnd_below(4) ? 0 : rnd()), cap + MSIX_CTRL);
	}
}

/* What an MSI-X entry's dwords get: doorbells, RAM, the GIC, junk. */
static u32 rand_entry_val(u32 dword)
{
	switch (dword) {
	case 0:
		return rnd_pct(40) ? (u32)(pm.its ? pm.its + GITS_TRANSLATER :
					   pm.v2m + 0x40) : (u32)rand_addr();
	case 1:
		return rnd_pct(80) ? 0 : (u32)rand_val();
	case 2:
		if (rnd_pct(40))
			return pm.its ? rnd_below(64) : pm.v2m_first + rnd_below(pm.v2m_nr + 2);
		return rand_val();
	}
	return rnd_pct(70) ? rnd_below(2) : rand_val();
}

static void op_msix_table(void)
{
	struct pfn *f = rand_msix_fn();
	u64 bar, a;
	u32 v, dw;

	if (!f || !(bar = bar_live(f, f->msix_bar)))
		return;
	if (rnd_pct(15)) {			/* the PBA, or past both */
		a = bar + f->pba_off + 8 * rnd_below(2);
		if (rnd_pct(30))
			a = bar + rnd_below(f->bar_size[f->msix_bar]);
		if (rnd_pct(50))
			mmio_read(a, rnd_pct(50) ? 4 : 8);
		else
			bar_write(a, rand_width(), rand_val());
		return;
	}
	v = rnd_below(f->msix_nr);
	dw = rnd_below(4);
	a = bar + f->table_off + MSIX_ENTRY * v + 4 * dw;
	if (rnd_pct(15))
		bar_write(a, rnd_pct(50) ? 1 : 2, rnd());	/* refused widths */
	else if (rnd_pct(20) && !(dw & 1))
		bar_write(a, 8, rand_entry_val(dw) | (u64)rand_entry_val(dw + 1) << 32);
	else
		bar_write(a, 4, rand_entry_val(dw));
}

/* ---- virtio-pci ---- */

void ph_zone_init(const struct pfn *f)
{
	u64 z = f->zone;
	u32 i;

	memset((void *)z, 0, PH_ZONE_SIZE);
	for (i = 0; i < Z_NUM; i++) {
		u64 *d = (u64 *)(z + Z_DESC + 16 * i);
		u16 flags = (rnd_pct(75) ? VRING_DESC_F_WRITE : 0) |
			    (rnd_pct(25) ? VRING_DESC_F_NEXT : 0);

		d[0] = z + Z_BUF + Z_BUF_LEN * i;
		d[1] = Z_BUF_LEN | (u64)flags << 32 | (u64)rnd_below(Z_NUM) << 48;
	}
}

/* A ring address for a queue: a zone's area of that kind, or not RAM. */
static u64 ring_addr(u32 field)
{
	u64 z = rand_fn()->zone;

	if (rnd_pct(60))
		return z + (field == CC_Q_DESC ? Z_DESC : field == CC_Q_DRIVER ?
			    Z_AVAIL : Z_USED);
	switch (rnd_below(5)) {
	case 0:	return 0;
	case 1:	return pm.gic[rnd_below(pm.nr_gic)];
	case 2:	return pm.win + (rnd() % pm.win_size);
	case 3:	return pm.ram_base - SZ_64K;
	default: return pm.ram_end + ALIGN_DOWN(rnd_below(SZ_1G), 16);
	}
}

/* Common config: any field at any width, the vectors and sizes mostly sane. */
static void virtio_common(struct pfn *f, u64 base)
{
	u32 off = rnd_below(CC_SIZE);
	int w = rand_width();
	u64 val = rand_val();

	if (rnd_pct(40))
		off = CC_STATUS + 2 * rnd_below(6);	/* status, queue fields */
	off &= ~(u32)(w - 1);
	if (off == CC_Q_MSIX || off == CC_MSIX_CONFIG)
		val = rnd_pct(70) ? rnd_below(f->msix_nr + 2) : 0xffff;
	else if (off == CC_Q_SIZE && rnd_pct(70))
		val = 1U << rnd_below(10);
	bar_write(base + off, w, val);
}

/*
 * Every write to a BAR goes through here. Another vCPU may move a BAR
 * between the look-up and the write, so the guard goes by the offset
 * in the 4 KiB page alone, whatever BAR the write was meant for: the
 * bytes where a virtio-pci function keeps its ring addresses (common
 * config 0x20-0x37, at the start of BAR 1: ph_enumerate() checks) take
 * only a zone's ring or an address outside RAM in their low half (or
 * whole); a high half may be anything, for with a low half so placed
 * no value puts a ring on the guest's own memory. Narrower writes
 * there are left out.
 */
void bar_write(u64 a, int w, u64 val)
{
	u32 off = (a & 0xfff) & ~(u32)(w - 1), field;

	if (off + w > CC_Q_DESC && off < CC_SIZE) {
		field = CC_Q_DESC + ALIGN_DOWN(off - CC_Q_DESC, 8);
		if (w < 4)
			return;
		if (w == 8 || off == field)
			val = ring_addr(field) | (w == 8 && rnd_pct(10) ? rnd() << 32 : 0);
	}
	mmio_write(a, w, val);
}

static void op_virtio(void)
{
	struct pfn *f = rand_fn();
	u64 base;
	int w = rand_width();

	if (!f->bar_size[f->vbar] || !(base = bar_live(f, f->vbar)))
		return;
	switch (rnd_below(6)) {
	case 0: case 1:
		virtio_common(f, base + f->common);
		break;
	case 2:	/* notify: a queue, any queue, any width */
		bar_write(base + f->notify, w, rnd_pct(70) ? rnd_below(3) : rnd());
		break;
	case 3:
		mmio_read(base + f->isr + rnd_below(4), w);
		break;
	case 4:
		if (rnd_pct(50))
			bar_write(base + f->devcfg + rnd_below(0xc0), w, rand_val());
		else
			mmio_read(base + f->devcfg + rnd_below(0xc0), w);
		break;
	default:	/* anywhere in the BAR */
		if (rnd_pct(50))
			mmio_read(base + rnd_below(f->bar_size[f->vbar]), w);
		else
			bar_write(base + rnd_below(f->bar_size[f->vbar]), w, rand_val());
	}
}

/* A zone's avail ring: heads of any value, the index moved by any amount. */
static void op_ring(void)
{
	struct pfn *f = rand_fn();
	volatile u16 *avail = (u16 *)(f->zone + Z_AVAIL);
	u16 idx = avail[1], n = rnd_below(8), i;
	u64 base;

	for (i = 0; i < n; i++)
		avail[2 + (idx + i) % Z_NUM] = rnd_pct(80) ? rnd_below(Z_NUM) : rnd();
	dmb(ish);
	avail[1] = rnd_pct(90) ? (u16)(idx + n) : (u16)rnd();
	dsb(sy);
	base = bar_live(f, f->vbar);
	if (base && f->bar_size[f->vbar])
		bar_write(base + f->notify, 2, rnd_below(2));
}

/*
 * A queue brought up properly on a zone's rings, its vector any, MSI-X
 * on or off, that vector's entry a real message or not; requests
 * posted and notified: messages go out through whatever the table says.
 */
static void op_kick(void)
{
	struct pfn *f = rand_fn();
	u64 base = bar_live(f, f->vbar), tab;
	u16 vec = rnd_pct(80) ? rnd_below(f->msix_nr) : 0xffff;

	if (!base || !f->msix || !(tab = bar_live(f, f->msix_bar)))
		return;
	if (ph_virtio_start(base + f->common, vec, 1 << (1 + rnd_below(4)),
			    f->zone + Z_DESC, f->zone + Z_AVAIL, f->zone + Z_USED))
		return;
	if (rnd_pct(70) && vec < f->msix_nr) {
		tab += f->table_off + MSIX_ENTRY * vec;
		bar_write(tab, 4, rand_entry_val(0));
		bar_write(tab + 4, 4, 0);
		bar_write(tab + 8, 4, rand_entry_val(2));
		bar_write(tab + 12, 4, rnd_pct(80) ? 0 : MSIX_VEC_MASKED);
	}
	if (rnd_pct(70))
		writew(MSIX_CTRL_ENABLE, f->cfg + f->msix + MSIX_CTRL);
	op_ring();
}

/* ---- the ITS and the v2m frame ---- */

static const u8 its_cmds[] = {
	GITS_CMD_MOVI, GITS_CMD_INT, GITS_CMD_CLEAR, GITS_CMD_SYNC,
	GITS_CMD_MAPD, GITS_CMD_MAPC, GITS_CMD_MAPTI, 0x0b /* MAPI */,
	GITS_CMD_INV, GITS_CMD_INVALL, 0x0e /* MOVALL */, GITS_CMD_DISCARD,
};

static u64 rand_devid(void)
{
	if (rnd_pct(70))
		return (u64)rand_fn()->slot << 3;
	return rnd_pct(50) ? rnd_below(256) : (u32)rnd();
}

/* An event of a function's device mapped to an enabled LPI, and raised. */
static void its_lpi_pair(void)
{
	struct pfn *f = rand_fn();
	u32 dev = f->slot << 3, ev = rnd_below(8);
	int bad = 0;

	if (rnd_pct(20))
		bad |= its_mapd(dev, f->itt, 6, true);
	if (rnd_pct(20))
		bad |= its_mapc(0, its_rdbase(0), true);
	bad |= its_mapti(dev, ev, LPI_FIRST + rnd_below(PH_ITS_LPIS), 0);
	bad |= its_int(dev, ev);
	ph_its_stuck += bad ? 1 : 0;
}

/* One command of the right shape, mostly, for things that exist, mostly. */
static void op_its(void)
{
	u8 cmd = rnd_pct(90) ? its_cmds[rnd_below(ARRAY_SIZE(its_cmds))] : rnd();
	u64 dw0 = cmd | rand_devid() << 32, dw1, dw2, dw3 = 0;

	dw1 = rnd_pct(70) ? rnd_below(64) : (u32)rnd();		/* event, or size */
	if (rnd_pct(70))
		dw1 |= (u64)(LPI_FIRST + rnd_below(80)) << 32;	/* pINTID */
	else
		dw1 |= rnd() << 32;
	dw2 = rnd_below(4) | (rnd_pct(60) ? its_rdbase(0) : rnd() & GENMASK(50, 16));
	if (cmd == GITS_CMD_MAPD)
		dw2 = (rnd_pct(50) ? GITS_BASER_VALID : 0) | (rand_addr() & GENMASK(51, 8));
	else if (rnd_pct(60))
		dw2 |= GITS_BASER_VALID;			/* V */
	if (rnd_pct(10))
		dw3 = rnd();
	if (rnd_pct(5)) {
		mmio_read(pm.its + (rnd_below(SZ_64K) & ~7U), 8);
		return;
	}
	if (rnd_pct(30)) {
		its_lpi_pair();
		return;
	}
	if (its_cmd_raw(dw0, dw1, dw2, dw3))
		ph_its_stuck++;
}

static void op_v2m(void)
{
	int w = rand_width();
	u32 off = rnd_below(0x1000);
	u64 val;

	if (rnd_pct(50))
		off = 0x40;				/* MSI_SETSPI_NS */
	val = rnd_pct(60) ? pm.v2m_first + rnd_below(pm.v2m_nr + 4) : rand_val();
	if (rnd_pct(20))
		mmio_read(pm.v2m + off, w);
	else
		mmio_write(pm.v2m + off, w, val);
}

/* ---- one operation ---- */

int ph_run_op(void)
{
	static const u8 weight[NR_PH_OPS] = { 20, 12, 12, 6, 14, 16, 6, 2, 8, 8 };
	u32 r = rnd_below(104), op;

	for (op = 0; op < NR_PH_OPS - 1 && r >= weight[op]; op++)
		r -= weight[op];
	/* The ITS's command queue is CPU 0's: its driver keeps one CWRITER. */
	if ((op == OP_ITS && (!pm.its || smp_processor_id())) ||
	    (op == OP_V2M && !pm.v2m))
		op = OP_CFG;
	__atomic_fetch_add(&ph_op_count[op], 1, __ATOMIC_RELAXED);
	switch (op) {
	case OP_CFG:		op_cfg(); break;
	case OP_HEADER:		op_header(); break;
	case OP_BAR:		op_bar(); break;
	case OP_MSIX_CTRL:	op_msix_ctrl(); break;
	case OP_MSIX_TABLE:	op_msix_table(); break;
	case OP_VIRTIO:		op_virtio(); break;
	case OP_RING:		op_ring(); break;
	case OP_KICK:		op_kick(); break;
	case OP_ITS:		op_its(); break;
	default:		op_v2m();
	}
	return op;
}
