/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_UART_PORT_H
#define LKVM_MACHINE_UART_PORT_H

#include "devices/device.h"
#include "devices/uart8250.h"
#include "machine/reg-page.h"

struct vm;

/*
 * The 8250 UART as the VM's device: the model (devices/uart8250.c) and
 * what lkvm adds around it on KVM, batched THR writes and the register
 * page (docs/design.md, "The console").
 */
struct uart_port {
	struct device dev;
	struct uart8250 uart;
	struct reg_page page;	/* UART reads without exits */
	struct vm *vm;
};

/* Board entry: the UART at kvmtool's address, the guest's console unless --console virtio. */
int uart_port_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		  struct device_list *list);
/* A set-up stage, after the batched MMIO ring: the register page. */
int uart_port_page_init(struct vm *vm);
/* From the main loop, when output stopped: reads exit again. */
void uart_port_page_idle(struct vm *vm);

#endif
