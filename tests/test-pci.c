// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI host bridge and a function's config space (devices/pci/), as
 * Linux's pci-host-generic and a careless or hostile guest drive them
 * through ECAM: IDs and read-only fields, BAR sizing and moves, memory
 * decoding on and off, BARs outside the window or clashing, the
 * capability walk, INTx and INTx Disable, any width at any offset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci/host.h"
#include "tests/unit.h"

#define CFG_BASE	0x40000000ULL
#define MEM_BASE	0x50000000ULL
#define MEM_SIZE	0x30000000ULL
#define ECAM(slot, reg)	(((uint64_t)(slot) << 15) | (reg))

struct fdev {
	struct pci_dev pdev;
	uint64_t moved[PCI_NR_BARS];	/* the last bar_moved() address */
	unsigned int moves;
	int last_bar;
	uint64_t last_off;
	unsigned int accesses, written;
	char log[256];			/* "-b" leaving, "+b" arriving, in order */
};

struct rec_line {
	int level, sets;
};

static int rec_set(void *chip, unsigned int spi, bool level)
{
	struct rec_line *l = chip;

	l->level = level;
	l->sets++;
	return 0;
}

static const struct irq_line_ops rec_ops = { .set = rec_set };

static int fdev_bar(struct pci_dev *pdev, unsigned int bar,
		    struct mmio_access *acc)
{
	struct fdev *f = pdev->priv;

	f->accesses++;
	f->last_bar = bar;
	f->last_off = acc->offset;
	if (!acc->is_write)
		acc->data = 0xa000 + bar;
	return 0;
}

static void fdev_moved(struct pci_dev *pdev, unsigned int bar, uint64_t addr)
{
	struct fdev *f = pdev->priv;
	size_t n = strlen(f->log);

	f->moved[bar] = addr;
	f->moves++;
	if (n + 3 < sizeof(f->log))
		snprintf(f->log + n, sizeof(f->log) - n, "%c%u", addr != PCI_DECODE_NONE ? '+' : '-', bar);
}

static void fdev_written(struct pci_dev *pdev, uint32_t off, uint32_t len)
{
	((struct fdev *)pdev->priv)->written++;
}

static const struct pci_dev_ops fdev_ops = {
	.bar_access = fdev_bar, .bar_moved = fdev_moved,
	.config_written = fdev_written,
};

static void fdev_init(struct unit *u, struct fdev *f, uint16_t device)
{
	struct pci_dev_id id = {
		.vendor = 0x1af4, .device = device, .subsys_vendor = 0x1af4,
		.subsys = 0x42, .class = 0x018000, .revision = 1,
	};
	uint8_t off;

	memset(f, 0, sizeof(*f));
	CHECK_EQ(u, pci_dev_init(&f->pdev, &id, &fdev_ops, f), 0);
	CHECK_EQ(u, pci_dev_add_bar(&f->pdev, 0, 0x1000), 0);
	CHECK_EQ(u, pci_dev_add_bar(&f->pdev, 2, 0x10000), 0);
	CHECK_EQ(u, pci_dev_add_cap(&f->pdev, PCI_CAP_ID_VNDR, 16, &off), 0);
	CHECK_EQ(u, off, 0x40);
	CHECK_EQ(u, pci_dev_add_cap(&f->pdev, PCI_CAP_ID_VNDR, 20, &off), 0);
	CHECK_EQ(u, off, 0x50);
	CHECK_EQ(u, pci_dev_add_cap(&f->pdev, PCI_CAP_ID_MSIX, 12, &off), 0);
	CHECK_EQ(u, off, 0x64);
}

static struct pci_host *host_new(struct unit *u)
{
	struct pci_host_map map = {
		.cfg_base = CFG_BASE, .cfg_size = 0x10000000,
		.mem_base = MEM_BASE, .mem_size = MEM_SIZE, .io_size = 0x10000,
	};
	struct pci_host *h = malloc(sizeof(*h));

	CHECK_EQ(u, pci_host_init(h, &map, 1, -1), 0);
	return h;
}

static int cfg_acc(struct pci_host *h, uint64_t off, uint32_t len, bool write,
		   uint64_t *data)
{
	struct mmio_access acc = {
		.offset = off, .len = len, .is_write = write, .data = *data,
	};
	int ret = pci_host_ecam_access(&h->ecam, &acc);

	*data = acc.data;
	return ret;
}

static uint64_t cfg_rd(struct pci_host *h, uint64_t off, uint32_t len)
{
	uint64_t v = 0xdead;

	cfg_acc(h, off, len, false, &v);
	return v;
}

static void cfg_wr(struct pci_host *h, uint64_t off, uint32_t len, uint64_t v)
{
	cfg_acc(h, off, len, true, &v);
}

static int win_acc(struct pci_host *h, uint64_t addr, uint32_t len, bool write,
		   uint64_t *data)
{
	struct mmio_access acc = {
		.offset = addr - MEM_BASE, .len = len, .is_write = write,
		.data = *data,
	};
	int ret = pci_host_window_access(&h->window, &acc);

	*data = acc.data;
	return ret;
}

static void test_ids(struct unit *u, struct pci_host *h)
{
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0), 4), 0x10421af4);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 2), 2), 0x1042);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 1), 2), 0x421a);	/* unaligned: bytes */
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0), 8), 0x0010000210421af4ULL);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 8), 4), 0x01800001);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, PCI_SUBSYSTEM_ID), 2), 0x42);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, PCI_HEADER_TYPE), 1), 0);
	CHECK_EQ(u, cfg_rd(h, ECAM(1, 0), 4), 0x10431af4);
	/* No device: all ones, for an empty slot, function 1, bus 1. */
	CHECK_EQ(u, cfg_rd(h, ECAM(2, 0), 4), 0xffffffff);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0) | 1 << 12, 2), 0xffff);
	CHECK_EQ(u, cfg_rd(h, 1 << 20, 1), 0xff);
	CHECK_EQ(u, cfg_rd(h, ECAM(31, 0), 8), ~0ULL);
	/* The extended space reads zero: no extended capabilities. */
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0x100), 4), 0);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0xffc), 4), 0);
	/* Read-only: IDs, class, header type, status, pin. */
	cfg_wr(h, ECAM(0, 0), 4, 0);
	cfg_wr(h, ECAM(0, 8), 4, 0);
	cfg_wr(h, ECAM(0, PCI_STATUS), 2, 0xffff);
	cfg_wr(h, ECAM(0, PCI_INTERRUPT_PIN), 1, 3);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0), 4), 0x10421af4);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 8), 4), 0x01800001);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, PCI_STATUS), 2), PCI_STATUS_CAP_LIST);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, PCI_INTERRUPT_PIN), 1), 0);	/* no pin */
	/* Interrupt Line: the OS's scratch byte. */
	cfg_wr(h, ECAM(0, PCI_INTERRUPT_LINE), 1, 0x2a);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, PCI_INTERRUPT_LINE), 1), 0x2a);
	/* Only memory, bus master and INTx Disable are writable. */
	cfg_wr(h, ECAM(0, PCI_COMMAND), 2, 0xffff);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, PCI_COMMAND), 2), 0x406);
}

/* pci_find_capability(): the list from 0x34, every ID, to its end. */
static void test_caps(struct unit *u, struct pci_host *h)
{
	static const uint8_t want[] = { PCI_CAP_ID_VNDR, PCI_CAP_ID_VNDR, PCI_CAP_ID_MSIX };
	unsigned int pos = cfg_rd(h, ECAM(0, PCI_CAPABILITY_LIST), 1), n = 0;

	while (pos && n < 48) {
		CHECK(u, pos >= 0x40 && !(pos & 3));
		if (n < sizeof(want))
			CHECK_EQ(u, cfg_rd(h, ECAM(0, pos), 1), want[n]);
		pos = cfg_rd(h, ECAM(0, pos + 1), 1);
		n++;
	}
	CHECK_EQ(u, n, 3);
}

static void test_bars(struct unit *u, struct pci_host *h, struct fdev *a,
		      struct fdev *b)
{
	uint64_t v = 0;

	/* Placed as firmware does, memory decoding on. */
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0x10), 4), MEM_BASE);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0x18), 4), MEM_BASE + 0x10000);
	CHECK_EQ(u, cfg_rd(h, ECAM(1, 0x10), 4), MEM_BASE + 0x20000);
	CHECK_EQ(u, a->moved[0], MEM_BASE);
	CHECK_EQ(u, b->moved[2], MEM_BASE + 0x30000);
	CHECK_EQ(u, win_acc(h, MEM_BASE + 0x10, 4, false, &v), 0);
	CHECK_EQ(u, v, 0xa000);
	CHECK_EQ(u, a->last_off, 0x10);
	CHECK_EQ(u, win_acc(h, MEM_BASE + 0x20ffc, 4, false, &v), 0);
	CHECK_EQ(u, b->last_off, 0xffc);
	/* Straddling a BAR's end, or where none is: nothing. */
	CHECK_EQ(u, win_acc(h, MEM_BASE + 0xffe, 4, false, &v), -ENOENT);
	CHECK_EQ(u, v, 0);
	CHECK_EQ(u, win_acc(h, MEM_BASE + 0x100000, 4, true, &v), -ENOENT);

	/* Linux's sizing: decoding off, all-ones, read back, restore. */
	cfg_wr(h, ECAM(0, PCI_COMMAND), 2, 0);
	CHECK_EQ(u, a->moved[0], PCI_DECODE_NONE);
	CHECK_EQ(u, win_acc(h, MEM_BASE, 4, false, &v), -ENOENT);
	cfg_wr(h, ECAM(0, 0x10), 4, 0xffffffff);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0x10), 4), 0xfffff000);
	cfg_wr(h, ECAM(0, 0x18), 4, 0xffffffff);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0x18), 4), 0xffff0000);
	cfg_wr(h, ECAM(0, 0x14), 4, 0xffffffff);	/* not implemented */
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0x14), 4), 0);
	/* Byte by byte, the same. */
	cfg_wr(h, ECAM(0, 0x10), 1, 0xff);
	cfg_wr(h, ECAM(0, 0x11), 1, 0xff);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0x10), 4), 0xfffff000);
	/* Moved by the guest: the device hears of it once decoding is on. */
	cfg_wr(h, ECAM(0, 0x10), 4, 0x60000000);
	cfg_wr(h, ECAM(0, 0x18), 4, 0x60010000);
	CHECK_EQ(u, a->moved[0], PCI_DECODE_NONE);
	a->log[0] = 0;
	cfg_wr(h, ECAM(0, PCI_COMMAND), 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(u, a->moved[0], 0x60000000);
	CHECK_EQ(u, a->moved[2], 0x60010000);
	CHECK(u, !strcmp(a->log, "+0+2"));
	CHECK_EQ(u, win_acc(h, 0x60000008, 2, true, &v), 0);
	CHECK_EQ(u, a->last_bar, 0);
	CHECK_EQ(u, win_acc(h, MEM_BASE, 4, false, &v), -ENOENT);
}

/* Overlapping BARs both stop decoding; outside the window, nothing. */
static void test_clash(struct unit *u, struct pci_host *h, struct fdev *a,
		       struct fdev *b)
{
	uint64_t v = 0;

	a->log[0] = b->log[0] = 0;
	cfg_wr(h, ECAM(1, 0x10), 4, 0x60000000);	/* onto a's BAR 0 */
	CHECK_EQ(u, a->moved[0], PCI_DECODE_NONE);
	CHECK_EQ(u, b->moved[0], PCI_DECODE_NONE);
	CHECK_EQ(u, win_acc(h, 0x60000000, 4, false, &v), -ENOENT);
	/* Inside a's 64 KiB BAR 2: a clash too. */
	cfg_wr(h, ECAM(1, 0x10), 4, 0x60018000);
	CHECK_EQ(u, a->moved[0], 0x60000000);
	CHECK_EQ(u, a->moved[2], PCI_DECODE_NONE);
	CHECK_EQ(u, b->moved[0], PCI_DECODE_NONE);
	/* Swapped into the place a just left: leaving first, then arriving. */
	cfg_wr(h, ECAM(1, 0x10), 4, 0x70000000);
	CHECK_EQ(u, b->moved[0], 0x70000000);
	CHECK_EQ(u, a->moved[2], 0x60010000);
	b->log[0] = 0;
	cfg_wr(h, ECAM(0, 0x10), 4, 0x70001000);
	cfg_wr(h, ECAM(1, 0x10), 4, 0x60000000);
	CHECK_EQ(u, a->moved[0], 0x70001000);
	CHECK_EQ(u, b->moved[0], 0x60000000);
	CHECK(u, !strcmp(b->log, "-0+0"));
	/* The GIC, RAM, the window's end, the ECAM space: never decoded. */
	cfg_wr(h, ECAM(1, 0x10), 4, 0x3fff0000);
	CHECK_EQ(u, b->moved[0], PCI_DECODE_NONE);
	cfg_wr(h, ECAM(1, 0x10), 4, 0x80000000);
	CHECK_EQ(u, b->moved[0], PCI_DECODE_NONE);
	cfg_wr(h, ECAM(0, 0x18), 4, 0x7fff0000);	/* the last 64 KiB: fine */
	CHECK_EQ(u, a->moved[2], 0x7fff0000);
	cfg_wr(h, ECAM(1, 0x10), 4, 0x40000000);
	CHECK_EQ(u, b->moved[0], PCI_DECODE_NONE);
	cfg_wr(h, ECAM(1, 0x10), 4, 0x50000000);
	CHECK_EQ(u, b->moved[0], 0x50000000);
	CHECK_EQ(u, win_acc(h, 0x50000000, 4, false, &v), 0);
	CHECK_EQ(u, v, 0xa000);
}

static void test_intx(struct unit *u, struct pci_host *h, struct fdev *a)
{
	struct rec_line rl = { 0 };
	struct irq_line line = { .ops = &rec_ops, .chip = &rl, .spi = 3, .irqfd = -1 };

	pci_dev_set_pin(&a->pdev, &line);
	pci_dev_set_intx(&a->pdev, true);
	CHECK_EQ(u, rl.level, 1);
	CHECK(u, cfg_rd(h, ECAM(0, PCI_STATUS), 2) & PCI_STATUS_INTERRUPT);
	/* INTx Disable: the line drops, the status still says pending. */
	cfg_wr(h, ECAM(0, PCI_COMMAND), 2, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	CHECK_EQ(u, rl.level, 0);
	CHECK(u, cfg_rd(h, ECAM(0, PCI_STATUS), 2) & PCI_STATUS_INTERRUPT);
	pci_dev_set_intx(&a->pdev, false);
	pci_dev_set_intx(&a->pdev, true);
	CHECK_EQ(u, rl.level, 0);
	cfg_wr(h, ECAM(0, PCI_COMMAND), 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(u, rl.level, 1);
	pci_dev_set_intx(&a->pdev, false);
	CHECK_EQ(u, rl.level, 0);
	CHECK(u, !(cfg_rd(h, ECAM(0, PCI_STATUS), 2) & PCI_STATUS_INTERRUPT));
	CHECK_EQ(u, rl.sets, 4);	/* only changes reach the line */
	pci_dev_set_pin(&a->pdev, NULL);
}

/* Malformed accesses fail cleanly; random ones never break the IDs. */
static void test_any_access(struct unit *u, struct pci_host *h)
{
	uint64_t v = 7;
	unsigned int i;

	CHECK_EQ(u, cfg_acc(h, ECAM(0, 0), 0, false, &v), -EINVAL);
	CHECK_EQ(u, v, 0);
	CHECK_EQ(u, cfg_acc(h, ECAM(0, 0), 9, false, &v), -EINVAL);
	CHECK_EQ(u, cfg_acc(h, ECAM(0, 0xffe), 4, false, &v), -EINVAL);
	CHECK_EQ(u, cfg_acc(h, ECAM(0, 0xff8), 8, true, &v), 0);
	srand(1);
	for (i = 0; i < 20000; i++) {
		uint64_t off = ECAM(rand() % 3, rand() % 0x1000);
		uint32_t len = rand() % 10;

		v = ((uint64_t)rand() << 32) | rand();
		cfg_acc(h, off, len, rand() & 1, &v);
		v = 0;
		win_acc(h, MEM_BASE + rand() % 0x100000, len, rand() & 1, &v);
	}
	CHECK_EQ(u, cfg_rd(h, ECAM(0, 0), 4), 0x10421af4);
	CHECK_EQ(u, cfg_rd(h, ECAM(1, 0), 4), 0x10431af4);
	CHECK_EQ(u, cfg_rd(h, ECAM(0, PCI_CAPABILITY_LIST), 1), 0x40);
}

static void test_limits(struct unit *u)
{
	struct pci_host *h = host_new(u);
	static struct fdev many[PCI_HOST_SLOTS + 1];
	struct pci_dev_id id = { .vendor = 1 };
	unsigned int i;
	uint8_t off;

	for (i = 0; i <= PCI_HOST_SLOTS; i++) {
		CHECK_EQ(u, pci_dev_init(&many[i].pdev, &id, &fdev_ops, &many[i]), 0);
		CHECK_EQ(u, pci_dev_add_bar(&many[i].pdev, 0, 0x1000), 0);
		CHECK_EQ(u, pci_host_add(h, &many[i].pdev), i < PCI_HOST_SLOTS ? 0 : -ENOSPC);
	}
	CHECK_EQ(u, cfg_rd(h, ECAM(31, 0x10), 4), MEM_BASE + 31 * 0x1000);
	CHECK_EQ(u, pci_dev_add_bar(&many[0].pdev, 1, 0x1800), -EINVAL);
	CHECK_EQ(u, pci_dev_add_bar(&many[0].pdev, 1, 8), -EINVAL);
	CHECK_EQ(u, pci_dev_add_bar(&many[0].pdev, 6, 0x1000), -EINVAL);
	CHECK_EQ(u, pci_dev_add_bar(&many[0].pdev, 0, 0x1000), -EINVAL);
	for (i = 0; i < 48; i++)
		if (pci_dev_add_cap(&many[0].pdev, PCI_CAP_ID_VNDR, 16, &off))
			break;
	CHECK_EQ(u, i, 12);	/* 0x40 to 0xff, 16 bytes each */
	for (i = 0; i <= PCI_HOST_SLOTS; i++)
		pci_dev_destroy(&many[i].pdev);
	pci_host_destroy(h);
	free(h);
}

int main(void)
{
	struct unit u = { 0 };
	struct pci_host *h = host_new(&u);
	struct fdev a, b;

	fdev_init(&u, &a, 0x1042);
	fdev_init(&u, &b, 0x1043);
	CHECK_EQ(&u, pci_host_add(h, &a.pdev), 0);
	CHECK_EQ(&u, pci_host_add(h, &b.pdev), 0);
	test_ids(&u, h);
	test_caps(&u, h);
	test_bars(&u, h, &a, &b);
	test_clash(&u, h, &a, &b);
	test_intx(&u, h, &a);
	CHECK(&u, a.written > 0);
	test_any_access(&u, h);
	test_limits(&u);
	pci_dev_destroy(&a.pdev);
	pci_dev_destroy(&b.pdev);
	pci_host_destroy(h);
	free(h);
	return unit_done(&u, "test-pci");
}
