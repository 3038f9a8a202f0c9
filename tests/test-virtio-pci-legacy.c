// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy virtio-pci transport (devices/virtio/pci-legacy.c, and the
 * function pci-dev.c makes for it) on the PCI host bridge's I/O
 * window, as Linux's virtio_pci_legacy probes and drives it (IDs,
 * BAR 0, the queue PFN, the INTx handler reading the ISR, MSI-X with
 * the config moving to 0x18), without the I/O thread
 * (virtio_dev_serve() does its rounds), and as a hostile driver drives
 * it: every width at every offset, PFNs outside RAM, queue size
 * writes, notifies of queues that do not exist, the ioeventfds
 * following BAR 0.
 */
#include "tests/virtio-pci-rig.h"

#define PORT		0x2000		/* where the driver puts BAR 0 */

/* Linux's uapi/linux/virtio_pci.h, the legacy header. */
enum {
	L_HOST_F = 0x00, L_GUEST_F = 0x04, L_PFN = 0x08, L_NUM = 0x0c,
	L_SEL = 0x0e, L_NOTIFY = 0x10, L_STATUS = 0x12, L_ISR = 0x13,
	L_CVEC = 0x14, L_QVEC = 0x16, L_CFG = 0x14, L_CFG_MSIX = 0x18,
};

/* The legacy function of a device of type, its MSI frame a stand-in. */
static int lrig_up(struct prig *r, uint32_t type, bool with_ioeventfd)
{
	int ret = prig_up_as(r, VIRTIO_TRANSPORT_PCI_LEGACY, type, with_ioeventfd);

	prig_frame(r);
	return ret;
}

/* ---- the guest's accesses ---- */

/* An access to BAR 0's port off (ioread/iowrite: an MMIO access on arm64). */
static int io_acc(struct prig *r, uint64_t off, uint32_t len, bool write,
		  uint64_t *v)
{
	struct mmio_access acc = {
		.offset = PORT + off, .len = len, .is_write = write, .data = *v,
	};
	int ret = pci_host_window_access(&r->host.io, &acc);

	*v = acc.data;
	return ret;
}

static uint64_t rd(struct prig *r, uint64_t off, uint32_t len)
{
	uint64_t v = 0xdead;

	io_acc(r, off, len, false, &v);
	return v;
}

static void wr(struct prig *r, uint64_t off, uint32_t len, uint64_t v)
{
	io_acc(r, off, len, true, &v);
}

/* ---- Linux's virtio_pci_legacy_probe() and its set-up ---- */

/* pci-host-generic's scan, then vp_legacy_probe()'s checks. */
static void linux_scan(struct unit *u, struct prig *r, uint16_t device,
		       uint16_t subsys)
{
	unsigned int pos;

	CHECK_EQ(u, prig_cfg_rd(r, 0, 2), 0x1af4);
	CHECK_EQ(u, prig_cfg_rd(r, 2, 2), device);
	CHECK_EQ(u, prig_cfg_rd(r, 0x2c, 2), 0x1af4);
	CHECK_EQ(u, prig_cfg_rd(r, 0x2e, 2), subsys);
	CHECK_EQ(u, prig_cfg_rd(r, 0x08, 1), 0);		/* VIRTIO_PCI_ABI_VERSION */
	CHECK_EQ(u, prig_cfg_rd(r, PCI_INTERRUPT_PIN, 1), 1);
	/* No vendor capability: virtio_pci_modern leaves it to legacy. */
	pos = prig_cfg_rd(r, 0x34, 1);
	CHECK_EQ(u, prig_cfg_rd(r, pos, 1), PCI_CAP_ID_MSIX);
	CHECK_EQ(u, prig_cfg_rd(r, pos + 1, 1), 0);
	r->msix_cap = pos;
	prig_cfg_wr(r, 0x04, 2, 0);
	prig_cfg_wr(r, 0x10, 4, 0xffffffff);
	CHECK_EQ(u, prig_cfg_rd(r, 0x10, 4), 0xffffff01);	/* 256 bytes of I/O */
	prig_cfg_wr(r, 0x14, 4, 0xffffffff);
	CHECK_EQ(u, prig_cfg_rd(r, 0x14, 4), 0);		/* no BAR 1 */
	prig_cfg_wr(r, 0x18, 4, 0xffffffff);
	CHECK_EQ(u, prig_cfg_rd(r, 0x18, 4), 0xfffff000);	/* MSI-X */
	prig_cfg_wr(r, 0x10, 4, PORT);
	prig_cfg_wr(r, 0x18, 4, MEM_BASE);
	prig_cfg_wr(r, 0x04, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	CHECK_EQ(u, prig_cfg_rd(r, 0x10, 4), PORT | PCI_BASE_ADDRESS_SPACE_IO);
}

/* setup_vq(): size, PFN 0 (not in use), the vring at 4 KiB, its PFN. */
static void linux_setup_vq(struct unit *u, struct prig *r, unsigned int q,
			   bool msix)
{
	uint64_t desc = QAREA(q);

	wr(r, L_SEL, 2, q);
	CHECK_EQ(u, rd(r, L_NUM, 2), VIRTQ_MAX_SIZE);
	CHECK_EQ(u, rd(r, L_PFN, 4), 0);
	/* vring_init(): avail after the table, used at the next page. */
	vdrv_init(&r->q[q], &r->mem, VIRTQ_MAX_SIZE, desc, desc + 0x1000,
		  desc + 0x2000);
	wr(r, L_PFN, 4, desc >> 12);
	CHECK_EQ(u, rd(r, L_PFN, 4), desc >> 12);
	CHECK(u, r->t.vd.vqs[q].ready);
	CHECK_EQ(u, r->t.vd.vqs[q].used_gpa, desc + 0x2000);
	if (msix) {
		wr(r, L_QVEC, 2, q + 1);
		CHECK_EQ(u, rd(r, L_QVEC, 2), q + 1);
	}
}

static void linux_up(struct unit *u, struct prig *r, bool msix)
{
	uint32_t f;

	wr(r, L_STATUS, 1, 0);
	CHECK_EQ(u, rd(r, L_STATUS, 1), 0);
	wr(r, L_STATUS, 1, 1);
	wr(r, L_STATUS, 1, 3);
	f = rd(r, L_HOST_F, 4);
	CHECK_EQ(u, f, (uint32_t)virtio_dev_features(&r->t.vd));
	CHECK(u, f & (1u << TOY_FEATURE));
	wr(r, L_GUEST_F, 4, f);
	CHECK_EQ(u, rd(r, L_GUEST_F, 4), f);
	if (msix) {
		wr(r, L_CVEC, 2, 0);
		CHECK_EQ(u, rd(r, L_CVEC, 2), 0);
	}
	linux_setup_vq(u, r, 0, msix);
	linux_setup_vq(u, r, 1, msix);
	wr(r, L_STATUS, 1, 7);
	CHECK_EQ(u, rd(r, L_STATUS, 1), 7);
}

static void linux_send(struct prig *r, unsigned int q, const char *msg)
{
	struct vdrv *d = &r->q[q];
	uint16_t head = d->avail_idx * 2 % d->num;

	memcpy(gpa(&r->mem, QBUF(q)), msg, strlen(msg));
	vdrv_desc(d, head, QBUF(q), strlen(msg), VIRTQ_DESC_F_NEXT, head + 1);
	vdrv_desc(d, head + 1, QBUF(q) + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
	vdrv_publish(d, head);
	wr(r, L_NOTIFY, 2, q);		/* vp_notify(): iowrite16(index) */
}

static void check_echo(struct unit *u, struct prig *r, unsigned int q,
		       const char *msg)
{
	uint32_t id, len = 0;

	CHECK(u, vdrv_get_used(&r->q[q], &id, &len));
	CHECK_EQ(u, len, strlen(msg));
	CHECK(u, !memcmp(gpa(&r->mem, QBUF(q) + 0x100), msg, strlen(msg)));
}

/* ---- the tests ---- */

static void test_ids(struct unit *u)
{
	static const struct { uint32_t type; uint16_t device; uint32_t class; } ids[] = {
		{ VIRTIO_ID_BLOCK, 0x1001, 0x018000 },
		{ VIRTIO_ID_CONSOLE, 0x1003, 0x078000 },
		{ VIRTIO_ID_RNG, 0x1005, 0xff0000 },
	};
	struct prig r;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		CHECK_EQ(u, lrig_up(&r, ids[i].type, false), 0);
		linux_scan(u, &r, ids[i].device, ids[i].type);
		CHECK_EQ(u, prig_cfg_rd(&r, 0x09, 3), ids[i].class);
		prig_down(&r);
	}
	/* A type with no transitional ID has no legacy interface. */
	CHECK_EQ(u, lrig_up(&r, TOY_DEVICE_ID, false), -EINVAL);
	CHECK(u, !r.vp);
	prig_down(&r);
}

static void test_linux(struct unit *u)
{
	struct prig r;

	CHECK_EQ(u, lrig_up(&r, VIRTIO_ID_RNG, false), 0);
	linux_scan(u, &r, 0x1005, VIRTIO_ID_RNG);
	linux_up(u, &r, false);
	CHECK(u, r.t.vd.legacy);
	/* 32 feature bits: the high one and VERSION_1 never offered. */
	CHECK_EQ(u, virtio_dev_features(&r.t.vd) >> 32, 0);
	linux_send(&r, 0, "hello");
	linux_send(&r, 1, "legacy");
	virtio_dev_serve(&r.t.vd);
	check_echo(u, &r, 0, "hello");
	check_echo(u, &r, 1, "legacy");
	/* vp_interrupt(): the line is high until the ISR read clears it. */
	CHECK_EQ(u, r.line.level, 1);
	CHECK_EQ(u, rd(&r, L_ISR, 1), VIRTIO_ISR_QUEUE);
	CHECK_EQ(u, r.line.level, 0);
	CHECK_EQ(u, rd(&r, L_ISR, 1), 0);
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, r.line.level, 1);
	CHECK_EQ(u, rd(&r, L_ISR, 1), VIRTIO_ISR_CONFIG);
	CHECK_EQ(u, r.line.level, 0);
	/* The config at 0x14 without MSI-X: byte by byte, as vp_get(). */
	CHECK_EQ(u, rd(&r, L_CFG, 1), 0x10);
	CHECK_EQ(u, rd(&r, L_CFG + 2, 2), 0x1312);
	CHECK_EQ(u, rd(&r, L_CFG + 1, 8), 0x1817161514131211ULL);
	CHECK_EQ(u, rd(&r, L_CFG + TOY_CONFIG_SIZE, 1), 0);
	wr(&r, L_CFG + 4, 1, 0xab);
	CHECK_EQ(u, r.t.config[4], 0xab);
	/* Reset with the ISR set: the line drops, the queues go. */
	virtio_dev_config_changed(&r.t.vd);
	wr(&r, L_STATUS, 1, 0);
	CHECK_EQ(u, r.line.level, 0);
	CHECK_EQ(u, rd(&r, L_STATUS, 1), 0);
	CHECK_EQ(u, rd(&r, L_SEL, 2), 0);
	CHECK_EQ(u, rd(&r, L_PFN, 4), 0);
	CHECK(u, !r.t.vd.vqs[0].ready);
	CHECK_EQ(u, rd(&r, L_GUEST_F, 4), 0);
	/* And up again, as after a driver reload. */
	linux_up(u, &r, false);
	linux_send(&r, 0, "again");
	virtio_dev_serve(&r.t.vd);
	check_echo(u, &r, 0, "again");
	prig_down(&r);
}

/* del_vq(): PFN 0 takes the queue away; then it can be set up anew. */
static void test_del_vq(struct unit *u)
{
	struct prig r;

	CHECK_EQ(u, lrig_up(&r, VIRTIO_ID_BLOCK, false), 0);
	linux_scan(u, &r, 0x1001, VIRTIO_ID_BLOCK);
	linux_up(u, &r, false);
	/* Another PFN while the queue is live is ignored. */
	wr(&r, L_SEL, 2, 1);
	wr(&r, L_PFN, 4, QAREA(0) >> 12);
	CHECK_EQ(u, rd(&r, L_PFN, 4), QAREA(1) >> 12);
	wr(&r, L_PFN, 4, 0);
	CHECK(u, !r.t.vd.vqs[1].ready);
	CHECK_EQ(u, rd(&r, L_PFN, 4), 0);
	linux_setup_vq(u, &r, 1, false);
	linux_send(&r, 1, "back");
	virtio_dev_serve(&r.t.vd);
	check_echo(u, &r, 1, "back");
	prig_down(&r);
}

/* vp_request_msix_vectors(), then a vector a queue; config at 0x18. */
static void test_legacy_msix(struct unit *u)
{
	struct prig r;
	unsigned int v, flags;
	uint64_t n;

	CHECK_EQ(u, lrig_up(&r, VIRTIO_ID_RNG, false), 0);
	linux_scan(u, &r, 0x1005, VIRTIO_ID_RNG);
	flags = r.msix_cap + 2;
	CHECK_EQ(u, prig_cfg_rd(&r, flags, 2), VIRTIO_PCI_MSIX_VECTORS - 1);
	prig_cfg_wr(&r, flags, 2, 0xc000);
	/* Each vector's data, and unmasked (BAR 2 at the window's start). */
	for (v = 0; v < 6; v++) {
		struct mmio_access acc = {
			.offset = v / 2 * 16 + (v & 1 ? 12 : 8), .len = 4,
			.is_write = true, .data = v & 1 ? 0 : 0x20 + v / 2,
		};

		pci_host_window_access(&r.host.window, &acc);
	}
	prig_cfg_wr(&r, flags, 2, 0x8000);
	CHECK_EQ(u, r.routes, 3);
	linux_up(u, &r, true);
	/* The config now at 0x18. */
	CHECK_EQ(u, rd(&r, L_CFG_MSIX, 1), 0x10);
	CHECK_EQ(u, rd(&r, L_CFG_MSIX + 4, 4), 0x17161514);
	/* A vector past the table, or for a queue that does not exist. */
	wr(&r, L_SEL, 2, 0);
	wr(&r, L_QVEC, 2, VIRTIO_PCI_MSIX_VECTORS);
	CHECK_EQ(u, rd(&r, L_QVEC, 2), VIRTIO_MSI_NO_VECTOR);
	wr(&r, L_QVEC, 2, 1);
	wr(&r, L_SEL, 2, 7);
	wr(&r, L_QVEC, 2, 1);
	CHECK_EQ(u, rd(&r, L_QVEC, 2), VIRTIO_MSI_NO_VECTOR);
	linux_send(&r, 1, "msi");
	virtio_dev_serve(&r.t.vd);
	check_echo(u, &r, 1, "msi");
	n = 0;
	CHECK_EQ(u, read(r.vp->msix.vec[2].route.fd, &n, sizeof(n)), sizeof(n));
	CHECK_EQ(u, n, 1);
	CHECK_EQ(u, r.line.level, 0);
	CHECK_EQ(u, rd(&r, L_ISR, 1), 0);
	/* MSI-X off (pci=nomsi): the config is back at 0x14, INTx is used. */
	prig_cfg_wr(&r, flags, 2, 0);
	CHECK_EQ(u, rd(&r, L_CFG, 1), 0x10);
	linux_send(&r, 0, "intx");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, r.line.level, 1);
	CHECK_EQ(u, rd(&r, L_ISR, 1), VIRTIO_ISR_QUEUE);
	CHECK_EQ(u, r.line.level, 0);
	prig_down(&r);
}

/* The notify ioeventfds follow BAR 0, at port + 0x10, 16 bits each. */
static void test_ioeventfd(struct unit *u)
{
	struct prig r;

	CHECK_EQ(u, lrig_up(&r, VIRTIO_ID_RNG, true), 0);
	CHECK_EQ(u, r.efds_on, 2);		/* where the bridge placed it */
	CHECK_EQ(u, r.efd_addr, 0x1000 + VIRTIO_PCI_LEGACY_NOTIFY);
	linux_scan(u, &r, 0x1005, VIRTIO_ID_RNG);
	CHECK_EQ(u, r.efds_on, 2);
	CHECK_EQ(u, r.efd_addr, PORT + VIRTIO_PCI_LEGACY_NOTIFY);
	prig_cfg_wr(&r, 0x04, 2, PCI_COMMAND_MEMORY);	/* I/O decoding off */
	CHECK_EQ(u, r.efds_on, 0);
	prig_cfg_wr(&r, 0x10, 4, 0);			/* port 0: CPU address 0 */
	prig_cfg_wr(&r, 0x04, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	CHECK_EQ(u, r.efds_on, 2);
	CHECK_EQ(u, r.efd_addr, VIRTIO_PCI_LEGACY_NOTIFY);
	prig_cfg_wr(&r, 0x10, 4, PRIG_IO_SIZE);		/* past the window: nowhere */
	CHECK_EQ(u, r.efds_on, 0);
	CHECK(u, !r.efd_bad);
	prig_cfg_wr(&r, 0x10, 4, PORT);
	CHECK_EQ(u, r.efds_on, 2);
	prig_down(&r);
	CHECK_EQ(u, r.efds_on, 0);
}

/* The width of the register at off (MSI-X on: the vectors too). */
static unsigned int reg_width(uint64_t off, bool msix)
{
	switch (off) {
	case L_HOST_F: case L_GUEST_F: case L_PFN:
		return 4;
	case L_NUM: case L_SEL: case L_NOTIFY:
		return 2;
	case L_STATUS: case L_ISR:
		return 1;
	case L_CVEC: case L_QVEC:
		return msix ? 2 : 0;
	}
	return 0;
}

/*
 * Every width 0 to 8 at every offset of the BAR, read and written with
 * junk, MSI-X off and on: exactly the registers at their own width
 * and the config inside its size answer; the rest is -EINVAL and reads
 * as zero. The line always ends as the ISR is, and the model is never
 * handed a buffer.
 */
static void sweep(struct unit *u, struct prig *r, bool msix)
{
	uint64_t cfg = msix ? L_CFG_MSIX : L_CFG, off, v;
	uint32_t len;
	bool ok;
	int ret;

	for (off = 0; off < VIRTIO_PCI_LEGACY_BAR_SIZE; off++) {
		for (len = 0; len <= 8; len++) {
			if (off + len > VIRTIO_PCI_LEGACY_BAR_SIZE)
				break;
			ok = off >= cfg ? len && off - cfg + len <= VIRTIO_PCI_DEVCFG_SIZE :
				len && len == reg_width(off, msix);
			v = 0x5a5a5a5a5a5a5a5aULL;
			ret = io_acc(r, off, len, false, &v);
			CHECK_EQ(u, ret, ok ? 0 : -EINVAL);
			if (!ok)
				CHECK_EQ(u, v, 0);
			v = 0xffffffffffffffffULL - off;
			CHECK_EQ(u, io_acc(r, off, len, true, &v), ok ? 0 : -EINVAL);
			virtio_dev_serve(&r->t.vd);
			CHECK_EQ(u, r->line.level, !msix && atomic_load(&r->t.vd.isr) != 0);
		}
	}
	CHECK_EQ(u, atomic_load(&r->t.served), 0);
}

static void test_sweep(struct unit *u)
{
	struct prig r;

	CHECK_EQ(u, lrig_up(&r, VIRTIO_ID_RNG, false), 0);
	linux_scan(u, &r, 0x1005, VIRTIO_ID_RNG);
	sweep(u, &r, false);
	prig_cfg_wr(&r, r.msix_cap + 2, 2, 0x8000);
	sweep(u, &r, true);
	prig_down(&r);
}

/* A hostile driver: rings outside RAM, size writes, stray notifies. */
static void test_hostile(struct unit *u)
{
	static const uint32_t bad_pfn[] = {
		0xffffffff, (GUEST_RAM_BASE + RAM_SIZE) >> 12,
		(GUEST_RAM_BASE + RAM_SIZE - 0x1000) >> 12, 1,
	};
	struct prig r;
	unsigned int i;
	int notifies;

	CHECK_EQ(u, lrig_up(&r, VIRTIO_ID_RNG, false), 0);
	linux_scan(u, &r, 0x1005, VIRTIO_ID_RNG);
	/* Unoffered features are dropped: legacy has no FEATURES_OK. */
	wr(&r, L_STATUS, 1, 3);
	wr(&r, L_GUEST_F, 4, 0xffffffff);
	CHECK_EQ(u, rd(&r, L_GUEST_F, 4), (uint32_t)virtio_dev_features(&r.t.vd));
	wr(&r, L_HOST_F, 4, 0);
	CHECK_EQ(u, rd(&r, L_HOST_F, 4), (uint32_t)virtio_dev_features(&r.t.vd));
	/* Rings past RAM's end, or wrapping: NEEDS_RESET, a config interrupt. */
	for (i = 0; i < 4; i++) {
		wr(&r, L_STATUS, 1, 0);
		rd(&r, L_ISR, 1);
		wr(&r, L_STATUS, 1, 3);
		wr(&r, L_SEL, 2, i & 1);
		wr(&r, L_PFN, 4, bad_pfn[i]);
		CHECK_EQ(u, rd(&r, L_PFN, 4), bad_pfn[i]);
		CHECK(u, rd(&r, L_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET);
		CHECK_EQ(u, r.line.level, 1);
		CHECK_EQ(u, rd(&r, L_ISR, 1), VIRTIO_ISR_CONFIG);
		wr(&r, L_STATUS, 1, 7);
		wr(&r, L_NOTIFY, 2, i & 1);
		virtio_dev_serve(&r.t.vd);
		CHECK_EQ(u, atomic_load(&r.t.served), 0);
	}
	/* The size is the device's: writes before or after DRIVER_OK do nothing. */
	linux_up(u, &r, false);
	wr(&r, L_SEL, 2, 0);
	wr(&r, L_NUM, 2, 16);
	CHECK_EQ(u, rd(&r, L_NUM, 2), VIRTQ_MAX_SIZE);
	CHECK_EQ(u, r.t.vd.vqs[0].num, VIRTQ_MAX_SIZE);
	/* Queues that do not exist: size and PFN 0, writes and notifies ignored. */
	virtio_dev_serve(&r.t.vd);	/* DRIVER_OK's look at every queue */
	notifies = atomic_load(&r.t.notifies);
	for (i = 2; i < 0x10000; i += i < 16 ? 1 : 0x1111) {
		wr(&r, L_SEL, 2, i);
		CHECK_EQ(u, rd(&r, L_SEL, 2), i);
		CHECK_EQ(u, rd(&r, L_NUM, 2), 0);
		wr(&r, L_PFN, 4, QAREA(0) >> 12);
		CHECK_EQ(u, rd(&r, L_PFN, 4), 0);
		wr(&r, L_NOTIFY, 2, i);
	}
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, atomic_load(&r.t.notifies), notifies);
	/* The real queues still work. */
	linux_send(&r, 0, "still");
	virtio_dev_serve(&r.t.vd);
	check_echo(u, &r, 0, "still");
	prig_down(&r);
}

int main(void)
{
	struct unit u = { 0 };

	test_ids(&u);
	test_linux(&u);
	test_del_vq(&u);
	test_legacy_msix(&u);
	test_ioeventfd(&u);
	test_sweep(&u);
	test_hostile(&u);
	return unit_done(&u, "test-virtio-pci-legacy");
}
