// SPDX-License-Identifier: GPL-2.0
/*
 * The test device (docs/test-device.md) as the VM's device: its lines
 * are consecutive SPIs taken after the UART's, its thread runs delayed
 * line changes, and host scripts drive its lines with lkvm irq.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/device-snap.h"
#include "cli/config.h"
#include "host/control-proto.h"
#include "lib/log.h"
#include "machine/memmap.h"
#include "machine/testdev-port.h"
#include "machine/vm.h"

#define TESTDEV_PORT_LINES	4

static void testdev_port_exit(void *opaque, int status)
{
	struct testdev_port *p = opaque;

	vm_host_ops.guest_exit(p->vm, status);
}

static void testdev_port_thread_start(void *opaque)
{
	struct testdev_port *p = opaque;

	sandbox_enter(p->vm, SANDBOX_TESTDEV, 0);	/* reports, stops the VM */
}

/* The test device's MSIs take the PCI functions' path to the frame. */
static int testdev_port_msi(void *opaque, uint32_t devid, uint64_t addr,
			    uint32_t data)
{
	struct testdev_port *p = opaque;

	return p->msi ? p->msi(p->ctx, devid, addr, data) : -EOPNOTSUPP;
}

static bool testdev_port_has_msi(void *opaque)
{
	struct testdev_port *p = opaque;

	return p->msi && (!p->has_msi || p->has_msi(p->ctx));
}

static const struct testdev_ops testdev_port_ops = {
	.exit		= testdev_port_exit,
	.thread_start	= testdev_port_thread_start,
	.msi		= testdev_port_msi,
	.msi_present	= testdev_port_has_msi,
};

static int testdev_port_fdt(struct device *dev, void *fdt)
{
	struct testdev_port *p = dev->priv;

	return testdev_fdt_node(&p->testdev, fdt, IRQCHIP_PHANDLE);
}

static int testdev_port_start(struct device *dev)
{
	struct testdev_port *p = dev->priv;

	return testdev_start(&p->testdev);
}

static void testdev_port_stop(struct device *dev)
{
	struct testdev_port *p = dev->priv;

	testdev_stop(&p->testdev);
}

static void testdev_port_destroy(struct device *dev)
{
	struct testdev_port *p = dev->priv;

	if (p->vm->testdev == p)
		p->vm->testdev = NULL;
	testdev_destroy(&p->testdev);
	free(p);
}

static int testdev_port_save(struct device *dev, struct snapshot *s)
{
	struct testdev_port *p = dev->priv;

	return testdev_save(&p->testdev, s);
}

static int testdev_port_restore(struct device *dev, struct snapshot *s)
{
	struct testdev_port *p = dev->priv;

	return testdev_restore(&p->testdev, s);
}

static const struct device_ops testdev_port_dev_ops = {
	.name		= "test device",
	.fdt_node	= testdev_port_fdt,
	.save		= testdev_port_save,
	.restore	= testdev_port_restore,
	.start		= testdev_port_start,
	.stop		= testdev_port_stop,
	.destroy	= testdev_port_destroy,
};

static int testdev_port_make(const struct device_ctx *ctx, struct testdev_port *p)
{
	struct irq_line lines[TESTDEV_PORT_LINES];
	unsigned int i;
	int ret;

	for (i = 0; i < TESTDEV_PORT_LINES; i++) {
		ret = ctx->alloc_irq(ctx->opaque, &lines[i]);
		if (ret)
			return ret;
	}
	ret = testdev_init(&p->testdev, MEMMAP_TESTDEV_BASE, lines,
			   TESTDEV_PORT_LINES, &testdev_port_ops, p);
	if (ret)
		return ret;
	p->dev = (struct device) {
		.ops = &testdev_port_dev_ops, .name = "test device", .priv = p,
	};
	ret = ctx->map_mmio(ctx->opaque, &p->testdev.region);
	if (ret)
		testdev_destroy(&p->testdev);
	return ret;
}

int testdev_port_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		     struct device_list *list)
{
	struct testdev_port *p;
	int ret;

	if (!cfg->test_device)
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->vm = ctx->host;
	p->msi = ctx->msi;
	p->has_msi = ctx->has_msi;
	p->ctx = ctx->opaque;
	ret = testdev_port_make(ctx, p);
	if (!ret) {
		ret = device_list_add(list, &p->dev);
		if (ret)
			testdev_destroy(&p->testdev);
	}
	if (ret) {
		pr_err(ctx->loglevel, "cannot create the test device: %s", strerror(-ret));
		free(p);
		return ret;
	}
	p->vm->testdev = p;
	return 0;
}

int testdev_port_irq(struct testdev_port *p, const struct control_cmd *cmd,
		     char *msg, size_t len)
{
	static const unsigned int cmds[] = {
		[CONTROL_LEVEL_LOW] = TESTDEV_CMD_LOWER,
		[CONTROL_LEVEL_HIGH] = TESTDEV_CMD_RAISE,
		[CONTROL_LEVEL_PULSE] = TESTDEV_CMD_PULSE,
	};
	unsigned int first;
	int ret;

	if (!p) {
		snprintf(msg, len, "SPI %u: this VM has no test device whose lines a script may drive; start it with --test-device",
			 cmd->spi);
		return -ENODEV;
	}
	first = p->testdev.lines[0].spi;
	if (cmd->spi < first || cmd->spi >= first + TESTDEV_PORT_LINES) {
		snprintf(msg, len, "SPI %u is not a test-device line; use SPI %u to %u",
			 cmd->spi, first, first + TESTDEV_PORT_LINES - 1);
		return -EINVAL;
	}
	ret = testdev_irq_command(&p->testdev, cmd->spi - first, cmds[cmd->level], 0);
	if (ret)
		snprintf(msg, len, "SPI %u: %s", cmd->spi, strerror(-ret));
	else
		snprintf(msg, len, "done");
	return ret;
}
