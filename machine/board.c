// SPDX-License-Identifier: GPL-2.0
/*
 * The board: which devices a VM has, in the order they are made (their
 * SPIs and MMIO windows follow that order, as on kvmtool). A new device
 * is one line in board_entries[] and its own files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "devices/pci/host.h"
#include "devices/pci/pci-testdev.h"
#include "devices/virtio/board.h"
#include "gic/irqchip.h"
#include "lib/log.h"
#include "lib/util.h"
#include "machine/board.h"
#include "machine/memmap.h"
#include "machine/rtc-port.h"
#include "machine/serial-port.h"
#include "machine/testdev-port.h"
#include "machine/uart-port.h"

struct board_entry {
	const char *name;
	device_add_t add;
};

static const struct board_entry board_entries[] = {
	{ "UART",		uart_port_add },
	{ "test device",	testdev_port_add },
	{ "UARTs 1-3",		serial_ports_add },
	{ "RTC",		rtc_port_add },
	{ "virtio-blk",		virtio_blk_add },
	{ "virtio-rng",		virtio_rng_add },
	{ "virtio-net",		virtio_net_add },
	{ "virtio-vsock",	virtio_vsock_add },
	{ "virtio-9p",		virtio_9p_add },
	{ "virtio-console",	virtio_console_add },
	{ "PCI test device",	pci_testdev_add },
};

static int board_alloc_irq(void *opaque, struct irq_line *line)
{
	struct board *b = opaque;

	return irqchip_line(b->ic, line);
}

static int board_alloc_mmio(void *opaque, enum device_area area,
			    uint64_t size, uint64_t *base)
{
	struct board *b = opaque;
	uint64_t end = MEMMAP_VIRTIO_MMIO_BASE + MEMMAP_VIRTIO_MMIO_SIZE;

	if (area != DEVICE_AREA_VIRTIO_MMIO)
		return -EINVAL;
	if (size > end - b->virtio_mmio_next)
		return -ENOSPC;
	*base = b->virtio_mmio_next;
	b->virtio_mmio_next += size;
	return 0;
}

static int board_map_mmio(void *opaque, struct mmio_region *region)
{
	struct board *b = opaque;

	return mmio_bus_register(b->bus, region);
}

/*
 * The functions' MSIs go to the GIC's MSI frame, whichever it is: the
 * GIC is made after the devices, and asked only once the guest runs.
 */
static int board_msi(void *opaque, uint32_t devid, uint64_t addr, uint32_t data)
{
	struct board *b = opaque;

	return irqchip_msi_signal(b->ic, devid, addr, data);
}

static int board_msi_route(void *opaque, struct msi_route *r, uint32_t devid,
			   uint64_t addr, uint32_t data)
{
	struct board *b = opaque;

	return irqchip_msi_route(b->ic, r, devid, addr, data);
}

static bool board_has_msi(void *opaque)
{
	struct board *b = opaque;

	return irqchip_has_msi(b->ic);
}

/*
 * The PCI host bridge, made when the first PCI function is plugged in
 * (no PCI device, no bridge and no DT node): listed before that
 * function, so torn down after every function on it.
 */
static int board_pci_host(struct board *b)
{
	static const struct pci_host_map map = {
		.cfg_base = MEMMAP_PCI_CFG_BASE, .cfg_size = MEMMAP_PCI_CFG_SIZE,
		.mem_base = MEMMAP_PCI_MEM_BASE, .mem_size = MEMMAP_PCI_MEM_SIZE,
		.io_base = MEMMAP_PCI_IO_BASE, .io_size = MEMMAP_PCI_IO_SIZE,
	};
	struct pci_host *h = malloc(sizeof(*h));
	int ret;

	if (!h)
		return -ENOMEM;
	ret = pci_host_create(h, &b->ctx, &map);
	if (ret) {
		free(h);
		return ret;
	}
	ret = device_list_add(&b->list, &h->dev);
	if (ret) {
		h->dev.ops->destroy(&h->dev);
		return ret;
	}
	h->msi = board_msi;
	h->msi_route = board_msi_route;
	h->msi_opaque = b;
	b->pci = h;
	return 0;
}

static int board_add_pci(void *opaque, struct pci_dev *pdev)
{
	struct board *b = opaque;
	int ret;

	if (!b->pci) {
		ret = board_pci_host(b);
		if (ret)
			return ret;
	}
	return pci_host_add(b->pci, pdev);
}

int board_create(struct board *b, const struct vm_config *cfg,
		 struct irqchip *ic, struct mmio_bus *bus,
		 const struct guest_mem *mem,
		 const struct device_host_ops *host_ops, void *host)
{
	unsigned int i;
	int ret;

	memset(&b->list, 0, sizeof(b->list));
	b->ic = ic;
	b->bus = bus;
	b->virtio_mmio_next = MEMMAP_VIRTIO_MMIO_BASE;
	b->pci = NULL;
	b->ctx = (struct device_ctx) {
		.host_ops = host_ops, .host = host, .mem = mem,
		.loglevel = cfg->loglevel, .alloc_irq = board_alloc_irq,
		.alloc_mmio = board_alloc_mmio, .map_mmio = board_map_mmio,
		.add_pci = board_add_pci, .msi = board_msi,
		.has_msi = board_has_msi, .opaque = b,
		.gic_phandle = IRQCHIP_PHANDLE,
	};
	for (i = 0; i < ARRAY_SIZE(board_entries); i++) {
		pr_debug(cfg->loglevel, "board: %s", board_entries[i].name);
		ret = board_entries[i].add(&b->ctx, cfg, &b->list);
		if (ret) {
			/*
			 * The entry reported it. A failed stage is not undone
			 * (machine/vm.c): the devices made so far go now, and
			 * with them what they hold outside lkvm (a user-mode
			 * card's lkvm-net-user, reaped).
			 */
			board_destroy(b);
			return ret;
		}
	}
	return 0;
}

int board_fdt(struct board *b, void *fdt)
{
	unsigned int i;
	int ret = 0;

	/* The GIC exists now: the bridge's node names its MSI frame. */
	if (b->pci) {
		b->pci->msi_phandle = b->ic->msi_phandle;
		b->pci->msi_cells = b->ic->msi_cells;
		b->pci->gic_addr_cells = b->ic->msi_phandle ? 2 : 0;
	}
	for (i = 0; i < b->list.nr && !ret; i++)
		ret = device_fdt_node(b->list.devs[i], fdt);
	return ret;
}

int board_start(struct board *b)
{
	unsigned int i;
	int ret;

	for (i = 0; i < b->list.nr; i++) {
		struct device *dev = b->list.devs[i];

		if (!dev->ops->start)
			continue;
		ret = dev->ops->start(dev);
		if (ret) {
			pr_err(b->ctx.loglevel, "cannot start the %s: %s",
			       dev->name, strerror(-ret));
			return ret;
		}
		dev->started = true;
	}
	return 0;
}

void board_stats(struct board *b, struct device_stats *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < b->list.nr; i++)
		if (b->list.devs[i]->ops->stats)
			b->list.devs[i]->ops->stats(b->list.devs[i], s);
}

/* In reverse: a device may rely on one made before it. */
void board_stop(struct board *b)
{
	unsigned int i = b->list.nr;

	while (i--) {
		struct device *dev = b->list.devs[i];

		if (dev->started && dev->ops->stop)
			dev->ops->stop(dev);
		dev->started = false;
	}
}

void board_destroy(struct board *b)
{
	unsigned int i = b->list.nr;

	board_stop(b);
	while (i--) {
		struct device *dev = b->list.devs[i];

		if (dev->ops->destroy)
			dev->ops->destroy(dev);
	}
	b->list.nr = 0;
	b->pci = NULL;
}
