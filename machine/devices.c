// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's devices: each takes its SPIs and MMIO range during set-up,
 * and reaches the rest of the VM only through the ops wired here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "machine/memmap.h"
#include "machine/vm.h"

#define VM_TESTDEV_LINES	4

static void vm_uart_set_irq(void *opaque, bool level)
{
	struct vm *vm = opaque;
	int ret = irqchip_set_spi(&vm->irqchip, vm->uart.spi, level);

	if (ret)
		pr_warn(vm->cfg.loglevel, "UART interrupt not delivered: %s",
			strerror(-ret));
}

static bool vm_uart_tx(void *opaque, uint8_t byte)
{
	struct vm *vm = opaque;

	return console_put(&vm->console, byte);
}

/* THR writes are batched while the guest polls LSR (docs/performance.md). */
static void vm_uart_tx_batch(void *opaque, bool on)
{
	struct vm *vm = opaque;
	int ret = mmio_batch_zone(vm, MEMMAP_UART_BASE, 1, on);

	if (ret)
		pr_debug(vm->cfg.loglevel, "UART: cannot %s batching THR writes: %s",
			 on ? "start" : "stop", strerror(-ret));
}

/* On the console's writer thread: a byte the UART holds now fits. */
void vm_console_room(void *opaque)
{
	struct vm *vm = opaque;

	uart8250_tx_ready(&vm->uart);
}

/* First thing on the console's writer thread. */
void vm_console_thread_start(void *opaque)
{
	sandbox_enter(opaque, SANDBOX_CONSOLE, 0);	/* reports, stops the VM */
}

/* The guest drained the UART's input, or wrote its first console byte. */
void vm_wake_opaque(void *opaque)
{
	vm_wake(opaque);
}

/*
 * The UART's register page (machine/reg-page.h): while the guest polls LSR
 * to transmit, and THR writes go to KVM's coalesced ring, a console
 * byte costs no exit at all. Mapped once UART_PAGE_MISSES reads in a
 * row exited although the copy was good (the guest is polling, not
 * taking one interrupt); withdrawn at once when the copy goes stale,
 * and when the console ring has less room than the writes that may sit
 * in KVM's ring (nothing else stops the guest while it reads THRE from
 * memory); withdrawn too when output stops (vm_uart_page_idle()).
 */
#define UART_PAGE_MISSES	16
#define UART_PAGE_SLOT		1	/* guest RAM is slot 0 */

static void vm_uart_page_off(struct vm *vm, struct reg_page *p)
{
	int ret = reg_page_map(vm, p, false);

	p->misses = 0;
	if (!ret)
		return;
	/* The guest would go on reading a stale copy: stop it. */
	pr_err(vm->cfg.loglevel, "cannot withdraw the UART's register page: %s",
	       strerror(-ret));
	vm_request_stop(vm, VM_STOP_ERROR);
}

static void vm_uart_page_on(struct vm *vm, struct reg_page *p)
{
	int ret = reg_page_map(vm, p, true);

	if (ret) {
		pr_debug(vm->cfg.loglevel, "UART: no register page, reads exit: %s",
			 strerror(-ret));
		reg_page_disable(p);	/* never tried again */
		return;
	}
	/* Nothing exits now: the main loop replays the ring until output stops. */
	atomic_store(&vm->batch.active, true);
	vm_wake(vm);
}

/* With the UART's lock held, after every change (uart8250_ops.image). */
static void vm_uart_image(void *opaque, const uint8_t *regs, bool read)
{
	struct vm *vm = opaque;
	struct reg_page *p = &vm->uart_page;
	bool good = regs && console_room(&vm->console) >= 2 * vm->batch.max;

	if (!p->mem)
		return;
	pthread_mutex_lock(&p->lock);
	if (!good)
		vm_uart_page_off(vm, p);
	else if (!reg_page_update(vm, p, regs, UART8250_REGS) && !p->mapped &&
		 read && ++p->misses >= UART_PAGE_MISSES)
		vm_uart_page_on(vm, p);
	pthread_mutex_unlock(&p->lock);
}

/*
 * From the main loop, when the ring stayed empty for a while: reads
 * exit again, and the polling stops (an exit drains the ring).
 */
void vm_uart_page_idle(struct vm *vm)
{
	struct reg_page *p = &vm->uart_page;

	/* Under the lock: a vCPU that maps the page sets active again after. */
	pthread_mutex_lock(&p->lock);
	if (p->mem)
		vm_uart_page_off(vm, p);
	atomic_store(&vm->batch.active, false);
	pthread_mutex_unlock(&p->lock);
}

/* A stage, after the batched MMIO ring: the page needs it (see above). */
int vm_uart_page_init(struct vm *vm)
{
	uint64_t base = vm->uart.region.base;
	long size = sysconf(_SC_PAGESIZE);
	int ret;

	if (!vm->batch.ring || vm->cfg.no_reg_page || size <= 0 ||
	    mmio_bus_count(&vm->bus, base, size) != 1) {
		/* Another device shares the page, or no batching: reads exit. */
		return -pthread_mutex_init(&vm->uart_page.lock, NULL);
	}
	ret = reg_page_init(vm, &vm->uart_page, base, UART_PAGE_SLOT);
	if (ret)
		pr_err(vm->cfg.loglevel, "cannot set up the UART's register page: %s",
		       strerror(-ret));
	return ret;
}

static const struct uart8250_ops vm_uart_ops = {
	.set_irq	= vm_uart_set_irq,
	.tx		= vm_uart_tx,
	.tx_batch	= vm_uart_tx_batch,
	.rx_ready	= vm_wake_opaque,
	.image		= vm_uart_image,
};

void vm_uart_init(struct vm *vm, unsigned int spi)
{
	uart8250_init(&vm->uart, MEMMAP_UART_BASE, spi, &vm_uart_ops, vm);
}

static void vm_testdev_set_irq(void *opaque, unsigned int line, bool level)
{
	struct vm *vm = opaque;
	int ret = irqchip_set_spi(&vm->irqchip, vm->testdev.spi_base + line, level);

	if (ret)
		pr_warn(vm->cfg.loglevel, "test device: SPI %u not delivered: %s",
			vm->testdev.spi_base + line, strerror(-ret));
}

static void vm_testdev_exit(void *opaque, int status)
{
	struct vm *vm = opaque;

	vm->guest_status = status;
	pr_info(vm->cfg.loglevel, "the guest ended its run with status %d", status);
	vm_request_stop(vm, VM_STOP_GUEST_STATUS);
}

static void vm_testdev_thread_start(void *opaque)
{
	sandbox_enter(opaque, SANDBOX_TESTDEV, 0);	/* reports, stops the VM */
}

static const struct testdev_ops vm_testdev_ops = {
	.set_irq	= vm_testdev_set_irq,
	.exit		= vm_testdev_exit,
	.thread_start	= vm_testdev_thread_start,
};

/* Its lines are consecutive SPIs, taken right after the UART's. */
int vm_testdev_init(struct vm *vm)
{
	int first = -1, spi, i, ret;

	for (i = 0; i < VM_TESTDEV_LINES; i++) {
		spi = irqchip_alloc_spi(&vm->irqchip);
		if (spi < 0)
			return spi;
		if (first < 0)
			first = spi;
	}
	ret = testdev_init(&vm->testdev, MEMMAP_TESTDEV_BASE, first,
			   VM_TESTDEV_LINES, &vm_testdev_ops, vm);
	if (!ret)
		ret = mmio_bus_register(&vm->bus, &vm->testdev.region);
	if (ret)
		pr_err(vm->cfg.loglevel, "cannot create the test device: %s", strerror(-ret));
	return ret;
}

/* lkvm irq: the lines a host script may drive are the test device's. */
int vm_control_irq(struct vm *vm, const struct control_cmd *cmd, char *msg, size_t len)
{
	static const unsigned int cmds[] = {
		[CONTROL_LEVEL_LOW] = TESTDEV_CMD_LOWER,
		[CONTROL_LEVEL_HIGH] = TESTDEV_CMD_RAISE,
		[CONTROL_LEVEL_PULSE] = TESTDEV_CMD_PULSE,
	};
	unsigned int first = vm->testdev.spi_base;
	int ret;

	if (!vm->cfg.test_device) {
		snprintf(msg, len, "SPI %u: this VM has no test device whose lines a script may drive; start it with --test-device",
			 cmd->spi);
		return -ENODEV;
	}
	if (cmd->spi < first || cmd->spi >= first + VM_TESTDEV_LINES) {
		snprintf(msg, len, "SPI %u is not a test-device line; use SPI %u to %u",
			 cmd->spi, first, first + VM_TESTDEV_LINES - 1);
		return -EINVAL;
	}
	ret = testdev_irq_command(&vm->testdev, cmd->spi - first, cmds[cmd->level], 0);
	if (ret)
		snprintf(msg, len, "SPI %u: %s", cmd->spi, strerror(-ret));
	else
		snprintf(msg, len, "done");
	return ret;
}
