/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_PCI_HOST_H
#define LKVM_DEVICES_PCI_HOST_H

/*
 * The PCI host bridge: a generic ECAM host (Linux's
 * pci-host-ecam-generic) with one bus of up to 32 single-function
 * devices, on kvmtool's arm64 map. It owns three fixed MMIO regions,
 * put on the bus once at set-up: the ECAM config window, the 32-bit
 * memory window and the I/O window (port n at CPU address io_base + n,
 * as the DT's ranges say). BARs the guest places and moves are never
 * regions of their own (the bus is fixed once vCPUs run and takes no
 * lock): the bridge decodes each access to its window itself and hands
 * it to the BAR that claims the address now, under its own lock.
 *
 * A BAR decodes when its device has memory (I/O) decoding on, it lies
 * wholly inside the memory (I/O) window and it overlaps no other
 * decoding candidate: two
 * BARs that clash both stop decoding until one moves, so an access
 * never reaches the wrong device and nothing depends on the order in
 * which they were written. A BAR outside the window (over RAM, the
 * GIC, anything) decodes nowhere: that address belongs to whatever is
 * there.
 *
 * Fixed devices win over BARs: the bus refuses overlapping regions, so
 * no fixed device can sit under a window, and a BAR the guest places
 * over one (the GIC, RAM, a UART) is outside every window and decodes
 * nowhere. On kvmtool's arm64 map nothing fixed lies in the I/O window
 * (0-64 KiB): the 8250s are at 0x0100_0000, not at x86's 0x3f8
 * (machine/memmap.h asserts it).
 */
#include <pthread.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/mmio.h"
#include "devices/msi.h"
#include "devices/pci/config.h"

#define PCI_HOST_SLOTS		32
#define PCI_HOST_DECODE_MAX	(PCI_HOST_SLOTS * PCI_NR_BARS)

/* Where the bridge sits (machine/memmap.h gives kvmtool's). */
struct pci_host_map {
	uint64_t cfg_base, cfg_size;	/* ECAM: 1 MiB a bus */
	uint64_t mem_base, mem_size;	/* 32-bit memory window */
	uint64_t io_base, io_size;	/* I/O window: port 0 at io_base */
};

struct pci_decode {
	uint64_t base, end;		/* [base, end) */
	struct pci_dev *pdev;
	unsigned int bar;
};

struct pci_host {
	struct device dev;		/* what the board lists */
	struct pci_host_map map;
	struct mmio_region ecam, window, io;
	uint32_t gic_phandle;		/* for the DT's interrupt-map */
	int loglevel;
	uint32_t next_bar;		/* set-up: the next memory BAR's placement */
	uint32_t next_io;		/* set-up: the next I/O BAR's port */
	/* Slots, the decode table, BAR moves: under lock. */
	pthread_mutex_t lock;
	struct pci_dev *slots[PCI_HOST_SLOTS];
	unsigned int nr_slots;
	struct pci_decode decode[PCI_HOST_DECODE_MAX];	/* sorted by base */
	unsigned int nr_decode;
	/*
	 * Where the functions' MSIs go (the GIC's MSI frame): msi sends
	 * one message, the requester ID with it; msi_route (optional)
	 * makes or updates r so that a write to r->fd sends the message
	 * with no exit (devices/msi.h). On vCPU threads and the devices'
	 * I/O threads. NULL: no MSI frame, MSI-X messages go nowhere.
	 */
	int (*msi)(void *opaque, uint32_t devid, uint64_t addr, uint32_t data);
	int (*msi_route)(void *opaque, struct msi_route *r, uint32_t devid,
			 uint64_t addr, uint32_t data);
	void *msi_opaque;
	/*
	 * For the DT node, set before it is written: the MSI frame's
	 * phandle and #msi-cells (0: none; 1: msi-map, else msi-parent),
	 * and the GIC node's #address-cells (interrupt-map's parent unit
	 * address).
	 */
	uint32_t msi_phandle;
	uint32_t msi_cells;
	uint32_t gic_addr_cells;
};

/*
 * The bridge alone (unit tests, fuzzers): no regions on any bus. 0 or
 * -errno; pci_host_destroy() undoes it.
 */
int pci_host_init(struct pci_host *h, const struct pci_host_map *map,
		  uint32_t gic_phandle, int loglevel);
void pci_host_destroy(struct pci_host *h);
/*
 * The bridge on a machine: its three regions go on the bus through ctx;
 * h comes from malloc(), and its device's destroy frees it. On failure
 * h is the caller's to free.
 */
int pci_host_create(struct pci_host *h, const struct device_ctx *ctx,
		    const struct pci_host_map *map);
/*
 * Plug pdev into the next free slot: its BARs are placed in their
 * windows and memory (and I/O) decoding is turned on, as firmware
 * would leave them, and
 * its bar_moved() learns where they decode. Last in a device's
 * creation: a device on the bridge stays there until the bridge goes.
 * -ENOSPC when all 32 slots are taken.
 */
int pci_host_add(struct pci_host *h, struct pci_dev *pdev);
/*
 * The regions' handlers (for the bus, and for tests and fuzzers): the
 * memory and the I/O window share one, which decodes the CPU address.
 */
int pci_host_ecam_access(struct mmio_region *region, struct mmio_access *acc);
int pci_host_window_access(struct mmio_region *region, struct mmio_access *acc);
/* The bridge's DT node (devices/pci/host-fdt.c, apart: needs libfdt). */
int pci_host_fdt_node(struct device *dev, void *fdt);

#endif
