// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI test device (devices/pci/pci-testdev.c) behind the host
 * bridge, as kvm-unit-tests' pci-test drives it: its IDs and BARs
 * through ECAM, BAR 1 in the I/O window (at port 0, where the test
 * puts it), each BAR's three tests run as lib/pci-testdev.c runs them,
 * and what QEMU's device does with other writes: the wrong data, other
 * widths, a test number out of range, I/O decoding off. The host here
 * has no KVM, so the eventfd tests' writes reach the model, which
 * counts them by the rule KVM's ioeventfd applies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci/host.h"
#include "devices/pci/pci-testdev.h"
#include "lib/snapshot.h"
#include "tests/unit.h"

#define MEM_BASE	0x50000000ULL
#define MEM_SIZE	0x30000000ULL
#define IO_BASE		0x0ULL
#define IO_SIZE		0x10000ULL
#define ECAM(reg)	((uint64_t)(reg))	/* slot 0 */
#define NR_WRITES	16

struct rig {
	struct pci_host h;
	struct pci_testdev t;
};

static void rig_init(struct unit *u, struct rig *r)
{
	struct pci_host_map map = {
		.cfg_base = 0x40000000, .cfg_size = 0x10000000,
		.mem_base = MEM_BASE, .mem_size = MEM_SIZE,
		.io_base = IO_BASE, .io_size = IO_SIZE,
	};
	struct device_ctx ctx = { .loglevel = -1 };

	CHECK_EQ(u, pci_host_init(&r->h, &map, 1, -1), 0);
	CHECK_EQ(u, pci_testdev_init(&r->t, &ctx), 0);
	CHECK_EQ(u, r->t.efd, -1);	/* no ioeventfds without KVM */
	CHECK_EQ(u, pci_host_add(&r->h, &r->t.pdev), 0);
}

static void rig_destroy(struct rig *r)
{
	pci_testdev_destroy(&r->t);
	pci_host_destroy(&r->h);
}

static uint64_t cfg_rd(struct rig *r, uint64_t off, uint32_t len)
{
	struct mmio_access acc = { .offset = ECAM(off), .len = len };

	pci_host_ecam_access(&r->h.ecam, &acc);
	return acc.data;
}

static void cfg_wr(struct rig *r, uint64_t off, uint32_t len, uint64_t v)
{
	struct mmio_access acc = { .offset = ECAM(off), .len = len,
				   .is_write = true, .data = v };

	pci_host_ecam_access(&r->h.ecam, &acc);
}

/* A guest access at CPU address addr, through the window holding it. */
static int bus_acc(struct rig *r, uint64_t addr, uint32_t len, bool write,
		   uint64_t *data)
{
	struct mmio_region *w = addr >= MEM_BASE ? &r->h.window : &r->h.io;
	struct mmio_access acc = { .offset = addr - w->base, .len = len,
				   .is_write = write, .data = *data };
	int ret = pci_host_window_access(w, &acc);

	*data = acc.data;
	return ret;
}

static uint64_t rd(struct rig *r, uint64_t addr, uint32_t len)
{
	uint64_t v = 0xdead;

	bus_acc(r, addr, len, false, &v);
	return v;
}

static void wr(struct rig *r, uint64_t addr, uint32_t len, uint64_t v)
{
	bus_acc(r, addr, len, true, &v);
}

static void test_config(struct unit *u, struct rig *r)
{
	CHECK_EQ(u, cfg_rd(r, 0x00, 4), 0x00051b36);
	CHECK_EQ(u, cfg_rd(r, 0x08, 4), 0x00ff0000);	/* class 00, sub ff */
	CHECK_EQ(u, cfg_rd(r, 0x2c, 4), 0x11001af4);
	CHECK_EQ(u, cfg_rd(r, 0x0e, 1), 0);
	CHECK_EQ(u, cfg_rd(r, 0x3d, 1), 0);		/* no pin */
	/* As the bridge left it: memory and I/O on, BARs in their windows. */
	CHECK_EQ(u, cfg_rd(r, 0x04, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	CHECK_EQ(u, cfg_rd(r, 0x10, 4), MEM_BASE);
	CHECK_EQ(u, cfg_rd(r, 0x14, 4), 0x1000 | PCI_BASE_ADDRESS_SPACE_IO);
	CHECK_EQ(u, r->t.pdev.decode[1], IO_BASE + 0x1000);
	/* Sizing: memory 4 KiB, I/O 256 bytes, type bits kept. */
	cfg_wr(r, 0x10, 4, 0xffffffff);
	CHECK_EQ(u, cfg_rd(r, 0x10, 4), 0xfffff000);
	cfg_wr(r, 0x14, 4, 0xffffffff);
	CHECK_EQ(u, cfg_rd(r, 0x14, 4), 0xffffff01);
	CHECK_EQ(u, cfg_rd(r, 0x18, 4), 0);		/* no BAR 2 */
	/* Placed as pci-test places them: BAR 1 at port 0, address 0. */
	cfg_wr(r, 0x10, 4, MEM_BASE + 0x10000);
	cfg_wr(r, 0x14, 4, 0);
	cfg_wr(r, 0x04, 2, 0x0143);	/* SERR and parity: not there */
	CHECK_EQ(u, cfg_rd(r, 0x04, 2), 0x0003);
	CHECK_EQ(u, cfg_rd(r, 0x14, 4), PCI_BASE_ADDRESS_SPACE_IO);
	CHECK_EQ(u, r->t.pdev.decode[0], MEM_BASE + 0x10000);
	CHECK_EQ(u, r->t.pdev.decode[1], IO_BASE);
}

/*
 * lib/pci-testdev.c's pci_testdev_one() on the BAR at base: true when
 * the test is there and counts its 16 writes.
 */
static bool kut_one(struct unit *u, struct rig *r, uint64_t base, int n,
		    const char *name)
{
	uint32_t width, off, count, i;
	uint8_t sig;
	char got[32];

	wr(r, base + PCI_TESTDEV_TEST, 1, n);
	if (rd(r, base + PCI_TESTDEV_COUNT, 4) != 0)
		return false;
	width = rd(r, base + PCI_TESTDEV_WIDTH, 1);
	if (width != 1 && width != 2 && width != 4)
		return false;
	sig = rd(r, base + PCI_TESTDEV_DATA, 4);
	off = rd(r, base + PCI_TESTDEV_OFFSET, 4);
	for (i = 0; i < NR_WRITES; i++)
		wr(r, base + off, width, sig);
	count = rd(r, base + PCI_TESTDEV_COUNT, 4);
	for (i = 0; i + 1 < sizeof(got); i++)
		if (!(got[i] = rd(r, base + PCI_TESTDEV_NAME + i, 1)))
			break;
	got[i] = 0;
	CHECK(u, !strcmp(got, name));
	return count == NR_WRITES;
}

static void test_kut(struct unit *u, struct rig *r)
{
	static const char *const names[] = {
		"mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd",
		"portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd",
	};
	uint64_t mem = MEM_BASE + 0x10000, io = IO_BASE;
	int n, passed = 0;

	for (n = 0; n < 3; n++)
		passed += kut_one(u, r, mem, n, names[n]);
	for (n = 0; n < 3; n++)
		passed += kut_one(u, r, io, n, names[3 + n]);
	CHECK_EQ(u, passed, 6);
	/* The header of BAR 1's datamatch test, as QEMU numbers it. */
	CHECK_EQ(u, rd(r, io + PCI_TESTDEV_TEST, 1), 5);
	CHECK_EQ(u, rd(r, io + PCI_TESTDEV_OFFSET, 4), 0x80 + 5);
	CHECK_EQ(u, rd(r, io + PCI_TESTDEV_DATA, 4), 0xfa);
	/* The next number: nothing selected, so pci-test stops at 6. */
	CHECK(u, !kut_one(u, r, io, 3, ""));
	CHECK_EQ(u, r->t.current, PCI_TESTDEV_NONE);
	CHECK_EQ(u, rd(r, mem + PCI_TESTDEV_WIDTH, 1), 0);
}

/* Writes that must not count, and the byte-wide rule for wider ones. */
static void test_matching(struct unit *u, struct rig *r)
{
	uint64_t mem = MEM_BASE + 0x10000, at;

	wr(r, mem, 1, 2);			/* mmio-datamatch-eventfd */
	at = mem + rd(r, mem + PCI_TESTDEV_OFFSET, 4);
	wr(r, at, 1, 0xce);			/* other data */
	wr(r, at + 1, 1, 0xfa);			/* other address */
	CHECK_EQ(u, rd(r, mem + PCI_TESTDEV_COUNT, 4), 0);
	wr(r, at, 4, 0x123456fa);		/* its byte at the offset: counts */
	wr(r, at - 1, 2, 0xfa00);		/* so here */
	CHECK_EQ(u, rd(r, mem + PCI_TESTDEV_COUNT, 4), 2);
	wr(r, mem, 4, 1);			/* wildcard: any data */
	at = mem + rd(r, mem + PCI_TESTDEV_OFFSET, 4);
	wr(r, at, 1, 0x00);
	wr(r, at, 1, 0xff);
	CHECK_EQ(u, rd(r, mem + PCI_TESTDEV_COUNT, 1), 2);
	/* A test selected through one BAR answers on both, as QEMU's. */
	CHECK_EQ(u, rd(r, IO_BASE + PCI_TESTDEV_TEST, 1), 1);
	/* Reselecting zeroes the count; bad widths do nothing. */
	wr(r, mem, 1, 1);
	CHECK_EQ(u, rd(r, mem + PCI_TESTDEV_COUNT, 4), 0);
	CHECK_EQ(u, bus_acc(r, mem, 0, true, &at), -EINVAL);
	CHECK_EQ(u, rd(r, mem + PCI_TESTDEV_TEST, 1), 1);
	/* The whole header in one read, and past the name's end. */
	CHECK_EQ(u, rd(r, mem, 8), 0x0000080100000101ULL);
	CHECK_EQ(u, rd(r, mem + 0xff8, 8), 0);
}

/* I/O decoding off, or BAR 1 outside the window: nothing answers. */
static void test_io_decode(struct unit *u, struct rig *r)
{
	wr(r, IO_BASE, 1, 0);
	CHECK_EQ(u, rd(r, IO_BASE + PCI_TESTDEV_WIDTH, 1), 1);
	cfg_wr(r, 0x04, 2, PCI_COMMAND_MEMORY);
	CHECK_EQ(u, r->t.pdev.decode[1], PCI_DECODE_NONE);
	CHECK_EQ(u, rd(r, IO_BASE + PCI_TESTDEV_WIDTH, 1), 0);
	CHECK_EQ(u, rd(r, MEM_BASE + 0x10000 + PCI_TESTDEV_WIDTH, 1), 1);
	cfg_wr(r, 0x04, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	CHECK_EQ(u, rd(r, IO_BASE + PCI_TESTDEV_WIDTH, 1), 1);
	cfg_wr(r, 0x14, 4, IO_SIZE);		/* port 64 Ki: past the window */
	CHECK_EQ(u, r->t.pdev.decode[1], PCI_DECODE_NONE);
	CHECK_EQ(u, rd(r, IO_BASE + PCI_TESTDEV_WIDTH, 1), 0);
	cfg_wr(r, 0x14, 4, IO_SIZE - 0x100);	/* the window's last 256 bytes */
	CHECK_EQ(u, r->t.pdev.decode[1], IO_BASE + IO_SIZE - 0x100);
	CHECK_EQ(u, rd(r, IO_BASE + IO_SIZE - 0x100 + PCI_TESTDEV_WIDTH, 1), 1);
	/* Memory decoding off leaves the I/O BAR alone. */
	cfg_wr(r, 0x04, 2, PCI_COMMAND_IO);
	CHECK_EQ(u, r->t.pdev.decode[0], PCI_DECODE_NONE);
	CHECK_EQ(u, r->t.pdev.decode[1], IO_BASE + IO_SIZE - 0x100);
}

/* A function without I/O BARs keeps I/O Space clear, as before. */
static void test_no_io(struct unit *u)
{
	static const struct pci_dev_ops ops;
	struct pci_dev_id id = { .vendor = 0x1af4, .device = 0x1041 };
	struct pci_dev p;
	uint64_t v;
	unsigned int changed;

	CHECK_EQ(u, pci_dev_init(&p, &id, &ops, NULL), 0);
	CHECK_EQ(u, pci_dev_add_bar(&p, 0, 0x1000), 0);
	CHECK_EQ(u, pci_dev_add_io_bar(&p, 0, 0x100), -EINVAL);	/* taken */
	CHECK_EQ(u, pci_dev_add_io_bar(&p, 1, 0x200), -EINVAL);	/* > 256 */
	CHECK_EQ(u, pci_dev_add_io_bar(&p, 1, 2), -EINVAL);
	CHECK_EQ(u, pci_dev_add_io_bar(&p, 1, 0x30), -EINVAL);
	pci_cfg_write(&p, PCI_COMMAND, 2, 0xffff, &changed);
	pci_cfg_read(&p, PCI_COMMAND, 2, &v);
	CHECK_EQ(u, v, 0x0406);
	CHECK(u, !pci_dev_io_enabled(&p));
	pci_dev_destroy(&p);
}

/* ---- snapshots ---- */

/* A host with ioeventfds: where the selected test's sits, if anywhere. */
struct efd_host {
	int on;
	uint64_t addr;
	bool datamatch;
};

static int efd_host_ioeventfd(void *host, uint64_t addr, uint32_t len, bool match,
			      uint64_t datamatch, int fd, bool on)
{
	struct efd_host *e = host;

	e->on += on ? 1 : -1;
	e->addr = addr;
	e->datamatch = match && datamatch == 0xfa && len == 1 && fd >= 0;
	return 0;
}

static const struct device_host_ops efd_host_ops = { .ioeventfd = efd_host_ioeventfd };

static void snap_rig(struct unit *u, struct rig *r, struct efd_host *e)
{
	struct pci_host_map map = {
		.cfg_base = 0x40000000, .cfg_size = 0x10000000,
		.mem_base = MEM_BASE, .mem_size = MEM_SIZE,
		.io_base = IO_BASE, .io_size = IO_SIZE,
	};
	struct device_ctx ctx = { .loglevel = -1, .host_ops = &efd_host_ops, .host = e };

	memset(e, 0, sizeof(*e));
	CHECK_EQ(u, pci_host_init(&r->h, &map, 1, -1), 0);
	CHECK_EQ(u, pci_testdev_init(&r->t, &ctx), 0);
	CHECK_EQ(u, pci_host_add(&r->h, &r->t.pdev), 0);
}

/*
 * The guest moved BAR 0, selected mmio-datamatch-eventfd and made 3
 * writes count: a fresh function restored from that decodes BAR 0
 * where the guest put it (moved there or already there), its
 * ioeventfd on the test's byte there,
 * reads the count 3 and counts on. Bad records are refused.
 */
static void test_snapshot(struct unit *u)
{
	uint64_t at = MEM_BASE + 0x20000;
	struct rig *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct efd_host ea, eb;
	struct snapshot s = { 0 }, in;
	int i;

	if (!a || !b)
		goto out;
	snap_rig(u, a, &ea);
	cfg_wr(a, 0x10, 4, at);
	wr(a, at, 1, 2);
	CHECK_EQ(u, ea.on, 1);
	CHECK_EQ(u, ea.addr, at + 0x802);
	for (i = 0; i < 3; i++)
		wr(a, at + 0x802, 1, 0xfa);
	CHECK_EQ(u, pci_testdev_save(&a->t, &s), 0);

	snap_rig(u, b, &eb);
	CHECK_EQ(u, eb.on, 0);
	in = (struct snapshot){ .rd = s.buf, .rd_len = s.len };
	CHECK_EQ(u, pci_testdev_restore(&b->t, &in), 0);
	CHECK_EQ(u, b->t.pdev.decode[0], at);
	CHECK_EQ(u, eb.on, 1);
	CHECK_EQ(u, eb.addr, at + 0x802);
	CHECK(u, eb.datamatch);
	CHECK_EQ(u, rd(b, at + PCI_TESTDEV_COUNT, 4), 3);
	CHECK_EQ(u, rd(b, at + PCI_TESTDEV_NAME, 4), 0x6f696d6d);	/* "mmio" */
	wr(b, at + 0x802, 1, 0xfa);
	CHECK_EQ(u, rd(b, at + PCI_TESTDEV_COUNT, 4), 4);
	rig_destroy(b);

	/* BAR 0 already where the guest had it: no move, bound all the same. */
	snap_rig(u, b, &eb);
	cfg_wr(b, 0x10, 4, at);
	in = (struct snapshot){ .rd = s.buf, .rd_len = s.len };
	CHECK_EQ(u, pci_testdev_restore(&b->t, &in), 0);
	CHECK_EQ(u, eb.on, 1);
	CHECK_EQ(u, eb.addr, at + 0x802);
	rig_destroy(b);

	/* Short, with a foreign tag, a test out of range, trailing bytes. */
	snap_rig(u, b, &eb);
	in = (struct snapshot){ .rd = s.buf, .rd_len = s.len - 1 };
	CHECK_EQ(u, pci_testdev_restore(&b->t, &in), -EINVAL);
	s.buf[0] ^= 1;
	in = (struct snapshot){ .rd = s.buf, .rd_len = s.len };
	CHECK_EQ(u, pci_testdev_restore(&b->t, &in), -EINVAL);
	s.buf[0] ^= 1;
	s.buf[8] = 6;
	in = (struct snapshot){ .rd = s.buf, .rd_len = s.len };
	CHECK_EQ(u, pci_testdev_restore(&b->t, &in), -EINVAL);
	s.buf[8] = 2;
	snapshot_put_u32(&s, 0);
	in = (struct snapshot){ .rd = s.buf, .rd_len = s.len };
	CHECK_EQ(u, pci_testdev_restore(&b->t, &in), -EINVAL);
	CHECK_EQ(u, eb.on, 0);
	CHECK_EQ(u, b->t.current, PCI_TESTDEV_NONE);
	rig_destroy(b);
	rig_destroy(a);
out:
	snapshot_free(&s);
	free(a);
	free(b);
}

int main(void)
{
	struct unit u = { 0 };
	struct rig *r = calloc(1, sizeof(*r));

	if (!r)
		return 1;
	rig_init(&u, r);
	test_config(&u, r);
	test_kut(&u, r);
	test_matching(&u, r);
	test_io_decode(&u, r);
	rig_destroy(r);
	test_no_io(&u);
	test_snapshot(&u);
	free(r);
	return unit_done(&u, "test-pci-testdev");
}
