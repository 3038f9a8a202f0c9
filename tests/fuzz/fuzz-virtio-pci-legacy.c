// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy virtio-pci transport (devices/virtio/pci-legacy.c, the
 * function of pci-dev.c) and the virtio core behind the PCI host
 * bridge's I/O window, under a guest that makes any access to the
 * function's config space and to BAR 0, moves the BAR, turns decoding,
 * INTx Disable and MSI-X on and off, writes any PFN for any queue,
 * writes anything into its RAM and resets at any moment, with a toy
 * model that returns every request.
 *
 * Input: u8 config (bits 0-1 queues - 1), then operations, each an
 * opcode byte (modulo 13):
 *   0 config space access: u16 offset (< 0x1000), u8 len, u8 write, u32 data
 *   1 BAR 0 access: u16 offset (< 0x200: past the BAR too), u8 len,
 *     u8 write, u64 data
 *   2 guest RAM write: u16 offset, u8 n, n bytes
 *   3 a round of the I/O thread (virtio_dev_serve)
 *   4 Linux's legacy probe: u32 features (masked by the offer unless
 *     bit 31), every queue's rings at a fixed PFN, DRIVER_OK
 *   5 a request: u8 queue, u8 out bytes, u8 in bytes; then a notify
 *   6 virtio_dev_config_changed
 *   7 the INTx handler: read the ISR
 *   8 BAR 0 moved: u32 port, u8 command register
 *   9 a notify KVM took (the queue's eventfd written): u8 queue
 *  10 MSI-X table or PBA access (BAR 2): u16 offset, u8 len, u8 write, u64 data
 *  11 MSI-X control: u8 (bit 0 Enable, bit 1 Function Mask), then
 *     vectors for config and every queue: u8 each (0xff: NO_VECTOR)
 *  12 a PFN: u16 queue select, u32 PFN
 *
 * Checked after every operation: the IDs never change; the INTx line
 * is high exactly when the ISR is non-zero, INTx Disable is clear and
 * MSI-X is disabled; the driver's vectors are NO_VECTOR or in the
 * table; every MSI-X message left from an enabled, unmasked vector;
 * the ISR holds only its two bits; the notify ioeventfds are all on
 * or all off, on exactly at BAR 0's notify port while it decodes; the
 * guest's features are offered ones, 32 bits, without VERSION_1; every
 * queue keeps its size, is ready exactly while its PFN is not 0, its
 * rings where the PFN says; the model is given only buffers in RAM.
 */
#include <errno.h>
#include <unistd.h>

#include "tests/fuzz/virtio-pci-fz.h"

#define OP_COUNT	13

/* A port access: the I/O window maps port n at CPU address n. */
static int io_acc(struct fz *z, uint64_t off, uint32_t len, bool write,
		  uint64_t *data)
{
	struct mmio_access acc = { .offset = (z->bar + off) & 0xffff,
				   .len = len, .is_write = write, .data = *data };
	int ret = pci_host_window_access(&z->host.io, &acc);

	*data = acc.data;
	return ret;
}

static uint64_t rd(struct fz *z, uint64_t off, uint32_t len)
{
	uint64_t v = 0;

	io_acc(z, off, len, false, &v);
	return v;
}

static void wr(struct fz *z, uint64_t off, uint32_t len, uint64_t v)
{
	io_acc(z, off, len, true, &v);
}

/* ---- the driver's steps ---- */

/* setup_vq(): the size read, the vring at 4 KiB (used at +8 KiB), its PFN. */
static void fz_setup_vq(struct fz *z, unsigned int q)
{
	uint64_t desc = QAREA(q);
	uint16_t num;

	wr(z, 0x0e, 2, q);
	num = rd(z, 0x0c, 2);
	if (num != VIRTQ_MAX_SIZE || rd(z, 0x08, 4))
		return;		/* decoding off, or the queue in use */
	vdrv_init(&z->drv[q], &z->mem, num, desc, desc + 0x1000, desc + 0x2000);
	z->drv_up[q] = true;
	wr(z, 0x08, 4, desc >> 12);
}

static void fz_probe(struct fz *z, struct fuzz_input *in)
{
	uint32_t want = fuzz_u32(in), f;
	unsigned int q;

	/* pci-host-generic's assignment, then virtio_pci_legacy. */
	fz_cfg_acc(z, 0x04, 2, true, 0);
	fz_cfg_acc(z, 0x10, 4, true, 0x2000);
	fz_cfg_acc(z, 0x04, 2, true, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
			       PCI_COMMAND_MASTER);
	z->bar = 0x2000;
	wr(z, 0x12, 1, 0);
	memset(z->drv_up, 0, sizeof(z->drv_up));
	wr(z, 0x12, 1, 1);
	wr(z, 0x12, 1, 3);
	f = rd(z, 0x00, 4);
	FUZZ_CHECK_EQ(f, (uint32_t)virtio_dev_features(&z->vd));
	if (!(want >> 31))
		want &= f;
	wr(z, 0x04, 4, want);
	FUZZ_CHECK_EQ(rd(z, 0x04, 4), want & f);
	for (q = 0; q < z->vd.nr_queues; q++)
		fz_setup_vq(z, q);
	wr(z, 0x12, 1, 7);
}

static void fz_request(struct fz *z, struct fuzz_input *in)
{
	unsigned int q = fuzz_u8(in) % 4;
	uint32_t out = fuzz_u8(in), inb = fuzz_u8(in);
	uint64_t buf = BUFS + 0x400ULL * q;
	struct vdrv *d = &z->drv[q];
	uint16_t head;

	if (!z->drv_up[q])
		return;
	head = d->avail_idx % d->num;
	vdrv_desc(d, head, buf, out, VIRTQ_DESC_F_NEXT, (head + 1) % d->num);
	vdrv_desc(d, (head + 1) % d->num, buf + 0x100, inb, VIRTQ_DESC_F_WRITE, 0);
	vdrv_publish(d, head);
	wr(z, 0x10, 2, q);
}

static void fz_msix_access(struct fz *z, struct fuzz_input *in)
{
	uint64_t base = z->vp->pdev.decode[VIRTIO_PCI_MSIX_BAR];
	struct mmio_access acc = { .offset = fuzz_u16(in) % 0x1000 };

	acc.len = fuzz_u8(in) % 10;
	acc.is_write = fuzz_u8(in) & 1;
	acc.data = fuzz_u64(in);
	if (base == PCI_DECODE_NONE)
		return;
	acc.offset += base - FZ_MEM_BASE;
	if (pci_host_window_access(&z->host.window, &acc) && !acc.is_write)
		FUZZ_CHECK_EQ(acc.data, 0);
}

/* Linux's set-up, roughly: MSI-X on, vectors to config and the queues. */
static void fz_msix_setup(struct fz *z, struct fuzz_input *in)
{
	uint8_t ctl = fuzz_u8(in);
	unsigned int q;

	fz_cfg_acc(z, z->vp->msix.cap + PCI_MSIX_FLAGS + 1, 1, true,
		(ctl & 1 ? 0x80 : 0) | (ctl & 2 ? 0x40 : 0));
	for (q = 0; q <= z->vd.nr_queues; q++) {
		uint8_t v = fuzz_u8(in);

		if (q == z->vd.nr_queues) {
			wr(z, 0x14, 2, v == 0xff ? 0xffff : v);
			break;
		}
		wr(z, 0x0e, 2, q);
		wr(z, 0x16, 2, v == 0xff ? 0xffff : v);
	}
}

static void fz_bar_acc(struct fz *z, struct fuzz_input *in)
{
	uint64_t off = fuzz_u16(in) % 0x200, data;
	uint32_t len = fuzz_u8(in) % 10;
	bool w = fuzz_u8(in) & 1;

	data = fuzz_u64(in);
	if (io_acc(z, off, len, w, &data) && !w)
		FUZZ_CHECK_EQ(data, 0);
}

static void fz_op(struct fz *z, unsigned int op, struct fuzz_input *in)
{
	uint64_t off, data, one = 1;
	uint32_t len;
	bool w;

	switch (op) {
	case 0:
		off = fuzz_u16(in) % 0x1000;
		len = fuzz_u8(in) % 10;
		w = fuzz_u8(in) & 1;
		fz_cfg_acc(z, off, len, w, fuzz_u32(in));
		break;
	case 1: fz_bar_acc(z, in); break;
	case 2: {
		uint16_t at = fuzz_u16(in) % RAM_SIZE;
		uint8_t n = fuzz_u8(in);

		fuzz_bytes(in, z->mem.hva + at, n < RAM_SIZE - at ? n : RAM_SIZE - at);
		break;
	}
	case 3: virtio_dev_serve(&z->vd); break;
	case 4: fz_probe(z, in); break;
	case 5: fz_request(z, in); break;
	case 6: virtio_dev_config_changed(&z->vd); break;
	case 7:
		data = rd(z, 0x13, 1);
		FUZZ_CHECK_EQ(data & ~3ULL, 0);
		break;
	case 8:
		fz_cfg_acc(z, 0x10, 4, true, fuzz_u32(in));
		z->bar = fz_cfg_acc(z, 0x10, 4, false, 0) & ~0x3ULL;
		fz_cfg_acc(z, 0x04, 2, true, (fuzz_u8(in) & 7) | (fuzz_u8(in) & 1 ? 0x400 : 0));
		break;
	case 9:
		FUZZ_CHECK(write(z->vd.queue_fd[fuzz_u8(in) % z->vd.nr_queues], &one, 8) == 8);
		break;
	case 10: fz_msix_access(z, in); break;
	case 11: fz_msix_setup(z, in); break;
	case 12:
		wr(z, 0x0e, 2, fuzz_u16(in));
		wr(z, 0x08, 4, fuzz_u32(in));
		break;
	}
}

static void check_queues(struct fz *z)
{
	struct virtio_dev *vd = &z->vd;
	unsigned int q;

	for (q = 0; q < vd->nr_queues; q++) {
		struct virtq *vq = &vd->vqs[q];
		uint32_t pfn = z->vp->queue_pfn[q];

		FUZZ_CHECK_EQ(vq->num, VIRTQ_MAX_SIZE);
		FUZZ_CHECK_EQ(vq->ready, pfn != 0);
		if (vq->ready) {
			FUZZ_CHECK_EQ(vq->desc_gpa, (uint64_t)pfn << 12);
			FUZZ_CHECK_EQ(vq->used_gpa, ((uint64_t)pfn << 12) + 0x2000);
		}
	}
}

static void check_state(struct fz *z)
{
	struct virtio_dev *vd = &z->vd;
	struct pci_dev *p = &z->vp->pdev;
	uint8_t status = virtio_dev_status(vd);
	uint16_t cmd = p->cfg[PCI_COMMAND] | p->cfg[PCI_COMMAND + 1] << 8;
	uint64_t offered = virtio_dev_features(vd);
	unsigned int isr = atomic_load(&vd->isr), i;

	FUZZ_CHECK_EQ(fz_cfg_acc(z, 0, 4, false, 0), 0x10051af4);
	FUZZ_CHECK_EQ(fz_cfg_acc(z, 0x2c, 4, false, 0), 0x00041af4);
	FUZZ_CHECK_EQ(fz_cfg_acc(z, 0x08, 1, false, 0), 0);
	FUZZ_CHECK_EQ(isr & ~3u, 0);
	FUZZ_CHECK_EQ(z->level, isr && !(cmd & PCI_COMMAND_INTX_DISABLE) &&
				!z->vp->msix.enabled);
	FUZZ_CHECK(z->vp->config_vector == 0xffff ||
		   z->vp->config_vector < VIRTIO_PCI_MSIX_VECTORS);
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++)
		FUZZ_CHECK(z->vp->queue_vector[i] == 0xffff ||
			   z->vp->queue_vector[i] < VIRTIO_PCI_MSIX_VECTORS);
	FUZZ_CHECK_EQ(z->vp->msix.sent, z->msgs);
	FUZZ_CHECK(z->efds_on == 0 || z->efds_on == (int)vd->nr_queues);
	if (p->decode[VIRTIO_PCI_LEGACY_BAR] != PCI_DECODE_NONE) {
		FUZZ_CHECK_EQ(z->efds_on, vd->nr_queues);
		FUZZ_CHECK_EQ(z->efd_addr, p->decode[VIRTIO_PCI_LEGACY_BAR] +
					   VIRTIO_PCI_LEGACY_NOTIFY);
	} else {
		FUZZ_CHECK_EQ(z->efds_on, 0);
	}
	FUZZ_CHECK_EQ(status & 0x30, 0);
	FUZZ_CHECK_EQ(offered >> 32, 0);
	FUZZ_CHECK_EQ(vd->guest_features & ~offered, 0);
	check_queues(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fz_target t = {
		.legacy = true, .nr_ops = OP_COUNT, .op = fz_op,
		.check = check_state,
	};

	return fz_run(data, size, &t);
}
