// SPDX-License-Identifier: GPL-2.0
/*
 * The UART as the VM's device: its region, line and DT node, and the
 * ways lkvm makes a console byte cheap on KVM (docs/design.md, "The
 * console"): THR writes batched through KVM's coalesced-MMIO ring while
 * the guest polls, and register reads served from a read-only page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/device-snap.h"
#include "cli/config.h"
#include "lib/log.h"
#include "machine/memmap.h"
#include "machine/uart-port.h"
#include "machine/vm.h"

static bool uart_port_tx(void *opaque, uint8_t byte)
{
	struct uart_port *p = opaque;

	return console_put(&p->vm->console, byte);
}

/* THR writes are batched while the guest polls LSR (docs/performance.md). */
static void uart_port_tx_batch(void *opaque, bool on)
{
	struct uart_port *p = opaque;
	int ret = mmio_batch_zone(p->vm, p->uart.region.base, 1, on);

	if (ret)
		pr_debug(p->vm->cfg.loglevel, "UART: cannot %s batching THR writes: %s",
			 on ? "start" : "stop", strerror(-ret));
}

static void uart_port_rx_ready(void *opaque)
{
	struct uart_port *p = opaque;

	vm_wake(p->vm);
}

/*
 * The UART's register page (machine/reg-page.h): while the guest polls
 * LSR to transmit, and THR writes go to KVM's coalesced ring, a console
 * byte costs no exit at all. Mapped once UART_PAGE_MISSES reads in a
 * row exited although the copy was good (the guest is polling, not
 * taking one interrupt); withdrawn at once when the copy goes stale,
 * and when the console ring has less room than the writes that may sit
 * in KVM's ring (nothing else stops the guest while it reads THRE from
 * memory); withdrawn too when output stops (uart_port_page_idle()).
 */
#define UART_PAGE_MISSES	16
#define UART_PAGE_SLOT		1	/* guest RAM is slot 0 */

static void uart_port_page_off(struct uart_port *port)
{
	struct vm *vm = port->vm;
	int ret = reg_page_map(vm, &port->page, false);

	port->page.misses = 0;
	if (!ret)
		return;
	/* The guest would go on reading a stale copy: stop it. */
	pr_err(vm->cfg.loglevel, "cannot withdraw the UART's register page: %s",
	       strerror(-ret));
	vm_request_stop(vm, VM_STOP_ERROR);
}

static void uart_port_page_on(struct uart_port *port)
{
	struct vm *vm = port->vm;
	int ret = reg_page_map(vm, &port->page, true);

	if (ret) {
		pr_debug(vm->cfg.loglevel, "UART: no register page, reads exit: %s",
			 strerror(-ret));
		reg_page_disable(&port->page);	/* never tried again */
		return;
	}
	/* Nothing exits now: the main loop replays the ring until output stops. */
	atomic_store(&vm->batch.active, true);
	vm_wake(vm);
}

/* With the UART's lock held, after every change (uart8250_ops.image). */
static void uart_port_image(void *opaque, const uint8_t *regs, bool read)
{
	struct uart_port *port = opaque;
	struct reg_page *p = &port->page;
	struct vm *vm = port->vm;
	bool good = regs && console_room(&vm->console) >= 2 * vm->batch.max;

	if (!p->mem)
		return;
	pthread_mutex_lock(&p->lock);
	if (!good)
		uart_port_page_off(port);
	else if (!reg_page_update(p, 0, regs, UART8250_REGS) && !p->mapped &&
		 read && ++p->misses >= UART_PAGE_MISSES)
		uart_port_page_on(port);
	pthread_mutex_unlock(&p->lock);
}

void uart_port_page_idle(struct vm *vm)
{
	struct reg_page *p;

	if (!vm->uart)
		return;
	p = &vm->uart->page;
	/* Under the lock: a vCPU that maps the page sets active again after. */
	pthread_mutex_lock(&p->lock);
	if (p->mem)
		uart_port_page_off(vm->uart);
	atomic_store(&vm->batch.active, false);
	pthread_mutex_unlock(&p->lock);
}

int uart_port_page_init(struct vm *vm)
{
	struct uart_port *port = vm->uart;
	long size = sysconf(_SC_PAGESIZE);
	uint64_t base;
	int ret;

	if (!port)
		return 0;
	base = port->uart.region.base;
	if (!vm->batch.ring || vm->cfg.no_reg_page || size <= 0 ||
	    mmio_bus_count(&vm->bus, base, size) != 1)
		return 0;	/* another device shares the page, or no batching: reads exit */
	ret = reg_page_init(vm, &port->page, base, UART_PAGE_SLOT);
	if (ret)
		pr_err(vm->cfg.loglevel, "cannot set up the UART's register page: %s",
		       strerror(-ret));
	return ret;
}

static const struct uart8250_ops uart_port_ops = {
	.tx		= uart_port_tx,
	.tx_batch	= uart_port_tx_batch,
	.rx_ready	= uart_port_rx_ready,
	.image		= uart_port_image,
};

static int uart_port_fdt(struct device *dev, void *fdt)
{
	struct uart_port *p = dev->priv;

	return uart8250_fdt_node(&p->uart, fdt, IRQCHIP_PHANDLE);
}

static void uart_port_destroy(struct device *dev)
{
	struct uart_port *p = dev->priv;

	if (p->vm->uart == p)
		p->vm->uart = NULL;
	uart8250_destroy(&p->uart);
	reg_page_destroy(&p->page);
	free(p);
}

static int uart_port_save(struct device *dev, struct snapshot *s)
{
	struct uart_port *p = dev->priv;

	return uart8250_save(&p->uart, s);
}

static int uart_port_restore(struct device *dev, struct snapshot *s)
{
	struct uart_port *p = dev->priv;
	int ret = uart8250_restore(&p->uart, s);

	if (!ret)
		uart8250_restored(&p->uart);
	return ret;
}

static const struct device_ops uart_port_dev_ops = {
	.name		= "UART",
	.fdt_node	= uart_port_fdt,
	.save		= uart_port_save,
	.restore	= uart_port_restore,
	.destroy	= uart_port_destroy,
};

static size_t uart_port_rx_room(void *dev)
{
	return uart8250_rx_room(dev);
}

static size_t uart_port_rx_push(void *dev, const uint8_t *buf, size_t len)
{
	return uart8250_rx_push(dev, buf, len);
}

static void uart_port_tx_ready(void *dev)
{
	uart8250_tx_ready(dev);
}

static int uart_port_make(const struct device_ctx *ctx, struct uart_port *p)
{
	struct irq_line line;
	int ret;

	ret = ctx->alloc_irq(ctx->opaque, &line);
	if (ret)
		return ret;
	uart8250_init(&p->uart, MEMMAP_UART_BASE, &line, &uart_port_ops, p);
	/* Unused until uart_port_page_init(), but always safe to destroy. */
	pthread_mutex_init(&p->page.lock, NULL);
	p->dev = (struct device) { .ops = &uart_port_dev_ops, .name = "UART", .priv = p };
	return ctx->map_mmio(ctx->opaque, &p->uart.region);
}

int uart_port_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		  struct device_list *list)
{
	struct uart_port *p = calloc(1, sizeof(*p));
	struct console_port con = {
		.rx_room = uart_port_rx_room, .rx_push = uart_port_rx_push,
		.tx_ready = uart_port_tx_ready,
	};
	int ret;

	if (!p)
		return -ENOMEM;
	p->vm = ctx->host;
	ret = uart_port_make(ctx, p);
	ret = ret ?: device_list_add(list, &p->dev);
	if (ret) {
		pr_err(ctx->loglevel, "cannot place the UART: %s", strerror(-ret));
		uart8250_destroy(&p->uart);
		free(p);
		return ret;
	}
	p->vm->uart = p;
	con.dev = &p->uart;
	if (cfg->console != CONSOLE_VIRTIO)
		return ctx->host_ops->console_attach(ctx->host, &con);
	return 0;
}
