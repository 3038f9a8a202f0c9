/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_FUZZ_VIRTIO_PCI_FZ_H
#define LKVM_TESTS_FUZZ_VIRTIO_PCI_FZ_H

/*
 * What the virtio-pci targets (fuzz-virtio-pci, fuzz-virtio-pci-legacy)
 * share: the function under test behind a PCI host bridge, a toy
 * device model that echoes requests and checks it is given only
 * buffers in RAM, an INTx line that must only change, notify
 * ioeventfds that must come and go together, and an MSI frame that
 * takes only messages from an enabled, unmasked function.
 */
#include <stdbool.h>
#include <stdint.h>

#include "devices/pci/host.h"
#include "devices/virtio/pci.h"
#include "tests/fuzz/fuzz.h"
#include "tests/virtio-guest.h"

#define RAM_SIZE	0x10000ULL
#define QAREA(q)	(GUEST_RAM_BASE + 0x1000 + 0x3000ULL * (q))
#define BUFS		(GUEST_RAM_BASE + 0xd000)
#define CONFIG_SIZE	20
#define FZ_MEM_BASE	0x50000000ULL	/* the 32-bit window */

struct fz {
	struct virtio_dev vd;
	struct virtio_pci *vp;
	struct pci_host host;
	struct guest_mem mem;
	struct device_ctx ctx;
	uint8_t config[CONFIG_SIZE];
	struct vdrv drv[4];
	bool drv_up[4];
	bool level;
	int efds_on;
	uint64_t efd_addr;
	uint64_t bar;			/* where the driver put the transport's BAR:
				   BAR 1 (memory), BAR 0 (legacy, a port) */
	unsigned long msgs;		/* MSI-X messages the frame took */
};

extern struct fz *fz_cur;
extern const struct virtio_dev_ops fz_toy_ops;
extern const struct device_host_ops fz_host_ops;

int fz_ctx_alloc_irq(void *opaque, struct irq_line *line);
int fz_ctx_add_pci(void *opaque, struct pci_dev *pdev);
int fz_frame_msi(void *opaque, uint32_t devid, uint64_t addr, uint32_t data);
/* What sets the two targets apart: their operations and checks. */
struct fz_target {
	bool legacy;
	unsigned int nr_ops;
	void (*op)(struct fz *z, unsigned int op, struct fuzz_input *in);
	void (*check)(struct fz *z);
};

int fz_run(const uint8_t *data, size_t size, const struct fz_target *t);
uint64_t fz_cfg_acc(struct fz *z, uint32_t off, uint32_t len, bool write,
		    uint64_t data);

#endif
