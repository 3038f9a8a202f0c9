// SPDX-License-Identifier: GPL-2.0
/* The UART's own device tree node (binding: serial/8250.yaml). */
#include <stdio.h>

#include <libfdt.h>

#include "devices/uart8250.h"

#define IRQ_TYPE_LEVEL_HIGH	4
#define GIC_FDT_IRQ_TYPE_SPI	0

int uart8250_fdt_node(struct uart8250 *u, void *fdt, uint32_t gic_phandle)
{
	fdt64_t reg[] = { cpu_to_fdt64(u->region.base), cpu_to_fdt64(u->region.size) };
	fdt32_t irq[] = {
		cpu_to_fdt32(GIC_FDT_IRQ_TYPE_SPI), cpu_to_fdt32(u->irq.spi),
		cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH),
	};
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "serial@%llx",
		 (unsigned long long)u->region.base);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", "ns16550a");
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	ret = ret ?: fdt_property(fdt, "interrupts", irq, sizeof(irq));
	ret = ret ?: fdt_property_u32(fdt, "interrupt-parent", gic_phandle);
	ret = ret ?: fdt_property_u32(fdt, "clock-frequency", UART8250_CLOCK_HZ);
	return ret ?: fdt_end_node(fdt);
}
