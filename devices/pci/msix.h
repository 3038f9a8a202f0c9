/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_PCI_MSIX_H
#define LKVM_DEVICES_PCI_MSIX_H

/*
 * MSI-X (PCI Local Bus 3.0, 6.8.2) for a function on lkvm's bridge:
 * the capability in config space (table size, Function Mask, MSI-X
 * Enable), the vector table and the Pending Bit Array in one of the
 * function's memory BARs. Plain C, no KVM: a message goes out through
 * the bridge (pci_dev_route_msi(), pci_dev_signal_msi()), so the model
 * runs the same in unit tests and fuzzers.
 *
 * A vector's message is sent when the device asks for it, MSI-X is
 * enabled, and neither the function nor the vector is masked; while
 * masked, its pending bit is set instead and the message goes out when
 * it is unmasked (6.8.3.4). Each vector keeps an eventfd route (struct
 * msi_route) that the MSI frame makes from the entry's address and
 * data when the vector is unmasked, and makes again after a change:
 * sending is then one write, no ioctl. Where no route can be made the
 * message goes through the frame's signal.
 *
 * The table takes aligned 32- and 64-bit accesses, the PBA aligned
 * 32- and 64-bit reads (its writes are ignored); anything else in the
 * BAR reads as zero and is refused, so a guest can write anything and
 * change nothing but its own vectors.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/mmio.h"
#include "devices/msi.h"
#include "devices/pci/config.h"

#define PCI_MSIX_MAX_VECTORS		64	/* one PBA qword */
#define PCI_MSIX_ENTRY_SIZE		16
#define PCI_MSIX_CAP_LEN		12
/* The capability's registers, from its start. */
#define PCI_MSIX_FLAGS			2
#define  PCI_MSIX_FLAGS_QSIZE		0x07ff	/* table size - 1 */
#define  PCI_MSIX_FLAGS_MASKALL		0x4000
#define  PCI_MSIX_FLAGS_ENABLE		0x8000
#define PCI_MSIX_TABLE			4	/* BIR in bits 2:0, offset */
#define PCI_MSIX_PBA			8
/* A table entry's dwords. */
#define PCI_MSIX_ENTRY_ADDR_LO		0x0
#define PCI_MSIX_ENTRY_ADDR_HI		0x4
#define PCI_MSIX_ENTRY_DATA		0x8
#define PCI_MSIX_ENTRY_CTRL		0xc
#define  PCI_MSIX_ENTRY_CTRL_MASKBIT	0x1

struct pci_msix_vector {
	uint32_t addr_lo, addr_hi, data, ctrl;
	bool pending;
	bool routed;		/* route carries addr and data as they are */
	struct msi_route route;
};

struct pci_msix {
	struct pci_dev *pdev;
	unsigned int nr;		/* table size */
	unsigned int bar;
	uint32_t table_off, pba_off;	/* in the BAR */
	uint8_t cap;			/* the capability, in config space */
	/* Under lock: the control bits as last written, and the table. */
	pthread_mutex_t lock;
	bool enabled, fmasked;
	struct pci_msix_vector vec[PCI_MSIX_MAX_VECTORS];
	unsigned long sent, routed_sent;	/* for tests and stats */
};

/*
 * Give pdev MSI-X with nr vectors (1..64), the table at table_off and
 * the PBA at pba_off of BAR bar (both 8-byte aligned, not overlapping,
 * inside the BAR the device added): appends the capability. Every
 * vector starts masked, MSI-X disabled. 0 or -errno.
 */
int pci_msix_init(struct pci_msix *m, struct pci_dev *pdev, unsigned int nr,
		  unsigned int bar, uint32_t table_off, uint32_t pba_off);
/* Closes the vectors' eventfds: after the device's last message. */
void pci_msix_destroy(struct pci_msix *m);
/*
 * The guest wrote [off, off + len) of config space (the device's
 * config_written): picks up MSI-X Enable and Function Mask, and sends
 * what was pending on the vectors that became unmasked.
 */
void pci_msix_config_written(struct pci_msix *m, uint32_t off, uint32_t len);
/*
 * An access inside BAR m->bar: true when it fell in the table or the
 * PBA, *ret then being the handler's result; false when it is the
 * device's own.
 */
bool pci_msix_bar_access(struct pci_msix *m, struct mmio_access *acc, int *ret);
bool pci_msix_enabled(struct pci_msix *m);
/*
 * Send vector's message, or set its pending bit while it is masked.
 * 0, -ENODEV while MSI-X is disabled (the device uses INTx), -EINVAL
 * for a vector past the table, or the frame's -errno.
 */
int pci_msix_notify(struct pci_msix *m, unsigned int vector);
/*
 * Snapshots: the table and the pending bits. restore comes after the
 * function's config space (MSI-X Enable, Function Mask); it makes the
 * unmasked vectors' routes again and sends nothing. -EINVAL for a
 * table of another size. Any address or data is the guest's to give.
 */
struct snapshot;
int pci_msix_save(struct pci_msix *m, struct snapshot *s);
int pci_msix_restore(struct pci_msix *m, struct snapshot *s);
/* The PBA and the BAR size a table of nr vectors takes, laid out by kvmtool. */
static inline uint32_t pci_msix_table_size(unsigned int nr)
{
	return nr * PCI_MSIX_ENTRY_SIZE;
}

static inline uint32_t pci_msix_pba_size(unsigned int nr)
{
	return (nr + 63) / 64 * 8;
}

#endif
