// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console on the board: with --console virtio it is the guest's
 * console (hvc0) on lkvm's terminal, in the UART's place: the host
 * console's input goes to it, and its output to the host console, with
 * the same bounded ring and writer thread.
 */
#include <string.h>
#include <sys/ioctl.h>

#include "devices/virtio/board.h"
#include "devices/virtio/console.h"
#include "lib/log.h"

static size_t console_board_put(void *opaque, const uint8_t *buf, size_t len)
{
	const struct device_ctx *ctx = opaque;

	return ctx->host_ops->console_write(ctx->host, buf, len);
}

static const struct virtio_console_ops console_board_ops = {
	.put	= console_board_put,
};

static size_t console_board_rx_room(void *dev)
{
	return virtio_console_rx_room(dev);
}

static size_t console_board_rx_push(void *dev, const uint8_t *buf, size_t len)
{
	return virtio_console_rx_push(dev, buf, len);
}

static void console_board_tx_ready(void *dev)
{
	virtio_console_tx_ready(dev);
}

/* The terminal's size for the guest's hvc0, when lkvm runs on one. */
static void console_board_size(struct virtio_console_cfg *cc)
{
	struct winsize ws;

	if (!ioctl(1, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		cc->cols = ws.ws_col;
		cc->rows = ws.ws_row;
	}
}

int virtio_console_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		       struct device_list *list)
{
	struct virtio_console_cfg cc = {
		.ops = &console_board_ops, .opaque = (void *)ctx,
	};
	struct console_port port = {
		.rx_room = console_board_rx_room, .rx_push = console_board_rx_push,
		.tx_ready = console_board_tx_ready,
	};
	struct virtio_console *con;
	struct device *dev;
	int ret;

	if (cfg->console != CONSOLE_VIRTIO)
		return 0;
	console_board_size(&cc);
	ret = virtio_console_create(ctx, &cc, 0, virtio_board_transport(cfg),
				    &con, &dev);
	if (!ret) {
		ret = device_list_add(list, dev);
		if (ret)
			dev->ops->destroy(dev);
	}
	if (ret) {
		pr_err(ctx->loglevel, "cannot create the virtio console: %s",
		       strerror(-ret));
		return ret;
	}
	port.dev = con;
	return ctx->host_ops->console_attach(ctx->host, &port);
}
