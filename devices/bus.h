/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_BUS_H
#define LKVM_DEVICES_BUS_H

#include "devices/mmio.h"

#define MMIO_BUS_MAX_REGIONS	16

/*
 * The MMIO bus: regions are registered during setup and never change
 * once vCPUs run, so dispatch reads the table without a lock. Devices
 * lock their own state.
 */
struct mmio_bus {
	struct mmio_region *regions[MMIO_BUS_MAX_REGIONS];
	unsigned int nr_regions;
};

int mmio_bus_register(struct mmio_bus *bus, struct mmio_region *region);
struct mmio_region *mmio_bus_find(struct mmio_bus *bus, uint64_t addr,
				  uint32_t len);
unsigned int mmio_bus_count(struct mmio_bus *bus, uint64_t addr, uint64_t len);
int mmio_bus_access(struct mmio_bus *bus, uint64_t addr, void *data,
		    uint32_t len, bool is_write, int cpu);

#endif
