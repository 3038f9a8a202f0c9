// SPDX-License-Identifier: GPL-2.0
/* The virtio-pci test rig (tests/virtio-pci-rig.h). */
#include "tests/virtio-pci-rig.h"

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

/*
 * The toy device as type on transport: the modern function in BAR 1's
 * memory, or the legacy one in BAR 0's I/O ports (port n at CPU
 * address n, as arm64's PCI I/O window).
 */
int prig_up_as(struct prig *r, enum virtio_transport tr, uint32_t type,
	       bool with_ioeventfd)
{
	struct pci_host_map map = {
		.cfg_base = CFG_BASE, .cfg_size = 0x10000000,
		.mem_base = MEM_BASE, .mem_size = 0x30000000,
		.io_size = tr == VIRTIO_TRANSPORT_PCI_LEGACY ? PRIG_IO_SIZE : 0,
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
	if (type)
		r->t.vd.device_id = type;
	ret = virtio_transport_create(&r->t.vd, &r->ctx, tr, &(struct device *){ NULL });
	r->vp = r->host.slots[0] ? r->host.slots[0]->priv : NULL;
	return ret;
}

int prig_up(struct prig *r, bool with_ioeventfd)
{
	return prig_up_as(r, VIRTIO_TRANSPORT_PCI, 0, with_ioeventfd);
}

/* A function that was not made leaves its device to be freed here. */
void prig_down(struct prig *r)
{
	if (r->vp)
		r->vp->dev.ops->destroy(&r->vp->dev);
	else
		virtio_dev_destroy(&r->t.vd);
	pci_host_destroy(&r->host);
	guest_ram_free(&r->mem);
}

static int prig_frame_msi(void *opaque, uint32_t devid, uint64_t addr, uint32_t data)
{
	struct prig *r = opaque;

	r->signals++;
	r->last_devid = devid;
	r->last_data = data;
	return 0;
}

static int prig_frame_route(void *opaque, struct msi_route *rt, uint32_t devid,
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

/* The function's MSI frame: counts messages and routes, keeps the last. */
void prig_frame(struct prig *r)
{
	r->host.msi = prig_frame_msi;
	r->host.msi_route = prig_frame_route;
	r->host.msi_opaque = r;
}

/* ---- the guest's accesses ---- */

uint64_t prig_cfg_rd(struct prig *r, uint32_t reg, uint32_t len)
{
	struct mmio_access acc = { .offset = reg, .len = len };

	pci_host_ecam_access(&r->host.ecam, &acc);
	return acc.data;
}

void prig_cfg_wr(struct prig *r, uint32_t reg, uint32_t len, uint64_t v)
{
	struct mmio_access acc = { .offset = reg, .len = len, .is_write = true, .data = v };

	pci_host_ecam_access(&r->host.ecam, &acc);
}

int prig_bar_acc(struct prig *r, uint64_t off, uint32_t len, bool write,
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

uint64_t prig_rd(struct prig *r, uint32_t region, uint64_t off, uint32_t len)
{
	uint64_t v = 0xdead;

	prig_bar_acc(r, r->off[region] + off, len, false, &v);
	return v;
}

void prig_wr(struct prig *r, uint32_t region, uint64_t off, uint32_t len,
	     uint64_t v)
{
	prig_bar_acc(r, r->off[region] + off, len, true, &v);
}


/* ---- Linux's virtio_pci_modern_probe() and its set-up ---- */

void prig_find_caps(struct unit *u, struct prig *r)
{
	unsigned int pos = prig_cfg_rd(r, 0x34, 1), n = 0, found = 0;

	CHECK(u, prig_cfg_rd(r, 0x06, 2) & PCI_STATUS_CAP_LIST);
	while (pos && n++ < 48) {
		uint8_t type = prig_cfg_rd(r, pos + 3, 1);

		if (prig_cfg_rd(r, pos, 1) == PCI_CAP_ID_MSIX) {
			r->msix_cap = pos;
			pos = prig_cfg_rd(r, pos + 1, 1);
			continue;
		}
		CHECK_EQ(u, prig_cfg_rd(r, pos, 1), PCI_CAP_ID_VNDR);
		CHECK_EQ(u, prig_cfg_rd(r, pos + 4, 1), VIRTIO_PCI_BAR);
		if (type >= COMMON && type <= DEVICE) {
			r->off[type] = prig_cfg_rd(r, pos + 8, 4);
			found |= 1u << type;
		}
		if (type == NOTIFY) {
			CHECK_EQ(u, prig_cfg_rd(r, pos + 2, 1), 20);
			CHECK_EQ(u, prig_cfg_rd(r, pos + 16, 4), 0);	/* multiplier */
		}
		CHECK(u, prig_cfg_rd(r, pos + 8, 4) + prig_cfg_rd(r, pos + 12, 4) <=
			 VIRTIO_PCI_BAR_SIZE);
		pos = prig_cfg_rd(r, pos + 1, 1);
	}
	CHECK_EQ(u, found, 0x1e);
	CHECK(u, r->msix_cap != 0);
	CHECK_EQ(u, r->off[COMMON], 0);
	CHECK_EQ(u, r->off[NOTIFY], 0x38);
	CHECK_EQ(u, r->off[ISR], 0x3c);
	CHECK_EQ(u, r->off[DEVICE], 0x40);
}

/* pci-host-generic's scan: IDs, then each BAR sized and assigned. */
void prig_scan(struct unit *u, struct prig *r, uint64_t place)
{
	CHECK_EQ(u, prig_cfg_rd(r, 0, 2), 0x1af4);
	CHECK_EQ(u, prig_cfg_rd(r, 2, 2), 0x1040 + TOY_DEVICE_ID);
	CHECK_EQ(u, prig_cfg_rd(r, 0x2c, 2), 0x1af4);
	CHECK_EQ(u, prig_cfg_rd(r, 0x2e, 2), 0x40 + TOY_DEVICE_ID);
	CHECK_EQ(u, prig_cfg_rd(r, 0x08, 1), 1);
	CHECK_EQ(u, prig_cfg_rd(r, 0x09, 3), 0xff0000);
	CHECK_EQ(u, prig_cfg_rd(r, PCI_INTERRUPT_PIN, 1), 1);
	prig_cfg_wr(r, 0x04, 2, 0);
	prig_cfg_wr(r, 0x10, 4, 0xffffffff);
	CHECK_EQ(u, prig_cfg_rd(r, 0x10, 4), 0);		/* no BAR 0 */
	prig_cfg_wr(r, 0x14, 4, 0xffffffff);
	CHECK_EQ(u, prig_cfg_rd(r, 0x14, 4), ~(VIRTIO_PCI_BAR_SIZE - 1) & 0xffffffff);
	prig_cfg_wr(r, 0x14, 4, place);
	prig_cfg_wr(r, 0x04, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	r->bar = prig_cfg_rd(r, 0x14, 4) & ~0xfULL;
	CHECK_EQ(u, r->bar, place);
	prig_find_caps(u, r);
}

void prig_setup_vq(struct unit *u, struct prig *r, unsigned int q)
{
	uint64_t desc = QAREA(q), avail = desc + 0x1000, used = desc + 0x2000;

	prig_wr(r, COMMON, C_QSEL, 2, q);
	CHECK_EQ(u, prig_rd(r, COMMON, C_QSIZE, 2), VIRTQ_MAX_SIZE);
	CHECK_EQ(u, prig_rd(r, COMMON, C_QENABLE, 2), 0);
	prig_wr(r, COMMON, C_QSIZE, 2, 16);
	CHECK_EQ(u, prig_rd(r, COMMON, C_QSIZE, 2), 16);
	CHECK_EQ(u, prig_rd(r, COMMON, C_QNOFF, 2), 0);
	vdrv_init(&r->q[q], &r->mem, 16, desc, avail, used);
	/* vp_iowrite64_twopart(): low, then high. */
	prig_wr(r, COMMON, C_QDESC, 4, desc);
	prig_wr(r, COMMON, C_QDESC + 4, 4, desc >> 32);
	prig_wr(r, COMMON, C_QAVAIL, 4, avail);
	prig_wr(r, COMMON, C_QAVAIL + 4, 4, avail >> 32);
	prig_wr(r, COMMON, C_QUSED, 4, used);
	prig_wr(r, COMMON, C_QUSED + 4, 4, used >> 32);
	CHECK_EQ(u, prig_rd(r, COMMON, C_QDESC, 8), desc);
	CHECK_EQ(u, prig_rd(r, COMMON, C_QUSED + 4, 4), used >> 32);
	/* INTx: no vector is ever set; the field reads NO_VECTOR. */
	prig_wr(r, COMMON, C_QMSIX, 2, 0);
	CHECK_EQ(u, prig_rd(r, COMMON, C_QMSIX, 2), VIRTIO_MSI_NO_VECTOR);
	prig_wr(r, COMMON, C_QENABLE, 2, 1);
	CHECK_EQ(u, prig_rd(r, COMMON, C_QENABLE, 2), 1);
}

void prig_linux_up(struct unit *u, struct prig *r, uint64_t want)
{
	uint64_t f;

	prig_wr(r, COMMON, C_STATUS, 1, 0);
	CHECK_EQ(u, prig_rd(r, COMMON, C_STATUS, 1), 0);
	prig_wr(r, COMMON, C_STATUS, 1, 1);
	prig_wr(r, COMMON, C_STATUS, 1, 3);
	prig_wr(r, COMMON, C_DFSELECT, 4, 0);
	f = prig_rd(r, COMMON, C_DF, 4);
	prig_wr(r, COMMON, C_DFSELECT, 4, 1);
	f |= prig_rd(r, COMMON, C_DF, 4) << 32;
	CHECK_EQ(u, f, virtio_dev_features(&r->t.vd));
	prig_wr(r, COMMON, C_GFSELECT, 4, 0);
	prig_wr(r, COMMON, C_GF, 4, want);
	prig_wr(r, COMMON, C_GFSELECT, 4, 1);
	prig_wr(r, COMMON, C_GF, 4, want >> 32);
	CHECK_EQ(u, prig_rd(r, COMMON, C_GF, 4), want >> 32);
	prig_wr(r, COMMON, C_STATUS, 1, 0xb);
	CHECK_EQ(u, prig_rd(r, COMMON, C_STATUS, 1), 0xb);
	CHECK_EQ(u, prig_rd(r, COMMON, C_NUMQ, 2), 2);
	CHECK_EQ(u, prig_rd(r, COMMON, C_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	prig_setup_vq(u, r, 0);
	prig_setup_vq(u, r, 1);
	prig_wr(r, COMMON, C_STATUS, 1, 0xf);
	CHECK_EQ(u, prig_rd(r, COMMON, C_STATUS, 1), 0xf);
}

void prig_send(struct prig *r, unsigned int q, const char *msg)
{
	struct vdrv *d = &r->q[q];
	uint16_t head = d->avail_idx % d->num * 2 % d->num;

	memcpy(gpa(&r->mem, QBUF(q)), msg, strlen(msg));
	vdrv_desc(d, head, QBUF(q), strlen(msg), VIRTQ_DESC_F_NEXT, head + 1);
	vdrv_desc(d, head + 1, QBUF(q) + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
	vdrv_publish(d, head);
	/* iowrite16(index) at the notify address; an exit without ioeventfd. */
	prig_wr(r, NOTIFY, 0, 2, q);
}

void prig_check_echo(struct unit *u, struct prig *r, unsigned int q,
		     const char *msg)
{
	uint32_t id, len = 0;

	CHECK(u, vdrv_get_used(&r->q[q], &id, &len));
	CHECK_EQ(u, len, strlen(msg));
	CHECK(u, !memcmp(gpa(&r->mem, QBUF(q) + 0x100), msg, strlen(msg)));
}

