/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_MEMMAP_H
#define LKVM_VM_MEMMAP_H

#include <stdint.h>

/*
 * The guest physical memory map, kvmtool's arm64 layout so that guests
 * built for kvmtool run unchanged. docs/memory-map.md draws it.
 *
 *   0x0000_0000  PCI I/O port window                  64 KiB
 *   0x0100_0000  UART 8250 #0-#3, one per 4 KiB        64 KiB
 *   0x0101_0000  RTC (MC146818, CMOS index + data)    64 KiB
 *   0x0102_0000  stolen-time records (pvtime)         64 KiB
 *   0x0108_0000  lkvm test device                      4 KiB
 *   0x0300_0000  virtio-mmio devices, 0x200 bytes each
 *   ...          ITS (gicv3-its) below the redistributors (GICv3)
 *   ...          GICv2m frame (gicv2m, user), 4 KiB below the CPU if (GICv2)
 *   ...          redistributors (GICv3) / CPU if (GICv2) below the distributor
 *   0x3fff_0000  GIC distributor                      64 KiB
 *   0x4000_0000  PCI ECAM config space              256 MiB
 *   0x5000_0000  PCI 32-bit memory window (BARs)     768 MiB
 *   0x8000_0000  RAM (-m SIZE@ADDR moves it up; the PCI window stays)
 */
#define MEMMAP_IOPORT_BASE	0x00000000ULL
#define MEMMAP_MMIO_BASE	0x01000000ULL
#define MEMMAP_UART_BASE	MEMMAP_MMIO_BASE
#define MEMMAP_UART_STRIDE	0x1000ULL
#define MEMMAP_UART_SIZE	0x8ULL
#define MEMMAP_UART_COUNT	4	/* ttyS0 (the console) to ttyS3, as kvmtool */
/* kvmtool's CMOS RTC: an index register, then the data register. */
#define MEMMAP_RTC_BASE		0x01010000ULL
#define MEMMAP_RTC_SIZE		0x2ULL
/*
 * Stolen time: one 64-byte record per vCPU, memory KVM writes and the
 * guest reads (found through SMCCC, not the DT). kvmtool's place: after
 * its UART and RTC windows. Its own memslot, above RAM's (0), the UART
 * register page's (1) and the register mirrors' (2 on, one per device).
 */
#define MEMMAP_PVTIME_BASE	0x01020000ULL
#define MEMMAP_PVTIME_SIZE	0x10000ULL
#define MEMMAP_PVTIME_STRIDE	64ULL
#define MEMMAP_PVTIME_SLOT	64
#define MEMMAP_TESTDEV_BASE	0x01080000ULL
#define MEMMAP_TESTDEV_SIZE	0x1000ULL
#define MEMMAP_VIRTIO_MMIO_BASE	0x03000000ULL
#define MEMMAP_VIRTIO_MMIO_SIZE	0x01000000ULL	/* 32768 devices: never the limit */
#define MEMMAP_AXI_BASE		0x40000000ULL
/*
 * RAM's default base, and its lowest: everything below is devices.
 * -m SIZE@ADDR may put it higher (kvmtool's ARM_MEMORY_AREA and its
 * rule), 2 MiB aligned: the arm64 boot protocol loads the kernel at a
 * 2 MiB aligned base plus text_offset, and lkvm puts it at RAM's base.
 */
#define MEMMAP_RAM_BASE		0x80000000ULL
#define MEMMAP_RAM_ALIGN	0x200000ULL
/*
 * The PCI host bridge (with --virtio-transport=pci or --pci-testdev),
 * kvmtool's: ECAM config space over the AXI area's first 256 MiB, then
 * the 32-bit memory window up to RAM's lowest base (fixed, as kvmtool's,
 * wherever -m puts RAM); the I/O window at 0 (port n at CPU address n),
 * where only I/O BARs decode.
 */
#define MEMMAP_PCI_CFG_BASE	MEMMAP_AXI_BASE
#define MEMMAP_PCI_CFG_SIZE	0x10000000ULL
#define MEMMAP_PCI_MEM_BASE	(MEMMAP_PCI_CFG_BASE + MEMMAP_PCI_CFG_SIZE)
#define MEMMAP_PCI_MEM_SIZE	(MEMMAP_RAM_BASE - MEMMAP_PCI_MEM_BASE)
#define MEMMAP_PCI_IO_BASE	MEMMAP_IOPORT_BASE
#define MEMMAP_PCI_IO_SIZE	0x10000ULL
/*
 * No fixed device in the I/O window (the bus would refuse the bridge's
 * window over it): the 8250s are MMIO at 0x0100_0000 here, not x86's
 * ports 0x3f8 and so on, as on kvmtool's arm64 map.
 */
_Static_assert(MEMMAP_MMIO_BASE >= MEMMAP_PCI_IO_BASE + MEMMAP_PCI_IO_SIZE,
	       "the fixed devices lie above the PCI I/O window");

/* GIC frames are stacked downwards from the AXI area. */
#define MEMMAP_GIC_DIST_SIZE	0x10000ULL
#define MEMMAP_GIC_DIST_BASE	(MEMMAP_AXI_BASE - MEMMAP_GIC_DIST_SIZE)
#define MEMMAP_GICV2_CPU_SIZE	0x20000ULL
#define MEMMAP_GICV2_CPU_BASE	(MEMMAP_GIC_DIST_BASE - MEMMAP_GICV2_CPU_SIZE)
/* The GICv2m MSI frame (gicv2m, user), kvmtool's: right below the CPU interface. */
#define MEMMAP_GICV2M_SIZE	0x1000ULL
#define MEMMAP_GICV2M_BASE	(MEMMAP_GICV2_CPU_BASE - MEMMAP_GICV2M_SIZE)
#define MEMMAP_GICV3_REDIST_SIZE 0x20000ULL	/* per vCPU: RD + SGI frames */
/* The ITS (--irqchip=gicv3-its), kvmtool's: right below the redistributors. */
#define MEMMAP_GICV3_ITS_SIZE	0x20000ULL	/* control + translation frames */

/*
 * RAM ends at most at the architecture's largest guest physical address
 * (52 bits); the host's KVM may allow fewer (KVM_CAP_ARM_VM_IPA_SIZE),
 * which is checked when the VM is made. Linux wants the DTB and initrd
 * in the first 256 MiB of RAM ("lowmem"), as kvmtool places them.
 */
#define MEMMAP_IPA_BITS_MAX	52
#define MEMMAP_RAM_END_MAX	(1ULL << MEMMAP_IPA_BITS_MAX)
#define MEMMAP_RAM_MAX		(MEMMAP_RAM_END_MAX - MEMMAP_RAM_BASE)
#define MEMMAP_LOWMEM_SIZE	0x10000000ULL
/* --aarch32: the guest addresses RAM below 4 GiB only, as on kvmtool. */
#define MEMMAP_RAM_END_AARCH32	(1ULL << 32)
#define MEMMAP_RAM_MAX_AARCH32	(MEMMAP_RAM_END_AARCH32 - MEMMAP_RAM_BASE)

static inline uint64_t memmap_gicv3_redist_base(unsigned int nr_cpus)
{
	return MEMMAP_GIC_DIST_BASE - nr_cpus * MEMMAP_GICV3_REDIST_SIZE;
}

static inline uint64_t memmap_gicv3_its_base(unsigned int nr_cpus)
{
	return memmap_gicv3_redist_base(nr_cpus) - MEMMAP_GICV3_ITS_SIZE;
}

#endif
