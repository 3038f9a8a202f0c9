/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_VIRTIO_PCI_RIG_H
#define LKVM_TESTS_VIRTIO_PCI_RIG_H
/*
 * A virtio-pci function (a toy device behind devices/virtio/pci.c) on
 * the PCI host bridge, and the accesses and set-up Linux's
 * virtio_pci_modern driver makes, for tests/test-virtio-pci*.c (the
 * legacy function too, on the I/O window).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/pci/host.h"
#include "devices/virtio/pci.h"
#include "lib/snapshot.h"
#include "tests/unit.h"
#include "tests/virtio-toy.h"

#define CFG_BASE	0x40000000ULL
#define MEM_BASE	0x50000000ULL
#define RAM_SIZE	0x100000ULL
#define PRIG_IO_SIZE	0x10000ULL	/* the legacy function's I/O window */
#define QAREA(q)	(GUEST_RAM_BASE + 0x10000 + 0x4000ULL * (q))
#define QBUF(q)		(GUEST_RAM_BASE + 0x40000 + 0x1000ULL * (q))
#define F(bit)		(1ULL << (bit))

/* struct virtio_pci_common_cfg, as Linux's uapi/linux/virtio_pci.h. */
enum {
	C_DFSELECT = 0x00, C_DF = 0x04, C_GFSELECT = 0x08, C_GF = 0x0c,
	C_MSIX = 0x10, C_NUMQ = 0x12, C_STATUS = 0x14, C_GEN = 0x15,
	C_QSEL = 0x16, C_QSIZE = 0x18, C_QMSIX = 0x1a, C_QENABLE = 0x1c,
	C_QNOFF = 0x1e, C_QDESC = 0x20, C_QAVAIL = 0x28, C_QUSED = 0x30,
};

struct level_line {
	int level, rises;
};

struct prig {
	struct toy t;
	struct virtio_pci *vp;
	struct pci_host host;
	struct device_ctx ctx;
	struct guest_mem mem;
	struct level_line line;
	struct vdrv q[2];
	/* ioeventfds: how many are on, and where */
	int efds_on;
	uint64_t efd_addr;
	bool efd_bad;
	bool with_ioeventfd;
	/* what the driver found */
	uint64_t bar;
	uint32_t off[5];		/* by cfg_type */
	unsigned int msix_cap;
	/* The MSI frame: messages signalled, routes made */
	unsigned int signals, routes;
	uint32_t last_data, last_devid;
};

/* BAR 1's regions, by cfg_type. */
#define COMMON	1
#define NOTIFY	2
#define ISR	3
#define DEVICE	4

uint64_t prig_cfg_rd(struct prig *r, uint32_t reg, uint32_t len);
void prig_cfg_wr(struct prig *r, uint32_t reg, uint32_t len, uint64_t v);
int prig_bar_acc(struct prig *r, uint64_t off, uint32_t len, bool write,
		 uint64_t *v);
uint64_t prig_rd(struct prig *r, uint32_t region, uint64_t off, uint32_t len);
void prig_wr(struct prig *r, uint32_t region, uint64_t off, uint32_t len,
	     uint64_t v);
void prig_find_caps(struct unit *u, struct prig *r);
void prig_scan(struct unit *u, struct prig *r, uint64_t place);
void prig_setup_vq(struct unit *u, struct prig *r, unsigned int q);
void prig_linux_up(struct unit *u, struct prig *r, uint64_t want);
void prig_send(struct prig *r, unsigned int q, const char *msg);
void prig_check_echo(struct unit *u, struct prig *r, unsigned int q,
		     const char *msg);
int prig_up_as(struct prig *r, enum virtio_transport tr, uint32_t type,
	       bool with_ioeventfd);
int prig_up(struct prig *r, bool with_ioeventfd);
void prig_down(struct prig *r);
void prig_frame(struct prig *r);

/* The MSI-X and snapshot tests (tests/test-virtio-pci-msix.c). */
void test_msix(struct unit *u);
void test_snapshot(struct unit *u);

#endif
