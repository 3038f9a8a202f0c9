/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_TESTDEV_H
#define GUEST_TESTDEV_H

#include "types.h"

/*
 * Driver for lkvm's test device (docs/test-device.md), found in the DT
 * by compatible. The register map is written out here again, from the
 * document, rather than shared with lkvm: the guest is the device's
 * other side and checks it against the contract.
 */
#define TESTDEV_COMPAT		"lkvm,test-device"

#define TESTDEV_ID		0x00
#define TESTDEV_VERSION		0x04
#define TESTDEV_FEATURES	0x08
#define TESTDEV_SCRATCH		0x0c
#define TESTDEV_EXIT		0x10
#define TESTDEV_IRQ_LINE	0x14
#define TESTDEV_IRQ_DELAY_US	0x18
#define TESTDEV_IRQ_CMD		0x1c
#define TESTDEV_IRQ_STATUS	0x20
#define TESTDEV_COUNTER		0x24
#define TESTDEV_MSI_ADDR_LO	0x28	/* version 2 */
#define TESTDEV_MSI_ADDR_HI	0x2c
#define TESTDEV_MSI_DATA	0x30
#define TESTDEV_MSI_DEVID	0x34
#define TESTDEV_MSI_CMD		0x38
#define TESTDEV_MSI_STATUS	0x3c
#define TESTDEV_MSI_COUNT	0x40

#define TESTDEV_FEAT_MSI	BIT(16)
#define TESTDEV_MSI_ST_PENDING	BIT(0)
#define TESTDEV_MSI_ST_ERR_INVAL BIT(24)
#define TESTDEV_MSI_ST_ERR_BUSY	BIT(25)
#define TESTDEV_MSI_ST_ERR_NOMSI BIT(26)
#define TESTDEV_MSI_ST_ERR_SEND	BIT(27)
#define TESTDEV_MSI_CMD_SEND	1

#define TESTDEV_ID_VALUE	0x44544b4c	/* "LKTD" */

#define TESTDEV_ST_LEVELS	0x0000ffff
#define TESTDEV_ST_PENDING	BIT(16)
#define TESTDEV_ST_FULL		BIT(17)
#define TESTDEV_ST_ERR_INVAL	BIT(24)
#define TESTDEV_ST_ERR_BUSY	BIT(25)

#define TESTDEV_CMD_RAISE	1
#define TESTDEV_CMD_LOWER	2
#define TESTDEV_CMD_PULSE	3
#define TESTDEV_CMD_CANCEL	4

#define TESTDEV_MAX_LINES	16

/* testdev_irq() results */
#define TESTDEV_ENODEV		(-1)	/* no device, or no such line */
#define TESTDEV_EINVAL		(-2)	/* the device refused: bad command */
#define TESTDEV_EBUSY		(-3)	/* its queue of delayed commands is full */
#define TESTDEV_ENOMSI		(-4)	/* no MSI path: no frame, or an old VMM */
#define TESTDEV_ESEND		(-5)	/* the MSI frame refused the message */
#define TESTDEV_ETIMEDOUT	(-6)	/* the device's thread never sent it */

/*
 * Looks the device up once and remembers it: 0 when a node with the
 * compatible exists and its ID register reads "LKTD", else -1. Call it
 * on the boot CPU before other CPUs use the device.
 */
int testdev_probe(void);
bool testdev_present(void);
u64 testdev_base(void);
int testdev_nr_lines(void);
/* GIC INTID of @line from the DT's "interrupts", 0 if there is none. */
u32 testdev_spi(int line);
/* Its DT trigger flags (4 = level high). */
u32 testdev_spi_flags(int line);

/*
 * Have the VMM run @cmd on @line after @delay_us (0: before this
 * returns). Any CPU, interrupt handlers included. 0 or TESTDEV_E*.
 */
int testdev_irq(int line, u32 cmd, u32 delay_us);
u32 testdev_status(void);
u32 testdev_counter(void);

/* The device has MSI registers and the VMM gave it an MSI path. */
bool testdev_has_msi(void);
/*
 * Have the device's thread send one MSI (address, data, device ID) to
 * the GIC's MSI frame, and wait until it has (the frame has taken or
 * refused it when this returns). 0 or TESTDEV_E*; the status read
 * assumes no other CPU sends MSIs meanwhile.
 */
int testdev_msi(u64 addr, u32 data, u32 devid);

/*
 * Ask the VMM to stop with exit status @status (0..255; above reads as
 * 255). The VM stops asynchronously: the caller must not rely on
 * anything after it and should power off as a fallback.
 */
void testdev_exit(int status);

#endif
