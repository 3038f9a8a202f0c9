/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_DEVICE_SNAP_H
#define LKVM_DEVICES_DEVICE_SNAP_H

#include "devices/rtc-cmos.h"
#include "devices/testdev.h"
#include "devices/uart8250.h"

/*
 * The device models' snapshot state (devices/device-snap.c), for the
 * board's save and restore hooks. 0 or -errno; -EBUSY: the test device
 * has delayed commands in flight (try again once they ran).
 */
struct snapshot;
int uart8250_save(struct uart8250 *u, struct snapshot *s);
int uart8250_restore(struct uart8250 *u, struct snapshot *s);
int testdev_save(struct testdev *d, struct snapshot *s);
int testdev_restore(struct testdev *d, struct snapshot *s);
int rtc_cmos_save(struct rtc_cmos *r, struct snapshot *s);
int rtc_cmos_restore(struct rtc_cmos *r, struct snapshot *s);

#endif
