// SPDX-License-Identifier: GPL-2.0
/*
 * The host bridge's DT node (binding: pci/host-generic-pci.yaml), as
 * kvmtool writes it: ECAM config space, the I/O and 32-bit memory
 * windows one to one, coherent DMA, and each slot's INTA routed to its
 * device's SPI, level-triggered as INTx is.
 */
#include <stdio.h>

#include <libfdt.h>

#include "devices/pci/host.h"

#define GIC_FDT_IRQ_TYPE_SPI	0
#define IRQ_TYPE_LEVEL_HIGH	4
/*
 * The GIC node's #address-cells (gic/gic-fdt.c: 0, or 2 with an MSI
 * frame below it): the parent unit address in each interrupt-map
 * entry has that many cells, zeros.
 */
#define PCI_FDT_GIC_ADDR_CELLS_MAX	2
/* phys.hi of a PCI address (IEEE 1275 PCI binding): space code, devfn. */
#define PCI_FDT_SPACE_IO	0x01000000u
#define PCI_FDT_SPACE_MEM32	0x02000000u
#define PCI_FDT_DEVFN(slot)	((slot) << 11)
#define PCI_FDT_MAP_CELLS	(3 + 1 + 1 + PCI_FDT_GIC_ADDR_CELLS_MAX + 3)
/* msi-map covers every requester ID of the bus: the ID is the device's. */
#define PCI_FDT_RID_SPAN	0x10000

static int pci_fdt_ranges(struct pci_host *h, void *fdt)
{
	const struct pci_host_map *m = &h->map;
	fdt32_t r[] = {
		cpu_to_fdt32(PCI_FDT_SPACE_IO), 0, 0,
		cpu_to_fdt32(m->io_base >> 32), cpu_to_fdt32(m->io_base),
		cpu_to_fdt32(m->io_size >> 32), cpu_to_fdt32(m->io_size),
		cpu_to_fdt32(PCI_FDT_SPACE_MEM32),
		cpu_to_fdt32(m->mem_base >> 32), cpu_to_fdt32(m->mem_base),
		cpu_to_fdt32(m->mem_base >> 32), cpu_to_fdt32(m->mem_base),
		cpu_to_fdt32(m->mem_size >> 32), cpu_to_fdt32(m->mem_size),
	};

	return fdt_property(fdt, "ranges", r, sizeof(r));
}

/* <devfn 0 0 pin> -> <gic SPI level-high>, for each slot with a pin. */
static int pci_fdt_irq_map(struct pci_host *h, void *fdt)
{
	fdt32_t map[PCI_HOST_SLOTS * PCI_FDT_MAP_CELLS];
	fdt32_t mask[] = {
		cpu_to_fdt32(PCI_FDT_DEVFN(PCI_HOST_SLOTS - 1)), 0, 0, cpu_to_fdt32(7),
	};
	unsigned int s, c, n = 0;
	int ret;

	if (h->gic_addr_cells > PCI_FDT_GIC_ADDR_CELLS_MAX)
		return -FDT_ERR_BADVALUE;
	for (s = 0; s < h->nr_slots; s++) {
		struct pci_dev *pdev = h->slots[s];

		if (!pdev->intx)
			continue;
		map[n++] = cpu_to_fdt32(PCI_FDT_DEVFN(s));
		map[n++] = 0;
		map[n++] = 0;
		map[n++] = cpu_to_fdt32(1);		/* INTA */
		map[n++] = cpu_to_fdt32(h->gic_phandle);
		for (c = 0; c < h->gic_addr_cells; c++)
			map[n++] = 0;
		map[n++] = cpu_to_fdt32(GIC_FDT_IRQ_TYPE_SPI);
		map[n++] = cpu_to_fdt32(pdev->intx->spi);
		map[n++] = cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH);
	}
	if (!n)
		return 0;
	ret = fdt_property(fdt, "interrupt-map", map, n * sizeof(map[0]));
	return ret ?: fdt_property(fdt, "interrupt-map-mask", mask, sizeof(mask));
}

/*
 * The MSI frame the functions' messages go to: msi-map when it takes a
 * device ID (#msi-cells = 1, the ITS: Linux finds a PCI domain only
 * through msi-map then), else msi-parent (GICv2m frames).
 */
static int pci_fdt_msi(struct pci_host *h, void *fdt)
{
	fdt32_t map[] = {
		0, cpu_to_fdt32(h->msi_phandle), 0, cpu_to_fdt32(PCI_FDT_RID_SPAN),
	};

	if (!h->msi_phandle)
		return 0;
	if (h->msi_cells == 1)
		return fdt_property(fdt, "msi-map", map, sizeof(map));
	return fdt_property_u32(fdt, "msi-parent", h->msi_phandle);
}

int pci_host_fdt_node(struct device *dev, void *fdt)
{
	struct pci_host *h = dev->priv;
	fdt32_t bus_range[] = { 0, 0 };
	fdt64_t reg[] = {
		cpu_to_fdt64(h->map.cfg_base), cpu_to_fdt64(h->map.cfg_size),
	};
	char name[32];
	int ret;

	/* dt-schema's pci-bus wants a unit address, which kvmtool omits. */
	snprintf(name, sizeof(name), "pci@%llx",
		 (unsigned long long)h->map.cfg_base);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "device_type", "pci");
	ret = ret ?: fdt_property_u32(fdt, "#address-cells", 3);
	ret = ret ?: fdt_property_u32(fdt, "#size-cells", 2);
	ret = ret ?: fdt_property_u32(fdt, "#interrupt-cells", 1);
	ret = ret ?: fdt_property_string(fdt, "compatible", "pci-host-ecam-generic");
	ret = ret ?: fdt_property(fdt, "dma-coherent", NULL, 0);
	ret = ret ?: fdt_property(fdt, "bus-range", bus_range, sizeof(bus_range));
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	ret = ret ?: pci_fdt_ranges(h, fdt);
	ret = ret ?: pci_fdt_irq_map(h, fdt);
	ret = ret ?: pci_fdt_msi(h, fdt);
	return ret ?: fdt_end_node(fdt);
}
