// SPDX-License-Identifier: GPL-2.0
/*
 * The GICv2m MSI frame's registers. What Linux's driver
 * (drivers/irqchip/irq-gic-v2m.c) reads is MSI_TYPER (the SPI range)
 * and MSI_IIDR (for its quirks); devices write MSI_SETSPI_NS. The
 * state never changes after v2m_frame_init(), so no lock: any thread
 * may read the registers or raise an SPI through the frame.
 */
#include <errno.h>
#include <stdbool.h>

#include "gic/v2m.h"

int v2m_frame_init(struct v2m_frame *f, uint64_t base, uint32_t first_intid,
		   uint32_t nr_spis, int (*raise)(void *, unsigned int),
		   void *opaque)
{
	/* The range Linux accepts, in TYPER's 10-bit fields. */
	if (!raise || !nr_spis || first_intid < V2M_MIN_INTID ||
	    nr_spis > V2M_SPI_MASK ||
	    first_intid + nr_spis > V2M_MAX_INTID + 1)
		return -EINVAL;
	if (base & (V2M_FRAME_SIZE - 1))
		return -EINVAL;
	*f = (struct v2m_frame) {
		.base = base, .first_intid = first_intid, .nr_spis = nr_spis,
		.raise = raise, .opaque = opaque,
	};
	return 0;
}

/* [25:16] the first SPI's INTID, [9:0] how many. */
uint32_t v2m_typer(const struct v2m_frame *f)
{
	return (f->first_intid & V2M_SPI_MASK) << V2M_TYPER_BASE_SHIFT |
	       (f->nr_spis & V2M_SPI_MASK);
}

/*
 * The SPI a value written to MSI_SETSPI_NS raises (INTID - 32), or
 * -EINVAL for a value outside the frame's range. Only bits [9:0] hold
 * the INTID, as in the architecture (and kvmtool); the rest are
 * reserved and ignored.
 */
static int v2m_spi_of(const struct v2m_frame *f, uint32_t value)
{
	uint32_t intid = value & V2M_SPI_MASK;

	if (intid < f->first_intid || intid - f->first_intid >= f->nr_spis)
		return -EINVAL;
	return intid - 32;
}

/*
 * A device's MSI message (address, data), as a PCI function sends it:
 * the SPI it raises, or -EINVAL when it is not a write to this frame's
 * MSI_SETSPI_NS with an SPI of its range.
 */
int v2m_decode(const struct v2m_frame *f, uint64_t addr, uint32_t data)
{
	if (addr != f->base + V2M_MSI_SETSPI_NS)
		return -EINVAL;
	return v2m_spi_of(f, data);
}

int v2m_signal(struct v2m_frame *f, uint64_t addr, uint32_t data)
{
	int spi = v2m_decode(f, addr, data);

	return spi < 0 ? spi : f->raise(f->opaque, spi);
}

static uint32_t v2m_read_word(const struct v2m_frame *f, uint64_t off)
{
	switch (off) {
	case V2M_MSI_TYPER:
		return v2m_typer(f);
	case V2M_MSI_IIDR:
		return 0;	/* kvmtool's; matches none of Linux's quirks */
	default:
		return 0;	/* reserved, SETSPI (write-only), IDs: RAZ */
	}
}

/* 1, 2 or 4 bytes, naturally aligned, inside the frame. */
static bool v2m_access_ok(const struct mmio_access *acc)
{
	if (acc->len != 1 && acc->len != 2 && acc->len != 4)
		return false;
	if (acc->offset >= V2M_FRAME_SIZE || acc->offset & (acc->len - 1))
		return false;
	return true;
}

/*
 * A write raises an SPI only at MSI_SETSPI_NS, as a word (what a PCI
 * function's MSI is) or as its low halfword (which holds the whole
 * field); a value outside the range does nothing, like every other
 * write. A failed raise is the irqchip glue's to report.
 */
static int v2m_write(struct v2m_frame *f, const struct mmio_access *acc)
{
	int spi;

	if (acc->offset != V2M_MSI_SETSPI_NS || acc->len == 1)
		return 0;
	spi = v2m_spi_of(f, (uint32_t)acc->data);
	if (spi < 0)
		return 0;
	f->raise(f->opaque, spi);
	return 0;
}

int v2m_mmio(struct mmio_region *region, struct mmio_access *acc)
{
	struct v2m_frame *f = region->opaque;
	uint32_t word;

	if (!v2m_access_ok(acc)) {
		if (!acc->is_write)
			acc->data = 0;
		return -EINVAL;
	}
	if (acc->is_write)
		return v2m_write(f, acc);
	word = v2m_read_word(f, acc->offset & ~3ULL);
	word >>= 8 * (acc->offset & 3);
	acc->data = acc->len == 4 ? word : word & ((1U << (8 * acc->len)) - 1);
	return 0;
}

void v2m_region(struct v2m_frame *f, struct mmio_region *region)
{
	*region = (struct mmio_region) {
		.name = "GICv2m frame", .base = f->base,
		.size = V2M_FRAME_SIZE, .handler = v2m_mmio, .opaque = f,
	};
}
