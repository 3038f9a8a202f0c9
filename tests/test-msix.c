// SPDX-License-Identifier: GPL-2.0
/*
 * MSI-X (devices/pci/msix.c) on the bridge, as Linux's PCI MSI code and
 * a careless or hostile guest drive it: the capability and its two
 * writable bits, the table and the PBA at any width and offset,
 * per-vector and function masking with pending bits, the route made
 * when a vector is unmasked and made again when it changes, messages
 * through the route's eventfd or, without one, through the bridge's
 * msi op with the requester ID as device ID.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/pci/host.h"
#include "devices/pci/msix.h"
#include "tests/unit.h"

#define MEM_BASE	0x50000000ULL
#define ECAM(slot, reg)	(((uint64_t)(slot) << 15) | (reg))
#define NR_VEC		33
#define BAR		2
#define PBA_OFF		(NR_VEC * 16)
#define ITS_DOORBELL	(0x3ff90000ULL + 0x10040)

/* What the MSI frame saw. */
struct frame {
	unsigned int signals, routes;
	uint32_t devid, data;
	uint64_t addr;
	bool can_route;
	int next_gsi;
};

static int frame_msi(void *opaque, uint32_t devid, uint64_t addr, uint32_t data)
{
	struct frame *f = opaque;

	f->signals++;
	f->devid = devid;
	f->addr = addr;
	f->data = data;
	return 0;
}

static int frame_route(void *opaque, struct msi_route *r, uint32_t devid,
		       uint64_t addr, uint32_t data)
{
	struct frame *f = opaque;

	if (!f->can_route)
		return -EOPNOTSUPP;
	f->routes++;
	f->devid = devid;
	f->addr = addr;
	f->data = data;
	if (r->gsi < 0)
		r->gsi = f->next_gsi++;
	r->bound = true;
	return 0;
}

struct mdev {
	struct pci_dev pdev;
	struct pci_msix msix;
};

static int mdev_bar(struct pci_dev *pdev, unsigned int bar, struct mmio_access *acc)
{
	struct mdev *m = pdev->priv;
	int ret = -EINVAL;

	if (!acc->is_write)
		acc->data = 0;
	if (bar == BAR && pci_msix_bar_access(&m->msix, acc, &ret))
		return ret;
	return -EINVAL;
}

static void mdev_written(struct pci_dev *pdev, uint32_t off, uint32_t len)
{
	struct mdev *m = pdev->priv;

	pci_msix_config_written(&m->msix, off, len);
}

static const struct pci_dev_ops mdev_ops = {
	.bar_access = mdev_bar, .config_written = mdev_written,
};

static void mdev_init(struct unit *u, struct mdev *m)
{
	struct pci_dev_id id = { .vendor = 0x1af4, .device = 0x1042 };

	memset(m, 0, sizeof(*m));
	CHECK_EQ(u, pci_dev_init(&m->pdev, &id, &mdev_ops, m), 0);
	CHECK_EQ(u, pci_dev_add_bar(&m->pdev, 1, 0x1000), 0);
	CHECK_EQ(u, pci_dev_add_bar(&m->pdev, BAR, 0x1000), 0);
	CHECK_EQ(u, pci_msix_init(&m->msix, &m->pdev, NR_VEC, BAR, 0, PBA_OFF), 0);
}

static uint64_t acc(struct pci_host *h, bool ecam, uint64_t off, uint32_t len,
		    bool write, uint64_t v, int *ret)
{
	struct mmio_access a = { .offset = off, .len = len, .is_write = write, .data = v };
	int r = ecam ? pci_host_ecam_access(&h->ecam, &a) :
		       pci_host_window_access(&h->window, &a);

	if (ret)
		*ret = r;
	return a.data;
}

#define CFG_RD(h, reg, len)	acc(h, true, ECAM(1, reg), len, false, 0, NULL)
#define CFG_WR(h, reg, len, v)	acc(h, true, ECAM(1, reg), len, true, v, NULL)

/* Where the bridge placed BAR 2 of slot 1. */
static uint64_t bar2(struct pci_host *h)
{
	return (CFG_RD(h, 0x18, 4) & ~0xfULL) - MEM_BASE;
}

#define TBL_RD(h, off, len)	acc(h, false, bar2(h) + (off), len, false, 0, NULL)
#define TBL_WR(h, off, len, v)	acc(h, false, bar2(h) + (off), len, true, v, NULL)

static unsigned int cap_of(struct pci_host *h)
{
	unsigned int at = CFG_RD(h, 0x34, 1), n = 0;

	while (at && n++ < 48) {
		if (CFG_RD(h, at, 1) == PCI_CAP_ID_MSIX)
			return at;
		at = CFG_RD(h, at + 1, 1);
	}
	return 0;
}

static uint64_t drain(int fd)
{
	uint64_t n = 0;

	return fd >= 0 && read(fd, &n, sizeof(n)) == sizeof(n) ? n : 0;
}

static void test_cap(struct unit *u, struct pci_host *h, unsigned int cap)
{
	CHECK(u, cap != 0);
	CHECK_EQ(u, CFG_RD(h, cap + PCI_MSIX_FLAGS, 2), NR_VEC - 1);
	CHECK_EQ(u, CFG_RD(h, cap + PCI_MSIX_TABLE, 4), 0 | BAR);
	CHECK_EQ(u, CFG_RD(h, cap + PCI_MSIX_PBA, 4), PBA_OFF | BAR);
	/* Only Enable and Function Mask are writable. */
	CFG_WR(h, cap + PCI_MSIX_FLAGS, 2, 0xffff);
	CHECK_EQ(u, CFG_RD(h, cap + PCI_MSIX_FLAGS, 2), 0xc000 | (NR_VEC - 1));
	CFG_WR(h, cap + PCI_MSIX_TABLE, 4, 0xffffffff);
	CFG_WR(h, cap, 4, 0);
	CHECK_EQ(u, CFG_RD(h, cap + PCI_MSIX_TABLE, 4), 0 | BAR);
	CHECK_EQ(u, CFG_RD(h, cap, 1), PCI_CAP_ID_MSIX);
	CFG_WR(h, cap + PCI_MSIX_FLAGS, 2, 0);
	CHECK_EQ(u, CFG_RD(h, cap + PCI_MSIX_FLAGS, 2), NR_VEC - 1);
}

/* Reset state: every vector masked, MSI-X off, nothing pending. */
static void test_reset_state(struct unit *u, struct pci_host *h, struct mdev *m)
{
	unsigned int v;

	for (v = 0; v < NR_VEC; v++) {
		CHECK_EQ(u, TBL_RD(h, v * 16 + 12, 4), 1);
		CHECK_EQ(u, TBL_RD(h, v * 16, 8), 0);
	}
	CHECK_EQ(u, TBL_RD(h, PBA_OFF, 8), 0);
	CHECK_EQ(u, pci_msix_notify(&m->msix, 0), -ENODEV);
	CHECK_EQ(u, pci_msix_notify(&m->msix, NR_VEC), -EINVAL);
	CHECK_EQ(u, pci_msix_notify(&m->msix, ~0u), -EINVAL);
	CHECK_EQ(u, TBL_RD(h, PBA_OFF, 8), 0);	/* disabled: no pending bits */
}

static void program(struct pci_host *h, unsigned int v, uint32_t data)
{
	TBL_WR(h, v * 16, 4, (uint32_t)ITS_DOORBELL);
	TBL_WR(h, v * 16 + 4, 4, ITS_DOORBELL >> 32);
	TBL_WR(h, v * 16 + 8, 4, data);
}

static void test_mask_pending(struct unit *u, struct pci_host *h, struct mdev *m,
			      struct frame *f, unsigned int cap)
{
	struct pci_msix_vector *vec = &m->msix.vec[3];

	CFG_WR(h, cap + PCI_MSIX_FLAGS + 1, 1, 0xc0);	/* enable, all masked */
	CHECK(u, pci_msix_enabled(&m->msix));
	program(h, 3, 0x23);
	TBL_WR(h, 3 * 16 + 12, 4, 0);			/* vector unmasked */
	CHECK_EQ(u, f->routes, 0);			/* still function-masked */
	CHECK_EQ(u, pci_msix_notify(&m->msix, 3), 0);
	CHECK_EQ(u, TBL_RD(h, PBA_OFF, 4), 1u << 3);
	CHECK_EQ(u, TBL_RD(h, PBA_OFF, 8), 1u << 3);
	TBL_WR(h, PBA_OFF, 8, 0);			/* read-only */
	CHECK_EQ(u, TBL_RD(h, PBA_OFF, 4), 1u << 3);
	CHECK_EQ(u, f->signals + f->routes, 0);
	/* Function unmasked: routed, and the pending message sent on it. */
	CFG_WR(h, cap + PCI_MSIX_FLAGS + 1, 1, 0x80);
	CHECK_EQ(u, f->routes, 1);
	CHECK_EQ(u, f->devid, 1u << 3);
	CHECK_EQ(u, f->addr, ITS_DOORBELL);
	CHECK_EQ(u, f->data, 0x23);
	CHECK_EQ(u, TBL_RD(h, PBA_OFF, 4), 0);
	CHECK_EQ(u, drain(vec->route.fd), 1);
	CHECK_EQ(u, f->signals, 0);
	/* Unmasked: straight through the eventfd, no new route. */
	CHECK_EQ(u, pci_msix_notify(&m->msix, 3), 0);
	CHECK_EQ(u, pci_msix_notify(&m->msix, 3), 0);
	CHECK_EQ(u, drain(vec->route.fd), 2);
	CHECK_EQ(u, f->routes, 1);
	/* Vector masked: pending again, sent when unmasked. */
	TBL_WR(h, 3 * 16 + 12, 4, 0xffffffff);
	CHECK_EQ(u, TBL_RD(h, 3 * 16 + 12, 4), 1);	/* reserved bits read 0 */
	CHECK_EQ(u, pci_msix_notify(&m->msix, 3), 0);
	CHECK_EQ(u, drain(vec->route.fd), 0);
	CHECK_EQ(u, TBL_RD(h, PBA_OFF, 8), 1u << 3);
	TBL_WR(h, 3 * 16 + 12, 4, 0);
	CHECK_EQ(u, drain(vec->route.fd), 1);
	CHECK_EQ(u, f->routes, 1);			/* unchanged entry: same route */
	/* The driver moves the vector while masked: routed anew on unmask, same GSI. */
	TBL_WR(h, 3 * 16 + 12, 4, 1);
	TBL_WR(h, 3 * 16 + 8, 8, 0x100000077ULL);	/* data and ctrl at once */
	CHECK_EQ(u, TBL_RD(h, 3 * 16 + 8, 4), 0x77);
	CHECK_EQ(u, TBL_RD(h, 3 * 16 + 12, 4), 1);
	CHECK_EQ(u, f->routes, 1);
	TBL_WR(h, 3 * 16 + 12, 4, 0);
	CHECK_EQ(u, f->routes, 2);
	CHECK_EQ(u, f->data, 0x77);
	CHECK_EQ(u, vec->route.gsi, 0);
	/* Changed while unmasked (undefined for the driver): routed at once. */
	TBL_WR(h, 3 * 16 + 8, 4, 0x78);
	CHECK_EQ(u, f->routes, 3);
	CHECK_EQ(u, f->data, 0x78);
	/* MSI-X off: the device falls back to INTx, nothing pends. */
	CFG_WR(h, cap + PCI_MSIX_FLAGS + 1, 1, 0);
	CHECK_EQ(u, pci_msix_notify(&m->msix, 3), -ENODEV);
	CHECK_EQ(u, TBL_RD(h, PBA_OFF, 8), 0);
}

/* Without a route (no fast path), each message goes through msi. */
static void test_signal(struct unit *u, struct pci_host *h, struct mdev *m,
			struct frame *f, unsigned int cap)
{
	f->can_route = false;
	f->signals = 0;
	CFG_WR(h, cap + PCI_MSIX_FLAGS, 2, 0x8000);
	program(h, 32, 0x99);
	TBL_WR(h, 32 * 16 + 12, 4, 0);
	CHECK_EQ(u, f->signals, 0);
	CHECK_EQ(u, pci_msix_notify(&m->msix, 32), 0);
	CHECK_EQ(u, f->signals, 1);
	CHECK_EQ(u, f->data, 0x99);
	CHECK_EQ(u, f->addr, ITS_DOORBELL);
	CHECK_EQ(u, f->devid, 8);
	/* The low address bits are not the driver's to set. */
	TBL_WR(h, 32 * 16, 4, 0x1003);
	CHECK_EQ(u, TBL_RD(h, 32 * 16, 4), 0x1000);
	CHECK_EQ(u, TBL_RD(h, PBA_OFF + 4, 4), 0);
	CHECK_EQ(u, m->msix.sent, m->msix.routed_sent + 1);
	CFG_WR(h, cap + PCI_MSIX_FLAGS, 2, 0);
}

/* Any width at any offset of the BAR: only aligned dwords and qwords act. */
static void test_any_access(struct unit *u, struct pci_host *h, struct mdev *m)
{
	uint8_t before[sizeof(m->msix.vec)];
	unsigned int len, ret_bad = 0, changed = 0;
	uint64_t off;
	int ret;

	memcpy(before, m->msix.vec, sizeof(before));
	for (off = 0; off < 0x1000; off++) {
		for (len = 1; len <= 8; len++) {
			bool good = (len == 4 || len == 8) && off % len == 0 &&
				    off + len <= PBA_OFF + 8;
			uint64_t v = acc(h, false, bar2(h) + off, len, false, 0, &ret);

			if (good != !ret || (ret && v))
				ret_bad++;
			if (!good)
				acc(h, false, bar2(h) + off, len, true, ~0ULL, NULL);
		}
	}
	CHECK_EQ(u, ret_bad, 0);
	changed = memcmp(before, m->msix.vec, sizeof(before));
	CHECK_EQ(u, changed, 0);
}

static void test_init_limits(struct unit *u)
{
	struct pci_dev_id id = { .vendor = 1 };
	struct pci_dev pdev;
	struct pci_msix m;

	CHECK_EQ(u, pci_dev_init(&pdev, &id, &mdev_ops, NULL), 0);
	CHECK_EQ(u, pci_dev_add_bar(&pdev, 2, 0x400), 0);
	CHECK_EQ(u, pci_msix_init(&m, &pdev, 0, 2, 0, 0x200), -EINVAL);
	CHECK_EQ(u, pci_msix_init(&m, &pdev, 65, 2, 0, 0x200), -EINVAL);
	CHECK_EQ(u, pci_msix_init(&m, &pdev, 33, 3, 0, 0x210), -EINVAL);
	CHECK_EQ(u, pci_msix_init(&m, &pdev, 33, 2, 0, 0x208), -EINVAL);
	CHECK_EQ(u, pci_msix_init(&m, &pdev, 33, 2, 4, 0x300), -EINVAL);
	CHECK_EQ(u, pci_msix_init(&m, &pdev, 64, 2, 0, 0x400), -EINVAL);
	CHECK_EQ(u, pci_msix_init(&m, &pdev, 33, 2, 0, 0x210), 0);
	pci_msix_destroy(&m);
	pci_msix_destroy(&m);		/* twice: harmless */
	pci_dev_destroy(&pdev);
}

int main(void)
{
	struct unit u = { 0 };
	struct pci_host_map map = {
		.cfg_base = 0x40000000, .cfg_size = 0x10000000,
		.mem_base = MEM_BASE, .mem_size = 0x30000000, .io_size = 0x10000,
	};
	struct frame f = { .can_route = true };
	struct pci_dev_id id = { .vendor = 1 };
	static struct pci_host h;
	struct pci_dev first;
	struct mdev m;
	unsigned int cap;

	CHECK_EQ(&u, pci_host_init(&h, &map, 1, -1), 0);
	h.msi = frame_msi;
	h.msi_route = frame_route;
	h.msi_opaque = &f;
	/* Slot 0 taken: the device's requester ID is 1 << 3. */
	CHECK_EQ(&u, pci_dev_init(&first, &id, &mdev_ops, NULL), 0);
	CHECK_EQ(&u, pci_host_add(&h, &first), 0);
	mdev_init(&u, &m);
	CHECK_EQ(&u, pci_host_add(&h, &m.pdev), 0);
	cap = cap_of(&h);
	test_cap(&u, &h, cap);
	test_reset_state(&u, &h, &m);
	test_mask_pending(&u, &h, &m, &f, cap);
	test_signal(&u, &h, &m, &f, cap);
	test_any_access(&u, &h, &m);
	test_init_limits(&u);
	pci_msix_destroy(&m.msix);
	pci_dev_destroy(&m.pdev);
	pci_dev_destroy(&first);
	pci_host_destroy(&h);
	return unit_done(&u, "test-msix");
}
