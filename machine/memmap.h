/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_MEMMAP_H
#define LKVM_VM_MEMMAP_H

#include <stdint.h>

/*
 * The guest physical memory map, kvmtool's arm64 layout so that guests
 * built for kvmtool run unchanged. docs/memory-map.md draws it.
 *
 *   0x0000_0000  I/O port window (unused)            64 KiB
 *   0x0100_0000  UART 8250 #0 (then one per 4 KiB)    64 KiB
 *   0x0108_0000  lkvm test device                      4 KiB
 *   0x0300_0000  virtio-mmio devices, 0x200 bytes each
 *   ...          redistributors (GICv3) / CPU if (GICv2) below the distributor
 *   0x3fff_0000  GIC distributor                      64 KiB
 *   0x4000_0000  PCI / AXI area (unused)
 *   0x8000_0000  RAM
 */
#define MEMMAP_IOPORT_BASE	0x00000000ULL
#define MEMMAP_MMIO_BASE	0x01000000ULL
#define MEMMAP_UART_BASE	MEMMAP_MMIO_BASE
#define MEMMAP_UART_STRIDE	0x1000ULL
#define MEMMAP_UART_SIZE	0x8ULL
#define MEMMAP_TESTDEV_BASE	0x01080000ULL
#define MEMMAP_TESTDEV_SIZE	0x1000ULL
#define MEMMAP_VIRTIO_MMIO_BASE	0x03000000ULL
#define MEMMAP_VIRTIO_MMIO_SIZE	0x01000000ULL	/* 32768 devices: never the limit */
#define MEMMAP_AXI_BASE		0x40000000ULL
#define MEMMAP_RAM_BASE		0x80000000ULL

/* GIC frames are stacked downwards from the AXI area. */
#define MEMMAP_GIC_DIST_SIZE	0x10000ULL
#define MEMMAP_GIC_DIST_BASE	(MEMMAP_AXI_BASE - MEMMAP_GIC_DIST_SIZE)
#define MEMMAP_GICV2_CPU_SIZE	0x20000ULL
#define MEMMAP_GICV2_CPU_BASE	(MEMMAP_GIC_DIST_BASE - MEMMAP_GICV2_CPU_SIZE)
#define MEMMAP_GICV3_REDIST_SIZE 0x20000ULL	/* per vCPU: RD + SGI frames */

/*
 * RAM is limited to what fits below 1 TiB of IPA; Linux wants the DTB
 * and initrd in the first 256 MiB of RAM ("lowmem"), as kvmtool
 * places them.
 */
#define MEMMAP_RAM_MAX		((1ULL << 40) - MEMMAP_RAM_BASE)
#define MEMMAP_LOWMEM_SIZE	0x10000000ULL

static inline uint64_t memmap_gicv3_redist_base(unsigned int nr_cpus)
{
	return MEMMAP_GIC_DIST_BASE - nr_cpus * MEMMAP_GICV3_REDIST_SIZE;
}

#endif
