// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI host bridge and config space (devices/pci/) under a guest
 * that makes any ECAM access (any bus, slot, function, offset, width,
 * value) and any access to the memory and I/O windows, with three
 * functions of different BAR layouts (memory and I/O BARs) behind it
 * and their INTx driven at random.
 *
 * The first function also has MSI-X (devices/pci/msix.c): its table
 * and PBA in BAR 2, messages to a recording frame that routes them.
 *
 * Input: operations, each an opcode byte (modulo 7):
 *   0 ECAM access: u32 offset (any), u8 len, u8 write, u64 data
 *   1 ECAM access to a header register or capability: u8 slot, u8 reg,
 *     u8 len, u8 write, u32 data
 *   2 window access: u32 offset, u8 len, u8 write, u64 data
 *   3 INTx: u8 slot, u8 level
 *   4 MSI-X table or PBA access: u16 offset, u8 len, u8 write, u64 data
 *   5 MSI-X message: u8 vector (any)
 *   6 I/O window access: u16 port, u8 len, u8 write, u64 data
 *
 * Checked after every operation: IDs, header type, pin and capability
 * list never change; a BAR decodes only with its decoding (memory or
 * I/O) on, wholly inside its window, at its register's address (an
 * I/O BAR at the I/O window's base plus its port, port 0 included),
 * overlapping no other decoding BAR, and the device was told exactly
 * where (bar_moved); I/O Space is writable only on a function with an
 * I/O BAR; a window access reaches only a BAR that decodes there,
 * at the right offset; each INTx line is high exactly when the device
 * asks and INTx Disable is clear, and Interrupt Status tells the
 * device's level. MSI-X: the control bits follow the capability, the
 * table size never changes, an enabled unmasked vector never stays
 * pending, a message leaves only from one, reserved bits stay zero.
 */
#include <errno.h>

#include "devices/pci/host.h"
#include "devices/pci/msix.h"
#include "tests/fuzz/fuzz.h"

#define MEM_BASE	0x50000000ULL
#define MEM_SIZE	0x30000000ULL
#define IO_BASE		0x0ULL		/* kvmtool's: port 0 at address 0 */
#define IO_SIZE		0x10000ULL
#define NR_DEVS		3
#define MSIX_NR		40
#define MSIX_PBA	0x1000

struct fdev {
	struct pci_dev pdev;
	uint64_t told[PCI_NR_BARS];
	struct irq_line line;
	bool level;
	uint8_t id[16];
};

struct fz {
	struct pci_host h;
	struct fdev d[NR_DEVS];
	uint64_t want_addr;		/* the window access being made */
	struct pci_msix msix;		/* the first function's */
	bool msix_hit;			/* the access went to its table or PBA */
	unsigned long msgs;		/* messages the frame took */
};

static struct fz *cur;

static int fdev_bar(struct pci_dev *pdev, unsigned int bar,
		    struct mmio_access *acc)
{
	int ret;

	FUZZ_CHECK(bar < PCI_NR_BARS && pdev->decode[bar] != PCI_DECODE_NONE);
	FUZZ_CHECK(acc->offset < pdev->bar_size[bar]);
	FUZZ_CHECK(acc->len <= pdev->bar_size[bar] - acc->offset);
	FUZZ_CHECK_EQ(pdev->decode[bar] + acc->offset, cur->want_addr);
	if (pdev == &cur->d[0].pdev && bar == 2 &&
	    pci_msix_bar_access(&cur->msix, acc, &ret)) {
		cur->msix_hit = true;
		return ret;
	}
	if (!acc->is_write)
		acc->data = 0x5a;
	return 0;
}

static void fdev_written(struct pci_dev *pdev, uint32_t off, uint32_t len)
{
	if (pdev == &cur->d[0].pdev)
		pci_msix_config_written(&cur->msix, off, len);
}

/* The frame: any message is taken; routes work for even data only. */
static int frame_msi(void *opaque, uint32_t devid, uint64_t addr, uint32_t data)
{
	FUZZ_CHECK_EQ(devid, 0);
	cur->msgs++;
	return 0;
}

static int frame_route(void *opaque, struct msi_route *r, uint32_t devid,
		       uint64_t addr, uint32_t data)
{
	FUZZ_CHECK_EQ(devid, 0);
	FUZZ_CHECK(r->fd >= 0);
	if (data & 1)
		return -ENOSPC;
	if (r->gsi < 0)
		r->gsi = 64;
	r->bound = true;
	return 0;
}

static void fdev_moved(struct pci_dev *pdev, unsigned int bar, uint64_t addr)
{
	struct fdev *f = pdev->priv;

	FUZZ_CHECK(bar < PCI_NR_BARS && pdev->bar_size[bar]);
	FUZZ_CHECK(f->told[bar] != addr);
	/* Leaving before arriving: never from one address to another. */
	FUZZ_CHECK(f->told[bar] == PCI_DECODE_NONE || addr == PCI_DECODE_NONE);
	f->told[bar] = addr;
}

static const struct pci_dev_ops fdev_ops = {
	.bar_access = fdev_bar, .bar_moved = fdev_moved,
	.config_written = fdev_written,
};

static int line_set(void *chip, unsigned int spi, bool level)
{
	struct fdev *f = chip;

	FUZZ_CHECK(level != f->level);
	f->level = level;
	return 0;
}

static const struct irq_line_ops line_ops = { .set = line_set };

static const uint32_t bar_layout[NR_DEVS][PCI_NR_BARS] = {
	{ 0, 0x1000, 0x4000, 0, 0, 0 },
	{ 0x10, 0x100000, 0, 0, 0, 0x40000000 },
	{ 0x1000, 0x1000, 0x1000, 0x1000, 0x1000, 0x1000 },
};

/* I/O BARs, where the memory layout has none. */
static const uint32_t io_layout[NR_DEVS][PCI_NR_BARS] = {
	{ 0x100, 0, 0, 0, 0, 0 },
	{ 0, 0, 0x4, 0x80, 0, 0 },
	{ 0, 0, 0, 0, 0, 0 },
};

static void fz_setup(struct fz *z)
{
	struct pci_host_map map = {
		.cfg_base = 0x40000000, .cfg_size = 0x10000000,
		.mem_base = MEM_BASE, .mem_size = MEM_SIZE,
		.io_base = IO_BASE, .io_size = IO_SIZE,
	};
	unsigned int i, b;
	uint8_t off;

	FUZZ_CHECK_EQ(pci_host_init(&z->h, &map, 1, -1), 0);
	z->h.msi = frame_msi;
	z->h.msi_route = frame_route;
	for (i = 0; i < NR_DEVS; i++) {
		struct fdev *f = &z->d[i];
		struct pci_dev_id id = { .vendor = 0x1af4, .device = 0x1040 + i,
					 .class = 0xff0000, .revision = i };

		FUZZ_CHECK_EQ(pci_dev_init(&f->pdev, &id, &fdev_ops, f), 0);
		for (b = 0; b < PCI_NR_BARS; b++)
			if (bar_layout[i][b])
				FUZZ_CHECK_EQ(pci_dev_add_bar(&f->pdev, b, bar_layout[i][b]), 0);
			else if (io_layout[i][b])
				FUZZ_CHECK_EQ(pci_dev_add_io_bar(&f->pdev, b, io_layout[i][b]), 0);
		for (b = 0; b < PCI_NR_BARS; b++)
			f->told[b] = PCI_DECODE_NONE;
		for (b = 0; b <= i; b++)
			FUZZ_CHECK_EQ(pci_dev_add_cap(&f->pdev, PCI_CAP_ID_VNDR, 16 + 4 * b, &off), 0);
		if (!i)
			FUZZ_CHECK_EQ(pci_msix_init(&z->msix, &f->pdev, MSIX_NR, 2,
						    0, MSIX_PBA), 0);
		f->line = (struct irq_line) { .ops = &line_ops, .chip = f, .irqfd = -1 };
		if (i != 1)
			pci_dev_set_pin(&f->pdev, &f->line);
		memcpy(f->id, f->pdev.cfg, sizeof(f->id));
		FUZZ_CHECK_EQ(pci_host_add(&z->h, &f->pdev), 0);
	}
}

static uint64_t cfg32(struct pci_dev *pdev, unsigned int off)
{
	uint64_t v;

	FUZZ_CHECK_EQ(pci_cfg_read(pdev, off, 4, &v), 0);
	return v;
}

static void check_dev(struct fz *z, struct fdev *f)
{
	struct pci_dev *p = &f->pdev;
	uint16_t cmd = cfg32(p, PCI_COMMAND), status = cfg32(p, PCI_COMMAND) >> 16;
	unsigned int b;

	FUZZ_CHECK(!memcmp(p->cfg, f->id, 4) && !memcmp(p->cfg + 8, f->id + 8, 4));
	FUZZ_CHECK_EQ(p->cfg[PCI_HEADER_TYPE], 0);
	FUZZ_CHECK_EQ(p->cfg[PCI_CAPABILITY_LIST], PCI_CAP_START);
	FUZZ_CHECK_EQ(p->cfg[PCI_INTERRUPT_PIN], p->intx ? 1 : 0);
	FUZZ_CHECK(!(cmd & ~(p->bar_io ? 0x407 : 0x406)));
	FUZZ_CHECK_EQ(!!(status & PCI_STATUS_INTERRUPT), p->intx_level);
	if (p->intx)
		FUZZ_CHECK_EQ(f->level, p->intx_level && !(cmd & PCI_COMMAND_INTX_DISABLE));
	for (b = 0; b < PCI_NR_BARS; b++) {
		uint64_t at = p->decode[b], size = p->bar_size[b];

		FUZZ_CHECK_EQ(f->told[b], at);
		if (!size)
			FUZZ_CHECK_EQ(cfg32(p, PCI_BASE_ADDRESS_0 + 4 * b), 0);
		/* Below the size: the type bits only (an I/O BAR's bit 0). */
		FUZZ_CHECK_EQ(cfg32(p, PCI_BASE_ADDRESS_0 + 4 * b) & (size - 1),
			      pci_dev_bar_is_io(p, b) ? PCI_BASE_ADDRESS_SPACE_IO : 0);
		if (at == PCI_DECODE_NONE)
			continue;
		if (pci_dev_bar_is_io(p, b)) {
			FUZZ_CHECK(cmd & PCI_COMMAND_IO);
			FUZZ_CHECK_EQ(at, IO_BASE + pci_dev_bar_addr(p, b));
			FUZZ_CHECK(at >= IO_BASE && at + size <= IO_BASE + IO_SIZE);
			continue;
		}
		FUZZ_CHECK(cmd & PCI_COMMAND_MEMORY);
		FUZZ_CHECK_EQ(at, pci_dev_bar_addr(p, b));
		FUZZ_CHECK(at >= MEM_BASE && at + size <= MEM_BASE + MEM_SIZE);
	}
}

static void check_msix(struct fz *z)
{
	struct pci_msix *m = &z->msix;
	uint64_t ctrl;
	unsigned int v;

	FUZZ_CHECK_EQ(pci_cfg_read(m->pdev, m->cap + PCI_MSIX_FLAGS, 2, &ctrl), 0);
	FUZZ_CHECK_EQ(ctrl & PCI_MSIX_FLAGS_QSIZE, MSIX_NR - 1);
	FUZZ_CHECK_EQ(m->enabled, !!(ctrl & PCI_MSIX_FLAGS_ENABLE));
	FUZZ_CHECK_EQ(m->fmasked, !!(ctrl & PCI_MSIX_FLAGS_MASKALL));
	FUZZ_CHECK_EQ(cfg32(m->pdev, m->cap + PCI_MSIX_PBA), MSIX_PBA | 2);
	FUZZ_CHECK_EQ(m->sent, z->msgs + m->routed_sent);
	for (v = 0; v < MSIX_NR; v++) {
		struct pci_msix_vector *vec = &m->vec[v];

		FUZZ_CHECK(!(vec->ctrl & ~1u) && !(vec->addr_lo & 3));
		if (m->enabled && !m->fmasked && !vec->ctrl)
			FUZZ_CHECK(!vec->pending);
		if (vec->routed)
			FUZZ_CHECK(vec->route.fd >= 0 && !(vec->data & 1));
	}
}

/* No two decoding BARs overlap. */
static void check_overlaps(struct fz *z)
{
	unsigned int i;

	for (i = 1; i < z->h.nr_decode; i++)
		FUZZ_CHECK(z->h.decode[i - 1].end <= z->h.decode[i].base);
}

static uint32_t fz_len(struct fuzz_input *in)
{
	uint32_t len = fuzz_u8(in);

	return len == 0xff ? 0xffffffff : len % 10;
}

static void fz_cfg(struct fz *z, uint64_t off, uint32_t len, bool write,
		   uint64_t data)
{
	struct mmio_access acc = { .offset = off, .len = len, .is_write = write,
				   .data = data };
	bool valid = len >= 1 && len <= 8 && (off & 0xfff) + len <= 0x1000;

	FUZZ_CHECK_EQ(pci_host_ecam_access(&z->h.ecam, &acc), valid ? 0 : -EINVAL);
	if (!write && !valid)
		FUZZ_CHECK_EQ(acc.data, 0);
}

static void fz_op(struct fz *z, unsigned int op, struct fuzz_input *in)
{
	uint64_t off, data;
	uint32_t len;
	bool write;
	unsigned int slot;

	switch (op) {
	case 0:
		off = fuzz_u32(in) % 0x10000000;
		len = fz_len(in);
		write = fuzz_u8(in) & 1;
		fz_cfg(z, off, len, write, fuzz_u64(in));
		break;
	case 1:
		slot = fuzz_u8(in) % 4;
		off = ((uint64_t)slot << 15) | (fuzz_u8(in) % 0x60);
		len = fz_len(in);
		write = fuzz_u8(in) & 1;
		fz_cfg(z, off, len, write, fuzz_u32(in) | (fuzz_u8(in) & 1 ? 0xffffffffULL : 0));
		break;
	case 2: {
		struct mmio_access acc;

		off = fuzz_u32(in) % MEM_SIZE;
		len = fz_len(in);
		write = fuzz_u8(in) & 1;
		data = fuzz_u64(in);
		acc = (struct mmio_access) { .offset = off, .len = len,
					     .is_write = write, .data = data };
		z->want_addr = MEM_BASE + off;
		z->msix_hit = false;
		if (!pci_host_window_access(&z->h.window, &acc) && !write)
			FUZZ_CHECK(z->msix_hit || acc.data == 0x5a);
		else if (!write)
			FUZZ_CHECK_EQ(acc.data, 0);
		break;
	}
	case 6: {
		struct mmio_access acc;

		off = fuzz_u16(in) % IO_SIZE;
		len = fz_len(in);
		write = fuzz_u8(in) & 1;
		acc = (struct mmio_access) { .offset = off, .len = len,
					     .is_write = write, .data = fuzz_u64(in) };
		z->want_addr = IO_BASE + off;
		z->msix_hit = false;
		if (!pci_host_window_access(&z->h.io, &acc) && !write)
			FUZZ_CHECK_EQ(acc.data, 0x5a);
		else if (!write)
			FUZZ_CHECK_EQ(acc.data, 0);
		break;
	}
	case 3:
		slot = fuzz_u8(in) % NR_DEVS;
		pci_dev_set_intx(&z->d[slot].pdev, fuzz_u8(in) & 1);
		break;
	case 4: {
		struct mmio_access acc;
		int ret = 0;

		off = fuzz_u16(in) % 0x1010;
		len = fz_len(in);
		write = fuzz_u8(in) & 1;
		acc = (struct mmio_access) { .offset = off, .len = len,
					     .is_write = write, .data = fuzz_u64(in) };
		if (pci_msix_bar_access(&z->msix, &acc, &ret) && ret && !write)
			FUZZ_CHECK_EQ(acc.data, 0);
		break;
	}
	case 5: {
		unsigned int v = fuzz_u8(in);
		int ret = pci_msix_notify(&z->msix, v);

		FUZZ_CHECK(v < MSIX_NR ? ret == 0 || ret == -ENODEV : ret == -EINVAL);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz *z = calloc(1, sizeof(*z));
	struct fuzz_input in;
	unsigned int i;

	if (!z)
		return 0;
	cur = z;
	fuzz_input_init(&in, data, size);
	fz_setup(z);
	while (!fuzz_input_done(&in)) {
		fz_op(z, fuzz_u8(&in) % 7, &in);
		for (i = 0; i < NR_DEVS; i++)
			check_dev(z, &z->d[i]);
		check_overlaps(z);
		check_msix(z);
	}
	pci_msix_destroy(&z->msix);
	for (i = 0; i < NR_DEVS; i++)
		pci_dev_destroy(&z->d[i].pdev);
	pci_host_destroy(&z->h);
	free(z);
	return 0;
}
