// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-pci's MSI-X (the table, the vectors' routes through an MSI
 * frame, Linux's msix set-up) and a snapshot of the function restored
 * into a fresh one: part of test-virtio-pci.
 */
#include "tests/virtio-pci-rig.h"

/* ---- MSI-X ---- */

static uint64_t msix_acc(struct prig *r, uint64_t off, uint32_t len, bool write,
			 uint64_t v)
{
	struct mmio_access acc = {
		.offset = (prig_cfg_rd(r, 0x18, 4) & ~0xfULL) + off - MEM_BASE,
		.len = len, .is_write = write, .data = v,
	};

	pci_host_window_access(&r->host.window, &acc);
	return acc.data;
}

/* How many messages vector v sent through its route since last asked. */
static uint64_t fired(struct prig *r, unsigned int v)
{
	int fd = r->vp->msix.vec[v].route.fd;
	uint64_t n = 0;

	return fd >= 0 && read(fd, &n, sizeof(n)) == sizeof(n) ? n : 0;
}

/* Linux's msix_capability_init(), then vp_find_vqs_msix(): a vector each. */
static void linux_msix(struct unit *u, struct prig *r)
{
	unsigned int v, flags = r->msix_cap + 2;

	CHECK_EQ(u, prig_cfg_rd(r, flags, 2), VIRTIO_PCI_MSIX_VECTORS - 1);
	CHECK_EQ(u, prig_cfg_rd(r, r->msix_cap + 4, 4), VIRTIO_PCI_MSIX_BAR);
	CHECK_EQ(u, prig_cfg_rd(r, r->msix_cap + 8, 4), VIRTIO_PCI_MSIX_PBA | VIRTIO_PCI_MSIX_BAR);
	/* Before MSI-X is on, no vector sticks. */
	prig_wr(r, COMMON, C_MSIX, 2, 0);
	CHECK_EQ(u, prig_rd(r, COMMON, C_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	prig_cfg_wr(r, flags, 2, 0xc000);
	for (v = 0; v < 3; v++) {
		msix_acc(r, v * 16, 4, true, 0x08090040);
		msix_acc(r, v * 16 + 4, 4, true, 0);
		msix_acc(r, v * 16 + 8, 4, true, 0x20 + v);
		msix_acc(r, v * 16 + 12, 4, true, 0);
	}
	CHECK_EQ(u, r->routes, 0);		/* function-masked still */
	prig_cfg_wr(r, flags, 2, 0x8000);
	CHECK_EQ(u, r->routes, 3);
	CHECK_EQ(u, r->last_devid, 0);		/* slot 0 */
	prig_wr(r, COMMON, C_MSIX, 2, 0);
	CHECK_EQ(u, prig_rd(r, COMMON, C_MSIX, 2), 0);
	for (v = 0; v < 2; v++) {
		prig_wr(r, COMMON, C_QSEL, 2, v);
		prig_wr(r, COMMON, C_QMSIX, 2, VIRTIO_PCI_MSIX_VECTORS);
		CHECK_EQ(u, prig_rd(r, COMMON, C_QMSIX, 2), VIRTIO_MSI_NO_VECTOR);
		prig_wr(r, COMMON, C_QMSIX, 2, v + 1);
		CHECK_EQ(u, prig_rd(r, COMMON, C_QMSIX, 2), v + 1);
	}
	/* A queue that does not exist has no vector. */
	prig_wr(r, COMMON, C_QSEL, 2, 5);
	prig_wr(r, COMMON, C_QMSIX, 2, 1);
	CHECK_EQ(u, prig_rd(r, COMMON, C_QMSIX, 2), VIRTIO_MSI_NO_VECTOR);
}

void test_msix(struct unit *u)
{
	struct prig r;
	unsigned int flags;

	CHECK_EQ(u, prig_up(&r, false), 0);
	prig_frame(&r);
	prig_scan(u, &r, 0x50004000);
	prig_linux_up(u, &r, F(VIRTIO_F_VERSION_1));
	flags = r.msix_cap + 2;
	linux_msix(u, &r);
	/* Each queue its own vector; INTx and the queue bit stay quiet. */
	prig_send(&r, 0, "one");
	virtio_dev_serve(&r.t.vd);
	prig_check_echo(u, &r, 0, "one");
	CHECK_EQ(u, fired(&r, 1), 1);
	CHECK_EQ(u, fired(&r, 2), 0);
	prig_send(&r, 1, "two");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, fired(&r, 2), 1);
	CHECK_EQ(u, fired(&r, 1), 0);
	CHECK_EQ(u, r.line.level, 0);
	CHECK_EQ(u, prig_rd(&r, ISR, 0, 1), 0);
	CHECK_EQ(u, r.signals, 0);
	/* Config changes on vector 0, the ISR's config bit still set. */
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, fired(&r, 0), 1);
	CHECK_EQ(u, r.line.level, 0);
	CHECK_EQ(u, prig_rd(&r, ISR, 0, 1), VIRTIO_ISR_CONFIG);
	/* NO_VECTOR: no interrupt at all. */
	prig_wr(&r, COMMON, C_QSEL, 2, 1);
	prig_wr(&r, COMMON, C_QMSIX, 2, VIRTIO_MSI_NO_VECTOR);
	prig_send(&r, 1, "three");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, fired(&r, 2), 0);
	CHECK_EQ(u, r.line.level, 0);
	/* A masked vector pends; the PBA tells; the unmask sends it. */
	msix_acc(&r, 1 * 16 + 12, 4, true, 1);
	prig_send(&r, 0, "four");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, fired(&r, 1), 0);
	CHECK_EQ(u, msix_acc(&r, VIRTIO_PCI_MSIX_PBA, 8, false, 0), 1u << 1);
	msix_acc(&r, 1 * 16 + 12, 4, true, 0);
	CHECK_EQ(u, fired(&r, 1), 1);
	CHECK_EQ(u, msix_acc(&r, VIRTIO_PCI_MSIX_PBA, 8, false, 0), 0);
	/* MSI-X off (pci=nomsi's path): vectors read NO_VECTOR, INTx is back. */
	prig_cfg_wr(&r, flags, 2, 0);
	CHECK_EQ(u, prig_rd(&r, COMMON, C_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	prig_send(&r, 0, "five");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, fired(&r, 1), 0);
	CHECK_EQ(u, r.line.level, 1);
	prig_rd(&r, ISR, 0, 1);
	CHECK_EQ(u, r.line.level, 0);
	/* A reset forgets the driver's vectors. */
	prig_cfg_wr(&r, flags, 2, 0x8000);
	prig_wr(&r, COMMON, C_STATUS, 1, 0);
	CHECK_EQ(u, prig_rd(&r, COMMON, C_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	prig_wr(&r, COMMON, C_QSEL, 2, 0);
	CHECK_EQ(u, prig_rd(&r, COMMON, C_QMSIX, 2), VIRTIO_MSI_NO_VECTOR);
	prig_down(&r);
}

/* ---- snapshots (devices/virtio/pci-snap.c) ---- */

/* In the saved section: the transport's fields, then the config space. */
#define SNAP_CONFIG_VECTOR	32
#define SNAP_CFG		100
#define SNAP_INTX		(SNAP_CFG + 256)
#define SNAP_MSIX_NR		(SNAP_INTX + 4)

/* A fresh function with a's RAM and the driver's view; buf restored into it. */
static int snap_restore_into(struct prig *b, struct prig *a, const uint8_t *buf,
			     size_t len)
{
	struct snapshot rd = { .rd = buf, .rd_len = len };
	unsigned int q;

	if (prig_up(b, true))
		return -100;
	prig_frame(b);
	memcpy(b->mem.hva, a->mem.hva, RAM_SIZE);
	b->bar = a->bar;
	memcpy(b->off, a->off, sizeof(b->off));
	b->msix_cap = a->msix_cap;
	for (q = 0; q < 2; q++) {
		b->q[q] = a->q[q];
		b->q[q].mem = &b->mem;
	}
	return virtio_pci_restore(b->vp, &rd);
}

/*
 * A function the driver moved, with MSI-X on, a request served and one
 * pending: restored into a fresh function, its BAR, command register,
 * vectors and queues are the driver's, the ioeventfds follow the BAR,
 * the routes are made again, and the pending request and the next are
 * served. Malformed sections are refused, and the bits of the config
 * space the guest cannot write are never taken from the file.
 */
void test_snapshot(struct unit *u)
{
	struct prig a, b;
	struct snapshot s = { 0 };
	uint8_t *copy;
	uint32_t id, len;
	int ret;

	CHECK_EQ(u, prig_up(&a, true), 0);
	prig_frame(&a);
	prig_scan(u, &a, 0x50008000);
	prig_linux_up(u, &a, F(VIRTIO_F_VERSION_1));
	linux_msix(u, &a);
	prig_send(&a, 0, "one");
	virtio_dev_serve(&a.t.vd);
	prig_check_echo(u, &a, 0, "one");
	CHECK_EQ(u, fired(&a, 1), 1);
	prig_send(&a, 0, "two");		/* pending: not served */
	CHECK_EQ(u, virtio_pci_save(a.vp, &s), 0);

	ret = snap_restore_into(&b, &a, s.buf, s.len);
	CHECK_EQ(u, ret, 0);
	CHECK_EQ(u, prig_cfg_rd(&b, 0x14, 4) & ~0xfULL, 0x50008000);
	CHECK_EQ(u, prig_cfg_rd(&b, 0x04, 2) & 7, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	CHECK_EQ(u, prig_cfg_rd(&b, b.msix_cap + 2, 2) & 0xc000, 0x8000);
	CHECK_EQ(u, b.efds_on, 2);
	CHECK_EQ(u, b.efd_addr, 0x50008000 + VIRTIO_PCI_NOTIFY);
	CHECK(u, !b.efd_bad);
	CHECK_EQ(u, b.routes, 3);
	CHECK_EQ(u, prig_rd(&b, COMMON, C_STATUS, 1), 0xf);
	CHECK_EQ(u, prig_rd(&b, COMMON, C_MSIX, 2), 0);
	prig_wr(&b, COMMON, C_QSEL, 2, 1);
	CHECK_EQ(u, prig_rd(&b, COMMON, C_QMSIX, 2), 2);
	CHECK_EQ(u, prig_rd(&b, COMMON, C_QDESC, 8), QAREA(1));
	CHECK_EQ(u, msix_acc(&b, 1 * 16 + 8, 4, false, 0), 0x21);
	CHECK_EQ(u, b.line.level, 0);
	/* The next notify: both the pending request and the new one. */
	prig_send(&b, 0, "three");
	virtio_dev_serve(&b.t.vd);
	CHECK(u, vdrv_get_used(&b.q[0], &id, &len));
	CHECK(u, vdrv_get_used(&b.q[0], &id, &len));
	CHECK_EQ(u, b.t.vd.vqs[0].used_idx, 3);
	CHECK(u, fired(&b, 1) >= 1);
	CHECK_EQ(u, fired(&a, 1), 0);
	prig_down(&b);

	copy = malloc(s.len);
	memcpy(copy, s.buf, s.len);
	copy[SNAP_CFG] = 0x34;			/* the vendor ID: not the guest's */
	CHECK_EQ(u, snap_restore_into(&b, &a, copy, s.len), 0);
	CHECK_EQ(u, prig_cfg_rd(&b, 0, 2), 0x1af4);
	prig_down(&b);
	memcpy(copy, s.buf, s.len);
	copy[SNAP_CONFIG_VECTOR] = VIRTIO_PCI_MSIX_VECTORS;	/* past the table */
	CHECK_EQ(u, snap_restore_into(&b, &a, copy, s.len), -EINVAL);
	prig_down(&b);
	memcpy(copy, s.buf, s.len);
	copy[SNAP_INTX] = 4;
	CHECK_EQ(u, snap_restore_into(&b, &a, copy, s.len), -EINVAL);
	prig_down(&b);
	memcpy(copy, s.buf, s.len);
	copy[SNAP_MSIX_NR] = 5;			/* another table */
	CHECK_EQ(u, snap_restore_into(&b, &a, copy, s.len), -EINVAL);
	prig_down(&b);
	memcpy(copy, s.buf, s.len);
	copy[0] = 'M';				/* another transport's tag */
	CHECK_EQ(u, snap_restore_into(&b, &a, copy, s.len), -EINVAL);
	prig_down(&b);
	memcpy(copy, s.buf, s.len);		/* cut short */
	CHECK_EQ(u, snap_restore_into(&b, &a, copy, SNAP_MSIX_NR), -EINVAL);
	prig_down(&b);
	free(copy);
	snapshot_free(&s);
	prig_down(&a);
}
