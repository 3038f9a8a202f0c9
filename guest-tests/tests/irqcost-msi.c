// SPDX-License-Identifier: GPL-2.0
/*
 * irqcost's MSI source: how a bare-metal guest makes one MSI arrive.
 *
 *  - GICv2 with a GICv2m frame (arm,gic-v2m-frame): the CPU writes the
 *    SPI's number to MSI_SETSPI_NS itself, which is the write a device's
 *    MSI makes; the frame is emulated by the VMM (lkvm and kvmtool
 *    alike), so each message is an exit and a KVM_IRQ_LINE, or an
 *    injection into lkvm's own GIC. With lkvm's test device in the VM
 *    (--test-device) the device sends the same write instead, from its
 *    thread: the ITS's path with the v2m frame at its end.
 *  - GICv3 with an ITS (arm,gic-v3-its): KVM drops a vCPU's own write
 *    to GITS_TRANSLATER, which carries no DeviceID, so the message must
 *    come from a device. lkvm's test device (--test-device) sends it as
 *    a PCI function's MSI-X vector is sent (KVM_SIGNAL_MSI with the
 *    DeviceID, translated by the in-kernel ITS): its address, data and
 *    DeviceID are set once here, then each message is one write of
 *    MSI_CMD. Without the test device (kvmtool) the ITS is still set
 *    up and checked, and the source is "none".
 */
#include "guest.h"
#include "its.h"
#include "irqcost.h"
#include "testdev.h"

#define MSI_TYPER	0x008
#define MSI_SETSPI_NS	0x040
#define DEV		0x10	/* the DeviceID the test device sends */
#define EVENT		0
#define EVENT_BITS	1
#define LPI		(LPI_FIRST + 32)
#define PRIO		0xa0

/* The test device's message registers, set once: each MSI is MSI_CMD. */
static void msi_testdev(struct irqcost_msi *m, u64 addr, u32 data)
{
	u64 td = testdev_base();

	writel((u32)addr, td + TESTDEV_MSI_ADDR_LO);
	writel(addr >> 32, td + TESTDEV_MSI_ADDR_HI);
	writel(data, td + TESTDEV_MSI_DATA);
	writel(DEV, td + TESTDEV_MSI_DEVID);
	writel(0, td + TESTDEV_IRQ_DELAY_US);
	m->reg = td + TESTDEV_MSI_CMD;
	m->val = TESTDEV_MSI_CMD_SEND;
	m->src = "testdev";
}

static int msi_v2m(struct irqcost_msi *m,
		   void (*fn)(u32 intid, u32 iar, void *arg))
{
	int node = fdt_find_compatible(0, "arm,gic-v2m-frame");
	u32 typer, first, count;

	if (!check(node >= 0 && fdt_read_reg(node, 0, &m->frame, NULL),
		   "irqcost.msi-frame", "an arm,gic-v2m-frame node in the DT"))
		return -1;
	typer = readl(m->frame + MSI_TYPER);
	first = (typer >> 16) & 0x3ff;
	count = typer & 0x3ff;
	if (!check(count && first >= GIC_FIRST_SPI && first + count <= gic_nr_lines(),
		   "irqcost.msi-typer", "v2m frame %#lx: MSI_TYPER %#x", m->frame, typer))
		return -1;
	/* The frame's last SPI: no device of the DT has it. */
	m->intid = m->val = first + count - 1;
	m->reg = m->frame + MSI_SETSPI_NS;
	m->src = "setspi";
	irq_set_handler(m->intid, fn, NULL);
	gic_irq_set_edge(m->intid, true);
	gic_irq_set_priority(m->intid, PRIO);
	gic_irq_set_target(m->intid, 0);
	gic_irq_enable(m->intid);
	testdev_probe();
	if (testdev_has_msi())
		msi_testdev(m, m->reg, m->val);
	return 0;
}

static int msi_its(struct irqcost_msi *m,
		   void (*fn)(u32 intid, u32 iar, void *arg))
{
	int node = its_find_node(), bad;
	u64 itt;

	if (!check(node >= 0 && fdt_read_reg(node, 0, &m->frame, NULL),
		   "irqcost.msi-frame", "an arm,gic-v3-its node in the DT"))
		return -1;
	if (!check(!its_lpis_enable() && !its_init(m->frame), "irqcost.its-init",
		   "ITS at %#lx: LPIs, tables, command queue", m->frame))
		return -1;
	itt = its_itt_alloc(EVENT_BITS);
	/* MAPTI reads the property byte: set it first. */
	its_lpi_config(LPI, PRIO, true);
	bad = !itt || its_mapd(DEV, itt, EVENT_BITS, true) ||
	      its_mapc(0, its_rdbase(0), true) ||
	      its_mapti(DEV, EVENT, LPI, 0) || its_sync(its_rdbase(0));
	if (!check(!bad, "irqcost.its-map", "MAPD %#x, MAPC, MAPTI %u -> LPI %u, SYNC",
		   DEV, EVENT, LPI))
		return -1;
	m->intid = LPI;
	irq_set_lpi_handler(fn, NULL);
	testdev_probe();
	if (!testdev_has_msi()) {
		m->src = "none";
		return 1;
	}
	msi_testdev(m, m->frame + GITS_TRANSLATER, EVENT);
	return 0;
}

int irqcost_msi_init(struct irqcost_msi *m,
		     void (*fn)(u32 intid, u32 iar, void *arg))
{
	m->src = "none";
	m->reg = 0;
	if (gic_version() == 3)
		return msi_its(m, fn);
	return msi_v2m(m, fn);
}
