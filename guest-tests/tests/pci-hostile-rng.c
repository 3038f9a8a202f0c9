// SPDX-License-Identifier: GPL-2.0
/*
 * pci-hostile's last check: the virtio-rng over PCI, driven as a
 * driver should (virtio 1.x, 4.1.5), once the functions are set back
 * as lkvm placed them. Its queue's MSI-X vector goes to the GIC's
 * frame where there is one: the ITS (the function's device mapped
 * again, its event 0 to the last of the enabled LPIs) or the v2m frame
 * (its last SPI); the request must complete and the message arrive.
 */
#include "guest.h"
#include "its.h"
#include "virtio.h"
#include "pci-hostile.h"

#define QNUM		8
#define BUF_LEN		64
#define R_DESC		0x0000
#define R_AVAIL		0x1000
#define R_USED		0x2000
#define R_BUF		0x3000
#define WAIT_US		2000000

/* The message for vector 0 and the INTID it must arrive as; false: no frame. */
static bool rng_msi(struct pfn *f, u64 *addr, u32 *data, u32 *intid)
{
	u32 dev = f->slot << 3, lpi = LPI_FIRST + PH_ITS_LPIS - 1;
	int bad;

	if (pm.its) {
		bad = its_mapc(0, its_rdbase(0), true);
		bad |= its_mapd(dev, f->itt, 6, true);
		bad |= its_mapti(dev, 0, lpi, 0);
		its_lpi_config(lpi, PH_ITS_PRIO, true);
		bad |= its_inv(dev, 0);
		bad |= its_sync(its_rdbase(0));
		*addr = pm.its + GITS_TRANSLATER;
		*data = 0;
		*intid = lpi;
		return !bad;
	}
	if (pm.v2m && pm.v2m_nr) {
		*addr = pm.v2m + 0x40;
		*data = *intid = pm.v2m_first + pm.v2m_nr - 1;
		return true;
	}
	return false;
}

static bool rng_status(u64 cc, u8 set)
{
	writeb(readb(cc + CC_STATUS) | set, cc + CC_STATUS);
	return (readb(cc + CC_STATUS) & set) == set;
}

const char *ph_virtio_start(u64 cc, u16 vector, u16 num, u64 desc, u64 avail,
			    u64 used)
{
	u64 deadline = timer_deadline_us(WAIT_US);

	writeb(0, cc + CC_STATUS);
	while (readb(cc + CC_STATUS) && !timer_expired(deadline))
		cpu_relax();
	if (readb(cc + CC_STATUS))
		return "the reset did not take";
	if (!rng_status(cc, VIRTIO_ST_ACKNOWLEDGE | VIRTIO_ST_DRIVER))
		return "ACKNOWLEDGE and DRIVER not taken";
	writel(1, cc + CC_DFSELECT);
	if (!(readl(cc + CC_DF) & 1))
		return "no VIRTIO_F_VERSION_1";
	writel(0, cc + CC_GFSELECT);
	writel(0, cc + CC_GF);
	writel(1, cc + CC_GFSELECT);
	writel(1, cc + CC_GF);
	if (!rng_status(cc, VIRTIO_ST_FEATURES_OK))
		return "FEATURES_OK not taken";
	writew(0, cc + CC_Q_SELECT);
	if (readw(cc + CC_Q_SIZE) < num)
		return "queue 0 too small";
	writew(num, cc + CC_Q_SIZE);
	writew(0xffff, cc + CC_MSIX_CONFIG);
	writew(vector, cc + CC_Q_MSIX);
	if (readw(cc + CC_Q_MSIX) != vector)
		return "the queue's MSI-X vector not taken";
	writeq(desc, cc + CC_Q_DESC);
	writeq(avail, cc + CC_Q_DRIVER);
	writeq(used, cc + CC_Q_DEVICE);
	writew(1, cc + CC_Q_ENABLE);
	if (!rng_status(cc, VIRTIO_ST_DRIVER_OK))
		return "DRIVER_OK not taken";
	return NULL;
}

/* One 64-byte request; its used length, 0 when it never came back. */
static u32 rng_request(struct pfn *f, u64 base, u32 want, u32 *msis)
{
	u64 z = f->zone, *d = (u64 *)(z + R_DESC);
	volatile u16 *avail = (u16 *)(z + R_AVAIL);
	volatile u16 *used = (u16 *)(z + R_USED);
	u64 deadline = timer_deadline_us(WAIT_US);
	u32 n0 = ph_msi_irqs;

	d[0] = z + R_BUF;
	d[1] = BUF_LEN | (u64)VRING_DESC_F_WRITE << 32;
	avail[2] = 0;
	dmb(ish);
	avail[1] = 1;
	dsb(sy);
	writew(0, base + f->notify);
	while (used[1] != 1 && !timer_expired(deadline))
		cpu_relax();
	while (want && !(ph_msi_irqs != n0 && ph_msi_last == want) &&
	       !timer_expired(deadline))
		cpu_relax();
	*msis = ph_msi_irqs != n0 && ph_msi_last == want;
	return used[1] == 1 ? *(volatile u32 *)(z + R_USED + 8) : 0;
}

static u32 nonzero_bytes(const u8 *p, u32 len)
{
	u32 i, n = 0;

	for (i = 0; i < len; i++)
		n += !!p[i];
	return n;
}

const char *ph_rng_check(struct pfn *f, u32 *msis, u32 *bytes)
{
	u64 base = bar_live(f, f->vbar), cc, addr = 0, tab;
	u32 data = 0, want = 0, len;
	bool frame = f->msix && rng_msi(f, &addr, &data, &want);
	const char *err;

	if (!base)
		return "BAR 1 does not decode where lkvm placed it";
	cc = base + f->common;
	memset((void *)f->zone, 0, PH_ZONE_SIZE);
	if (frame) {
		tab = bar_live(f, f->msix_bar) + f->table_off;
		writel(addr, tab);
		writel(addr >> 32, tab + 4);
		writel(data, tab + 8);
		writel(0, tab + 12);
		writew(MSIX_CTRL_ENABLE, f->cfg + f->msix + MSIX_CTRL);
	}
	err = ph_virtio_start(cc, frame ? 0 : 0xffff, QNUM, f->zone + R_DESC,
			      f->zone + R_AVAIL, f->zone + R_USED);
	if (err)
		return err;
	len = rng_request(f, base, want, msis);
	*bytes = nonzero_bytes((const u8 *)(f->zone + R_BUF), BUF_LEN);
	writeb(0, cc + CC_STATUS);
	if (f->msix)
		writew(0, f->cfg + f->msix + MSIX_CTRL);
	if (!len)
		return "the request never completed";
	if (len > BUF_LEN || *bytes < BUF_LEN / 2)
		return "not random bytes";
	if (frame && !*msis)
		return "no MSI-X message";
	return NULL;
}
