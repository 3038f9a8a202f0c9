/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_TESTDEV_H
#define LKVM_DEVICES_TESTDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/irq-line.h"
#include "devices/mmio.h"

/*
 * The lkvm test device (compatible "lkvm,test-device"): lets a test
 * guest end the run with an exit status, and have the VMM raise, lower
 * or pulse one of the device's SPI lines, now or after a delay, from a
 * host thread of its own. docs/test-device.md is the reference.
 */

/* Registers: 32 bits wide, little endian, 32-bit accesses only. */
#define TESTDEV_ID		0x00	/* RO "LKTD" */
#define TESTDEV_VERSION		0x04	/* RO */
#define TESTDEV_FEATURES	0x08	/* RO */
#define TESTDEV_SCRATCH		0x0c	/* RW, no side effect */
#define TESTDEV_EXIT		0x10	/* WO status 0..255, stops the VM */
#define TESTDEV_IRQ_LINE	0x14	/* RW line for IRQ_CMD */
#define TESTDEV_IRQ_DELAY_US	0x18	/* RW delay for IRQ_CMD, 0 = now */
#define TESTDEV_IRQ_CMD		0x1c	/* WO command, see enum testdev_cmd */
#define TESTDEV_IRQ_STATUS	0x20	/* RO */
#define TESTDEV_COUNTER		0x24	/* RO line commands executed */
#define TESTDEV_MSI_ADDR_LO	0x28	/* RW the next MSI's doorbell address */
#define TESTDEV_MSI_ADDR_HI	0x2c
#define TESTDEV_MSI_DATA	0x30	/* RW its data (the ITS's event ID) */
#define TESTDEV_MSI_DEVID	0x34	/* RW the device ID it carries */
#define TESTDEV_MSI_CMD		0x38	/* WO TESTDEV_MSI_CMD_SEND */
#define TESTDEV_MSI_STATUS	0x3c	/* RO */
#define TESTDEV_MSI_COUNT	0x40	/* RO MSIs the thread handed on */
#define TESTDEV_REG_SIZE	0x1000

#define TESTDEV_ID_VALUE	0x44544b4cu	/* "LKTD" in memory order */
#define TESTDEV_VERSION_VALUE	2

/* FEATURES */
#define TESTDEV_FEAT_LINES(v)	((v) & 0xff)
#define TESTDEV_FEAT_QUEUE(v)	(((v) >> 8) & 0xff)
#define TESTDEV_FEAT_MSI	(1u << 16)	/* the VMM gave it an MSI path */

/* IRQ_STATUS */
#define TESTDEV_ST_LEVELS	0x0000ffffu	/* bit i: line i's level */
#define TESTDEV_ST_PENDING	(1u << 16)	/* a delayed command is queued */
#define TESTDEV_ST_FULL		(1u << 17)	/* the queue is full */
#define TESTDEV_ST_ERR_INVAL	(1u << 24)	/* last IRQ_CMD: bad line/command */
#define TESTDEV_ST_ERR_BUSY	(1u << 25)	/* last IRQ_CMD: queue full */

/* MSI_STATUS */
#define TESTDEV_MSI_ST_PENDING	 (1u << 0)	/* an MSI is queued, not yet sent */
#define TESTDEV_MSI_ST_ERR_INVAL (1u << 24)	/* last MSI_CMD: no such command */
#define TESTDEV_MSI_ST_ERR_BUSY	 (1u << 25)	/* last MSI_CMD: queue full */
#define TESTDEV_MSI_ST_ERR_NOMSI (1u << 26)	/* last MSI_CMD: no MSI frame */
#define TESTDEV_MSI_ST_ERR_SEND	 (1u << 27)	/* last MSI sent: the frame refused it */
#define TESTDEV_MSI_CMD_SEND	1

enum testdev_cmd {
	TESTDEV_CMD_RAISE = 1,	/* level high */
	TESTDEV_CMD_LOWER = 2,	/* level low */
	TESTDEV_CMD_PULSE = 3,	/* high then low: one edge */
	TESTDEV_CMD_CANCEL = 4,	/* drop the line's delayed commands */
	TESTDEV_CMD_MSI = 0x100,	/* queue only: send the entry's MSI */
};

#define TESTDEV_MAX_LINES	16
#define TESTDEV_QUEUE_LEN	16

/*
 * How the device reaches the VM. Neither is called with the device's
 * state lock held. Its lines are driven with the line lock held (see
 * "Locking" in testdev.c), so a line must not call back into the device.
 */
struct testdev_ops {
	/* The guest wrote EXIT: stop the VM, exit status @status (0..255). */
	void (*exit)(void *opaque, int status);
	/* Optional: first thing on the device's thread (to enter the sandbox). */
	void (*thread_start)(void *opaque);
	/*
	 * Optional: deliver one MSI to the GIC's MSI frame, the way a PCI
	 * function's MSI-X vector does when no irqfd route carries it. On
	 * the device's thread, neither lock held. 0 or -errno (-EOPNOTSUPP:
	 * no frame). Without it MSI_CMD is refused with ERR_NOMSI.
	 */
	int (*msi)(void *opaque, uint32_t devid, uint64_t addr, uint32_t data);
	/* Optional, with msi: false when the VM has no MSI frame at all. */
	bool (*msi_present)(void *opaque);
};

struct testdev_pending {
	uint64_t deadline_ns;	/* CLOCK_MONOTONIC */
	unsigned int line;	/* TESTDEV_MAX_LINES for an MSI */
	unsigned int cmd;
	/* TESTDEV_CMD_MSI: the message, as the registers held it when sent */
	uint64_t addr;
	uint32_t data;
	uint32_t devid;
};

struct testdev {
	pthread_mutex_t lock;		/* the state below */
	pthread_mutex_t line_lock;	/* serialises line changes, outer */
	pthread_cond_t cond;		/* queue changed, or stop */
	pthread_t thread;
	bool running;			/* start/stop's caller only */
	bool stopping;			/* tells the thread to return */
	bool stopped;			/* refuse delayed commands */

	struct mmio_region region;
	const struct testdev_ops *ops;
	void *opaque;
	/*
	 * Its lines, consecutive SPIs. Driven only on changes, from a vCPU
	 * thread, the device's thread or whichever thread called
	 * testdev_irq_command(), with the line lock held.
	 */
	struct irq_line lines[TESTDEV_MAX_LINES];
	unsigned int nr_lines;

	uint32_t scratch;
	uint32_t line_sel;
	uint32_t delay_us;
	uint32_t errors;		/* TESTDEV_ST_ERR_* of the last IRQ_CMD */
	uint32_t levels;
	uint32_t counter;
	bool exited;

	/* The MSI registers; msi_errors are TESTDEV_MSI_ST_ERR_*. */
	uint64_t msi_addr;
	uint32_t msi_data;
	uint32_t msi_devid;
	uint32_t msi_errors;
	uint32_t msi_count;
	unsigned int msi_queued;

	/* By deadline; equal deadlines in submission order. */
	struct testdev_pending queue[TESTDEV_QUEUE_LEN];
	unsigned int nr_queued;
};

/*
 * Lines 0..@nr_lines-1 are @lines[], consecutive SPIs. Returns 0 or
 * -EINVAL (@nr_lines is 0 or above TESTDEV_MAX_LINES, or the SPIs are
 * not consecutive), or a pthread error as -errno.
 */
int testdev_init(struct testdev *d, uint64_t base, const struct irq_line *lines,
		 unsigned int nr_lines, const struct testdev_ops *ops,
		 void *opaque);
void testdev_destroy(struct testdev *d);

/* The thread that runs delayed commands; stop drops what is pending. */
int testdev_start(struct testdev *d);
void testdev_stop(struct testdev *d);

int testdev_mmio(struct mmio_region *region, struct mmio_access *acc);

/*
 * Run @cmd on @line now (@delay_us = 0, on the caller's thread) or
 * queue it. The guest's IRQ_CMD and the host's "lkvm irq" both end up
 * here. Returns 0, -EINVAL (bad line or command), -EBUSY (queue full)
 * or -ESHUTDOWN (delayed command after testdev_stop()).
 */
int testdev_irq_command(struct testdev *d, unsigned int line,
			unsigned int cmd, uint32_t delay_us);

int testdev_fdt_node(struct testdev *d, void *fdt, uint32_t gic_phandle);

#endif
