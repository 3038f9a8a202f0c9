/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_PCI_PCI_TESTDEV_H
#define LKVM_DEVICES_PCI_PCI_TESTDEV_H

/*
 * A PCI function that behaves as QEMU's pci-testdev (`-device
 * pci-testdev`), which kvm-unit-tests' pci-test drives: BAR 0 is
 * memory, BAR 1 I/O space, each with three tests of guest writes to
 * one address. docs/pci-testdev.md describes the registers.
 *
 * Each BAR starts with a header (QEMU's PCITestDevHdr) that describes
 * the selected test: u8 test, u8 width, u16 pad, u32 offset, u8 data,
 * u8 pad[3], u32 count, then the test's name and a NUL. Writing n to
 * the test byte of a BAR selects that BAR's test n (0: no-eventfd,
 * 1: wildcard-eventfd, 2: datamatch-eventfd) and zeroes its count; a
 * number of 3 or more selects nothing, as on QEMU. A write then counts
 * when its byte at the test's offset is the test's data (any byte, for
 * the wildcard test): width is 1. The two eventfd tests put a KVM
 * ioeventfd on that byte (datamatch for the datamatch test), so such
 * writes are taken by KVM with no exit, and count reads back the
 * eventfd's counter plus what exited; no-eventfd's writes exit and the
 * model counts them. Where KVM has no ioeventfd (or LKVM_NO_IOEVENTFD
 * is set) every write exits and the model counts by the same rule.
 *
 * Accesses are taken a byte at a time, as QEMU's device does (its
 * access size is 1): a wider write is that many byte writes, a wider
 * read the header's bytes in order. Plain C: no KVM but through the host's
 * ioeventfd op, so unit tests and fuzzers drive it on any machine.
 */
#include <pthread.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/pci/config.h"

#define PCI_TESTDEV_VENDOR_ID	0x1b36	/* Red Hat, QEMU's own devices */
#define PCI_TESTDEV_DEVICE_ID	0x0005
#define PCI_TESTDEV_CLASS	0x00ff00	/* QEMU's PCI_CLASS_OTHERS */
#define PCI_TESTDEV_SUBSYS_VENDOR 0x1af4	/* QEMU's default subsystem */
#define PCI_TESTDEV_SUBSYS	0x1100
#define PCI_TESTDEV_MEM_BAR	0
#define PCI_TESTDEV_IO_BAR	1
#define PCI_TESTDEV_MEM_SIZE	0x1000
#define PCI_TESTDEV_IO_SIZE	0x100
#define PCI_TESTDEV_TESTS	3	/* a BAR */

/* The header's registers. */
#define PCI_TESTDEV_TEST	0x00
#define PCI_TESTDEV_WIDTH	0x01
#define PCI_TESTDEV_OFFSET	0x04
#define PCI_TESTDEV_DATA	0x08
#define PCI_TESTDEV_COUNT	0x0c
#define PCI_TESTDEV_NAME	0x10

#define PCI_TESTDEV_NONE	(-1)

struct pci_testdev {
	struct device dev;
	struct pci_dev pdev;
	const struct device_host_ops *host_ops;
	void *host;
	int loglevel;
	int efd;		/* the eventfd tests' counter; -1: no ioeventfds */
	/* Under lock (taken under the bridge's in bar_moved). */
	pthread_mutex_t lock;
	int current;		/* 0-2 BAR 0's tests, 3-5 BAR 1's; or NONE */
	uint32_t count;		/* the writes the model took, and drained */
	uint64_t bar_at[2];	/* where BARs 0 and 1 decode, or PCI_DECODE_NONE */
	uint64_t bound;		/* the current test's ioeventfd, or PCI_DECODE_NONE */
	/* What took the guest's accesses, for the summary at the end. */
	unsigned long exits;	/* accesses that reached the model */
	unsigned long kvm_writes;	/* writes KVM's ioeventfd counted */
};

/*
 * The function, not yet on a bridge: IDs, BARs, state; an eventfd when
 * ctx's host has ioeventfds. 0 or -errno; pci_testdev_destroy() undoes.
 */
int pci_testdev_init(struct pci_testdev *t, const struct device_ctx *ctx);
void pci_testdev_destroy(struct pci_testdev *t);

/*
 * Its state in a snapshot: the selected test, its count, the config
 * space. A restore goes into a function pci_testdev_init() made and on
 * the bridge. 0 or -errno (-EINVAL: not a record this device wrote).
 */
struct snapshot;
int pci_testdev_save(struct pci_testdev *t, struct snapshot *s);
int pci_testdev_restore(struct pci_testdev *t, struct snapshot *s);

/* Board entry: the device, with --pci-testdev, on the PCI host bridge. */
struct vm_config;
int pci_testdev_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		    struct device_list *list);

#endif
