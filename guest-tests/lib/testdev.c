// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm test device driver. IRQ_LINE, IRQ_DELAY_US and IRQ_CMD are one
 * register set for all CPUs, so a command and the status read that
 * tells whether it was accepted happen under one lock, with interrupts
 * masked: a handler on this CPU may itself issue a command.
 */
#include "fdt.h"
#include "io.h"
#include "spinlock.h"
#include "sysreg.h"
#include "testdev.h"
#include "timer.h"

#define MSI_TIMEOUT_US	(2 * 1000 * 1000)

static struct {
	int probed;		/* 0: not yet, 1: found, -1: absent */
	u64 base;
	int nr_lines;
	u32 intid[TESTDEV_MAX_LINES];
	u32 flags[TESTDEV_MAX_LINES];
} dev;

static spinlock_t lock = SPINLOCK_INIT;

static int probe_node(int node)
{
	struct fdt_irq irq;
	int i, n;

	if (!fdt_read_reg(node, 0, &dev.base, NULL))
		return -1;
	if (readl(dev.base + TESTDEV_ID) != TESTDEV_ID_VALUE)
		return -1;
	n = readl(dev.base + TESTDEV_FEATURES) & 0xff;
	n = MIN(n, fdt_irq_count(node));
	n = MIN(n, TESTDEV_MAX_LINES);
	for (i = 0; i < n; i++) {
		if (!fdt_read_irq(node, i, &irq) || irq.type != 0)
			break;
		dev.intid[i] = irq.intid;
		dev.flags[i] = irq.flags;
	}
	dev.nr_lines = i;
	return 0;
}

int testdev_probe(void)
{
	int node;

	if (!dev.probed) {
		node = fdt_find_compatible(-1, TESTDEV_COMPAT);
		dev.probed = (node >= 0 && !probe_node(node)) ? 1 : -1;
	}
	return dev.probed > 0 ? 0 : -1;
}

bool testdev_present(void)
{
	return dev.probed > 0;
}

u64 testdev_base(void)
{
	return testdev_present() ? dev.base : 0;
}

int testdev_nr_lines(void)
{
	return testdev_present() ? dev.nr_lines : 0;
}

u32 testdev_spi(int line)
{
	return (line >= 0 && line < testdev_nr_lines()) ? dev.intid[line] : 0;
}

u32 testdev_spi_flags(int line)
{
	return (line >= 0 && line < testdev_nr_lines()) ? dev.flags[line] : 0;
}

static u64 lock_irqsave(void)
{
	u64 flags = read_sysreg(daif);

	local_irq_disable();
	spin_lock(&lock);
	return flags;
}

static void unlock_irqrestore(u64 flags)
{
	spin_unlock(&lock);
	write_sysreg(flags, daif);
}

int testdev_irq(int line, u32 cmd, u32 delay_us)
{
	u64 flags;
	u32 st;

	if (line < 0 || line >= testdev_nr_lines())
		return TESTDEV_ENODEV;
	flags = lock_irqsave();
	writel(line, dev.base + TESTDEV_IRQ_LINE);
	writel(delay_us, dev.base + TESTDEV_IRQ_DELAY_US);
	/* What the CPU wrote before asking is visible to whoever is woken. */
	dsb(sy);
	writel(cmd, dev.base + TESTDEV_IRQ_CMD);
	st = readl(dev.base + TESTDEV_IRQ_STATUS);
	unlock_irqrestore(flags);
	if (st & TESTDEV_ST_ERR_BUSY)
		return TESTDEV_EBUSY;
	if (st & TESTDEV_ST_ERR_INVAL)
		return TESTDEV_EINVAL;
	return 0;
}

bool testdev_has_msi(void)
{
	return testdev_present() && readl(dev.base + TESTDEV_VERSION) >= 2 &&
	       (readl(dev.base + TESTDEV_FEATURES) & TESTDEV_FEAT_MSI);
}

int testdev_msi(u64 addr, u32 data, u32 devid)
{
	u64 flags, end;
	u32 st, count;

	if (!testdev_present() || readl(dev.base + TESTDEV_VERSION) < 2)
		return TESTDEV_ENOMSI;
	flags = lock_irqsave();
	writel((u32)addr, dev.base + TESTDEV_MSI_ADDR_LO);
	writel(addr >> 32, dev.base + TESTDEV_MSI_ADDR_HI);
	writel(data, dev.base + TESTDEV_MSI_DATA);
	writel(devid, dev.base + TESTDEV_MSI_DEVID);
	writel(0, dev.base + TESTDEV_IRQ_DELAY_US);
	count = readl(dev.base + TESTDEV_MSI_COUNT);
	/* Tables and commands the message depends on are in memory first. */
	dsb(sy);
	writel(TESTDEV_MSI_CMD_SEND, dev.base + TESTDEV_MSI_CMD);
	st = readl(dev.base + TESTDEV_MSI_STATUS);
	unlock_irqrestore(flags);
	if (st & TESTDEV_MSI_ST_ERR_NOMSI)
		return TESTDEV_ENOMSI;
	if (st & TESTDEV_MSI_ST_ERR_BUSY)
		return TESTDEV_EBUSY;
	if (st & TESTDEV_MSI_ST_ERR_INVAL)
		return TESTDEV_EINVAL;
	end = timer_deadline_us(MSI_TIMEOUT_US);
	while (readl(dev.base + TESTDEV_MSI_COUNT) == count)
		if (timer_expired(end))
			return TESTDEV_ETIMEDOUT;
	st = readl(dev.base + TESTDEV_MSI_STATUS);
	if (st & TESTDEV_MSI_ST_ERR_SEND)
		return TESTDEV_ESEND;
	return st & TESTDEV_MSI_ST_ERR_NOMSI ? TESTDEV_ENOMSI : 0;
}

u32 testdev_status(void)
{
	return testdev_present() ? readl(dev.base + TESTDEV_IRQ_STATUS) : 0;
}

u32 testdev_counter(void)
{
	return testdev_present() ? readl(dev.base + TESTDEV_COUNTER) : 0;
}

void testdev_exit(int status)
{
	if (!testdev_present())
		return;
	dsb(sy);
	writel(status < 0 ? 255 : (u32)status, dev.base + TESTDEV_EXIT);
}
