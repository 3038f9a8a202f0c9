// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-pci transport (devices/virtio/pci.c, pci-dev.c) and the
 * virtio core behind the PCI host bridge, under a guest that makes any
 * access to the function's config space and to BAR 1, moves the BAR,
 * turns decoding and INTx Disable on and off, writes anything into its
 * RAM and resets at any moment, with a toy model that echoes requests.
 *
 * Input: u8 config (bits 0-1 queues - 1), then operations, each an
 * opcode byte (modulo 10):
 *   0 config space access: u16 offset (< 0x1000), u8 len, u8 write, u32 data
 *   1 BAR 1 access: u16 offset (< 0x1000), u8 len, u8 write, u64 data
 *   2 guest RAM write: u16 offset, u8 n, n bytes
 *   3 a round of the I/O thread (virtio_dev_serve)
 *   4 Linux's probe: u64 features (masked by the offer unless bit 63),
 *     u8 log2 of the queue size, rings at fixed places, DRIVER_OK
 *   5 a request: u8 queue, u8 out bytes, u8 in bytes; then a notify
 *   6 virtio_dev_config_changed
 *   7 the INTx handler: read the ISR
 *   8 BAR 1 moved: u32 address, u8 command register
 *   9 a notify KVM took (the queue's eventfd written): u8 queue
 *  10 MSI-X table or PBA access (BAR 2): u16 offset, u8 len, u8 write, u64 data
 *  11 MSI-X control: u8 (bit 0 Enable, bit 1 Function Mask), then
 *     vectors for config and every queue: u8 each (0xff: NO_VECTOR)
 *
 * Checked after every operation: the IDs never change; the INTx line
 * is high exactly when the ISR is non-zero, INTx Disable is clear and
 * MSI-X is disabled; the driver's vectors are NO_VECTOR or in the
 * table; every MSI-X message left from an enabled, unmasked vector;
 * the ISR holds only its two bits; the notify ioeventfds are all on
 * or all off, on exactly at BAR 1's notify address while it decodes;
 * FEATURES_OK only with offered features and VERSION_1, DRIVER_OK only
 * after it; the model is given only buffers in RAM.
 */
#include <errno.h>
#include <unistd.h>

#include "tests/fuzz/virtio-pci-fz.h"

#define OP_COUNT	12

/* ---- the guest's accesses ---- */

static int bar_acc(struct fz *z, uint64_t off, uint32_t len, bool write,
		   uint64_t *data)
{
	struct mmio_access acc = { .offset = z->bar + off - FZ_MEM_BASE,
				   .len = len, .is_write = write, .data = *data };
	int ret = pci_host_window_access(&z->host.window, &acc);

	*data = acc.data;
	return ret;
}

static uint64_t rd(struct fz *z, uint64_t off, uint32_t len)
{
	uint64_t v = 0;

	bar_acc(z, off, len, false, &v);
	return v;
}

static void wr(struct fz *z, uint64_t off, uint32_t len, uint64_t v)
{
	bar_acc(z, off, len, true, &v);
}

/* ---- the driver's steps ---- */

static void fz_setup_vq(struct fz *z, unsigned int q, uint16_t num)
{
	uint64_t desc = QAREA(q), avail = desc + 0x1000, used = desc + 0x2000;

	wr(z, 0x16, 2, q);
	vdrv_init(&z->drv[q], &z->mem, num, desc, avail, used);
	z->drv_up[q] = true;
	wr(z, 0x18, 2, num);
	wr(z, 0x20, 8, desc);
	wr(z, 0x28, 4, avail);
	wr(z, 0x2c, 4, avail >> 32);
	wr(z, 0x30, 4, used);
	wr(z, 0x34, 4, used >> 32);
	wr(z, 0x1c, 2, 1);
}

static void fz_probe(struct fz *z, struct fuzz_input *in)
{
	uint64_t want = fuzz_u64(in), f;
	uint16_t num = 1u << (fuzz_u8(in) % 9);
	unsigned int q;

	/*
	 * pci-host-generic's assignment, then virtio_pci_modern. Both
	 * BARs: one left where BAR 1 goes would clash with it, and
	 * neither would decode.
	 */
	fz_cfg_acc(z, 0x04, 2, true, 0);
	fz_cfg_acc(z, 0x14, 4, true, 0x50002000);
	fz_cfg_acc(z, 0x18, 4, true, 0x50003000);
	fz_cfg_acc(z, 0x04, 2, true, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	z->bar = 0x50002000;
	wr(z, 0x14, 1, 0);
	wr(z, 0x14, 1, 3);
	wr(z, 0x00, 4, 1);
	f = rd(z, 0x04, 4) << 32;
	wr(z, 0x00, 4, 0);
	f |= rd(z, 0x04, 4);
	FUZZ_CHECK_EQ(f, virtio_dev_features(&z->vd));
	if (!(want >> 63))
		want &= f;
	wr(z, 0x08, 4, 1);
	wr(z, 0x0c, 4, want >> 32);
	wr(z, 0x08, 4, 0);
	wr(z, 0x0c, 4, want);
	wr(z, 0x14, 1, 0xb);
	for (q = 0; q < z->vd.nr_queues; q++)
		fz_setup_vq(z, q, num);
	wr(z, 0x14, 1, rd(z, 0x14, 1) | 4);
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
	if (d->num > 1) {
		vdrv_desc(d, head, buf, out, VIRTQ_DESC_F_NEXT, (head + 1) % d->num);
		vdrv_desc(d, (head + 1) % d->num, buf + 0x100, inb, VIRTQ_DESC_F_WRITE, 0);
	} else {
		vdrv_desc(d, head, buf + 0x100, inb, VIRTQ_DESC_F_WRITE, 0);
	}
	vdrv_publish(d, head);
	wr(z, 0x38, 2, q);
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
			wr(z, 0x10, 2, v == 0xff ? 0xffff : v);
			break;
		}
		wr(z, 0x16, 2, q);
		wr(z, 0x1a, 2, v == 0xff ? 0xffff : v);
	}
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
	case 1:
		off = fuzz_u16(in) % 0x1000;
		len = fuzz_u8(in) % 10;
		w = fuzz_u8(in) & 1;
		data = fuzz_u64(in);
		if (bar_acc(z, off, len, w, &data) && !w)
			FUZZ_CHECK_EQ(data, 0);
		break;
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
		data = rd(z, 0x3c, 1);
		FUZZ_CHECK_EQ(data & ~3ULL, 0);
		break;
	case 8:
		fz_cfg_acc(z, 0x14, 4, true, fuzz_u32(in));
		fz_cfg_acc(z, 0x04, 2, true, fuzz_u8(in) << 1 | (fuzz_u8(in) & 1 ? 0x400 : 0));
		break;
	case 9:
		FUZZ_CHECK(write(z->vd.queue_fd[fuzz_u8(in) % z->vd.nr_queues], &one, 8) == 8);
		break;
	case 10:
		fz_msix_access(z, in);
		break;
	case 11:
		fz_msix_setup(z, in);
		break;
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

	FUZZ_CHECK_EQ(fz_cfg_acc(z, 0, 4, false, 0), 0x10441af4);
	FUZZ_CHECK_EQ(fz_cfg_acc(z, 0x2c, 4, false, 0), 0x00441af4);
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
	if (p->decode[VIRTIO_PCI_BAR] != PCI_DECODE_NONE) {
		FUZZ_CHECK_EQ(z->efds_on, vd->nr_queues);
		FUZZ_CHECK_EQ(z->efd_addr, p->decode[VIRTIO_PCI_BAR] + VIRTIO_PCI_NOTIFY);
	} else {
		FUZZ_CHECK_EQ(z->efds_on, 0);
	}
	FUZZ_CHECK_EQ(status & 0x30, 0);
	if (status & VIRTIO_STATUS_FEATURES_OK) {
		FUZZ_CHECK_EQ(vd->guest_features & ~offered, 0);
		FUZZ_CHECK(vd->guest_features & (1ULL << VIRTIO_F_VERSION_1));
	}
	if (status & VIRTIO_STATUS_DRIVER_OK)
		FUZZ_CHECK(status & VIRTIO_STATUS_FEATURES_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fz_target t = {
		.legacy = false, .nr_ops = OP_COUNT, .op = fz_op,
		.check = check_state,
	};

	return fz_run(data, size, &t);
}
