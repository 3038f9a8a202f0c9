// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-pci transport (devices/virtio/pci.c, pci-dev.c) on the PCI
 * host bridge, as Linux's virtio_pci_modern probes and drives it (the
 * config space walk, BAR 1's regions, the INTx handler reading the
 * ISR), without the I/O thread (virtio_dev_serve() does its rounds),
 * and as a careless driver drives it: the level line against the ISR,
 * INTx Disable, the notify ioeventfds following BAR 1, bad widths; and
 * a snapshot of it restored into a fresh function.
 */
#include "tests/virtio-pci-rig.h"

/* ---- the tests ---- */

static void test_linux(struct unit *u)
{
	struct prig r;
	uint64_t want = F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_EVENT_IDX) |
			F(VIRTIO_F_INDIRECT_DESC) | F(TOY_FEATURE);
	struct device_stats s = { 0 };

	CHECK_EQ(u, prig_up(&r, false), 0);
	prig_scan(u, &r, 0x50004000);
	prig_linux_up(u, &r, want);
	CHECK_EQ(u, r.t.vd.guest_features, want);
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, r.line.level, 0);

	prig_send(&r, 0, "hello");
	prig_send(&r, 1, "pci");
	virtio_dev_serve(&r.t.vd);
	prig_check_echo(u, &r, 0, "hello");
	prig_check_echo(u, &r, 1, "pci");
	/* vp_interrupt(): the line is high until the ISR read clears it. */
	CHECK_EQ(u, r.line.level, 1);
	CHECK(u, prig_cfg_rd(&r, 0x06, 2) & PCI_STATUS_INTERRUPT);
	CHECK_EQ(u, prig_rd(&r, ISR, 0, 1), VIRTIO_ISR_QUEUE);
	CHECK_EQ(u, r.line.level, 0);
	CHECK_EQ(u, prig_rd(&r, ISR, 0, 1), 0);
	CHECK(u, !(prig_cfg_rd(&r, 0x06, 2) & PCI_STATUS_INTERRUPT));

	/* A config change: the generation, then the config bit. */
	CHECK_EQ(u, prig_rd(&r, COMMON, C_GEN, 1), 0);
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, prig_rd(&r, COMMON, C_GEN, 1), 1);
	CHECK_EQ(u, r.line.level, 1);
	CHECK_EQ(u, prig_rd(&r, ISR, 0, 1), VIRTIO_ISR_CONFIG);
	CHECK_EQ(u, r.line.level, 0);

	/* The device's config space, any width; zero past its end. */
	CHECK_EQ(u, prig_rd(&r, DEVICE, 0, 1), 0x10);
	CHECK_EQ(u, prig_rd(&r, DEVICE, 1, 8), 0x1817161514131211ULL);
	CHECK_EQ(u, prig_rd(&r, DEVICE, TOY_CONFIG_SIZE - 2, 4), 0x2726);
	CHECK_EQ(u, prig_rd(&r, DEVICE, 0x80, 4), 0);
	prig_wr(&r, DEVICE, 4, 2, 0xbeef);
	CHECK_EQ(u, r.t.config[4], 0xef);

	r.vp->dev.ops->stats(&r.vp->dev, &s);
	CHECK_EQ(u, s.requests, 2);
	CHECK(u, s.irqs >= 2);
	/* Reset with the ISR set: the line drops with it. */
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, r.line.level, 1);
	prig_wr(&r, COMMON, C_STATUS, 1, 0);
	CHECK_EQ(u, r.line.level, 0);
	CHECK_EQ(u, prig_rd(&r, COMMON, C_STATUS, 1), 0);
	CHECK_EQ(u, atomic_load(&r.t.resets), 2);	/* the probe's, and this */
	prig_down(&r);
}

/* INTx Disable holds the line low; the status bit still tells. */
static void test_intx_disable(struct unit *u)
{
	struct prig r;

	CHECK_EQ(u, prig_up(&r, false), 0);
	prig_scan(u, &r, 0x50000000);
	prig_linux_up(u, &r, F(VIRTIO_F_VERSION_1));
	prig_cfg_wr(&r, 0x04, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, r.line.level, 0);
	CHECK(u, prig_cfg_rd(&r, 0x06, 2) & PCI_STATUS_INTERRUPT);
	prig_cfg_wr(&r, 0x04, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(u, r.line.level, 1);
	CHECK_EQ(u, prig_rd(&r, ISR, 0, 4), VIRTIO_ISR_CONFIG);
	CHECK_EQ(u, r.line.level, 0);
	prig_down(&r);
}

/* The notify ioeventfds follow BAR 1, and go while it decodes nowhere. */
static void test_ioeventfd(struct unit *u)
{
	struct prig r;

	CHECK_EQ(u, prig_up(&r, true), 0);
	CHECK_EQ(u, r.efds_on, 2);		/* placed at set-up */
	CHECK_EQ(u, r.efd_addr, MEM_BASE + VIRTIO_PCI_NOTIFY);
	prig_scan(u, &r, 0x60000000);		/* decoding off, then moved */
	CHECK_EQ(u, r.efds_on, 2);
	CHECK_EQ(u, r.efd_addr, 0x60000000 + VIRTIO_PCI_NOTIFY);
	prig_cfg_wr(&r, 0x04, 2, 0);
	CHECK_EQ(u, r.efds_on, 0);
	prig_cfg_wr(&r, 0x14, 4, 0x80000000);	/* over RAM: decodes nowhere */
	prig_cfg_wr(&r, 0x04, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(u, r.efds_on, 0);
	prig_cfg_wr(&r, 0x14, 4, 0x7ffff000);
	CHECK_EQ(u, r.efds_on, 2);
	CHECK_EQ(u, r.efd_addr, 0x7ffff000 + VIRTIO_PCI_NOTIFY);
	CHECK(u, !r.efd_bad);
	prig_down(&r);
	CHECK_EQ(u, r.efds_on, 0);		/* taken off at destroy */
}

/* Fields at the wrong width or offset, writes to read-only fields. */
static void test_widths(struct unit *u)
{
	struct prig r;
	uint64_t v;

	CHECK_EQ(u, prig_up(&r, false), 0);
	prig_scan(u, &r, 0x50000000);
	v = 5;
	CHECK_EQ(u, prig_bar_acc(&r, C_STATUS, 4, false, &v), -EINVAL);
	CHECK_EQ(u, v, 0);
	CHECK_EQ(u, prig_bar_acc(&r, C_DF, 2, false, &v), -EINVAL);
	CHECK_EQ(u, prig_bar_acc(&r, 0x01, 1, false, &v), -EINVAL);
	CHECK_EQ(u, prig_bar_acc(&r, C_QSEL, 4, true, &v), -EINVAL);
	CHECK_EQ(u, prig_bar_acc(&r, C_QDESC + 2, 4, false, &v), -EINVAL);
	CHECK_EQ(u, prig_bar_acc(&r, VIRTIO_PCI_NOTIFY, 1, true, &v), -EINVAL);
	CHECK_EQ(u, prig_bar_acc(&r, VIRTIO_PCI_ISR, 4, true, &v), -EINVAL);
	CHECK_EQ(u, prig_bar_acc(&r, VIRTIO_PCI_ISR + 1, 1, false, &v), -EINVAL);
	CHECK_EQ(u, prig_bar_acc(&r, 0xfc, 8, false, &v), -EINVAL);
	CHECK_EQ(u, prig_bar_acc(&r, 0x100, 4, false, &v), -EINVAL);
	CHECK_EQ(u, prig_bar_acc(&r, 0xff8, 8, true, &v), -EINVAL);
	CHECK_EQ(u, prig_bar_acc(&r, 0x40, 0, false, &v), -EINVAL);
	/* Read-only fields keep their values. */
	prig_wr(&r, COMMON, C_NUMQ, 2, 7);
	prig_wr(&r, COMMON, C_QNOFF, 2, 7);
	prig_wr(&r, COMMON, C_GEN, 1, 7);
	CHECK_EQ(u, prig_rd(&r, COMMON, C_NUMQ, 2), 2);
	CHECK_EQ(u, prig_rd(&r, COMMON, C_GEN, 1), 0);
	/* A queue that does not exist reads as zero, takes nothing. */
	prig_wr(&r, COMMON, C_QSEL, 2, 9);
	CHECK_EQ(u, prig_rd(&r, COMMON, C_QSIZE, 2), 0);
	prig_wr(&r, COMMON, C_QENABLE, 2, 1);
	CHECK_EQ(u, prig_rd(&r, COMMON, C_QENABLE, 2), 0);
	/* Features past the second word: zero. */
	prig_wr(&r, COMMON, C_DFSELECT, 4, 2);
	CHECK_EQ(u, prig_rd(&r, COMMON, C_DF, 4), 0);
	/* A notify of a queue that does not exist: nothing. */
	prig_wr(&r, NOTIFY, 0, 4, 0xffff);
	prig_down(&r);
}

/*
 * The I/O thread raises INTx while the driver's handler reads the ISR
 * on this thread: whatever the interleaving, the line ends as the ISR
 * is, and no completion goes without the line being high for it.
 */
static void test_threads(struct unit *u)
{
	struct prig r;
	unsigned int i, done = 0, spins;
	uint32_t id, len;

	CHECK_EQ(u, prig_up(&r, false), 0);
	prig_scan(u, &r, 0x50000000);
	prig_linux_up(u, &r, F(VIRTIO_F_VERSION_1));
	CHECK_EQ(u, virtio_dev_start(&r.t.vd), 0);
	for (i = 0; i < 2000; i++) {
		prig_send(&r, i & 1, "x");
		for (spins = 0; spins < 10000000; spins++) {
			/* vp_interrupt() on a level: read the ISR only when high. */
			if (__atomic_load_n(&r.line.level, __ATOMIC_ACQUIRE))
				prig_rd(&r, ISR, 0, 1);
			if (vdrv_get_used(&r.q[i & 1], &id, &len)) {
				done++;
				break;
			}
		}
	}
	virtio_dev_stop(&r.t.vd);
	CHECK_EQ(u, done, 2000);
	CHECK_EQ(u, r.line.level, atomic_load(&r.t.vd.isr) != 0);
	CHECK(u, r.line.rises >= 1);
	prig_rd(&r, ISR, 0, 1);
	CHECK_EQ(u, r.line.level, 0);
	prig_down(&r);
}

int main(void)
{
	struct unit u = { 0 };

	test_linux(&u);
	test_threads(&u);
	test_intx_disable(&u);
	test_ioeventfd(&u);
	test_widths(&u);
	test_msix(&u);
	test_snapshot(&u);
	return unit_done(&u, "test-virtio-pci");
}
