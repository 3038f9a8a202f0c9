/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_PCI_H
#define LKVM_DEVICES_VIRTIO_PCI_H

/*
 * The virtio-pci transport (virtio 1.x, 4.1): a PCI function on lkvm's
 * host bridge (devices/pci/), modern or legacy, as kvmtool's pci and
 * pci-legacy lay them out.
 *
 * Modern (pci.c): BAR 1, a 4 KiB memory BAR, holds the four regions
 * the vendor capabilities point at.
 *
 * Legacy (pci-legacy.c; virtio 0.9.5, the "legacy interface" of 4.1.4.8):
 * a transitional device ID (0x1000 + ...), revision 0, no vendor
 * capabilities, and BAR 0 an I/O BAR holding the legacy header (the
 * rings at a PFN of 4 KiB pages, 32 feature bits, a fixed queue size)
 * followed by the device's config space.
 *
 * Both: BAR 2 holds MSI-X's table and PBA, kvmtool's layout: a vector
 * for each of up to 32 queues and one for config changes, the PBA
 * right after the table. With MSI-X enabled, an interrupt is the
 * message of the vector the driver assigned to the queue (or to config
 * changes), none for NO_VECTOR, and the ISR's queue bit is not used.
 * Otherwise it is INTA, a level line that is high while the ISR is
 * non-zero and that the driver's read of the ISR (which clears it)
 * lowers. Queue notifications go to KVM ioeventfds, one a queue
 * (datamatch its index), that follow the BAR holding the notify
 * register.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/pci/msix.h"
#include "devices/pci/config.h"
#include "devices/virtio/virtio.h"

#define VIRTIO_PCI_BAR			1
#define VIRTIO_PCI_BAR_SIZE		0x1000	/* a page: no two devices share one */
#define VIRTIO_PCI_COMMON		0x000	/* struct virtio_pci_common_cfg */
#define VIRTIO_PCI_COMMON_SIZE		0x038
#define VIRTIO_PCI_NOTIFY		0x038	/* every queue: multiplier 0 */
#define VIRTIO_PCI_NOTIFY_SIZE		0x004
#define VIRTIO_PCI_ISR			0x03c
#define VIRTIO_PCI_ISR_SIZE		0x004
#define VIRTIO_PCI_DEVCFG		0x040	/* the device's config space */
#define VIRTIO_PCI_DEVCFG_SIZE		0x0c0

/* IDs (virtio 1.x, 4.1.2), and kvmtool's subsystem IDs. */
#define VIRTIO_PCI_VENDOR_ID		0x1af4
#define VIRTIO_PCI_DEVICE_ID_BASE	0x1040
#define VIRTIO_PCI_SUBSYS_ID_BASE	0x0040
#define VIRTIO_PCI_REVISION		1	/* non-transitional (4.1.2.1) */
/* Legacy: BAR 0's I/O space (4.1.4.8), kvmtool's size. */
#define VIRTIO_PCI_LEGACY_BAR		0
#define VIRTIO_PCI_LEGACY_BAR_SIZE	0x100
#define VIRTIO_PCI_LEGACY_NOTIFY	0x10	/* 16 bits: the queue's index */
#define VIRTIO_PCI_LEGACY_REVISION	0	/* Linux's legacy driver wants 0 */
#define VIRTIO_MSI_NO_VECTOR		0xffff
#define VIRTIO_PCI_MSIX_BAR		2
#define VIRTIO_PCI_MSIX_BAR_SIZE	0x1000
#define VIRTIO_PCI_MSIX_VECTORS		33	/* kvmtool's: 32 queues + config */
#define VIRTIO_PCI_MSIX_TABLE		0x000
#define VIRTIO_PCI_MSIX_PBA		(VIRTIO_PCI_MSIX_VECTORS * 16)

struct virtio_pci {
	struct device dev;		/* what the board lists */
	struct pci_dev pdev;
	struct virtio_dev *vd;
	bool legacy;			/* the legacy interface: BAR 0's header */
	/* The registers' BAR: virtio_pci_modern_access() or the legacy one. */
	int (*regs_access)(struct virtio_pci *vp, struct mmio_access *acc);
	unsigned int regs_bar;		/* the BAR of the registers */
	uint32_t notify_off;		/* the notify register's offset in it */
	/* The ISR read and the interrupt: the line follows the ISR. */
	pthread_mutex_t isr_lock;
	/* Under the bridge's lock (bar_moved) or at set-up and teardown. */
	bool ioeventfd;			/* the host has KVM ioeventfds */
	uint64_t notify_bound;		/* where they are bound, 0: nowhere */
	/* Register selectors, under vd->lock. */
	uint32_t dev_features_sel;
	uint32_t drv_features_sel;
	uint32_t queue_sel;
	uint64_t drv_features;		/* being written, before FEATURES_OK */
	/* The driver's MSI-X vectors (NO_VECTOR: none), under vd->lock. */
	uint16_t config_vector;
	uint16_t queue_vector[VIRTIO_MAX_QUEUES];
	/* Legacy: each queue's PFN as written, under vd->lock. */
	uint32_t queue_pfn[VIRTIO_MAX_QUEUES];
	struct pci_msix msix;
};

/*
 * Make the transport for vd (initialised with virtio_dev_init()),
 * modern or legacy: takes its SPI through ctx and plugs itself into
 * the machine's PCI host bridge (ctx->add_pci), last. vp comes from
 * malloc(): the device's destroy frees it. On failure vp is the
 * caller's to free and vd still needs virtio_dev_destroy(). Legacy:
 * -EINVAL for a device type without a transitional device ID.
 */
int virtio_pci_create(struct virtio_pci *vp, struct virtio_dev *vd,
		      const struct device_ctx *ctx, bool legacy);
/*
 * The registers' BAR, for the bridge and for unit tests and fuzzers.
 * Modern, BAR 1: common config fields at their own width (64-bit ones
 * also as 32-bit halves), a 16- or 32-bit notify, the ISR byte (read
 * to clear), the device config at any width 1 to 8. Legacy, BAR 0:
 * virtio_pci_legacy_access(). Anything else returns -EINVAL (reads as
 * zero).
 */
int virtio_pci_bar_access(struct pci_dev *pdev, unsigned int bar,
			  struct mmio_access *acc);
/*
 * BAR 2's table and PBA are also reached through virtio_pci_bar_access.
 * The INTx level follows the ISR while MSI-X is disabled; low while it
 * is enabled.
 */
void virtio_pci_intx_sync(struct virtio_pci *vp);
/* The core's interrupt hook: queue q's (or config's) vector, else INTx. */
void virtio_pci_interrupt(struct virtio_dev *vd, unsigned int q);
/* Forget what the driver wrote to the transport (status 0). */
void virtio_pci_reset_transport(struct virtio_pci *vp);

/*
 * Snapshots (devices/virtio/pci-snap.c): the transport's, the
 * function's, MSI-X's and the device's state, the I/O thread held off
 * during the save. restore writes into a transport set-up made, before
 * its start, then has the bridge decode its BARs again (ioeventfds
 * move with them). -EINVAL for a section of another transport or
 * version, a vector past the table, or state that cannot be;
 * -EOPNOTSUPP: the model cannot be saved.
 */
int virtio_pci_save(struct virtio_pci *vp, struct snapshot *s);
int virtio_pci_restore(struct virtio_pci *vp, struct snapshot *s);

/* Shared by both register layouts (pci.c). */
/* A status write; 0 resets the device and the transport, INTx drops. */
void virtio_pci_write_status(struct virtio_pci *vp, uint8_t val);
/* Read to clear; lowers INTx with it. */
uint8_t virtio_pci_isr_read(struct virtio_pci *vp);
/* The config vector, or the selected queue's: NO_VECTOR while MSI-X is off. */
uint16_t virtio_pci_read_vector(struct virtio_pci *vp, bool config);
void virtio_pci_write_vector(struct virtio_pci *vp, bool config, uint16_t val);
/* The device config at off in it, any width 1 to 8 inside; else -EINVAL. */
int virtio_pci_devcfg(struct virtio_pci *vp, struct mmio_access *acc,
		      uint64_t off);

/*
 * The legacy header (pci-legacy.c), BAR 0: each register at its own
 * offset and width (features and PFN 32 bits; queue size, select,
 * notify and the vectors 16; status and ISR 8), then the device config
 * at any width 1 to 8, at 0x18 while MSI-X is enabled (the vectors at
 * 0x14 and 0x16) and at 0x14 otherwise. Anything else returns -EINVAL.
 */
int virtio_pci_legacy_access(struct virtio_pci *vp, struct mmio_access *acc);
/* The modern registers (BAR 1), as virtio_pci_bar_access() describes. */
int virtio_pci_modern_access(struct virtio_pci *vp, struct mmio_access *acc);

#endif
