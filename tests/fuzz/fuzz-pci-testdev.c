// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI test device (devices/pci/pci-testdev.c) behind the host
 * bridge, under a guest that makes any config access and any access
 * of any width to its memory BAR and the I/O window, with BARs moved
 * and decoding turned on and off at random.
 *
 * Input: operations, each an opcode byte (modulo 6):
 *   0 config write to the command register, BAR 0 or BAR 1: u8 which,
 *     u32 value
 *   1 ECAM access: u16 offset, u8 len, u8 write, u64 data
 *   2 memory window access near BAR 0: u16 offset, u8 len, u8 write, u64 data
 *   3 I/O window access: u16 port, u8 len, u8 write, u64 data
 *   4 select a test through a BAR: u8 bar, u8 number
 *   5 write to the selected test's offset: u8 bar, u8 len, u64 data
 *
 * Checked against a reference that applies QEMU's rules a byte at a
 * time to every access that reached a decoding BAR: the selected test
 * (a test byte of 3 or more selects nothing), its count (only its byte
 * at its offset counts, with its data unless it is the wildcard test),
 * and every header byte a read returns; an access where nothing
 * decodes reads 0 and changes nothing; I/O Space stays writable.
 */
#include <errno.h>

#include "devices/pci/host.h"
#include "devices/pci/pci-testdev.h"
#include "tests/fuzz/fuzz.h"

#define MEM_BASE	0x50000000ULL
#define MEM_SIZE	0x30000000ULL
#define IO_SIZE		0x10000ULL

struct ref {
	int current;
	uint32_t count;
};

struct fz {
	struct pci_host h;
	struct pci_testdev t;
	struct ref ref;
};

static const char *const ref_names[] = {
	"mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd",
	"portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd",
};

static uint32_t ref_offset(int c)
{
	return (c < 3 ? 0x800 : 0x80) + c;
}

static uint8_t ref_data(int c)
{
	return c % 3 == 1 ? 0xce : 0xfa;
}

static uint8_t ref_byte(const struct ref *r, uint64_t off)
{
	uint8_t hdr[16 + 32] = { 0 };

	if (r->current < 0)
		return 0;
	hdr[0] = r->current;
	hdr[1] = 1;
	memcpy(hdr + 4, &(uint32_t){ ref_offset(r->current) }, 4);
	hdr[8] = ref_data(r->current);
	memcpy(hdr + 12, &r->count, 4);
	memcpy(hdr + 16, ref_names[r->current], strlen(ref_names[r->current]));
	return off < sizeof(hdr) ? hdr[off] : 0;
}

static void ref_write(struct ref *r, unsigned int bar, uint64_t off, uint8_t v)
{
	if (!off) {
		r->current = v < 3 ? (int)(bar * 3 + v) : -1;
		r->count = 0;
		return;
	}
	if (r->current >= 0 && off == ref_offset(r->current) &&
	    (r->current % 3 == 1 || v == ref_data(r->current)))
		r->count++;
}

static void fz_setup(struct fz *z)
{
	struct pci_host_map map = {
		.cfg_base = 0x40000000, .cfg_size = 0x10000000,
		.mem_base = MEM_BASE, .mem_size = MEM_SIZE, .io_size = IO_SIZE,
	};
	struct device_ctx ctx = { .loglevel = -1 };

	FUZZ_CHECK_EQ(pci_host_init(&z->h, &map, 1, -1), 0);
	FUZZ_CHECK_EQ(pci_testdev_init(&z->t, &ctx), 0);
	FUZZ_CHECK_EQ(pci_host_add(&z->h, &z->t.pdev), 0);
	z->ref.current = -1;
}

static uint32_t fz_len(struct fuzz_input *in)
{
	uint32_t len = fuzz_u8(in);

	return len == 0xff ? 0xffffffff : len % 10;
}

/* The BAR decoding addr (a CPU address), or -1. */
static int fz_bar_at(struct fz *z, uint64_t addr, uint32_t len, uint64_t *off)
{
	unsigned int b;

	for (b = 0; b < 2; b++) {
		uint64_t at = z->t.pdev.decode[b], size = z->t.pdev.bar_size[b];

		if (at != PCI_DECODE_NONE && addr >= at && addr - at < size &&
		    len <= size - (addr - at)) {
			*off = addr - at;
			return b;
		}
	}
	return -1;
}

static void fz_access(struct fz *z, uint64_t addr, uint32_t len, bool write,
		      uint64_t data)
{
	struct mmio_region *w = addr >= MEM_BASE ? &z->h.window : &z->h.io;
	struct mmio_access acc = { .offset = addr - w->base, .len = len,
				   .is_write = write, .data = data };
	bool ok = len >= 1 && len <= 8;
	uint64_t off = 0, want = 0;
	int bar = fz_bar_at(z, addr, len, &off), ret;
	uint32_t i;

	ret = pci_host_window_access(w, &acc);
	if (bar < 0) {
		FUZZ_CHECK(ret);
	} else if (!ok) {
		FUZZ_CHECK_EQ(ret, -EINVAL);
	} else {
		FUZZ_CHECK_EQ(ret, 0);
		for (i = 0; i < len; i++) {
			if (write)
				ref_write(&z->ref, bar, off + i, data >> (8 * i));
			else
				want |= (uint64_t)ref_byte(&z->ref, off + i) << (8 * i);
		}
	}
	if (!write)
		FUZZ_CHECK_EQ(acc.data, want);
}

static void fz_cfg(struct fz *z, uint64_t off, uint32_t len, bool write,
		   uint64_t data)
{
	struct mmio_access acc = { .offset = off, .len = len, .is_write = write,
				   .data = data };

	pci_host_ecam_access(&z->h.ecam, &acc);
}

static uint64_t fz_reg(struct fz *z, unsigned int bar)
{
	uint64_t at = z->t.pdev.decode[bar];

	return at == PCI_DECODE_NONE ? (bar ? 0 : MEM_BASE) : at;
}

static void fz_op(struct fz *z, unsigned int op, struct fuzz_input *in)
{
	static const uint8_t regs[] = { PCI_COMMAND, PCI_BASE_ADDRESS_0,
					 PCI_BASE_ADDRESS_0 + 4 };
	uint64_t off, data;
	uint32_t len;
	bool write;
	unsigned int bar;

	switch (op) {
	case 0:
		off = regs[fuzz_u8(in) % 3];
		fz_cfg(z, off, off == PCI_COMMAND ? 2 : 4, true, fuzz_u32(in));
		break;
	case 1:
		off = fuzz_u16(in) % 0x1000;
		len = fz_len(in);
		write = fuzz_u8(in) & 1;
		fz_cfg(z, off, len, write, fuzz_u64(in));
		break;
	case 2:
		off = fuzz_u16(in) % 0x2000;
		len = fz_len(in);
		write = fuzz_u8(in) & 1;
		data = fuzz_u64(in);
		fz_access(z, fz_reg(z, 0) + off, len, write, data);
		break;
	case 3:
		off = fuzz_u16(in) % IO_SIZE;
		len = fz_len(in);
		write = fuzz_u8(in) & 1;
		fz_access(z, off, len, write, fuzz_u64(in));
		break;
	case 4:
		bar = fuzz_u8(in) & 1;
		fz_access(z, fz_reg(z, bar), 1, true, fuzz_u8(in) % 5);
		break;
	case 5:
		bar = fuzz_u8(in) & 1;
		len = fz_len(in);
		data = fuzz_u64(in);
		if (z->ref.current >= 0)
			fz_access(z, fz_reg(z, bar) + ref_offset(z->ref.current),
				  len, true, data);
		break;
	}
}

static void fz_check(struct fz *z)
{
	uint64_t cmd;

	FUZZ_CHECK_EQ(z->t.current, z->ref.current);
	if (z->ref.current >= 0)
		FUZZ_CHECK_EQ(z->t.count, z->ref.count);
	FUZZ_CHECK_EQ(z->t.bound, PCI_DECODE_NONE);	/* no KVM here */
	FUZZ_CHECK_EQ(z->t.bar_at[0], z->t.pdev.decode[0]);
	FUZZ_CHECK_EQ(z->t.bar_at[1], z->t.pdev.decode[1]);
	FUZZ_CHECK_EQ(pci_cfg_read(&z->t.pdev, PCI_BASE_ADDRESS_0 + 4, 4, &cmd), 0);
	FUZZ_CHECK_EQ(cmd & 0xff, (cmd & 0xfc) | PCI_BASE_ADDRESS_SPACE_IO);
	FUZZ_CHECK_EQ(pci_cfg_read(&z->t.pdev, PCI_COMMAND, 2, &cmd), 0);
	FUZZ_CHECK(!(cmd & ~0x407ULL));
	if (z->t.pdev.decode[1] != PCI_DECODE_NONE)
		FUZZ_CHECK(cmd & PCI_COMMAND_IO);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz *z = calloc(1, sizeof(*z));
	struct fuzz_input in;

	if (!z)
		return 0;
	fuzz_input_init(&in, data, size);
	fz_setup(z);
	while (!fuzz_input_done(&in)) {
		fz_op(z, fuzz_u8(&in) % 6, &in);
		fz_check(z);
	}
	pci_testdev_destroy(&z->t);
	pci_host_destroy(&z->h);
	free(z);
	return 0;
}
