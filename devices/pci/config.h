/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_PCI_CONFIG_H
#define LKVM_DEVICES_PCI_CONFIG_H

/*
 * A PCI function as lkvm models it: a type 0 configuration header, up
 * to six 32-bit BARs (memory, or I/O space), a capability list the
 * device appends to, and one interrupt pin (INTA). Plain C, no KVM: the host bridge
 * (devices/pci/host.c) reaches the function through its config space
 * (pci_cfg_read/write) and its BARs (ops->bar_access), and the model
 * runs the same in unit tests and fuzzers.
 *
 * Only the first 256 bytes of the config space hold anything; the
 * extended space (to 4 KiB, reached through ECAM) reads as zero, so
 * the extended capability list is empty.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/irq-line.h"
#include "devices/mmio.h"

#define PCI_CFG_SPACE_SIZE		0x1000	/* one function's ECAM window */
#define PCI_CFG_HDR_SIZE		0x100	/* what is modelled */
#define PCI_NR_BARS			6

/* The type 0 header (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID			0x00
#define PCI_DEVICE_ID			0x02
#define PCI_COMMAND			0x04
#define  PCI_COMMAND_IO			0x0001
#define  PCI_COMMAND_MEMORY		0x0002
#define  PCI_COMMAND_MASTER		0x0004
#define  PCI_COMMAND_INTX_DISABLE	0x0400
#define PCI_STATUS			0x06
#define  PCI_STATUS_INTERRUPT		0x0008
#define  PCI_STATUS_CAP_LIST		0x0010
#define PCI_REVISION_ID			0x08
#define PCI_CLASS_PROG			0x09	/* 3 bytes: prog-if, sub, class */
#define PCI_HEADER_TYPE			0x0e
#define PCI_BASE_ADDRESS_0		0x10
#define  PCI_BASE_ADDRESS_SPACE_IO	0x1
#define PCI_SUBSYSTEM_VENDOR_ID		0x2c
#define PCI_SUBSYSTEM_ID		0x2e
#define PCI_CAPABILITY_LIST		0x34
#define PCI_INTERRUPT_LINE		0x3c
#define PCI_INTERRUPT_PIN		0x3d
#define PCI_CAP_START			0x40	/* the first capability */

#define PCI_CAP_ID_VNDR			0x09
#define PCI_CAP_ID_MSIX			0x11

/*
 * Where a BAR decodes when it decodes nowhere. Not 0: an I/O BAR at
 * port 0 sits at CPU address 0 on kvmtool's map (the I/O window's
 * start), where kvm-unit-tests places the first one.
 */
#define PCI_DECODE_NONE			UINT64_MAX

/* What pci_cfg_write() changed, for the bridge. */
#define PCI_CFG_CHANGED_DECODE		0x1	/* the command register or a BAR */

struct pci_dev;
struct pci_host;

/* What the function is, as its header says. */
struct pci_dev_id {
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys;
	uint32_t class;			/* class, subclass, prog-if: 0xccsspp */
	uint8_t revision;
};

struct pci_dev_ops {
	/*
	 * A guest access to BAR bar at acc->offset, inside the BAR; any
	 * width 1 to 8, which the model checks. On the vCPU thread that
	 * took it, without the bridge's lock. 0 or -errno, as an MMIO
	 * handler (devices/mmio.h).
	 */
	int (*bar_access)(struct pci_dev *pdev, unsigned int bar,
			  struct mmio_access *acc);
	/*
	 * BAR bar decodes at CPU address addr from now on; PCI_DECODE_NONE:
	 * nowhere (its decoding off, outside the bridge's window, or
	 * clashing with another BAR).
	 * The device moves what it bound to the old address (KVM
	 * ioeventfds). Under the bridge's lock, on the vCPU thread whose
	 * config write moved it, or at set-up. Optional.
	 */
	void (*bar_moved)(struct pci_dev *pdev, unsigned int bar, uint64_t addr);
	/*
	 * The guest wrote [off, off + len) of the config space, already
	 * applied: a capability with side effects (MSI-X's enable bit)
	 * acts on it. Under the bridge's lock. Optional.
	 */
	void (*config_written)(struct pci_dev *pdev, uint32_t off, uint32_t len);
};

struct pci_dev {
	const struct pci_dev_ops *ops;
	void *priv;			/* the device's own state */
	const char *name;		/* for messages */
	/* Under lock: the header and capabilities, and the INTx state. */
	pthread_mutex_t lock;
	uint8_t cfg[PCI_CFG_HDR_SIZE];
	uint8_t wmask[PCI_CFG_HDR_SIZE];	/* bits the guest may write */
	bool intx_level;		/* what the device asks for */
	bool intx_out;			/* the line, INTx Disable applied */
	/* Fixed once the function is added to the bridge. */
	uint32_t bar_size[PCI_NR_BARS];	/* 0: not implemented */
	uint8_t bar_io;			/* bit n: BAR n is an I/O BAR */
	unsigned int cap_end;		/* where the next capability goes */
	uint8_t cap_last;		/* the last capability, 0: none */
	struct irq_line *intx;		/* INTA's line, NULL: no pin */
	/* The bridge's, under its lock. */
	struct pci_host *host;
	unsigned int slot;
	uint64_t decode[PCI_NR_BARS];	/* where each BAR decodes, or PCI_DECODE_NONE */
};

/* A function with the given IDs, no BARs, no capabilities. 0 or -errno. */
int pci_dev_init(struct pci_dev *pdev, const struct pci_dev_id *id,
		 const struct pci_dev_ops *ops, void *priv);
void pci_dev_destroy(struct pci_dev *pdev);
/*
 * A 32-bit memory BAR of size bytes (a power of 2, 16 bytes to 1 GiB);
 * it reads as address 0 until placed. -EINVAL otherwise.
 */
int pci_dev_add_bar(struct pci_dev *pdev, unsigned int bar, uint32_t size);
/*
 * An I/O space BAR of size bytes (a power of 2, 4 to 256 bytes, as
 * the PCI spec allows); the function's I/O Space bit becomes
 * writable. -EINVAL otherwise.
 */
int pci_dev_add_io_bar(struct pci_dev *pdev, unsigned int bar, uint32_t size);

static inline bool pci_dev_bar_is_io(const struct pci_dev *pdev, unsigned int bar)
{
	return bar < PCI_NR_BARS && (pdev->bar_io >> bar & 1);
}

/*
 * Append a capability of len bytes (its ID and next pointer included)
 * to the list; *off is where it starts, for the device to fill in its
 * body (pdev->cfg + *off) and the bits the guest may write. -ENOSPC
 * when it does not fit below 256 bytes.
 */
int pci_dev_add_cap(struct pci_dev *pdev, uint8_t id, uint8_t len,
		    uint8_t *off);
/* Give the function INTA, driven on line (the device's SPI). */
void pci_dev_set_pin(struct pci_dev *pdev, struct irq_line *line);
/*
 * The device's INTx level (any thread): Interrupt Status follows it,
 * and the line too unless the guest set INTx Disable.
 */
void pci_dev_set_intx(struct pci_dev *pdev, bool level);
/*
 * Config space accesses: any width 1 to 8 at any offset inside the
 * function's 4 KiB; -EINVAL otherwise (reads give 0). A read has no
 * side effects; a write changes only the bits the guest may write
 * (BARs: their address bits, so all-ones reads back the size) and
 * sets *changed (PCI_CFG_CHANGED_*).
 */
int pci_cfg_read(struct pci_dev *pdev, uint32_t off, uint32_t len,
		 uint64_t *val);
int pci_cfg_write(struct pci_dev *pdev, uint32_t off, uint32_t len,
		  uint64_t val, unsigned int *changed);
/*
 * What BAR bar holds now (its address: a bus address for a memory BAR,
 * a port for an I/O BAR), and whether memory and I/O space decode.
 */
uint32_t pci_dev_bar_addr(struct pci_dev *pdev, unsigned int bar);
bool pci_dev_mem_enabled(struct pci_dev *pdev);
bool pci_dev_io_enabled(struct pci_dev *pdev);
/* Place BAR bar (set-up, before the guest runs: firmware's job). */
void pci_dev_place_bar(struct pci_dev *pdev, unsigned int bar, uint32_t addr);
/* Set the command register; bits the function lacks stay clear. */
void pci_dev_set_command(struct pci_dev *pdev, uint16_t bits);

/*
 * Snapshots (devices/pci/pci-snap.c): the config space and the INTx
 * state; a restore takes only the bits the guest may write, and does
 * not drive the line. Then pci_dev_restored() (devices/pci/host.c)
 * has the bridge decode the restored BARs again: bar_moved() tells the
 * device where, as a config write would. 0 or -errno.
 */
struct snapshot;
int pci_dev_save(struct pci_dev *pdev, struct snapshot *s);
int pci_dev_restore(struct pci_dev *pdev, struct snapshot *s);
void pci_dev_restored(struct pci_dev *pdev);

/*
 * An MSI of the function, through the bridge to the GIC's MSI frame,
 * the requester ID (bus 0, devfn slot << 3) as its device ID:
 * -EOPNOTSUPP where there is no frame. route makes or updates r for
 * the message (devices/msi.h); -EOPNOTSUPP where the frame cannot.
 */
struct msi_route;
int pci_dev_signal_msi(struct pci_dev *pdev, uint64_t addr, uint32_t data);
int pci_dev_route_msi(struct pci_dev *pdev, struct msi_route *r,
		      uint64_t addr, uint32_t data);

#endif
