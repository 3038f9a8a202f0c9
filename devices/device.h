/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_DEVICE_H
#define LKVM_DEVICES_DEVICE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/irq-line.h"
#include "devices/mmio.h"
#include "lib/guest-mem.h"

/*
 * A device is one object: its MMIO region, its interrupt lines, its DT
 * node, its threads, its save/restore, behind one small ops table. The
 * board (machine/board.c) is the only place that names the devices of
 * a VM; set-up, the DT, the sandbox, teardown and snapshots walk it.
 */
struct device;
struct pci_dev;		/* devices/pci/config.h */
struct snapshot;	/* the snapshot stream; a later part of lkvm */

/*
 * The device that is the guest's console (the UART, or virtio-console
 * with --console virtio) takes the host console's input through this,
 * and is told when output it had to hold back fits again.
 */
struct console_port {
	size_t (*rx_room)(void *dev);
	size_t (*rx_push)(void *dev, const uint8_t *buf, size_t len);
	/* On the console's writer thread: output fits again. */
	void (*tx_ready)(void *dev);
	void *dev;
};

/*
 * A host file descriptor the main loop watches for a device (a --tty
 * pty). events() says what to wait for now (0: nothing) and ready()
 * handles what poll() saw; both on the main thread.
 */
struct device_poll {
	int fd;
	short (*events)(void *opaque);
	void (*ready)(void *opaque, short revents);
	void *opaque;
};

/*
 * What a device may ask of the machine. Each is optional for the
 * caller to provide: unit tests and fuzzers fill in what they need.
 * Every function returns 0 or -errno.
 */
struct device_host_ops {
	/* A new thread of the device, before it touches guest state. */
	int (*thread_enter)(void *host, const char *role, unsigned int id);
	/* The main loop has something to look at (input room, output). */
	void (*wake)(void *host);
	/* The guest ended the run: lkvm exits with status. */
	void (*guest_exit)(void *host, int status);
	/* The device cannot go on; lkvm stops with an error. */
	void (*fail)(void *host);
	/*
	 * KVM_IOEVENTFD: a guest write of len bytes at addr (matching
	 * datamatch when match is set) signals fd without an exit. With
	 * on false, undoes it. -EOPNOTSUPP where there is no KVM.
	 */
	int (*ioeventfd)(void *host, uint64_t addr, uint32_t len, bool match,
			 uint64_t datamatch, int fd, bool on);
	/* Become the guest's console (at most one device does). */
	int (*console_attach)(void *host, const struct console_port *port);
	/*
	 * Guest output for the host console: returns how many bytes it
	 * took, fewer when its buffer is full (port->tx_ready follows).
	 */
	size_t (*console_write)(void *host, const uint8_t *buf, size_t len);
	/* Have the main loop watch a file descriptor (at set-up only). */
	int (*poll_add)(void *host, const struct device_poll *p);
};

/* The windows of the memory map that hand out ranges (machine/memmap.h). */
enum device_area {
	DEVICE_AREA_VIRTIO_MMIO,	/* 0x200 bytes a device, from 0x0300_0000 */
};

/* Handed to every device when the board builds the VM. */
struct device_ctx {
	const struct device_host_ops *host_ops;
	void *host;
	const struct guest_mem *mem;
	int loglevel;
	/* Take the next SPI; fills in a line the device then owns. */
	int (*alloc_irq)(void *ctx, struct irq_line *line);
	/* The next free range of size bytes in an area of the map. */
	int (*alloc_mmio)(void *ctx, enum device_area area, uint64_t size,
			  uint64_t *base);
	/* Put a region on the MMIO bus (its base and size are set). */
	int (*map_mmio)(void *ctx, struct mmio_region *region);
	/*
	 * Plug a PCI function into the machine's host bridge (made with
	 * the first): devices/pci/config.h. Last in a device's creation.
	 */
	int (*add_pci)(void *ctx, struct pci_dev *pdev);
	/*
	 * Send one MSI to the GIC's MSI frame, as the PCI bridge does for
	 * its functions, and whether the VM has such a frame. Asked only
	 * once the guest runs (the GIC is made after the devices).
	 */
	int (*msi)(void *ctx, uint32_t devid, uint64_t addr, uint32_t data);
	bool (*has_msi)(void *ctx);
	void *opaque;		/* for alloc_irq, alloc_mmio, map_mmio, add_pci */
	uint32_t gic_phandle;	/* for the DT's interrupt-parent */
};

/* What a device counts, for lkvm stat; each device adds its own. */
struct device_stats {
	unsigned long requests;	/* requests completed (virtio: chains used) */
	unsigned long exits;	/* guest accesses that exited to lkvm */
	unsigned long irqs;	/* interrupts sent */
};

struct device_ops {
	const char *name;
	/*
	 * Write the device's DT node(s) (libfdt sequential writer). Returns
	 * 0 or a negative libfdt error, passed on as is: the DT is built
	 * again in more room on -FDT_ERR_NOSPACE.
	 */
	int (*fdt_node)(struct device *dev, void *fdt);
	/* Start its threads; the vCPUs have not run yet. Optional. */
	int (*start)(struct device *dev);
	/* Stop its threads; the vCPUs are stopped. Optional. */
	void (*stop)(struct device *dev);
	/* Snapshot hooks: -EOPNOTSUPP until snapshots exist. Optional. */
	int (*save)(struct device *dev, struct snapshot *s);
	int (*restore)(struct device *dev, struct snapshot *s);
	/*
	 * A snapshot brackets the reading of the VM's state. begin: the
	 * vCPUs are stopped and nothing is read yet (not even the GIC);
	 * the device's threads stop touching guest RAM and raising its
	 * lines, so the GIC, the device and RAM are read as one moment.
	 * done: the file is written (or failed); runs_on says whether
	 * the VM goes on or stops. Optional; done is called for every
	 * device once begin was called for all.
	 */
	void (*snapshot_begin)(struct device *dev);
	void (*snapshot_done)(struct device *dev, bool runs_on);
	/* Add the device's counts to s. Any thread; optional. */
	void (*stats)(struct device *dev, struct device_stats *s);
	/* Free everything; after stop, or on a failed set-up. */
	void (*destroy)(struct device *dev);
};

struct device {
	const struct device_ops *ops;
	const char *name;	/* for messages: "virtio-blk vda" */
	void *priv;		/* the model's own state */
	bool started;
};

/* What the board makes: the devices of one VM, in the order made. */
#define DEVICE_LIST_MAX		32

struct device_list {
	struct device *devs[DEVICE_LIST_MAX];
	unsigned int nr;
};

/*
 * A board entry: makes the devices of one kind that the configuration
 * asks for (none, one or several) and adds them to list. Returns 0 or
 * -errno, having reported the problem (it knows the context).
 */
struct vm_config;
typedef int (*device_add_t)(const struct device_ctx *ctx,
			    const struct vm_config *cfg,
			    struct device_list *list);

static inline int device_list_add(struct device_list *l, struct device *dev)
{
	if (l->nr >= DEVICE_LIST_MAX)
		return -ENOSPC;
	l->devs[l->nr++] = dev;
	return 0;
}

static inline int device_fdt_node(struct device *dev, void *fdt)
{
	return dev->ops->fdt_node ? dev->ops->fdt_node(dev, fdt) : 0;
}

#endif
