/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_SERIAL_PORT_H
#define LKVM_MACHINE_SERIAL_PORT_H

#include "devices/device.h"

/*
 * Board entry: kvmtool's other three 8250s, ttyS1 to ttyS3 (the first,
 * the console, is machine/uart-port.c). Their output is discarded and
 * they receive nothing, unless --tty N puts UART N on a host pty.
 */
int serial_ports_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		     struct device_list *list);

#endif
