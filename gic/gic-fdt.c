// SPDX-License-Identifier: GPL-2.0
/* The GIC's device tree node, common to every backend. */
#include <stdio.h>

#include <libfdt.h>

#include "gic/kvm-vgic.h"
#include "machine/memmap.h"

/*
 * An MSI frame is a child node with the root's 64-bit addresses, as on
 * kvmtool; without one, dtc wants "no children" said with 0 cells.
 */
static int gic_fdt_child_cells(struct irqchip *ic, void *fdt)
{
	int ret;

	if (!ic->msi_phandle)
		return fdt_property_u32(fdt, "#address-cells", 0);
	ret = fdt_property_u32(fdt, "#address-cells", 2);
	ret = ret ?: fdt_property_u32(fdt, "#size-cells", 2);
	return ret ?: fdt_property(fdt, "ranges", NULL, 0);
}

/*
 * Opens "interrupt-controller@<distributor>" with what the arm,gic and arm,gic-v3
 * bindings require; the caller adds its own properties and closes it.
 */
int gic_fdt_begin(struct irqchip *ic, void *fdt, const char *compatible,
		  const uint64_t *reg, int nr_reg_pairs)
{
	fdt64_t cells[8];
	char name[48];
	int i, ret;

	if (nr_reg_pairs > 4)
		return -FDT_ERR_BADVALUE;
	for (i = 0; i < 2 * nr_reg_pairs; i++)
		cells[i] = cpu_to_fdt64(reg[i]);
	/* The bindings want this node name. */
	snprintf(name, sizeof(name), "interrupt-controller@%llx",
		 (unsigned long long)reg[0]);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", compatible);
	ret = ret ?: fdt_property_u32(fdt, "#interrupt-cells", 3);
	ret = ret ?: gic_fdt_child_cells(ic, fdt);
	ret = ret ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	ret = ret ?: fdt_property(fdt, "reg", cells, 16 * nr_reg_pairs);
	ret = ret ?: fdt_property_u32(fdt, "phandle", ic->phandle);
	return ret;
}

/* The same node for the in-kernel and the userspace GICv2. */
int gic_fdt_v2_node(struct irqchip *ic, void *fdt)
{
	uint64_t reg[] = {
		ic->dist_base, MEMMAP_GIC_DIST_SIZE,
		ic->cpu_base, MEMMAP_GICV2_CPU_SIZE,
	};
	int ret;

	ret = gic_fdt_begin(ic, fdt, "arm,cortex-a15-gic", reg, 2);
	if (!ret && ic->ops->msi)
		ret = ic->ops->msi->fdt_node(ic, fdt);
	return ret ?: fdt_end_node(fdt);
}
