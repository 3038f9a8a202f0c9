// SPDX-License-Identifier: GPL-2.0
/*
 * Polled, transmit-only console on the UART the DT designates: an 8250
 * (ns16550a, kvmtool/lkvm) or a PL011 (QEMU virt). The device is used
 * as the VMM or firmware left it; no baud rate programming.
 */
#include "console.h"
#include "fdt.h"
#include "io.h"
#include "smp.h"
#include "spinlock.h"
#include "string.h"
#include "sysreg.h"

#define UART8250_THR		0
#define UART8250_LSR		5
#define UART8250_LSR_THRE	0x20

#define PL011_DR		0x00
#define PL011_FR		0x18
#define PL011_FR_TXFF		0x20
#define PL011_CR		0x30
#define PL011_CR_UARTEN		0x001
#define PL011_CR_TXE		0x100

/* Bound the wait for a stuck transmitter: drop output rather than hang. */
#define TX_SPIN_LIMIT		1000000

static struct console_info con;
static spinlock_t con_lock = SPINLOCK_INIT;
static volatile int con_owner = -1;
static int con_depth;

static const char *const uart8250_compat[] = {
	"ns16550a", "ns16550", "ns8250", "ns16450",
};

static bool is_8250(int node)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uart8250_compat); i++)
		if (fdt_is_compatible(node, uart8250_compat[i]))
			return true;
	return false;
}

static bool is_uart(int node)
{
	return is_8250(node) || fdt_is_compatible(node, "arm,pl011");
}

/* /chosen/stdout-path: a path or an alias, optionally ":options". */
static int stdout_node(void)
{
	char path[128];
	const char *sp, *colon;
	int chosen = fdt_path("/chosen");
	size_t len;

	sp = chosen >= 0 ? fdt_getprop_str(chosen, "stdout-path") : NULL;
	if (!sp)
		return -1;
	colon = strchr(sp, ':');
	len = colon ? (size_t)(colon - sp) : strlen(sp);
	if (!len || len >= sizeof(path))
		return -1;
	memcpy(path, sp, len);
	path[len] = '\0';
	if (path[0] != '/') {
		int aliases = fdt_path("/aliases");

		sp = aliases >= 0 ? fdt_getprop_str(aliases, path) : NULL;
		if (!sp)
			return -1;
		return fdt_path(sp);
	}
	return fdt_path(path);
}

/*
 * Without a usable stdout-path, prefer a PL011, else the 8250 with the
 * lowest address: kvmtool/lkvm describe four 8250s and UART0 (the
 * one wired to the terminal) is the lowest.
 */
static int fallback_node(void)
{
	int node, best = -1;
	u64 addr, best_addr = ~0UL;

	node = fdt_find_compatible(-1, "arm,pl011");
	if (node >= 0)
		return node;
	for (node = 0; node >= 0; node = fdt_next_node(node, NULL)) {
		if (!is_8250(node) || !fdt_read_reg(node, 0, &addr, NULL))
			continue;
		if (addr < best_addr) {
			best = node;
			best_addr = addr;
		}
	}
	return best;
}

int console_init(void)
{
	int node = stdout_node();
	u32 v;

	if (node < 0 || !is_uart(node))
		node = fallback_node();
	if (node < 0 || !fdt_read_reg(node, 0, &con.base, NULL))
		return -1;
	con.node = node;
	con.reg_shift = 0;
	con.io_width = 1;
	if (fdt_getprop_u32(node, "reg-shift", &v))
		con.reg_shift = v;
	if (fdt_getprop_u32(node, "reg-io-width", &v))
		con.io_width = v;
	if (is_8250(node)) {
		con.type = CONSOLE_8250;
		return 0;
	}
	con.type = CONSOLE_PL011;
	v = readl(con.base + PL011_CR);
	if ((v & (PL011_CR_UARTEN | PL011_CR_TXE)) !=
	    (PL011_CR_UARTEN | PL011_CR_TXE))
		writel(v | PL011_CR_UARTEN | PL011_CR_TXE, con.base + PL011_CR);
	return 0;
}

const struct console_info *console_info(void)
{
	return &con;
}

static u32 uart8250_read(unsigned int reg)
{
	u64 addr = con.base + (reg << con.reg_shift);

	return con.io_width == 4 ? readl(addr) : readb(addr);
}

static void uart8250_write(unsigned int reg, u32 v)
{
	u64 addr = con.base + (reg << con.reg_shift);

	if (con.io_width == 4)
		writel(v, addr);
	else
		writeb(v, addr);
}

static void uart8250_putc(char c)
{
	int spin = TX_SPIN_LIMIT;

	while (!(uart8250_read(UART8250_LSR) & UART8250_LSR_THRE) && --spin)
		cpu_relax();
	uart8250_write(UART8250_THR, (u8)c);
}

static void pl011_putc(char c)
{
	int spin = TX_SPIN_LIMIT;

	while ((readl(con.base + PL011_FR) & PL011_FR_TXFF) && --spin)
		cpu_relax();
	writel((u8)c, con.base + PL011_DR);
}

void console_putc(char c)
{
	switch (con.type) {
	case CONSOLE_8250:
		uart8250_putc(c);
		break;
	case CONSOLE_PL011:
		pl011_putc(c);
		break;
	default:
		break;
	}
}

void console_write(const char *s, size_t n)
{
	while (n--)
		console_putc(*s++);
}

/*
 * Before the MMU is on only the boot CPU runs, and exclusives on the
 * Device memory that RAM is then are not architecturally reliable.
 */
static bool lock_usable(void)
{
	return read_sysreg(sctlr_el1) & 1;
}

void console_lock(void)
{
	int me = smp_processor_id();

	if (!lock_usable())
		return;
	if (con_owner == me) {
		con_depth++;
		return;
	}
	spin_lock(&con_lock);
	con_owner = me;
	con_depth = 1;
}

void console_unlock(void)
{
	if (!lock_usable())
		return;
	if (--con_depth)
		return;
	con_owner = -1;
	spin_unlock(&con_lock);
}
