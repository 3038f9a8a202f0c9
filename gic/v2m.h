/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GIC_V2M_H
#define LKVM_GIC_V2M_H

#include <stdint.h>

#include "devices/mmio.h"

/*
 * A GICv2m MSI frame (Arm's GICv2m architecture, "arm,gic-v2m-frame"):
 * a 4 KiB page that turns a 32-bit write of an SPI number into an edge
 * on that SPI. Plain C, no KVM: the irqchip glue (gic/gicv2m.c) gives
 * it the raise callback, unit tests and fuzzers a recording one.
 */
#define V2M_FRAME_SIZE		0x1000ULL
#define V2M_MSI_TYPER		0x008
#define V2M_MSI_SETSPI_NS	0x040
#define V2M_MSI_IIDR		0xfcc
#define V2M_SPI_MASK		0x3ff	/* MSI_SETSPI_NS and TYPER fields */
#define V2M_TYPER_BASE_SHIFT	16
#define V2M_NR_SPIS		64	/* kvmtool's count */
#define V2M_MIN_INTID		32	/* Linux's is_msi_spi_valid() */
#define V2M_MAX_INTID		1019

struct v2m_frame {
	uint64_t base;			/* guest physical address */
	uint32_t first_intid;		/* INTID of the frame's first SPI */
	uint32_t nr_spis;
	/* An edge on SPI spi (INTID - 32). Any thread; 0 or -errno. */
	int (*raise)(void *opaque, unsigned int spi);
	void *opaque;
};

int v2m_frame_init(struct v2m_frame *f, uint64_t base, uint32_t first_intid,
		   uint32_t nr_spis, int (*raise)(void *, unsigned int),
		   void *opaque);
uint32_t v2m_typer(const struct v2m_frame *f);
int v2m_decode(const struct v2m_frame *f, uint64_t addr, uint32_t data);
int v2m_signal(struct v2m_frame *f, uint64_t addr, uint32_t data);
int v2m_mmio(struct mmio_region *region, struct mmio_access *acc);
void v2m_region(struct v2m_frame *f, struct mmio_region *region);

#endif
