// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio-mmio device's DT node (binding: virtio/mmio.yaml), as
 * kvmtool writes it: one window, one edge-triggered SPI, coherent DMA.
 */
#include <stdio.h>

#include <libfdt.h>

#include "devices/virtio/mmio.h"

#define GIC_FDT_IRQ_TYPE_SPI	0
#define IRQ_TYPE_EDGE_RISING	1

int virtio_mmio_fdt_node(struct device *dev, void *fdt)
{
	struct virtio_mmio *vm = dev->priv;
	fdt64_t reg[] = {
		cpu_to_fdt64(vm->region.base), cpu_to_fdt64(VIRTIO_MMIO_SIZE),
	};
	fdt32_t irq[] = {
		cpu_to_fdt32(GIC_FDT_IRQ_TYPE_SPI), cpu_to_fdt32(vm->vd->irq.spi),
		cpu_to_fdt32(IRQ_TYPE_EDGE_RISING),
	};
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "virtio_mmio@%llx",
		 (unsigned long long)vm->region.base);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", "virtio,mmio");
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	ret = ret ?: fdt_property(fdt, "dma-coherent", NULL, 0);
	ret = ret ?: fdt_property(fdt, "interrupts", irq, sizeof(irq));
	ret = ret ?: fdt_property_u32(fdt, "interrupt-parent", vm->gic_phandle);
	return ret ?: fdt_end_node(fdt);
}
