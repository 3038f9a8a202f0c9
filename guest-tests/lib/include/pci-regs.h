/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_PCI_REGS_H
#define GUEST_PCI_REGS_H

/*
 * Register offsets written out from the specifications, for the guests
 * that drive PCI functions: the config header (PCI Local Bus 3.0, 6.1)
 * and virtio-pci's capabilities and common configuration (virtio 1.x,
 * 4.1.4).
 */
#define CFG_VENDOR		0x00
#define CFG_COMMAND		0x04
#define  CMD_MEMORY		0x0002
#define  CMD_MASTER		0x0004
#define  CMD_INTX_DISABLE	0x0400
#define CFG_BAR0		0x10
#define CFG_ROM			0x30
#define CFG_CAP_PTR		0x34
#define CFG_INT_LINE		0x3c
#define CAP_ID_VNDR		0x09
#define CAP_ID_MSIX		0x11

#define VPCI_VENDOR		0x1af4
#define VPCI_DEVICE_BASE	0x1040
#define VPCI_CAP_COMMON		1
#define VPCI_CAP_NOTIFY		2
#define VPCI_CAP_ISR		3
#define VPCI_CAP_DEVICE		4
#define CC_DFSELECT		0x00
#define CC_DF			0x04
#define CC_GFSELECT		0x08
#define CC_GF			0x0c
#define CC_MSIX_CONFIG		0x10
#define CC_NUM_QUEUES		0x12
#define CC_STATUS		0x14
#define CC_Q_SELECT		0x16
#define CC_Q_SIZE		0x18
#define CC_Q_MSIX		0x1a
#define CC_Q_ENABLE		0x1c
#define CC_Q_NOFF		0x1e
#define CC_Q_DESC		0x20
#define CC_Q_DRIVER		0x28
#define CC_Q_DEVICE		0x30
#define CC_SIZE			0x38

#endif
