// SPDX-License-Identifier: GPL-2.0
/* The 8250/16550A UART model: plain C, no KVM, driven through mmio_access. */
#include <errno.h>
#include <string.h>

#include "devices/uart8250.h"

enum {
	UART_RBR_THR_DLL = 0, UART_IER_DLM = 1, UART_IIR_FCR = 2, UART_LCR = 3,
	UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};

#define IER_RDI		0x01
#define IER_THRI	0x02
#define IER_MASK	0x0f
#define IIR_NO_INT	0x01
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_FIFO_ON	0xc0
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define LCR_DLAB	0x80
#define MCR_LOOP	0x10
#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_BI		0x10
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_DCD		0x80

void uart8250_init(struct uart8250 *u, uint64_t base, const struct irq_line *irq,
		   const struct uart8250_ops *ops, void *opaque)
{
	memset(u, 0, sizeof(*u));
	pthread_mutex_init(&u->lock, NULL);
	u->ops = ops;
	u->opaque = opaque;
	u->irq = *irq;
	u->region = (struct mmio_region) {
		.name = "uart8250", .base = base, .size = UART8250_REGS,
		.handler = uart8250_mmio, .opaque = u,
	};
}

void uart8250_destroy(struct uart8250 *u)
{
	pthread_mutex_destroy(&u->lock);
}

static uint8_t uart_iir(const struct uart8250 *u)
{
	uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFO_ON : 0;

	if ((u->ier & IER_RDI) && u->rx_count)
		return fifo | IIR_RDI;
	if ((u->ier & IER_THRI) && u->thri_pending)
		return fifo | IIR_THRI;
	return fifo | IIR_NO_INT;
}

/*
 * Drives the SPI only on changes: each level change is one KVM_IRQ_LINE.
 * A line that cannot be driven is reported by the irqchip; the UART
 * goes on either way, as hardware whose wire is cut.
 */
static void uart_update_irq(struct uart8250 *u)
{
	bool level = !(uart_iir(u) & IIR_NO_INT);

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	(void)irq_line_set(&u->irq, level);
}

static void uart_rx_put(struct uart8250 *u, uint8_t byte)
{
	if (u->rx_count == UART8250_FIFO_SIZE) {
		u->overrun = true;	/* the byte is lost, as on hardware */
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART8250_FIFO_SIZE] = byte;
	u->rx_count++;
}

/* The oldest received byte leaves the FIFO (a read of RBR). */
static void uart_rx_pop(struct uart8250 *u)
{
	if (!u->rx_count)
		return;
	u->rx_head = (u->rx_head + 1) % UART8250_FIFO_SIZE;
	u->rx_break = false;
	if (!--u->rx_count)
		u->ops->rx_ready(u->opaque);
}

static void uart_write_thr(struct uart8250 *u, uint8_t byte)
{
	if (u->mcr & MCR_LOOP) {
		uart_rx_put(u, byte);
	} else if (u->thr_full) {
		u->tx_lost++;	/* written without waiting for THRE: lost */
		return;
	} else if (!u->ops->tx(u->opaque, byte)) {
		/* Writing THR acknowledges THRE; it comes back when THR empties. */
		u->thr = byte;
		u->thr_full = true;
		u->thri_pending = false;
		return;
	}
	u->thri_pending = true;
}

/* Batching follows IER and MCR, whose writes always reach the model. */
static void uart_update_batch(struct uart8250 *u)
{
	bool on = !(u->ier & IER_THRI) && !(u->mcr & MCR_LOOP);

	if (!u->ops->tx_batch || on == u->batching)
		return;
	u->batching = on;
	u->ops->tx_batch(u->opaque, on);
}

static void uart_write_ier(struct uart8250 *u, uint8_t val)
{
	bool was_rdi = u->ier & IER_RDI;

	/* Enabling THRI with THR empty raises the interrupt, as a 16550A does. */
	if ((val & IER_THRI) && !(u->ier & IER_THRI) && !u->thr_full)
		u->thri_pending = true;
	u->ier = val & IER_MASK;
	if (!was_rdi && (u->ier & IER_RDI))
		u->ops->rx_ready(u->opaque);
}

static void uart_write_fcr(struct uart8250 *u, uint8_t val)
{
	if (val & FCR_CLEAR_RX) {
		u->rx_count = 0;
		u->rx_head = 0;
		u->rx_break = false;
		u->ops->rx_ready(u->opaque);
	}
	u->fcr = val & FCR_ENABLE;
}

static void uart_write(struct uart8250 *u, uint64_t off, uint8_t val)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (off) {
	case UART_RBR_THR_DLL:
		if (dlab)
			u->dll = val;
		else
			uart_write_thr(u, val);
		break;
	case UART_IER_DLM:
		if (dlab)
			u->dlm = val;
		else
			uart_write_ier(u, val);
		break;
	case UART_IIR_FCR:	uart_write_fcr(u, val); break;
	case UART_LCR:		u->lcr = val; break;
	case UART_MCR:		u->mcr = val & 0x1f; break;
	case UART_SCR:		u->scr = val; break;
	default:		break;	/* LSR and MSR are read-only */
	}
}

static uint8_t uart_msr(const struct uart8250 *u)
{
	/* In loopback, the modem inputs follow the outputs (MCR bits 0-3). */
	if (u->mcr & MCR_LOOP)
		return ((u->mcr & 0x02) << 3) | ((u->mcr & 0x01) << 5) |
		       ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4);
	return MSR_DCD | MSR_DSR | MSR_CTS;
}

/* What a read of the register returns, without its side effects. */
static uint8_t uart_peek(const struct uart8250 *u, uint64_t off)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (off) {
	case UART_RBR_THR_DLL:
		if (dlab)
			return u->dll;
		return u->rx_count ? u->rx[u->rx_head] : 0;
	case UART_IER_DLM:	return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR:	return uart_iir(u);
	case UART_LCR:		return u->lcr;
	case UART_MCR:		return u->mcr;
	case UART_LSR:
		return (u->thr_full ? 0 : LSR_THRE | LSR_TEMT) |
		       (u->rx_count ? LSR_DR : 0) | (u->overrun ? LSR_OE : 0) |
		       (u->rx_break && u->rx_count ? LSR_BI : 0);
	case UART_MSR:		return uart_msr(u);
	case UART_SCR:		return u->scr;
	}
	return 0;
}

static uint8_t uart_read(struct uart8250 *u, uint64_t off)
{
	uint8_t val = uart_peek(u, off);

	switch (off) {
	case UART_RBR_THR_DLL:
		if (!(u->lcr & LCR_DLAB))
			uart_rx_pop(u);
		break;
	case UART_IIR_FCR:
		/* Reading IIR acknowledges a transmit interrupt. */
		if ((val & 0x0f) == IIR_THRI)
			u->thri_pending = false;
		break;
	case UART_LSR:
		u->overrun = false;	/* reading LSR clears the error bits */
		break;
	}
	return val;
}

/*
 * Whether the registers may be read from a copy, with no exit: only
 * while no read has a side effect (no received byte, no transmit
 * interrupt to acknowledge, no error bit) and no write that may be
 * batched could change what a read returns before lkvm sees it (THR
 * into the FIFO in loopback, DLL with DLAB set). THR must be empty.
 */
static bool uart_image(const struct uart8250 *u, uint8_t img[UART8250_REGS])
{
	unsigned int i;

	if ((u->lcr & LCR_DLAB) || (u->mcr & MCR_LOOP) || (u->ier & IER_THRI) ||
	    u->rx_count || u->overrun || u->thr_full)
		return false;
	for (i = 0; i < UART8250_REGS; i++)
		img[i] = uart_peek(u, i);
	return true;
}

/*
 * After every change, in this order: the register copy first (so a
 * copy that went stale is withdrawn before an interrupt makes the
 * guest look), then the interrupt, then batching.
 */
static void uart_sync(struct uart8250 *u, bool read)
{
	uint8_t img[UART8250_REGS];

	if (u->ops->image)
		u->ops->image(u->opaque, uart_image(u, img) ? img : NULL, read);
	uart_update_irq(u);
	uart_update_batch(u);
}

int uart8250_mmio(struct mmio_region *region, struct mmio_access *acc)
{
	struct uart8250 *u = region->opaque;

	/* Byte-wide registers only (no reg-io-width in the DT). */
	if (acc->len != 1 || acc->offset >= UART8250_REGS) {
		acc->data = 0;
		return -EINVAL;
	}
	pthread_mutex_lock(&u->lock);
	if (acc->is_write)
		uart_write(u, acc->offset, acc->data);
	else
		acc->data = uart_read(u, acc->offset);
	uart_sync(u, !acc->is_write);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

/* The byte THR holds goes out if the host takes it now: THR empties. */
static bool uart_tx_held(struct uart8250 *u)
{
	if (!u->thr_full || !u->ops->tx(u->opaque, u->thr))
		return false;
	u->thr_full = false;
	u->thri_pending = true;
	return true;
}

/* The host takes bytes again: the one THR holds goes out, THR empties. */
void uart8250_tx_ready(struct uart8250 *u)
{
	pthread_mutex_lock(&u->lock);
	if (uart_tx_held(u))
		uart_sync(u, false);
	pthread_mutex_unlock(&u->lock);
}

/*
 * After a restore wrote the registers (devices/device-snap.c): the byte
 * THR held for a full console goes out to the new one, which starts
 * with room, and THR empties as it would have once room came; the host
 * side (the register copy, batching) follows the registers. The line
 * moves only if that changed it: the GIC brought back the level the
 * model recorded.
 */
void uart8250_restored(struct uart8250 *u)
{
	pthread_mutex_lock(&u->lock);
	uart_tx_held(u);
	uart_sync(u, false);
	pthread_mutex_unlock(&u->lock);
}

/* Input is held back until the guest listens (receive interrupt on). */
size_t uart8250_rx_room(struct uart8250 *u)
{
	size_t room;

	pthread_mutex_lock(&u->lock);
	room = (u->ier & IER_RDI) ? UART8250_FIFO_SIZE - u->rx_count : 0;
	pthread_mutex_unlock(&u->lock);
	return room;
}

size_t uart8250_rx_push(struct uart8250 *u, const uint8_t *buf, size_t len)
{
	size_t i;

	pthread_mutex_lock(&u->lock);
	for (i = 0; i < len && u->rx_count < UART8250_FIFO_SIZE; i++)
		uart_rx_put(u, buf[i]);
	uart_sync(u, false);
	pthread_mutex_unlock(&u->lock);
	return i;
}

/*
 * A break, then key: Linux's serial core takes the character that
 * follows a break as a SysRq key (kvmtool's serial8250__inject_sysrq()).
 * The break is a NUL byte with LSR.BI set while it is the FIFO's head,
 * so it needs an empty FIFO and a guest that listens.
 */
int uart8250_rx_sysrq(struct uart8250 *u, uint8_t key)
{
	int ret = 0;

	pthread_mutex_lock(&u->lock);
	if (!(u->ier & IER_RDI) || u->rx_count) {
		ret = -EBUSY;
	} else {
		uart_rx_put(u, 0);
		u->rx_break = true;
		uart_rx_put(u, key);
		uart_sync(u, false);
	}
	pthread_mutex_unlock(&u->lock);
	return ret;
}
