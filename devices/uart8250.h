/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_UART8250_H
#define LKVM_DEVICES_UART8250_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/irq-line.h"
#include "devices/mmio.h"

#define UART8250_FIFO_SIZE	64
#define UART8250_CLOCK_HZ	1843200
#define UART8250_REGS		8	/* byte-wide, one byte apart */

/* How the UART reaches the rest of the VM; all called with its lock held. */
struct uart8250_ops {
	/* false: the host cannot take the byte now; see uart8250_tx_ready(). */
	bool (*tx)(void *opaque, uint8_t byte);
	/*
	 * Whether THR writes may be batched (KVM coalesced MMIO): only
	 * while they have no effect the guest could see before its next
	 * read of a UART register, that is, no transmit interrupt and no
	 * loopback. Optional.
	 */
	void (*tx_batch)(void *opaque, bool on);
	/* The guest drained the receive FIFO: more input may be fed. */
	void (*rx_ready)(void *opaque);
	/*
	 * After every access and change: what each of the UART8250_REGS
	 * registers reads as, when they may be read from a copy without
	 * lkvm (no read has a side effect), else NULL. read: the guest
	 * just read a register through lkvm. Optional.
	 */
	void (*image)(void *opaque, const uint8_t *regs, bool read);
};

/*
 * A 16550A with byte-wide registers (reg-shift 0). Transmission is
 * instantaneous while the host takes bytes: THR is empty again at once,
 * so a transmit interrupt is pending whenever the guest has enabled it
 * and not yet acknowledged it (by reading IIR or writing THR), which is
 * what drivers expect. When the host refuses a byte (its output is
 * backed up), THR holds it and LSR says so until uart8250_tx_ready().
 */
struct uart8250 {
	pthread_mutex_t lock;
	struct mmio_region region;
	const struct uart8250_ops *ops;
	void *opaque;
	struct irq_line irq;	/* level-sensitive; driven on changes only */

	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thri_pending;
	bool overrun;		/* LSR.OE: a received byte found the FIFO full */
	bool thr_full;		/* the host refused thr; LSR.THRE clear */
	uint8_t thr;
	bool batching;		/* last tx_batch() state */
	uint64_t tx_lost;	/* THR writes while THR was full */
	bool irq_level;
	uint8_t rx[UART8250_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	bool rx_break;		/* the byte at the FIFO's head is a break (LSR.BI) */
};

void uart8250_init(struct uart8250 *u, uint64_t base, const struct irq_line *irq,
		   const struct uart8250_ops *ops, void *opaque);
void uart8250_destroy(struct uart8250 *u);
int uart8250_mmio(struct mmio_region *region, struct mmio_access *acc);
size_t uart8250_rx_room(struct uart8250 *u);
void uart8250_tx_ready(struct uart8250 *u);
void uart8250_restored(struct uart8250 *u);
size_t uart8250_rx_push(struct uart8250 *u, const uint8_t *buf, size_t len);
int uart8250_rx_sysrq(struct uart8250 *u, uint8_t key);
int uart8250_fdt_node(struct uart8250 *u, void *fdt, uint32_t gic_phandle);

#endif
