/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_UART8250_H
#define LKVM_DEVICES_UART8250_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/mmio.h"

#define UART8250_FIFO_SIZE	64
#define UART8250_CLOCK_HZ	1843200

/* How the UART reaches the rest of the VM; all called with its lock held. */
struct uart8250_ops {
	void (*set_irq)(void *opaque, bool level);
	void (*tx)(void *opaque, uint8_t byte);
	/* The guest drained the receive FIFO: more input may be fed. */
	void (*rx_ready)(void *opaque);
};

/*
 * A 16550A with byte-wide registers (reg-shift 0). Transmission is
 * instantaneous: THR is always empty, so a transmit interrupt is
 * pending whenever the guest has enabled it and not yet acknowledged
 * it (by reading IIR or writing THR), which is what drivers expect.
 */
struct uart8250 {
	pthread_mutex_t lock;
	struct mmio_region region;
	const struct uart8250_ops *ops;
	void *opaque;
	unsigned int spi;

	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thri_pending;
	bool irq_level;
	uint8_t rx[UART8250_FIFO_SIZE];
	unsigned int rx_head, rx_count;
};

void uart8250_init(struct uart8250 *u, uint64_t base, unsigned int spi,
		   const struct uart8250_ops *ops, void *opaque);
void uart8250_destroy(struct uart8250 *u);
int uart8250_mmio(struct mmio_region *region, struct mmio_access *acc);
size_t uart8250_rx_room(struct uart8250 *u);
size_t uart8250_rx_push(struct uart8250 *u, const uint8_t *buf, size_t len);
int uart8250_fdt_node(struct uart8250 *u, void *fdt, uint32_t gic_phandle);

#endif
