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

static int line_set(void *chip, unsigned int spi, bool level)
{
	struct level_line *l = chip;

	/* Called under the function's lock; the test peeks without it. */
	if (level && !__atomic_load_n(&l->level, __ATOMIC_RELAXED))
		__atomic_add_fetch(&l->rises, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&l->level, level, __ATOMIC_RELEASE);
	return 0;
}

static const struct irq_line_ops line_ops = { .set = line_set };

static int prig_alloc_irq(void *opaque, struct irq_line *line)
{
	struct prig *r = opaque;

	*line = (struct irq_line) { .ops = &line_ops, .chip = &r->line, .spi = 1 };
	return 0;
}

static int prig_add_pci(void *opaque, struct pci_dev *pdev)
{
	struct prig *r = opaque;

	return pci_host_add(&r->host, pdev);
}

static int prig_ioeventfd(void *host, uint64_t addr, uint32_t len, bool match,
			  uint64_t datamatch, int fd, bool on)
{
	struct prig *r = host;

	if (!r->with_ioeventfd)
		return -EOPNOTSUPP;
	if (len != 2 || !match || datamatch >= r->t.vd.nr_queues ||
	    fd != r->t.vd.queue_fd[datamatch] || (on && r->efds_on && addr != r->efd_addr))
		r->efd_bad = true;
	r->efds_on += on ? 1 : -1;
	r->efd_addr = addr;
	return 0;
}

static const struct device_host_ops prig_host_ops = {
	.ioeventfd = prig_ioeventfd,
};

static int prig_up(struct prig *r, bool with_ioeventfd)
{
	struct pci_host_map map = {
		.cfg_base = CFG_BASE, .cfg_size = 0x10000000,
		.mem_base = MEM_BASE, .mem_size = 0x30000000,
	};
	int ret;

	memset(r, 0, sizeof(*r));
	r->with_ioeventfd = with_ioeventfd;
	if (guest_ram_init(&r->mem, RAM_SIZE) || pci_host_init(&r->host, &map, 1, -1))
		return -ENOMEM;
	r->ctx = (struct device_ctx) {
		.host_ops = &prig_host_ops, .host = r, .mem = &r->mem,
		.loglevel = -1, .alloc_irq = prig_alloc_irq,
		.add_pci = prig_add_pci, .opaque = r,
	};
	ret = toy_init(&r->t, 2);
	if (ret)
		return ret;
	r->vp = malloc(sizeof(*r->vp));
	ret = virtio_transport_create(&r->t.vd, &r->ctx, VIRTIO_TRANSPORT_PCI,
				      &(struct device *){ NULL });
	free(r->vp);
	r->vp = r->host.slots[0] ? r->host.slots[0]->priv : NULL;
	return ret;
}

static void prig_down(struct prig *r)
{
	r->vp->dev.ops->destroy(&r->vp->dev);
	pci_host_destroy(&r->host);
	guest_ram_free(&r->mem);
}

/* ---- the guest's accesses ---- */

static uint64_t cfg_rd(struct prig *r, uint32_t reg, uint32_t len)
{
	struct mmio_access acc = { .offset = reg, .len = len };

	pci_host_ecam_access(&r->host.ecam, &acc);
	return acc.data;
}

static void cfg_wr(struct prig *r, uint32_t reg, uint32_t len, uint64_t v)
{
	struct mmio_access acc = { .offset = reg, .len = len, .is_write = true, .data = v };

	pci_host_ecam_access(&r->host.ecam, &acc);
}

static int bar_acc(struct prig *r, uint64_t off, uint32_t len, bool write,
		   uint64_t *v)
{
	struct mmio_access acc = {
		.offset = r->bar + off - MEM_BASE, .len = len, .is_write = write,
		.data = *v,
	};
	int ret = pci_host_window_access(&r->host.window, &acc);

	*v = acc.data;
	return ret;
}

static uint64_t rd(struct prig *r, uint32_t region, uint64_t off, uint32_t len)
{
	uint64_t v = 0xdead;

	bar_acc(r, r->off[region] + off, len, false, &v);
	return v;
}

static void wr(struct prig *r, uint32_t region, uint64_t off, uint32_t len,
	       uint64_t v)
{
	bar_acc(r, r->off[region] + off, len, true, &v);
}

#define COMMON	1
#define NOTIFY	2
#define ISR	3
#define DEVICE	4

/* ---- Linux's virtio_pci_modern_probe() and its set-up ---- */

static void linux_find_caps(struct unit *u, struct prig *r)
{
	unsigned int pos = cfg_rd(r, 0x34, 1), n = 0, found = 0;

	CHECK(u, cfg_rd(r, 0x06, 2) & PCI_STATUS_CAP_LIST);
	while (pos && n++ < 48) {
		uint8_t type = cfg_rd(r, pos + 3, 1);

		if (cfg_rd(r, pos, 1) == PCI_CAP_ID_MSIX) {
			r->msix_cap = pos;
			pos = cfg_rd(r, pos + 1, 1);
			continue;
		}
		CHECK_EQ(u, cfg_rd(r, pos, 1), PCI_CAP_ID_VNDR);
		CHECK_EQ(u, cfg_rd(r, pos + 4, 1), VIRTIO_PCI_BAR);
		if (type >= COMMON && type <= DEVICE) {
			r->off[type] = cfg_rd(r, pos + 8, 4);
			found |= 1u << type;
		}
		if (type == NOTIFY) {
			CHECK_EQ(u, cfg_rd(r, pos + 2, 1), 20);
			CHECK_EQ(u, cfg_rd(r, pos + 16, 4), 0);	/* multiplier */
		}
		CHECK(u, cfg_rd(r, pos + 8, 4) + cfg_rd(r, pos + 12, 4) <=
			 VIRTIO_PCI_BAR_SIZE);
		pos = cfg_rd(r, pos + 1, 1);
	}
	CHECK_EQ(u, found, 0x1e);
	CHECK(u, r->msix_cap != 0);
	CHECK_EQ(u, r->off[COMMON], 0);
	CHECK_EQ(u, r->off[NOTIFY], 0x38);
	CHECK_EQ(u, r->off[ISR], 0x3c);
	CHECK_EQ(u, r->off[DEVICE], 0x40);
}

/* pci-host-generic's scan: IDs, then each BAR sized and assigned. */
static void linux_scan(struct unit *u, struct prig *r, uint64_t place)
{
	CHECK_EQ(u, cfg_rd(r, 0, 2), 0x1af4);
	CHECK_EQ(u, cfg_rd(r, 2, 2), 0x1040 + TOY_DEVICE_ID);
	CHECK_EQ(u, cfg_rd(r, 0x2c, 2), 0x1af4);
	CHECK_EQ(u, cfg_rd(r, 0x2e, 2), 0x40 + TOY_DEVICE_ID);
	CHECK_EQ(u, cfg_rd(r, 0x08, 1), 1);
	CHECK_EQ(u, cfg_rd(r, 0x09, 3), 0xff0000);
	CHECK_EQ(u, cfg_rd(r, PCI_INTERRUPT_PIN, 1), 1);
	cfg_wr(r, 0x04, 2, 0);
	cfg_wr(r, 0x10, 4, 0xffffffff);
	CHECK_EQ(u, cfg_rd(r, 0x10, 4), 0);		/* no BAR 0 */
	cfg_wr(r, 0x14, 4, 0xffffffff);
	CHECK_EQ(u, cfg_rd(r, 0x14, 4), ~(VIRTIO_PCI_BAR_SIZE - 1) & 0xffffffff);
	cfg_wr(r, 0x14, 4, place);
	cfg_wr(r, 0x04, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	r->bar = cfg_rd(r, 0x14, 4) & ~0xfULL;
	CHECK_EQ(u, r->bar, place);
	linux_find_caps(u, r);
}

static void linux_setup_vq(struct unit *u, struct prig *r, unsigned int q)
{
	uint64_t desc = QAREA(q), avail = desc + 0x1000, used = desc + 0x2000;

	wr(r, COMMON, C_QSEL, 2, q);
	CHECK_EQ(u, rd(r, COMMON, C_QSIZE, 2), VIRTQ_MAX_SIZE);
	CHECK_EQ(u, rd(r, COMMON, C_QENABLE, 2), 0);
	wr(r, COMMON, C_QSIZE, 2, 16);
	CHECK_EQ(u, rd(r, COMMON, C_QSIZE, 2), 16);
	CHECK_EQ(u, rd(r, COMMON, C_QNOFF, 2), 0);
	vdrv_init(&r->q[q], &r->mem, 16, desc, avail, used);
	/* vp_iowrite64_twopart(): low, then high. */
	wr(r, COMMON, C_QDESC, 4, desc);
	wr(r, COMMON, C_QDESC + 4, 4, desc >> 32);
	wr(r, COMMON, C_QAVAIL, 4, avail);
	wr(r, COMMON, C_QAVAIL + 4, 4, avail >> 32);
	wr(r, COMMON, C_QUSED, 4, used);
	wr(r, COMMON, C_QUSED + 4, 4, used >> 32);
	CHECK_EQ(u, rd(r, COMMON, C_QDESC, 8), desc);
	CHECK_EQ(u, rd(r, COMMON, C_QUSED + 4, 4), used >> 32);
	/* INTx: no vector is ever set; the field reads NO_VECTOR. */
	wr(r, COMMON, C_QMSIX, 2, 0);
	CHECK_EQ(u, rd(r, COMMON, C_QMSIX, 2), VIRTIO_MSI_NO_VECTOR);
	wr(r, COMMON, C_QENABLE, 2, 1);
	CHECK_EQ(u, rd(r, COMMON, C_QENABLE, 2), 1);
}

static void linux_up(struct unit *u, struct prig *r, uint64_t want)
{
	uint64_t f;

	wr(r, COMMON, C_STATUS, 1, 0);
	CHECK_EQ(u, rd(r, COMMON, C_STATUS, 1), 0);
	wr(r, COMMON, C_STATUS, 1, 1);
	wr(r, COMMON, C_STATUS, 1, 3);
	wr(r, COMMON, C_DFSELECT, 4, 0);
	f = rd(r, COMMON, C_DF, 4);
	wr(r, COMMON, C_DFSELECT, 4, 1);
	f |= rd(r, COMMON, C_DF, 4) << 32;
	CHECK_EQ(u, f, virtio_dev_features(&r->t.vd));
	wr(r, COMMON, C_GFSELECT, 4, 0);
	wr(r, COMMON, C_GF, 4, want);
	wr(r, COMMON, C_GFSELECT, 4, 1);
	wr(r, COMMON, C_GF, 4, want >> 32);
	CHECK_EQ(u, rd(r, COMMON, C_GF, 4), want >> 32);
	wr(r, COMMON, C_STATUS, 1, 0xb);
	CHECK_EQ(u, rd(r, COMMON, C_STATUS, 1), 0xb);
	CHECK_EQ(u, rd(r, COMMON, C_NUMQ, 2), 2);
	CHECK_EQ(u, rd(r, COMMON, C_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	linux_setup_vq(u, r, 0);
	linux_setup_vq(u, r, 1);
	wr(r, COMMON, C_STATUS, 1, 0xf);
	CHECK_EQ(u, rd(r, COMMON, C_STATUS, 1), 0xf);
}

static void linux_send(struct prig *r, unsigned int q, const char *msg)
{
	struct vdrv *d = &r->q[q];
	uint16_t head = d->avail_idx % d->num * 2 % d->num;

	memcpy(gpa(&r->mem, QBUF(q)), msg, strlen(msg));
	vdrv_desc(d, head, QBUF(q), strlen(msg), VIRTQ_DESC_F_NEXT, head + 1);
	vdrv_desc(d, head + 1, QBUF(q) + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
	vdrv_publish(d, head);
	/* iowrite16(index) at the notify address; an exit without ioeventfd. */
	wr(r, NOTIFY, 0, 2, q);
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

static void test_linux(struct unit *u)
{
	struct prig r;
	uint64_t want = F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_EVENT_IDX) |
			F(VIRTIO_F_INDIRECT_DESC) | F(TOY_FEATURE);
	struct device_stats s = { 0 };

	CHECK_EQ(u, prig_up(&r, false), 0);
	linux_scan(u, &r, 0x50004000);
	linux_up(u, &r, want);
	CHECK_EQ(u, r.t.vd.guest_features, want);
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, r.line.level, 0);

	linux_send(&r, 0, "hello");
	linux_send(&r, 1, "pci");
	virtio_dev_serve(&r.t.vd);
	check_echo(u, &r, 0, "hello");
	check_echo(u, &r, 1, "pci");
	/* vp_interrupt(): the line is high until the ISR read clears it. */
	CHECK_EQ(u, r.line.level, 1);
	CHECK(u, cfg_rd(&r, 0x06, 2) & PCI_STATUS_INTERRUPT);
	CHECK_EQ(u, rd(&r, ISR, 0, 1), VIRTIO_ISR_QUEUE);
	CHECK_EQ(u, r.line.level, 0);
	CHECK_EQ(u, rd(&r, ISR, 0, 1), 0);
	CHECK(u, !(cfg_rd(&r, 0x06, 2) & PCI_STATUS_INTERRUPT));

	/* A config change: the generation, then the config bit. */
	CHECK_EQ(u, rd(&r, COMMON, C_GEN, 1), 0);
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, rd(&r, COMMON, C_GEN, 1), 1);
	CHECK_EQ(u, r.line.level, 1);
	CHECK_EQ(u, rd(&r, ISR, 0, 1), VIRTIO_ISR_CONFIG);
	CHECK_EQ(u, r.line.level, 0);

	/* The device's config space, any width; zero past its end. */
	CHECK_EQ(u, rd(&r, DEVICE, 0, 1), 0x10);
	CHECK_EQ(u, rd(&r, DEVICE, 1, 8), 0x1817161514131211ULL);
	CHECK_EQ(u, rd(&r, DEVICE, TOY_CONFIG_SIZE - 2, 4), 0x2726);
	CHECK_EQ(u, rd(&r, DEVICE, 0x80, 4), 0);
	wr(&r, DEVICE, 4, 2, 0xbeef);
	CHECK_EQ(u, r.t.config[4], 0xef);

	r.vp->dev.ops->stats(&r.vp->dev, &s);
	CHECK_EQ(u, s.requests, 2);
	CHECK(u, s.irqs >= 2);
	/* Reset with the ISR set: the line drops with it. */
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, r.line.level, 1);
	wr(&r, COMMON, C_STATUS, 1, 0);
	CHECK_EQ(u, r.line.level, 0);
	CHECK_EQ(u, rd(&r, COMMON, C_STATUS, 1), 0);
	CHECK_EQ(u, atomic_load(&r.t.resets), 2);	/* the probe's, and this */
	prig_down(&r);
}

/* INTx Disable holds the line low; the status bit still tells. */
static void test_intx_disable(struct unit *u)
{
	struct prig r;

	CHECK_EQ(u, prig_up(&r, false), 0);
	linux_scan(u, &r, 0x50000000);
	linux_up(u, &r, F(VIRTIO_F_VERSION_1));
	cfg_wr(&r, 0x04, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, r.line.level, 0);
	CHECK(u, cfg_rd(&r, 0x06, 2) & PCI_STATUS_INTERRUPT);
	cfg_wr(&r, 0x04, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(u, r.line.level, 1);
	CHECK_EQ(u, rd(&r, ISR, 0, 4), VIRTIO_ISR_CONFIG);
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
	linux_scan(u, &r, 0x60000000);		/* decoding off, then moved */
	CHECK_EQ(u, r.efds_on, 2);
	CHECK_EQ(u, r.efd_addr, 0x60000000 + VIRTIO_PCI_NOTIFY);
	cfg_wr(&r, 0x04, 2, 0);
	CHECK_EQ(u, r.efds_on, 0);
	cfg_wr(&r, 0x14, 4, 0x80000000);	/* over RAM: decodes nowhere */
	cfg_wr(&r, 0x04, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(u, r.efds_on, 0);
	cfg_wr(&r, 0x14, 4, 0x7ffff000);
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
	linux_scan(u, &r, 0x50000000);
	v = 5;
	CHECK_EQ(u, bar_acc(&r, C_STATUS, 4, false, &v), -EINVAL);
	CHECK_EQ(u, v, 0);
	CHECK_EQ(u, bar_acc(&r, C_DF, 2, false, &v), -EINVAL);
	CHECK_EQ(u, bar_acc(&r, 0x01, 1, false, &v), -EINVAL);
	CHECK_EQ(u, bar_acc(&r, C_QSEL, 4, true, &v), -EINVAL);
	CHECK_EQ(u, bar_acc(&r, C_QDESC + 2, 4, false, &v), -EINVAL);
	CHECK_EQ(u, bar_acc(&r, VIRTIO_PCI_NOTIFY, 1, true, &v), -EINVAL);
	CHECK_EQ(u, bar_acc(&r, VIRTIO_PCI_ISR, 4, true, &v), -EINVAL);
	CHECK_EQ(u, bar_acc(&r, VIRTIO_PCI_ISR + 1, 1, false, &v), -EINVAL);
	CHECK_EQ(u, bar_acc(&r, 0xfc, 8, false, &v), -EINVAL);
	CHECK_EQ(u, bar_acc(&r, 0x100, 4, false, &v), -EINVAL);
	CHECK_EQ(u, bar_acc(&r, 0xff8, 8, true, &v), -EINVAL);
	CHECK_EQ(u, bar_acc(&r, 0x40, 0, false, &v), -EINVAL);
	/* Read-only fields keep their values. */
	wr(&r, COMMON, C_NUMQ, 2, 7);
	wr(&r, COMMON, C_QNOFF, 2, 7);
	wr(&r, COMMON, C_GEN, 1, 7);
	CHECK_EQ(u, rd(&r, COMMON, C_NUMQ, 2), 2);
	CHECK_EQ(u, rd(&r, COMMON, C_GEN, 1), 0);
	/* A queue that does not exist reads as zero, takes nothing. */
	wr(&r, COMMON, C_QSEL, 2, 9);
	CHECK_EQ(u, rd(&r, COMMON, C_QSIZE, 2), 0);
	wr(&r, COMMON, C_QENABLE, 2, 1);
	CHECK_EQ(u, rd(&r, COMMON, C_QENABLE, 2), 0);
	/* Features past the second word: zero. */
	wr(&r, COMMON, C_DFSELECT, 4, 2);
	CHECK_EQ(u, rd(&r, COMMON, C_DF, 4), 0);
	/* A notify of a queue that does not exist: nothing. */
	wr(&r, NOTIFY, 0, 4, 0xffff);
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
	linux_scan(u, &r, 0x50000000);
	linux_up(u, &r, F(VIRTIO_F_VERSION_1));
	CHECK_EQ(u, virtio_dev_start(&r.t.vd), 0);
	for (i = 0; i < 2000; i++) {
		linux_send(&r, i & 1, "x");
		for (spins = 0; spins < 10000000; spins++) {
			/* vp_interrupt() on a level: read the ISR only when high. */
			if (__atomic_load_n(&r.line.level, __ATOMIC_ACQUIRE))
				rd(&r, ISR, 0, 1);
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
	rd(&r, ISR, 0, 1);
	CHECK_EQ(u, r.line.level, 0);
	prig_down(&r);
}

/* ---- MSI-X ---- */

static int frame_msi(void *opaque, uint32_t devid, uint64_t addr, uint32_t data)
{
	struct prig *r = opaque;

	r->signals++;
	r->last_devid = devid;
	r->last_data = data;
	return 0;
}

static int frame_route(void *opaque, struct msi_route *rt, uint32_t devid,
		       uint64_t addr, uint32_t data)
{
	struct prig *r = opaque;

	r->routes++;
	r->last_devid = devid;
	r->last_data = data;
	rt->gsi = 100 + data;
	rt->bound = true;
	return 0;
}

static uint64_t msix_acc(struct prig *r, uint64_t off, uint32_t len, bool write,
			 uint64_t v)
{
	struct mmio_access acc = {
		.offset = (cfg_rd(r, 0x18, 4) & ~0xfULL) + off - MEM_BASE,
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

	CHECK_EQ(u, cfg_rd(r, flags, 2), VIRTIO_PCI_MSIX_VECTORS - 1);
	CHECK_EQ(u, cfg_rd(r, r->msix_cap + 4, 4), VIRTIO_PCI_MSIX_BAR);
	CHECK_EQ(u, cfg_rd(r, r->msix_cap + 8, 4), VIRTIO_PCI_MSIX_PBA | VIRTIO_PCI_MSIX_BAR);
	/* Before MSI-X is on, no vector sticks. */
	wr(r, COMMON, C_MSIX, 2, 0);
	CHECK_EQ(u, rd(r, COMMON, C_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	cfg_wr(r, flags, 2, 0xc000);
	for (v = 0; v < 3; v++) {
		msix_acc(r, v * 16, 4, true, 0x08090040);
		msix_acc(r, v * 16 + 4, 4, true, 0);
		msix_acc(r, v * 16 + 8, 4, true, 0x20 + v);
		msix_acc(r, v * 16 + 12, 4, true, 0);
	}
	CHECK_EQ(u, r->routes, 0);		/* function-masked still */
	cfg_wr(r, flags, 2, 0x8000);
	CHECK_EQ(u, r->routes, 3);
	CHECK_EQ(u, r->last_devid, 0);		/* slot 0 */
	wr(r, COMMON, C_MSIX, 2, 0);
	CHECK_EQ(u, rd(r, COMMON, C_MSIX, 2), 0);
	for (v = 0; v < 2; v++) {
		wr(r, COMMON, C_QSEL, 2, v);
		wr(r, COMMON, C_QMSIX, 2, VIRTIO_PCI_MSIX_VECTORS);
		CHECK_EQ(u, rd(r, COMMON, C_QMSIX, 2), VIRTIO_MSI_NO_VECTOR);
		wr(r, COMMON, C_QMSIX, 2, v + 1);
		CHECK_EQ(u, rd(r, COMMON, C_QMSIX, 2), v + 1);
	}
	/* A queue that does not exist has no vector. */
	wr(r, COMMON, C_QSEL, 2, 5);
	wr(r, COMMON, C_QMSIX, 2, 1);
	CHECK_EQ(u, rd(r, COMMON, C_QMSIX, 2), VIRTIO_MSI_NO_VECTOR);
}

static void test_msix(struct unit *u)
{
	struct prig r;
	unsigned int flags;

	CHECK_EQ(u, prig_up(&r, false), 0);
	r.host.msi = frame_msi;
	r.host.msi_route = frame_route;
	r.host.msi_opaque = &r;
	linux_scan(u, &r, 0x50004000);
	linux_up(u, &r, F(VIRTIO_F_VERSION_1));
	flags = r.msix_cap + 2;
	linux_msix(u, &r);
	/* Each queue its own vector; INTx and the queue bit stay quiet. */
	linux_send(&r, 0, "one");
	virtio_dev_serve(&r.t.vd);
	check_echo(u, &r, 0, "one");
	CHECK_EQ(u, fired(&r, 1), 1);
	CHECK_EQ(u, fired(&r, 2), 0);
	linux_send(&r, 1, "two");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, fired(&r, 2), 1);
	CHECK_EQ(u, fired(&r, 1), 0);
	CHECK_EQ(u, r.line.level, 0);
	CHECK_EQ(u, rd(&r, ISR, 0, 1), 0);
	CHECK_EQ(u, r.signals, 0);
	/* Config changes on vector 0, the ISR's config bit still set. */
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, fired(&r, 0), 1);
	CHECK_EQ(u, r.line.level, 0);
	CHECK_EQ(u, rd(&r, ISR, 0, 1), VIRTIO_ISR_CONFIG);
	/* NO_VECTOR: no interrupt at all. */
	wr(&r, COMMON, C_QSEL, 2, 1);
	wr(&r, COMMON, C_QMSIX, 2, VIRTIO_MSI_NO_VECTOR);
	linux_send(&r, 1, "three");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, fired(&r, 2), 0);
	CHECK_EQ(u, r.line.level, 0);
	/* A masked vector pends; the PBA tells; the unmask sends it. */
	msix_acc(&r, 1 * 16 + 12, 4, true, 1);
	linux_send(&r, 0, "four");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, fired(&r, 1), 0);
	CHECK_EQ(u, msix_acc(&r, VIRTIO_PCI_MSIX_PBA, 8, false, 0), 1u << 1);
	msix_acc(&r, 1 * 16 + 12, 4, true, 0);
	CHECK_EQ(u, fired(&r, 1), 1);
	CHECK_EQ(u, msix_acc(&r, VIRTIO_PCI_MSIX_PBA, 8, false, 0), 0);
	/* MSI-X off (pci=nomsi's path): vectors read NO_VECTOR, INTx is back. */
	cfg_wr(&r, flags, 2, 0);
	CHECK_EQ(u, rd(&r, COMMON, C_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	linux_send(&r, 0, "five");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, fired(&r, 1), 0);
	CHECK_EQ(u, r.line.level, 1);
	rd(&r, ISR, 0, 1);
	CHECK_EQ(u, r.line.level, 0);
	/* A reset forgets the driver's vectors. */
	cfg_wr(&r, flags, 2, 0x8000);
	wr(&r, COMMON, C_STATUS, 1, 0);
	CHECK_EQ(u, rd(&r, COMMON, C_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	wr(&r, COMMON, C_QSEL, 2, 0);
	CHECK_EQ(u, rd(&r, COMMON, C_QMSIX, 2), VIRTIO_MSI_NO_VECTOR);
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
	b->host.msi = frame_msi;
	b->host.msi_route = frame_route;
	b->host.msi_opaque = b;
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
static void test_snapshot(struct unit *u)
{
	struct prig a, b;
	struct snapshot s = { 0 };
	uint8_t *copy;
	uint32_t id, len;
	int ret;

	CHECK_EQ(u, prig_up(&a, true), 0);
	a.host.msi = frame_msi;
	a.host.msi_route = frame_route;
	a.host.msi_opaque = &a;
	linux_scan(u, &a, 0x50008000);
	linux_up(u, &a, F(VIRTIO_F_VERSION_1));
	linux_msix(u, &a);
	linux_send(&a, 0, "one");
	virtio_dev_serve(&a.t.vd);
	check_echo(u, &a, 0, "one");
	CHECK_EQ(u, fired(&a, 1), 1);
	linux_send(&a, 0, "two");		/* pending: not served */
	CHECK_EQ(u, virtio_pci_save(a.vp, &s), 0);

	ret = snap_restore_into(&b, &a, s.buf, s.len);
	CHECK_EQ(u, ret, 0);
	CHECK_EQ(u, cfg_rd(&b, 0x14, 4) & ~0xfULL, 0x50008000);
	CHECK_EQ(u, cfg_rd(&b, 0x04, 2) & 7, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	CHECK_EQ(u, cfg_rd(&b, b.msix_cap + 2, 2) & 0xc000, 0x8000);
	CHECK_EQ(u, b.efds_on, 2);
	CHECK_EQ(u, b.efd_addr, 0x50008000 + VIRTIO_PCI_NOTIFY);
	CHECK(u, !b.efd_bad);
	CHECK_EQ(u, b.routes, 3);
	CHECK_EQ(u, rd(&b, COMMON, C_STATUS, 1), 0xf);
	CHECK_EQ(u, rd(&b, COMMON, C_MSIX, 2), 0);
	wr(&b, COMMON, C_QSEL, 2, 1);
	CHECK_EQ(u, rd(&b, COMMON, C_QMSIX, 2), 2);
	CHECK_EQ(u, rd(&b, COMMON, C_QDESC, 8), QAREA(1));
	CHECK_EQ(u, msix_acc(&b, 1 * 16 + 8, 4, false, 0), 0x21);
	CHECK_EQ(u, b.line.level, 0);
	/* The next notify: both the pending request and the new one. */
	linux_send(&b, 0, "three");
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
	CHECK_EQ(u, cfg_rd(&b, 0, 2), 0x1af4);
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
