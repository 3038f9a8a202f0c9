// SPDX-License-Identifier: GPL-2.0
/*
 * The test device's node: compatible "lkvm,test-device", one register
 * window, one level-high SPI per line in line order
 * (docs/test-device.md).
 */
#include <stdio.h>

#include <libfdt.h>

#include "devices/testdev.h"

#define IRQ_TYPE_LEVEL_HIGH	4
#define GIC_FDT_IRQ_TYPE_SPI	0

int testdev_fdt_node(struct testdev *d, void *fdt, uint32_t gic_phandle)
{
	fdt64_t reg[] = {
		cpu_to_fdt64(d->region.base), cpu_to_fdt64(d->region.size),
	};
	fdt32_t irq[TESTDEV_MAX_LINES * 3];
	unsigned int i;
	char name[40];
	int ret;

	for (i = 0; i < d->nr_lines; i++) {
		irq[3 * i] = cpu_to_fdt32(GIC_FDT_IRQ_TYPE_SPI);
		irq[3 * i + 1] = cpu_to_fdt32(d->lines[i].spi);
		irq[3 * i + 2] = cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH);
	}
	snprintf(name, sizeof(name), "test-device@%llx",
		 (unsigned long long)d->region.base);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", "lkvm,test-device");
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	ret = ret ?: fdt_property(fdt, "interrupts", irq,
				  d->nr_lines * 3 * sizeof(irq[0]));
	ret = ret ?: fdt_property_u32(fdt, "interrupt-parent", gic_phandle);
	return ret ?: fdt_end_node(fdt);
}
