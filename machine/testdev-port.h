/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_TESTDEV_PORT_H
#define LKVM_MACHINE_TESTDEV_PORT_H

#include <stddef.h>

#include "devices/device.h"
#include "devices/testdev.h"

struct vm;
struct control_cmd;

/* The test device (--test-device) as the VM's device, with its thread. */
struct testdev_port {
	struct device dev;
	struct testdev testdev;
	struct vm *vm;
	/* The board's MSI path (device_ctx), for the device's MSI registers. */
	int (*msi)(void *ctx, uint32_t devid, uint64_t addr, uint32_t data);
	bool (*has_msi)(void *ctx);
	void *ctx;
};

/* Board entry: the test device, with --test-device only. */
int testdev_port_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		     struct device_list *list);
/* lkvm irq: drive one of its lines from a host script. */
int testdev_port_irq(struct testdev_port *p, const struct control_cmd *cmd,
		     char *msg, size_t len);

#endif
