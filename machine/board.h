/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_BOARD_H
#define LKVM_MACHINE_BOARD_H

#include <stdint.h>

#include "devices/bus.h"
#include "devices/device.h"

struct irqchip;
struct pci_host;
struct vm_config;

/*
 * The board: the devices of one VM, made from the list in board.c,
 * the only place that names them. Set-up, the DT, the sandbox and
 * teardown walk it. It hands devices their SPIs and MMIO windows
 * (the map is machine/memmap.h) and puts their regions on the bus.
 */
struct board {
	struct device_list list;
	struct device_ctx ctx;
	struct irqchip *ic;
	struct mmio_bus *bus;
	uint64_t virtio_mmio_next;	/* next free virtio-mmio window */
	struct pci_host *pci;		/* made with the first PCI function */
};

/*
 * Make every device the configuration asks for. host_ops and host are
 * what devices may ask of the machine (machine/vm-host.c). On a failure
 * the devices made so far are destroyed.
 */
int board_create(struct board *b, const struct vm_config *cfg,
		 struct irqchip *ic, struct mmio_bus *bus,
		 const struct guest_mem *mem,
		 const struct device_host_ops *host_ops, void *host);
int board_fdt(struct board *b, void *fdt);
/* Start the devices' threads (after the GIC's init); reports failures. */
int board_start(struct board *b);
void board_stop(struct board *b);
/* The devices' counts summed, for lkvm stat. */
void board_stats(struct board *b, struct device_stats *s);
void board_destroy(struct board *b);

#endif
