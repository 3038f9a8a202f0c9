// SPDX-License-Identifier: GPL-2.0
/*
 * The 8250 model under a guest that writes anything anywhere and a
 * console that pushes input at any time.
 *
 * Input: a sequence of operations, each an opcode byte (modulo 19):
 *   0x00-0x07  read register N (byte-wide, as a guest driver does)
 *   0x08-0x0f  write register N-8; the value is the next byte
 *   0x10       raw access: u64 offset, u32 len, u8 write, u64 data
 *   0x11       console input: u8 count, then that many bytes
 *   0x12       uart8250_rx_room()
 *
 * The harness keeps its own copy of the receive FIFO and checks every
 * byte the guest reads against it, so lost, duplicated or reordered
 * input shows up as well as memory errors.
 */
#include <errno.h>

#include "devices/uart8250.h"
#include "tests/fuzz/fuzz.h"

#define REG_RBR		0
#define REG_IER		1
#define REG_IIR		2
#define REG_LCR		3
#define REG_MCR		4
#define REG_LSR		5

#define OP_RAW		0x10
#define OP_PUSH		0x11
#define OP_ROOM		0x12
#define OP_COUNT	0x13

struct uart_shadow {
	bool level;		/* last level reported through set_irq */
	unsigned long tx_count;	/* bytes handed to the console */
	unsigned long tx_want;	/* bytes the guest transmitted */
	bool thri;		/* a transmit interrupt is owed */
	uint8_t fifo[UART8250_FIFO_SIZE];
	unsigned int head, count;
};

static int shadow_set_irq(void *opaque, unsigned int spi, bool level)
{
	struct uart_shadow *s = opaque;

	/* The model reports changes only: each one is a KVM_IRQ_LINE. */
	FUZZ_CHECK(level != s->level);
	s->level = level;
	return 0;
}

static const struct irq_line_ops shadow_line_ops = { .set = shadow_set_irq };

static bool shadow_tx(void *opaque, uint8_t byte)
{
	((struct uart_shadow *)opaque)->tx_count++;
	return true;
}

static void shadow_rx_ready(void *opaque)
{
}

static const struct uart8250_ops shadow_ops = {
	.tx = shadow_tx,
	.rx_ready = shadow_rx_ready,
};

static void shadow_put(struct uart_shadow *s, uint8_t byte)
{
	if (s->count == UART8250_FIFO_SIZE)
		return;
	s->fifo[(s->head + s->count) % UART8250_FIFO_SIZE] = byte;
	s->count++;
}

static int shadow_get(struct uart_shadow *s)
{
	uint8_t byte;

	if (!s->count)
		return 0;
	byte = s->fifo[s->head];
	s->head = (s->head + 1) % UART8250_FIFO_SIZE;
	s->count--;
	return byte;
}

/* What the registers say must match what the model holds. */
static void uart_check_state(struct uart8250 *u, struct uart_shadow *s)
{
	bool want = ((u->ier & 0x01) && u->rx_count) ||
		    ((u->ier & 0x02) && u->thri_pending);

	FUZZ_CHECK(u->rx_count <= UART8250_FIFO_SIZE);
	FUZZ_CHECK(u->rx_head < UART8250_FIFO_SIZE);
	FUZZ_CHECK_EQ(u->rx_count, s->count);
	FUZZ_CHECK_EQ(s->tx_count, s->tx_want);
	FUZZ_CHECK_EQ(u->thri_pending, s->thri);
	FUZZ_CHECK_EQ(u->irq_level, want);
	FUZZ_CHECK_EQ(s->level, u->irq_level);
	FUZZ_CHECK_EQ(u->ier & ~0x0fU, 0);
	FUZZ_CHECK_EQ(u->mcr & ~0x1fU, 0);
	FUZZ_CHECK_EQ(u->fcr & ~0x01U, 0);
}

/* Checks a byte-wide read against the state before it. */
static void uart_check_read(struct uart8250 *u, struct uart_shadow *s,
			    unsigned int reg, uint64_t val, bool level)
{
	bool dlab = u->lcr & 0x80;

	FUZZ_CHECK(val <= 0xff);
	switch (reg) {
	case REG_RBR:
		if (!dlab)
			FUZZ_CHECK_EQ(val, shadow_get(s));
		break;
	case REG_IIR:
		/* Bit 0 clear exactly when the line was up. */
		FUZZ_CHECK_EQ(!(val & 0x01), level);
		FUZZ_CHECK_EQ(val & 0x30, 0);
		FUZZ_CHECK_EQ(val & 0xc0, (u->fcr & 0x01) ? 0xc0 : 0);
		FUZZ_CHECK((val & 0x0f) == 0x01 || (val & 0x0f) == 0x02 ||
			   (val & 0x0f) == 0x04);
		/* Reading a THRI identification acknowledges it. */
		if ((val & 0x0f) == 0x02)
			s->thri = false;
		break;
	case REG_LSR:
		FUZZ_CHECK_EQ(val & 0x01, s->count != 0);
		FUZZ_CHECK_EQ(val & 0x60, 0x60);
		break;
	}
}

/*
 * Mirrors a byte-wide write before it happens: the FIFO, and the
 * transmit interrupt, owed after each byte sent (THR empties at once)
 * and when THRI gets enabled while THR is empty.
 */
static void uart_shadow_write(struct uart8250 *u, struct uart_shadow *s,
			      unsigned int reg, uint8_t val)
{
	bool dlab = u->lcr & 0x80;

	if (reg == REG_RBR && !dlab) {
		if (u->mcr & 0x10)
			shadow_put(s, val);
		else
			s->tx_want++;
		s->thri = true;
	} else if (reg == REG_IER && !dlab) {
		if ((val & 0x02) && !(u->ier & 0x02))
			s->thri = true;
	} else if (reg == REG_IIR && (val & 0x02)) {
		s->count = 0;
		s->head = 0;
	}
}

static void uart_op_reg(struct uart8250 *u, struct uart_shadow *s,
			unsigned int op, struct fuzz_input *in)
{
	struct mmio_access acc = { .offset = op & 7, .len = 1, .cpu = 0 };
	bool level = s->level;

	acc.is_write = op & 8;
	if (acc.is_write) {
		acc.data = fuzz_u8(in);
		uart_shadow_write(u, s, acc.offset, acc.data);
	}
	FUZZ_CHECK_EQ(uart8250_mmio(&u->region, &acc), 0);
	if (!acc.is_write)
		uart_check_read(u, s, acc.offset, acc.data, level);
}

/* Any offset, any width: only byte accesses to 0-7 reach a register. */
static void uart_op_raw(struct uart8250 *u, struct uart_shadow *s,
			struct fuzz_input *in)
{
	struct mmio_access acc = { .cpu = -1 };
	bool valid, level = s->level;

	acc.offset = fuzz_u64(in);
	acc.len = fuzz_u32(in);
	acc.is_write = fuzz_u8(in) & 1;
	acc.data = fuzz_u64(in);
	valid = acc.len == 1 && acc.offset < 8;
	if (valid && acc.is_write)
		uart_shadow_write(u, s, acc.offset, acc.data);
	FUZZ_CHECK_EQ(uart8250_mmio(&u->region, &acc), valid ? 0 : -EINVAL);
	if (acc.is_write)
		return;
	if (valid)
		uart_check_read(u, s, acc.offset, acc.data, level);
	else
		FUZZ_CHECK_EQ(acc.data, 0);
}

static void uart_op_push(struct uart8250 *u, struct uart_shadow *s,
			 struct fuzz_input *in)
{
	uint8_t buf[256];
	size_t len, want, i, n;

	len = fuzz_u8(in);
	len = fuzz_bytes(in, buf, len);
	want = UART8250_FIFO_SIZE - s->count;
	if (want > len)
		want = len;
	n = uart8250_rx_push(u, buf, len);
	FUZZ_CHECK_EQ(n, want);
	for (i = 0; i < n; i++)
		shadow_put(s, buf[i]);
}

static void uart_op_room(struct uart8250 *u, struct uart_shadow *s)
{
	size_t want = (u->ier & 0x01) ? UART8250_FIFO_SIZE - s->count : 0;

	FUZZ_CHECK_EQ(uart8250_rx_room(u), want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uart_shadow s = { 0 };
	struct fuzz_input in;
	struct uart8250 u;
	unsigned int op;

	fuzz_input_init(&in, data, size);
	struct irq_line line = { .ops = &shadow_line_ops, .chip = &s, .irqfd = -1 };

	uart8250_init(&u, 0x1000000, &line, &shadow_ops, &s);
	while (!fuzz_input_done(&in)) {
		op = fuzz_u8(&in) % OP_COUNT;
		if (op < OP_RAW)
			uart_op_reg(&u, &s, op, &in);
		else if (op == OP_RAW)
			uart_op_raw(&u, &s, &in);
		else if (op == OP_PUSH)
			uart_op_push(&u, &s, &in);
		else
			uart_op_room(&u, &s);
		uart_check_state(&u, &s);
	}
	uart8250_destroy(&u);
	return 0;
}
