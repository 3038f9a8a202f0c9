// SPDX-License-Identifier: GPL-2.0
/*
 * The 8250s after the console, ttyS1 to ttyS3 as on kvmtool: plain
 * UARTs, each its own device, and with --tty N a host pseudo-terminal
 * that the main loop relays (host/pty.h), no thread of their own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>

#include "devices/device-snap.h"
#include "cli/config.h"
#include "devices/uart8250.h"
#include "gic/irqchip.h"
#include "host/pty.h"
#include "lib/log.h"
#include "machine/memmap.h"
#include "machine/serial-port.h"

struct serial_port {
	struct device dev;
	struct uart8250 uart;
	unsigned int nr;		/* N of ttySN */
	char name[16];
	const struct device_host_ops *host_ops;
	void *host;
	struct pty *pty;		/* with --tty N, else NULL */
};

/* Without a pty the byte is gone, as on a line with nothing attached. */
static bool serial_port_tx(void *opaque, uint8_t byte)
{
	struct serial_port *s = opaque;

	if (s->pty && pty_put(s->pty, byte))
		s->host_ops->wake(s->host);
	return true;
}

static void serial_port_rx_ready(void *opaque)
{
	struct serial_port *s = opaque;

	if (s->pty)
		s->host_ops->wake(s->host);
}

static const struct uart8250_ops serial_port_ops = {
	.tx		= serial_port_tx,
	.rx_ready	= serial_port_rx_ready,
};

/* Main loop: input while the UART takes it, output while there is some. */
static short serial_port_events(void *opaque)
{
	struct serial_port *s = opaque;
	short ev = 0;

	if (s->pty->broken)
		return 0;
	if (uart8250_rx_room(&s->uart))
		ev |= POLLIN;
	if (pty_has_output(s->pty))
		ev |= POLLOUT;
	return ev;
}

static void serial_port_ready(void *opaque, short revents)
{
	struct serial_port *s = opaque;
	size_t room = uart8250_rx_room(&s->uart);
	uint8_t buf[UART8250_FIFO_SIZE];
	ssize_t n;

	if (revents & (POLLERR | POLLNVAL)) {
		s->pty->broken = true;	/* stop polling it; output is dropped */
		return;
	}
	if (revents & POLLOUT)
		pty_flush(s->pty);
	if (!(revents & POLLIN) || !room)
		return;
	n = pty_read(s->pty, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n > 0)
		uart8250_rx_push(&s->uart, buf, n);
}

static int serial_port_fdt(struct device *dev, void *fdt)
{
	struct serial_port *s = dev->priv;

	return uart8250_fdt_node(&s->uart, fdt, IRQCHIP_PHANDLE);
}

static void serial_port_destroy(struct device *dev)
{
	struct serial_port *s = dev->priv;

	uart8250_destroy(&s->uart);
	if (s->pty) {
		pty_close(s->pty);
		free(s->pty);
	}
	free(s);
}

static int serial_port_save(struct device *dev, struct snapshot *s)
{
	struct serial_port *p = dev->priv;

	return uart8250_save(&p->uart, s);
}

static int serial_port_restore(struct device *dev, struct snapshot *s)
{
	struct serial_port *p = dev->priv;
	int ret = uart8250_restore(&p->uart, s);

	if (!ret)
		uart8250_restored(&p->uart);
	return ret;
}

static const struct device_ops serial_port_dev_ops = {
	.name		= "UART",
	.fdt_node	= serial_port_fdt,
	.save		= serial_port_save,
	.restore	= serial_port_restore,
	.destroy	= serial_port_destroy,
};

/* --tty N: the pty, its path where kvmtool prints it, the main loop's watch. */
static int serial_port_pty(const struct device_ctx *ctx, struct serial_port *s)
{
	struct device_poll poll = {
		.events = serial_port_events, .ready = serial_port_ready, .opaque = s,
	};
	int ret;

	s->pty = malloc(sizeof(*s->pty));
	if (!s->pty)
		return -ENOMEM;
	ret = pty_open(s->pty);
	if (ret) {
		free(s->pty);
		s->pty = NULL;
		pr_err(ctx->loglevel, "--tty %u: cannot open a pseudo-terminal: %s; check /dev/ptmx and /dev/pts",
		       s->nr, strerror(-ret));
		return ret;
	}
	poll.fd = s->pty->master;
	ret = ctx->host_ops->poll_add ? ctx->host_ops->poll_add(ctx->host, &poll) : -ENOSYS;
	if (ret) {
		pr_err(ctx->loglevel, "--tty %u: cannot watch the pseudo-terminal: %s",
		       s->nr, strerror(-ret));
		return ret;
	}
	fprintf(stderr, "  Info: Assigned terminal %u to pty %s\n", s->nr, s->pty->path);
	return 0;
}

static int serial_port_make(const struct device_ctx *ctx, const struct vm_config *cfg,
			    unsigned int nr, struct device_list *list)
{
	struct serial_port *s = calloc(1, sizeof(*s));
	struct irq_line line;
	int ret;

	if (!s) {
		pr_err(ctx->loglevel, "cannot place UART ttyS%u: %s", nr, strerror(ENOMEM));
		return -ENOMEM;
	}
	s->nr = nr;
	s->host_ops = ctx->host_ops;
	s->host = ctx->host;
	snprintf(s->name, sizeof(s->name), "UART ttyS%u", nr);
	s->dev = (struct device) { .ops = &serial_port_dev_ops, .name = s->name, .priv = s };
	ret = ctx->alloc_irq(ctx->opaque, &line);
	if (ret) {
		pr_err(ctx->loglevel, "cannot place %s: %s", s->name, strerror(-ret));
		free(s);
		return ret;
	}
	uart8250_init(&s->uart, MEMMAP_UART_BASE + nr * MEMMAP_UART_STRIDE, &line,
		      &serial_port_ops, s);
	ret = ctx->map_mmio(ctx->opaque, &s->uart.region);
	ret = ret ?: device_list_add(list, &s->dev);
	if (ret) {
		pr_err(ctx->loglevel, "cannot place %s: %s", s->name, strerror(-ret));
		serial_port_destroy(&s->dev);
		return ret;
	}
	/* On the list now: a failure here is undone with the board. */
	return (cfg->ttys & (1u << nr)) ? serial_port_pty(ctx, s) : 0;
}

int serial_ports_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		     struct device_list *list)
{
	unsigned int nr;
	int ret;

	for (nr = 1; nr < MEMMAP_UART_COUNT; nr++) {
		ret = serial_port_make(ctx, cfg, nr, list);
		if (ret)
			return ret;	/* reported */
	}
	return 0;
}
