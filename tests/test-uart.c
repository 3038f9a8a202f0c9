// SPDX-License-Identifier: GPL-2.0
/* The 8250 model as the Linux 8250 driver and a polling guest see it. */
#include <errno.h>
#include <string.h>

#include "devices/device-snap.h"
#include "devices/uart8250.h"
#include "lib/snapshot.h"
#include "tests/unit.h"

struct sink {
	char out[256];
	unsigned int len;
	bool irq;
	int irq_changes;
	int rx_ready;
	bool full;		/* the host refuses bytes */
	int batch_calls;
	bool batch;
	/* The last register copy offered (uart8250_ops.image). */
	bool img_valid;
	bool img_read;
	uint8_t img[UART8250_REGS];
	unsigned int seq, img_off_seq, irq_on_seq;	/* callback order */
};

static void s_irq(void *o, bool level)
{
	struct sink *s = o;

	s->irq = level;
	s->irq_changes++;
	if (level)
		s->irq_on_seq = ++s->seq;
}

static bool s_tx(void *o, uint8_t b)
{
	struct sink *s = o;

	if (s->full)
		return false;
	if (s->len < sizeof(s->out))
		s->out[s->len++] = b;
	return true;
}

static void s_batch(void *o, bool on)
{
	struct sink *s = o;

	s->batch = on;
	s->batch_calls++;
}

static void s_rx_ready(void *o)
{
	((struct sink *)o)->rx_ready++;
}

static void s_image(void *o, const uint8_t *regs, bool read)
{
	struct sink *s = o;

	if (!regs && s->img_valid)
		s->img_off_seq = ++s->seq;
	s->img_valid = regs;
	s->img_read = read;
	if (regs)
		memcpy(s->img, regs, UART8250_REGS);
}

static int s_line_set(void *chip, unsigned int spi, bool level)
{
	s_irq(chip, level);
	return 0;
}

static const struct irq_line_ops s_line_ops = { .set = s_line_set };

static const struct uart8250_ops ops = {
	.tx = s_tx, .tx_batch = s_batch, .rx_ready = s_rx_ready,
	.image = s_image,
};

static uint64_t rd(struct uart8250 *u, uint64_t off)
{
	struct mmio_access a = { .offset = off, .len = 1, .cpu = 0 };

	uart8250_mmio(&u->region, &a);
	return a.data;
}

static void wr(struct uart8250 *u, uint64_t off, uint64_t v)
{
	struct mmio_access a = { .offset = off, .len = 1, .is_write = true, .data = v };

	uart8250_mmio(&u->region, &a);
}

static void test_tx(struct unit *u, struct uart8250 *uart, struct sink *s)
{
	const char *msg = "hi\n";

	CHECK_EQ(u, rd(uart, 5) & 0x60, 0x60);	/* THRE and TEMT */
	CHECK_EQ(u, rd(uart, 2) & 0x0f, 0x01);	/* no interrupt */
	for (const char *p = msg; *p; p++)
		wr(uart, 0, *p);
	CHECK(u, s->len == 3 && !memcmp(s->out, msg, 3));
	CHECK(u, !s->irq);			/* THRI not enabled */

	/* Enabling THRI with THR empty interrupts; reading IIR acknowledges. */
	wr(uart, 1, 0x02);
	CHECK(u, s->irq);
	CHECK_EQ(u, rd(uart, 2) & 0x0f, 0x02);
	CHECK(u, !s->irq);
	CHECK_EQ(u, rd(uart, 2) & 0x0f, 0x01);
	/* Each byte sent empties THR again: a new transmit interrupt. */
	wr(uart, 0, 'x');
	CHECK(u, s->irq);
	wr(uart, 1, 0x00);
	CHECK(u, !s->irq);
}

static void test_rx(struct unit *u, struct uart8250 *uart, struct sink *s)
{
	uint8_t in[100];

	memset(in, 'a', sizeof(in));
	/* Input waits until the guest enables the receive interrupt. */
	CHECK_EQ(u, uart8250_rx_room(uart), 0);
	wr(uart, 1, 0x01);
	CHECK_EQ(u, uart8250_rx_room(uart), UART8250_FIFO_SIZE);
	CHECK_EQ(u, uart8250_rx_push(uart, in, sizeof(in)), UART8250_FIFO_SIZE);
	CHECK(u, s->irq);
	CHECK_EQ(u, rd(uart, 2) & 0x0f, 0x04);
	CHECK_EQ(u, rd(uart, 5) & 1, 1);
	s->rx_ready = 0;
	for (int i = 0; i < UART8250_FIFO_SIZE; i++)
		CHECK_EQ(u, rd(uart, 0), 'a');
	CHECK_EQ(u, rd(uart, 5) & 1, 0);
	CHECK(u, !s->irq);
	CHECK_EQ(u, s->rx_ready, 1);		/* drained: feed more */
	CHECK_EQ(u, rd(uart, 0), 0);		/* empty FIFO reads 0 */

	/* FCR can clear the receive FIFO. */
	uart8250_rx_push(uart, in, 3);
	wr(uart, 2, 0x03);
	CHECK_EQ(u, rd(uart, 5) & 1, 0);
	CHECK_EQ(u, rd(uart, 2) & 0xcf, 0xc1);	/* FIFOs on, nothing pending */
	wr(uart, 1, 0);
}

static void test_regs(struct unit *u, struct uart8250 *uart, struct sink *s)
{
	struct mmio_access a = { .offset = 0, .len = 4, .data = 0x41 };

	/* DLAB switches offsets 0 and 1 to the divisor latch. */
	wr(uart, 3, 0x83);
	wr(uart, 0, 0x01);
	wr(uart, 1, 0x02);
	CHECK_EQ(u, rd(uart, 0), 0x01);
	CHECK_EQ(u, rd(uart, 1), 0x02);
	wr(uart, 3, 0x03);
	CHECK_EQ(u, rd(uart, 3), 0x03);
	CHECK_EQ(u, rd(uart, 1), 0x00);		/* IER again */
	wr(uart, 7, 0x5a);
	CHECK_EQ(u, rd(uart, 7), 0x5a);
	CHECK_EQ(u, rd(uart, 6) & 0xb0, 0xb0);	/* DCD, DSR, CTS */

	/* Loopback: sent bytes come back in, not out. */
	s->len = 0;
	wr(uart, 4, 0x10);
	wr(uart, 0, 'L');
	CHECK_EQ(u, s->len, 0);
	CHECK_EQ(u, rd(uart, 0), 'L');
	/* One byte more than the FIFO holds: overrun, reported once by LSR. */
	for (int i = 0; i <= UART8250_FIFO_SIZE; i++)
		wr(uart, 0, 'a' + i % 26);
	CHECK_EQ(u, rd(uart, 5) & 0x03, 0x03);	/* DR and OE */
	CHECK_EQ(u, rd(uart, 5) & 0x03, 0x01);	/* OE cleared by the read */
	for (int i = 0; i < UART8250_FIFO_SIZE; i++)
		CHECK_EQ(u, rd(uart, 0), 'a' + i % 26);
	CHECK_EQ(u, rd(uart, 5) & 0x03, 0x00);
	wr(uart, 4, 0x00);

	/* Wider accesses and offsets past the registers are refused, harmlessly. */
	a.is_write = true;
	CHECK_EQ(u, uart8250_mmio(&uart->region, &a), -22);
	CHECK_EQ(u, s->len, 0);
	a.is_write = false;
	a.len = 1;
	a.offset = 9;
	CHECK_EQ(u, uart8250_mmio(&uart->region, &a), -22);
	CHECK_EQ(u, a.data, 0);
}

/* A host that cannot take output: THR holds one byte, LSR says so. */
static void test_tx_full(struct unit *u, struct uart8250 *uart, struct sink *s)
{
	s->len = 0;
	s->full = true;
	wr(uart, 0, 'a');
	CHECK_EQ(u, rd(uart, 5) & 0x60, 0x00);	/* THR not empty */
	wr(uart, 0, 'b');			/* written without waiting: lost */
	CHECK_EQ(u, uart->tx_lost, 1);
	wr(uart, 1, 0x02);			/* THRI on: nothing owed yet */
	CHECK(u, !s->irq);
	s->full = false;
	uart8250_tx_ready(uart);
	CHECK(u, s->len == 1 && s->out[0] == 'a');
	CHECK_EQ(u, rd(uart, 5) & 0x60, 0x60);
	CHECK(u, s->irq);			/* THR empty again */
	uart8250_tx_ready(uart);		/* nothing held: no effect */
	CHECK_EQ(u, s->len, 1);
	wr(uart, 1, 0x00);
}

/* THR writes may be batched exactly while THRI and loopback are off. */
static void test_batch(struct unit *u, struct uart8250 *uart, struct sink *s)
{
	int calls;

	rd(uart, 5);
	CHECK(u, s->batch);
	calls = s->batch_calls;
	wr(uart, 1, 0x02);
	CHECK(u, !s->batch);
	wr(uart, 1, 0x01);
	CHECK(u, s->batch);
	wr(uart, 4, 0x10);
	CHECK(u, !s->batch);
	wr(uart, 4, 0x00);
	CHECK(u, s->batch);
	rd(uart, 5);
	CHECK_EQ(u, s->batch_calls, calls + 4);	/* changes only */
	wr(uart, 1, 0x00);
}

/*
 * While a copy is offered, each register read through the model
 * returns exactly the copy's byte and changes nothing: a guest reading
 * the copy instead cannot tell the difference.
 */
static void check_image(struct unit *u, struct uart8250 *uart, struct sink *s)
{
	uint8_t img[UART8250_REGS];

	CHECK(u, s->img_valid);
	memcpy(img, s->img, sizeof(img));
	for (unsigned int r = 0; r < UART8250_REGS; r++) {
		CHECK_EQ(u, rd(uart, r), img[r]);
		CHECK(u, s->img_valid && s->img_read);
		CHECK(u, !memcmp(s->img, img, sizeof(img)));
	}
}

static void test_image(struct unit *u, struct uart8250 *uart, struct sink *s)
{
	uint8_t in = 'k';

	/* A polling guest: IER 0, 8N1, FIFOs on. */
	wr(uart, 3, 0x03);
	wr(uart, 2, 0x01);
	wr(uart, 1, 0x00);
	CHECK(u, s->img_valid && !s->img_read);
	rd(uart, 5);
	CHECK(u, s->img_valid && s->img_read);
	CHECK_EQ(u, s->img[5], 0x60);
	CHECK_EQ(u, s->img[2], 0xc1);
	check_image(u, uart, s);
	/* Writes the copy shows at once: SCR, a byte sent, IER with RDI. */
	wr(uart, 7, 0x77);
	CHECK(u, s->img_valid && s->img[7] == 0x77);
	wr(uart, 0, 'x');
	CHECK(u, s->img_valid && s->img[5] == 0x60);
	wr(uart, 1, 0x01);
	CHECK(u, s->img_valid && s->img[1] == 0x01);
	check_image(u, uart, s);

	/* A transmit interrupt: reading IIR would acknowledge it. */
	wr(uart, 1, 0x03);
	CHECK(u, !s->img_valid);
	wr(uart, 1, 0x01);
	CHECK(u, s->img_valid);
	/* The divisor latch: a batched DLL write would not show in a copy. */
	wr(uart, 3, 0x83);
	CHECK(u, !s->img_valid);
	wr(uart, 3, 0x03);
	/* Loopback: a batched THR write would fill the receive FIFO. */
	wr(uart, 4, 0x10);
	CHECK(u, !s->img_valid);
	wr(uart, 4, 0x00);
	check_image(u, uart, s);

	/* Input: the copy is withdrawn before the interrupt is raised. */
	CHECK_EQ(u, uart8250_rx_push(uart, &in, 1), 1);
	CHECK(u, !s->img_valid && s->irq);
	CHECK(u, s->img_off_seq && s->img_off_seq < s->irq_on_seq);
	CHECK_EQ(u, rd(uart, 0), 'k');
	check_image(u, uart, s);

	/* THR held for a full host: LSR says so, no copy until it empties. */
	s->full = true;
	wr(uart, 0, 'y');
	CHECK(u, !s->img_valid);
	s->full = false;
	uart8250_tx_ready(uart);
	check_image(u, uart, s);
	wr(uart, 1, 0x00);
}

/* Two UARTs (ttyS0 and ttyS1) share nothing: state, line, output. */
static void test_independent(struct unit *u, struct uart8250 *a, struct sink *sa)
{
	struct sink sb = { 0 };
	struct irq_line lb = { .ops = &s_line_ops, .chip = &sb, .irqfd = -1 };
	struct uart8250 b;
	unsigned int a_len = sa->len;
	uint64_t a_ier = rd(a, 1), a_scr = rd(a, 7);

	uart8250_init(&b, 0x1001000, &lb, &ops, &sb);
	CHECK_EQ(u, b.region.base, 0x1001000);
	wr(&b, 7, 0xa5);
	wr(&b, 1, 0x03);			/* RDI and THRI on ttyS1 only */
	wr(&b, 0, 'z');
	CHECK(u, sb.len == 1 && sb.out[0] == 'z');
	CHECK(u, sb.irq);
	CHECK_EQ(u, uart8250_rx_push(&b, (const uint8_t *)"q", 1), 1);
	CHECK_EQ(u, rd(&b, 0), 'q');
	CHECK_EQ(u, sa->len, a_len);
	CHECK_EQ(u, rd(a, 1), a_ier);
	CHECK_EQ(u, rd(a, 7), a_scr);
	CHECK_EQ(u, rd(a, 5) & 0x01, 0);	/* nothing received on ttyS0 */
	uart8250_destroy(&b);
}

/* lkvm debug --sysrq: a break (NUL with LSR.BI), then the key, then nothing special. */
static void test_sysrq(struct unit *u, struct uart8250 *uart, struct sink *s)
{
	uint8_t x = 'x';

	CHECK_EQ(u, uart8250_rx_sysrq(uart, 'h'), -EBUSY);	/* not listening */
	wr(uart, 1, 0x01);
	uart8250_rx_push(uart, &x, 1);
	CHECK_EQ(u, uart8250_rx_sysrq(uart, 'h'), -EBUSY);	/* input pending */
	CHECK_EQ(u, rd(uart, 0), 'x');
	CHECK_EQ(u, uart8250_rx_sysrq(uart, 'h'), 0);
	CHECK(u, s->irq);
	CHECK_EQ(u, rd(uart, 5) & 0x11, 0x11);	/* DR and BI */
	CHECK_EQ(u, rd(uart, 0), 0);
	CHECK_EQ(u, rd(uart, 5) & 0x11, 0x01);	/* the key: no break */
	CHECK_EQ(u, rd(uart, 0), 'h');
	CHECK_EQ(u, rd(uart, 5) & 0x11, 0);
	wr(uart, 1, 0);
}

/*
 * A snapshot taken while the console was full holds the byte THR kept
 * back: the restored UART sends it to its new console and THR empties,
 * and batching follows the registers (a polling guest: on).
 */
static void test_restored(struct unit *u)
{
	struct sink sa = { 0 }, sb = { 0 };
	struct irq_line la = { .ops = &s_line_ops, .chip = &sa, .irqfd = -1 };
	struct irq_line lb = { .ops = &s_line_ops, .chip = &sb, .irqfd = -1 };
	struct snapshot s = { 0 }, r;
	struct snapshot_section sec = { .off = 0 };
	struct uart8250 a, b;

	uart8250_init(&a, 0x1000000, &la, &ops, &sa);
	uart8250_init(&b, 0x1000000, &lb, &ops, &sb);
	wr(&a, 0, 'p');
	sa.full = true;
	wr(&a, 0, 'Q');				/* kept in THR */
	CHECK_EQ(u, rd(&a, 5) & 0x60, 0);	/* THRE and TEMT clear */
	CHECK_EQ(u, uart8250_save(&a, &s), 0);
	sec.len = s.len;
	snapshot_open(&r, s.buf, &sec);
	CHECK_EQ(u, uart8250_restore(&b, &r), 0);
	CHECK(u, b.thr_full);
	CHECK_EQ(u, sb.len, 0u);
	uart8250_restored(&b);
	CHECK(u, sb.len == 1 && sb.out[0] == 'Q');
	CHECK_EQ(u, rd(&b, 5) & 0x60, 0x60);	/* THR empty again */
	CHECK(u, sb.batch);			/* IER 0: THR writes batched */
	CHECK(u, !sb.irq);			/* no transmit interrupt enabled */
	/* A UART with nothing held sends nothing. */
	sb.len = 0;
	uart8250_restored(&b);
	CHECK_EQ(u, sb.len, 0u);
	snapshot_free(&s);
	uart8250_destroy(&a);
	uart8250_destroy(&b);
}

int main(void)
{
	struct uart8250 uart;
	struct sink s = { 0 };
	struct unit u = { 0 };

	struct irq_line line = { .ops = &s_line_ops, .chip = &s, .irqfd = -1 };

	uart8250_init(&uart, 0x1000000, &line, &ops, &s);
	test_tx(&u, &uart, &s);
	test_rx(&u, &uart, &s);
	test_sysrq(&u, &uart, &s);
	test_regs(&u, &uart, &s);
	test_tx_full(&u, &uart, &s);
	test_batch(&u, &uart, &s);
	test_image(&u, &uart, &s);
	test_independent(&u, &uart, &s);
	test_restored(&u);
	uart8250_destroy(&uart);
	return unit_done(&u, "test-uart");
}
