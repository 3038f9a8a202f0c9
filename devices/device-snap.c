// SPDX-License-Identifier: GPL-2.0
/*
 * The state of the plain device models in a snapshot: the 8250 UART,
 * the test device and the CMOS RTC. Each writes its registers in a
 * fixed order and reads them back the same way; a restore writes into
 * a model made afresh by the board, so what is not saved (locks, the
 * host side) is as set-up left it. Interrupt lines are not driven
 * here: the GIC's own state (its line levels) comes back with it, and
 * each model's record of its line's level is restored to match.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "devices/device-snap.h"
#include "lib/snapshot.h"

static void put_u8s(struct snapshot *s, const uint8_t *v, size_t n)
{
	snapshot_put(s, v, n);
}

int uart8250_save(struct uart8250 *u, struct snapshot *s)
{
	uint8_t regs[7] = { u->ier, u->lcr, u->mcr, u->scr, u->dll, u->dlm, u->fcr };
	uint8_t flags, fifo[UART8250_FIFO_SIZE];
	unsigned int i, n;

	pthread_mutex_lock(&u->lock);
	flags = u->thri_pending | u->overrun << 1 | u->thr_full << 2 |
		u->irq_level << 3 | u->rx_break << 4;
	n = u->rx_count;
	for (i = 0; i < n; i++)
		fifo[i] = u->rx[(u->rx_head + i) % UART8250_FIFO_SIZE];
	put_u8s(s, regs, sizeof(regs));
	put_u8s(s, &flags, 1);
	put_u8s(s, &u->thr, 1);
	snapshot_put_u32(s, n);
	put_u8s(s, fifo, n);
	pthread_mutex_unlock(&u->lock);
	return snapshot_error(s);
}

int uart8250_restore(struct uart8250 *u, struct snapshot *s)
{
	uint8_t regs[7], flags, thr;
	uint32_t n;

	snapshot_get(s, regs, sizeof(regs));
	snapshot_get(s, &flags, 1);
	snapshot_get(s, &thr, 1);
	n = snapshot_get_u32(s);
	if (s->err || n > UART8250_FIFO_SIZE || n != snapshot_left(s))
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	u->ier = regs[0];
	u->lcr = regs[1];
	u->mcr = regs[2];
	u->scr = regs[3];
	u->dll = regs[4];
	u->dlm = regs[5];
	u->fcr = regs[6];
	u->thri_pending = flags & 1;
	u->overrun = flags & 2;
	u->irq_level = flags & 8;
	u->rx_break = flags & 16;
	u->thr = thr;
	u->rx_head = 0;
	u->rx_count = n;
	snapshot_get(s, u->rx, n);
	/* Its byte goes out once the port calls uart8250_restored(). */
	u->thr_full = flags & 4;
	pthread_mutex_unlock(&u->lock);
	return s->err;
}

/* Delayed commands in flight name host deadlines: a snapshot waits for them. */
int testdev_save(struct testdev *d, struct snapshot *s)
{
	int ret = 0;

	pthread_mutex_lock(&d->lock);
	if (d->nr_queued || d->msi_queued) {
		ret = -EBUSY;
	} else {
		snapshot_put_u32(s, d->scratch);
		snapshot_put_u32(s, d->line_sel);
		snapshot_put_u32(s, d->delay_us);
		snapshot_put_u32(s, d->errors);
		snapshot_put_u32(s, d->levels);
		snapshot_put_u32(s, d->counter);
		snapshot_put_u32(s, d->exited);
		snapshot_put_u64(s, d->msi_addr);
		snapshot_put_u32(s, d->msi_data);
		snapshot_put_u32(s, d->msi_devid);
		snapshot_put_u32(s, d->msi_errors);
		snapshot_put_u32(s, d->msi_count);
	}
	pthread_mutex_unlock(&d->lock);
	return ret ?: snapshot_error(s);
}

int testdev_restore(struct testdev *d, struct snapshot *s)
{
	uint32_t v[7];
	unsigned int i;

	for (i = 0; i < 7; i++)
		v[i] = snapshot_get_u32(s);
	pthread_mutex_lock(&d->lock);
	d->scratch = v[0];
	d->line_sel = v[1];
	d->delay_us = v[2];
	d->errors = v[3];
	d->levels = v[4];
	d->counter = v[5];
	d->exited = v[6];
	d->msi_addr = snapshot_get_u64(s);
	d->msi_data = snapshot_get_u32(s);
	d->msi_devid = snapshot_get_u32(s);
	d->msi_errors = snapshot_get_u32(s);
	d->msi_count = snapshot_get_u32(s);
	pthread_mutex_unlock(&d->lock);
	if (s->err || snapshot_left(s) || d->line_sel > TESTDEV_MAX_LINES ||
	    (d->levels >> 1 >> (d->nr_lines - 1)))
		return -EINVAL;
	return 0;
}

/* The guest's clock offset, so its date goes on from the host's clock. */
int rtc_cmos_save(struct rtc_cmos *r, struct snapshot *s)
{
	pthread_mutex_lock(&r->lock);
	snapshot_put_u64(s, (uint64_t)r->offset);
	snapshot_put(s, &r->index, 1);
	snapshot_put(s, r->ram, sizeof(r->ram));
	pthread_mutex_unlock(&r->lock);
	return snapshot_error(s);
}

int rtc_cmos_restore(struct rtc_cmos *r, struct snapshot *s)
{
	pthread_mutex_lock(&r->lock);
	r->offset = (int64_t)snapshot_get_u64(s);
	snapshot_get(s, &r->index, 1);
	snapshot_get(s, r->ram, sizeof(r->ram));
	if (r->index >= RTC_CMOS_RAM)
		r->index = 0;	/* the registers a guest can reach, whatever the file says */
	pthread_mutex_unlock(&r->lock);
	return s->err || snapshot_left(s) ? -EINVAL : 0;
}
