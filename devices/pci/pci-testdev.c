// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI test device (devices/pci/pci-testdev.h): its registers, the
 * KVM ioeventfd of the selected eventfd test, which follows its BAR
 * wherever the guest moves it, and the function on the bridge.
 *
 * Locking: the device's lock guards the selection, the count and the
 * ioeventfd. bar_moved() takes it under the bridge's lock; a BAR
 * access takes it alone (the bridge drops its lock before calling).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/pci/pci-testdev.h"
#include "lib/log.h"
#include "lib/snapshot.h"

#define PTD_WIDTH		1	/* every test's access width */
#define PTD_DATAMATCH		0xfa	/* QEMU's values */
#define PTD_NOMATCH		0xce
#define PTD_MEM_OFFSET		0x800	/* BAR 0's tests write from here */
#define PTD_IO_OFFSET		0x80	/* BAR 1's */

enum ptd_kind { PTD_NO_EVENTFD, PTD_WILDCARD, PTD_DATAMATCH_EVENTFD };

static const char *const ptd_names[2 * PCI_TESTDEV_TESTS] = {
	"mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd",
	"portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd",
};

static enum ptd_kind ptd_kind(int test)
{
	return test % PCI_TESTDEV_TESTS;
}

static unsigned int ptd_bar(int test)
{
	return test / PCI_TESTDEV_TESTS;
}

/* Where test writes, in its BAR: one byte a test, as QEMU numbers them. */
static uint32_t ptd_offset(int test)
{
	return (ptd_bar(test) ? PTD_IO_OFFSET : PTD_MEM_OFFSET) + test;
}

static uint8_t ptd_data(int test)
{
	return ptd_kind(test) == PTD_WILDCARD ? PTD_NOMATCH : PTD_DATAMATCH;
}

/* ---- the ioeventfd ---- */

/* lock held: what KVM counted since the last drain, into count. */
static void ptd_drain(struct pci_testdev *t)
{
	uint64_t n;

	if (t->efd >= 0 && read(t->efd, &n, sizeof(n)) == sizeof(n)) {
		t->count += n;
		t->kvm_writes += n;
	}
}

static void ptd_unbind(struct pci_testdev *t)
{
	int c = t->current;

	if (t->bound == PCI_DECODE_NONE)
		return;
	t->host_ops->ioeventfd(t->host, t->bound, PTD_WIDTH,
			       ptd_kind(c) == PTD_DATAMATCH_EVENTFD, ptd_data(c),
			       t->efd, false);
	t->bound = PCI_DECODE_NONE;
	ptd_drain(t);
}

/*
 * lock held: the current eventfd test's ioeventfd, where its BAR
 * decodes. Without one (no KVM ioeventfds, the BAR nowhere) its writes
 * exit and the model counts them: the test still passes, without
 * exercising KVM.
 */
static void ptd_bind(struct pci_testdev *t)
{
	int c = t->current;
	uint64_t at, addr;
	int ret;

	if (c == PCI_TESTDEV_NONE || ptd_kind(c) == PTD_NO_EVENTFD || t->efd < 0)
		return;
	at = t->bar_at[ptd_bar(c)];
	if (at == PCI_DECODE_NONE)
		return;
	addr = at + ptd_offset(c);
	ret = t->host_ops->ioeventfd(t->host, addr, PTD_WIDTH,
				     ptd_kind(c) == PTD_DATAMATCH_EVENTFD,
				     ptd_data(c), t->efd, true);
	if (!ret) {
		t->bound = addr;
		return;
	}
	/* The guest's doing, on a vCPU thread: never more than debug. */
	pr_debug(t->loglevel, "pci-testdev: no ioeventfd at 0x%llx (%s): %s writes exit",
		 (unsigned long long)addr, strerror(-ret), ptd_names[c]);
}

/* ---- the registers ---- */

static void ptd_select(struct pci_testdev *t, unsigned int bar, uint8_t n)
{
	ptd_unbind(t);
	t->current = PCI_TESTDEV_NONE;
	if (n >= PCI_TESTDEV_TESTS)
		return;
	t->current = bar * PCI_TESTDEV_TESTS + n;
	t->count = 0;
	ptd_bind(t);
}

static void ptd_write_byte(struct pci_testdev *t, unsigned int bar,
			   uint64_t off, uint8_t val)
{
	int c = t->current;

	if (off == PCI_TESTDEV_TEST) {
		ptd_select(t, bar, val);
		return;
	}
	/* As QEMU: the offset alone says which write counts, in any BAR. */
	if (c == PCI_TESTDEV_NONE || off != ptd_offset(c))
		return;
	if (ptd_kind(c) != PTD_WILDCARD && val != ptd_data(c))
		return;
	t->count++;
}

static uint32_t ptd_le32(uint32_t v, uint64_t at)
{
	return v >> (8 * at) & 0xff;
}

/* The current test's header, byte off; 0 past its name's NUL. */
static uint8_t ptd_read_byte(const struct pci_testdev *t, uint64_t off)
{
	int c = t->current;
	size_t len;

	if (c == PCI_TESTDEV_NONE)
		return 0;
	switch (off) {
	case PCI_TESTDEV_TEST:	return c;
	case PCI_TESTDEV_WIDTH:	return PTD_WIDTH;
	case PCI_TESTDEV_DATA:	return ptd_data(c);
	}
	if (off >= PCI_TESTDEV_OFFSET && off < PCI_TESTDEV_OFFSET + 4)
		return ptd_le32(ptd_offset(c), off - PCI_TESTDEV_OFFSET);
	if (off >= PCI_TESTDEV_COUNT && off < PCI_TESTDEV_COUNT + 4)
		return ptd_le32(t->count, off - PCI_TESTDEV_COUNT);
	len = strlen(ptd_names[c]);
	if (off >= PCI_TESTDEV_NAME && off < PCI_TESTDEV_NAME + len)
		return ptd_names[c][off - PCI_TESTDEV_NAME];
	return 0;
}

static int ptd_bar_access(struct pci_dev *pdev, unsigned int bar,
			  struct mmio_access *acc)
{
	struct pci_testdev *t = pdev->priv;
	unsigned int i;

	if (bar > PCI_TESTDEV_IO_BAR || !acc->len || acc->len > 8) {
		if (!acc->is_write)
			acc->data = 0;
		return -EINVAL;
	}
	pthread_mutex_lock(&t->lock);
	t->exits++;
	if (acc->is_write) {
		for (i = 0; i < acc->len; i++)
			ptd_write_byte(t, bar, acc->offset + i, acc->data >> (8 * i));
	} else {
		ptd_drain(t);
		acc->data = 0;
		for (i = 0; i < acc->len; i++)
			acc->data |= (uint64_t)ptd_read_byte(t, acc->offset + i) << (8 * i);
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* Under the bridge's lock: the selected test's ioeventfd moves too. */
static void ptd_bar_moved(struct pci_dev *pdev, unsigned int bar, uint64_t addr)
{
	struct pci_testdev *t = pdev->priv;

	if (bar > PCI_TESTDEV_IO_BAR)
		return;
	pthread_mutex_lock(&t->lock);
	t->bar_at[bar] = addr;
	if (t->current != PCI_TESTDEV_NONE && ptd_bar(t->current) == bar) {
		ptd_unbind(t);
		ptd_bind(t);
	}
	pthread_mutex_unlock(&t->lock);
}

static const struct pci_dev_ops ptd_pci_ops = {
	.bar_access = ptd_bar_access,
	.bar_moved = ptd_bar_moved,
};

/* ---- snapshots ---- */

#define PTD_SNAP_TAG		0x44545450	/* "PTTD" */
#define PTD_SNAP_VERSION	1

/*
 * The selected test and its count (what KVM's ioeventfd took folded in
 * first, as a read of the count does), then the function's config
 * space: where the guest put the BARs, whether they decode.
 */
int pci_testdev_save(struct pci_testdev *t, struct snapshot *s)
{
	pthread_mutex_lock(&t->lock);
	ptd_drain(t);
	snapshot_put_u32(s, PTD_SNAP_TAG);
	snapshot_put_u32(s, PTD_SNAP_VERSION);
	snapshot_put_u32(s, (uint32_t)t->current);
	snapshot_put_u32(s, t->count);
	pthread_mutex_unlock(&t->lock);
	return pci_dev_save(&t->pdev, s) ?: snapshot_error(s);
}

/*
 * Into a function set-up made: the bridge decodes its BARs where the
 * guest had them (bar_at follows), then the selected test's ioeventfd
 * goes back on its byte there; the set-up's placement may already be
 * the guest's, so no bar_moved() call can be counted on for that.
 */
int pci_testdev_restore(struct pci_testdev *t, struct snapshot *s)
{
	uint32_t tag = snapshot_get_u32(s), version = snapshot_get_u32(s);
	int32_t current = (int32_t)snapshot_get_u32(s);
	uint32_t count = snapshot_get_u32(s);
	int ret;

	if (s->err || tag != PTD_SNAP_TAG || version != PTD_SNAP_VERSION ||
	    current < PCI_TESTDEV_NONE || current >= 2 * PCI_TESTDEV_TESTS)
		return -EINVAL;
	ret = pci_dev_restore(&t->pdev, s);
	if (ret)
		return ret;
	if (snapshot_left(s))
		return -EINVAL;
	pci_dev_restored(&t->pdev);
	pthread_mutex_lock(&t->lock);
	ptd_unbind(t);
	t->current = current;
	t->count = count;
	ptd_bind(t);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* ---- the function ---- */

static int ptd_function(struct pci_testdev *t)
{
	static const struct pci_dev_id id = {
		.vendor = PCI_TESTDEV_VENDOR_ID, .device = PCI_TESTDEV_DEVICE_ID,
		.subsys_vendor = PCI_TESTDEV_SUBSYS_VENDOR,
		.subsys = PCI_TESTDEV_SUBSYS, .class = PCI_TESTDEV_CLASS,
	};
	int ret = pci_dev_init(&t->pdev, &id, &ptd_pci_ops, t);

	if (ret)
		return ret;
	t->pdev.name = "pci-testdev";
	/* No interrupt pin, as QEMU's. */
	ret = pci_dev_add_bar(&t->pdev, PCI_TESTDEV_MEM_BAR, PCI_TESTDEV_MEM_SIZE);
	ret = ret ?: pci_dev_add_io_bar(&t->pdev, PCI_TESTDEV_IO_BAR,
					PCI_TESTDEV_IO_SIZE);
	if (ret)
		pci_dev_destroy(&t->pdev);
	return ret;
}

int pci_testdev_init(struct pci_testdev *t, const struct device_ctx *ctx)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->host_ops = ctx->host_ops;
	t->host = ctx->host;
	t->loglevel = ctx->loglevel;
	t->current = PCI_TESTDEV_NONE;
	t->bar_at[0] = t->bar_at[1] = PCI_DECODE_NONE;
	t->bound = PCI_DECODE_NONE;
	t->efd = -1;
	if (t->host_ops && t->host_ops->ioeventfd) {
		t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (t->efd < 0)
			return -errno;
	}
	ret = -pthread_mutex_init(&t->lock, NULL);
	if (!ret) {
		ret = ptd_function(t);
		if (ret)
			pthread_mutex_destroy(&t->lock);
	}
	if (ret && t->efd >= 0)
		close(t->efd);
	return ret;
}

/*
 * vCPUs stopped: the ioeventfd comes off the VM before its eventfd
 * closes. What took the guest's accesses is said at info level, so a
 * run shows whether its eventfd tests went through KVM.
 */
void pci_testdev_destroy(struct pci_testdev *t)
{
	ptd_unbind(t);
	if (t->exits)
		pr_info(t->loglevel, "pci-testdev: %lu guest accesses exited to lkvm; KVM's ioeventfds took %lu writes",
			t->exits, t->kvm_writes);
	if (t->efd >= 0)
		close(t->efd);
	pci_dev_destroy(&t->pdev);
	pthread_mutex_destroy(&t->lock);
}
