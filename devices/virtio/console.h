/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_CONSOLE_H
#define LKVM_DEVICES_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/virtio/virtio.h"

/*
 * virtio-console (virtio 1.x, 5.3) with one port and no MULTIPORT, as
 * kvmtool: receiveq0 and transmitq0, hvc0 in a Linux guest.
 *
 * The host side mirrors the UART's. Output: the I/O thread hands the
 * guest's bytes to ops->put; what the host console cannot take now
 * stays in the guest's buffer (not yet returned, so the guest waits as
 * on a busy line) until virtio_console_tx_ready(). Input: the main
 * loop asks virtio_console_rx_room() and gives at most that much to
 * virtio_console_rx_push(), which copies it into a small ring and
 * never waits for the guest; the I/O thread moves it into the receive
 * queue and calls the host's wake() when the ring has room again. The
 * three calls are what the machine's struct console_port wraps.
 */
#define VIRTIO_CONSOLE_F_SIZE		0
#define VIRTIO_CONSOLE_F_MULTIPORT	1
#define VIRTIO_CONSOLE_RXQ		0	/* receiveq0: host to guest */
#define VIRTIO_CONSOLE_TXQ		1	/* transmitq0: guest to host */
#define VIRTIO_CONSOLE_CFG_SIZE		8	/* cols, rows, max_nr_ports */
#define VIRTIO_CONSOLE_RX_RING		1024	/* input held for the guest */

struct virtio_console;

struct virtio_console_ops {
	/*
	 * On the I/O thread: write bytes to the host console. Returns how
	 * many it took (0..len); fewer than len means full, and the host
	 * calls virtio_console_tx_ready() once it has room.
	 */
	size_t (*put)(void *opaque, const uint8_t *buf, size_t len);
};

struct virtio_console_cfg {
	const struct virtio_console_ops *ops;
	void *opaque;		/* for ops; must outlive the device */
	/* The terminal's size; 0 when unknown (VIRTIO_CONSOLE_F_SIZE is not offered). */
	uint16_t cols, rows;
};

/*
 * The device behind transport t; index numbers its I/O thread. *con is
 * for the calls below, valid until the device is destroyed.
 */
int virtio_console_create(const struct device_ctx *ctx,
			  const struct virtio_console_cfg *cfg,
			  unsigned int index, enum virtio_transport t,
			  struct virtio_console **con, struct device **dev);
/* The model alone (virtio_dev_init() done), for tests and fuzzers. */
int virtio_console_new(const struct virtio_console_cfg *cfg,
		       unsigned int index, struct virtio_console **con,
		       struct virtio_dev **vd);

/* Any thread (the console's writer): the host console has room again. */
void virtio_console_tx_ready(struct virtio_console *con);
/*
 * The main loop: how many input bytes the device takes now; 0 until
 * the guest's driver is up (DRIVER_OK), so input is not swallowed by a
 * console nobody reads.
 */
size_t virtio_console_rx_room(struct virtio_console *con);
/* The main loop: takes up to rx_room() bytes; returns how many it took. */
size_t virtio_console_rx_push(struct virtio_console *con, const uint8_t *buf,
			      size_t len);
/* The terminal was resized: a config change, when F_SIZE is offered. */
void virtio_console_set_size(struct virtio_console *con, uint16_t cols,
			     uint16_t rows);

#endif
