// SPDX-License-Identifier: GPL-2.0
/* The GIC's device tree node, common to every backend. */
#include <stdio.h>

#include <libfdt.h>

#include "gic/kvm-vgic.h"

/*
 * Opens "intc@<distributor>" with what the arm,gic and arm,gic-v3
 * bindings require; the caller adds its own properties and closes it.
 */
int gic_fdt_begin(struct irqchip *ic, void *fdt, const char *compatible,
		  const uint64_t *reg, int nr_reg_pairs)
{
	fdt64_t cells[8];
	char name[32];
	int i, ret;

	if (nr_reg_pairs > 4)
		return -FDT_ERR_BADVALUE;
	for (i = 0; i < 2 * nr_reg_pairs; i++)
		cells[i] = cpu_to_fdt64(reg[i]);
	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)reg[0]);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", compatible);
	ret = ret ?: fdt_property_u32(fdt, "#interrupt-cells", 3);
	ret = ret ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	ret = ret ?: fdt_property(fdt, "reg", cells, 16 * nr_reg_pairs);
	ret = ret ?: fdt_property_u32(fdt, "phandle", ic->phandle);
	return ret;
}
