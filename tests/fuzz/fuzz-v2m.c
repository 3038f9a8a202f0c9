// SPDX-License-Identifier: GPL-2.0
/*
 * The GICv2m frame (gic/v2m.c) in front of the userspace GIC, as
 * --irqchip=user wires it: guest accesses to the frame of any offset,
 * width and value, device messages of any address and data, and
 * distributor and CPU interface accesses that configure, acknowledge
 * and complete the SPIs it raises.
 *
 * Input:
 *   u8 first    the frame's first INTID: 32 + first % 64
 *   u8 count    its SPIs: 1 + count % 64
 *   operations  an opcode byte (modulo OP_COUNT), then its arguments;
 *               see the op_*() functions below.
 *
 * Invariants, after every operation:
 * - a frame access returns 0 exactly when it is 1, 2 or 4 bytes,
 *   naturally aligned, inside the 4 KiB; a refused read reads 0;
 * - reads return MSI_TYPER's bytes at 0x008, zero elsewhere;
 * - a write raises exactly one SPI when it is a word or halfword at
 *   MSI_SETSPI_NS whose bits [9:0] name an SPI of the range, that SPI,
 *   and nothing otherwise; a message does the same when its address is
 *   the doorbell;
 * - a raised SPI configured as an edge is then pending or active in
 *   the distributor; nothing else ever becomes pending through the
 *   frame.
 */
#include <errno.h>

#include "gic/ugic.h"
#include "gic/v2m.h"
#include "machine/memmap.h"
#include "tests/fuzz/fuzz.h"

#define BASE		(MEMMAP_GICV2_CPU_BASE - V2M_FRAME_SIZE)
#define GICD_ISPENDR	0x200
#define GICD_ISACTIVER	0x300
#define GICD_ICFGR	0xc00
#define GICC_IAR	0x0c
#define GICC_EOIR	0x10
#define NR_CPUS		2

enum v2m_op { OP_FRAME, OP_MSG, OP_DIST, OP_CPUIF, OP_ACK, OP_COUNT };

struct v2m_fuzz {
	struct v2m_frame frame;
	struct mmio_region reg, dist, cpu;
	struct ugic *gic;
	uint32_t nr_irqs;
	unsigned int raises;
	int last_spi;
};

static int fz_raise(void *opaque, unsigned int spi)
{
	struct v2m_fuzz *z = opaque;

	z->raises++;
	z->last_spi = spi;
	ugic_set_spi_level(z->gic, 32 + spi, true);
	ugic_set_spi_level(z->gic, 32 + spi, false);
	return 0;
}

static void fz_line(void *opaque, int cpu, bool level)
{
}

static uint32_t greg(struct mmio_region *r, int cpu, uint64_t off, bool write,
		     uint32_t val)
{
	struct mmio_access acc = {
		.offset = off, .len = 4, .is_write = write, .data = val,
		.cpu = cpu,
	};

	r->handler(r, &acc);
	return acc.data;
}

static bool bit(struct v2m_fuzz *z, uint32_t base, uint32_t intid)
{
	return greg(&z->dist, 0, base + intid / 32 * 4, false, 0) &
	       (1u << intid % 32);
}

/* The INTID a write of v raises, or 0 for none. */
static uint32_t fz_target(struct v2m_fuzz *z, uint32_t v)
{
	uint32_t intid = v & V2M_SPI_MASK;

	if (intid < z->frame.first_intid ||
	    intid >= z->frame.first_intid + z->frame.nr_spis)
		return 0;
	return intid;
}

static void fz_after_raise(struct v2m_fuzz *z, unsigned int before,
			   uint32_t want)
{
	uint32_t cfg;

	if (!want) {
		FUZZ_CHECK_EQ(z->raises, before);
		return;
	}
	FUZZ_CHECK_EQ(z->raises, before + 1);
	FUZZ_CHECK_EQ(z->last_spi + 32, want);
	cfg = greg(&z->dist, 0, GICD_ICFGR + want / 16 * 4, false, 0);
	if (cfg & (2u << (want % 16 * 2)))
		FUZZ_CHECK(bit(z, GICD_ISPENDR, want) ||
			   bit(z, GICD_ISACTIVER, want));
}

/* u8 width class, u8 write, u16 offset, u32 value */
static void op_frame(struct v2m_fuzz *z, struct fuzz_input *in)
{
	static const uint32_t lens[] = { 4, 2, 1, 8, 0, 3, 4, 4 };
	uint32_t len = lens[fuzz_u8(in) % 8];
	bool write = fuzz_u8(in) & 1;
	uint64_t off = fuzz_u16(in) % (V2M_FRAME_SIZE + 16);
	uint32_t v = fuzz_u32(in), word;
	struct mmio_access acc = {
		.offset = off, .len = len, .is_write = write, .data = v,
		.cpu = 0,
	};
	bool ok = (len == 1 || len == 2 || len == 4) && !(off % len) &&
		  off < V2M_FRAME_SIZE;
	unsigned int before = z->raises;
	int ret = v2m_mmio(&z->reg, &acc);

	FUZZ_CHECK_EQ(ret, ok ? 0 : -EINVAL);
	if (write) {
		fz_after_raise(z, before, ok && off == V2M_MSI_SETSPI_NS &&
			       len != 1 ? fz_target(z, v) : 0);
		return;
	}
	FUZZ_CHECK_EQ(z->raises, before);
	word = (off & ~3ULL) == V2M_MSI_TYPER ? v2m_typer(&z->frame) : 0;
	word >>= 8 * (off & 3);
	if (len < 4)
		word &= (1u << (8 * len)) - 1;
	FUZZ_CHECK_EQ(acc.data, ok ? word : 0);
}

/* u8 address class, u64 address, u32 data */
static void op_msg(struct v2m_fuzz *z, struct fuzz_input *in)
{
	uint8_t cls = fuzz_u8(in);
	uint64_t addr = fuzz_u64(in);
	uint32_t data = fuzz_u32(in);
	uint64_t doorbell = z->frame.base + V2M_MSI_SETSPI_NS;
	unsigned int before = z->raises;
	uint32_t want;
	int ret;

	if (cls & 1)
		addr = doorbell + (cls & 2 ? (int8_t)(addr & 0xff) : 0);
	want = addr == doorbell ? fz_target(z, data) : 0;
	FUZZ_CHECK_EQ(v2m_decode(&z->frame, addr, data),
		      want ? (int)want - 32 : -EINVAL);
	ret = v2m_signal(&z->frame, addr, data);
	FUZZ_CHECK_EQ(ret, want ? 0 : -EINVAL);
	fz_after_raise(z, before, want);
}

/* u8 cpu, u8 write, u16 offset, u32 value: any distributor word */
static void op_dist(struct v2m_fuzz *z, struct fuzz_input *in)
{
	int cpu = fuzz_u8(in) % NR_CPUS;
	bool write = fuzz_u8(in) & 1;
	uint32_t off = fuzz_u16(in) & 0xffc, v = fuzz_u32(in);

	greg(&z->dist, cpu, off, write, v);
}

/* u8 cpu, u8 write, u8 offset, u32 value: any CPU interface word */
static void op_cpuif(struct v2m_fuzz *z, struct fuzz_input *in)
{
	int cpu = fuzz_u8(in) % NR_CPUS;
	bool write = fuzz_u8(in) & 1;
	uint32_t off = fuzz_u8(in) & 0xfc, v = fuzz_u32(in);

	greg(&z->cpu, cpu, off, write, v);
}

/* u8 cpu: acknowledge and complete, as a handler would */
static void op_ack(struct v2m_fuzz *z, struct fuzz_input *in)
{
	int cpu = fuzz_u8(in) % NR_CPUS;
	uint32_t iar = greg(&z->cpu, cpu, GICC_IAR, false, 0);

	if ((iar & 0x3ff) < 1020)
		greg(&z->cpu, cpu, GICC_EOIR, true, iar);
}

static void fz_setup(struct v2m_fuzz *z, struct fuzz_input *in)
{
	struct ugic_config cfg = {
		.nr_cpus = NR_CPUS, .set_irq_line = fz_line, .opaque = z,
	};
	uint32_t first = 32 + fuzz_u8(in) % 64, nr = 1 + fuzz_u8(in) % 64;

	FUZZ_CHECK_EQ(v2m_frame_init(&z->frame, BASE, first, nr, fz_raise, z), 0);
	v2m_region(&z->frame, &z->reg);
	z->nr_irqs = (first + nr + 31) / 32 * 32;
	if (z->nr_irqs < 64)
		z->nr_irqs = 64;
	FUZZ_CHECK_EQ(ugic_create(&z->gic, &cfg), 0);
	FUZZ_CHECK_EQ(ugic_set_nr_irqs(z->gic, z->nr_irqs), 0);
	FUZZ_CHECK_EQ(ugic_set_addr(z->gic, UGIC_ADDR_DIST, MEMMAP_GIC_DIST_BASE), 0);
	FUZZ_CHECK_EQ(ugic_set_addr(z->gic, UGIC_ADDR_CPU, MEMMAP_GICV2_CPU_BASE), 0);
	FUZZ_CHECK_EQ(ugic_map_resources(z->gic), 0);
	ugic_dist_region(z->gic, &z->dist);
	ugic_cpuif_region(z->gic, &z->cpu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static void (*const ops[OP_COUNT])(struct v2m_fuzz *, struct fuzz_input *) = {
		[OP_FRAME] = op_frame, [OP_MSG] = op_msg, [OP_DIST] = op_dist,
		[OP_CPUIF] = op_cpuif, [OP_ACK] = op_ack,
	};
	struct v2m_fuzz z = { .last_spi = -1 };
	struct fuzz_input in;
	int n = 0;

	fuzz_input_init(&in, data, size);
	fz_setup(&z, &in);
	while (!fuzz_input_done(&in) && n++ < 4096)
		ops[fuzz_u8(&in) % OP_COUNT](&z, &in);
	ugic_destroy(&z.gic);
	return 0;
}
