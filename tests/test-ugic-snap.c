/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model's state through the GICv2 architectural record
 * (gic/ugic-snap.c, gic/gicv2-state.c): a GIC driven through its
 * registers into pending, active, priority, target, banked and CPU
 * interface state is saved, encoded, decoded and restored into a
 * second GIC, which then reads back the same registers and behaves the
 * same from there on. Malformed records are refused whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gic/gicv2-state.h"
#include "gic/ugic-snap.h"
#include "lib/snapshot.h"
#include "tests/test-ugic.h"

#define NR_IRQS		128

/* Distributor words, banked and not, compared between two GICs. */
static const uint32_t dist_words[] = {
	GICD_CTLR, GICD_IGROUPR, GICD_ISENABLER, GICD_ISPENDR, GICD_ISACTIVER,
};

static struct snapshot rec_encode(const struct gicv2_state *st)
{
	struct snapshot s = { 0 };

	gicv2_state_encode(st, &s);
	CHECK_EQ(snapshot_error(&s), 0);
	return s;
}

static int rec_decode(struct gicv2_state *st, const uint8_t *buf, size_t len)
{
	struct snapshot r = { .rd = buf, .rd_len = len };

	return gicv2_state_decode(st, &r);
}

/*
 * A busy GIC: a level SPI held high on CPU 1, an edge SPI latched, an
 * active SPI, a banked PPI pending, an SGI pending from CPU 0 on CPU 1,
 * CPU 0 in the middle of an interrupt (running priority 0x40).
 */
static void busy(struct tgic *t)
{
	tg_enable(t);
	cwrite(t, 0, GICC_PMR, 0xf0);
	cwrite(t, 1, GICC_BPR, 4);
	cwrite(t, 1, GICC_CTLR, 0x201);
	dwrite8(t, 0, GICD_ITARGETSR + 40, 2);
	tg_irq(t, 1, 40, 0x50);
	CHECK_EQ(ugic_set_spi_level(t->gic, 40, true), 0);
	dwrite(t, 0, GICD_ICFGR + 8, 2u << (2 * (41 - 32)));
	tg_irq(t, 0, 41, 0x60);
	tg_pend(t, 0, 41);
	dwrite(t, 0, GICD_ISACTIVER + 4, 1u << (42 - 32));
	tg_irq(t, 1, 20, 0x30);
	tg_pend(t, 1, 20);
	dwrite(t, 0, GICD_SGIR, SGIR(0, 0x02, 3));
	tg_irq(t, 0, 45, 0x40);
	tg_pend(t, 0, 45);
	CHECK_EQ(cread(t, 0, GICC_IAR), 45);
	CHECK_EQ(cread(t, 0, GICC_RPR), 0x40);
}

static void same_regs(struct tgic *a, struct tgic *b, unsigned int nr_cpus)
{
	unsigned int c, i, w;

	for (c = 0; c < nr_cpus; c++) {
		for (i = 0; i < sizeof(dist_words) / sizeof(dist_words[0]); i++)
			for (w = 0; w < NR_IRQS / 32; w++)
				CHECK_EQ(dread(b, c, dist_words[i] + 4 * w),
					 dread(a, c, dist_words[i] + 4 * w));
		for (i = 0; i < NR_IRQS; i += 4) {
			CHECK_EQ(dread(b, c, GICD_IPRIORITYR + i), dread(a, c, GICD_IPRIORITYR + i));
			CHECK_EQ(dread(b, c, GICD_ITARGETSR + i), dread(a, c, GICD_ITARGETSR + i));
		}
		for (i = 0; i < NR_IRQS / 16; i++)
			CHECK_EQ(dread(b, c, GICD_ICFGR + 4 * i), dread(a, c, GICD_ICFGR + 4 * i));
		for (i = 0; i < 16; i += 4)
			CHECK_EQ(dread(b, c, GICD_SPENDSGIR + i), dread(a, c, GICD_SPENDSGIR + i));
		CHECK_EQ(cread(b, c, GICC_CTLR), cread(a, c, GICC_CTLR));
		CHECK_EQ(cread(b, c, GICC_PMR), cread(a, c, GICC_PMR));
		CHECK_EQ(cread(b, c, GICC_BPR), cread(a, c, GICC_BPR));
		CHECK_EQ(cread(b, c, GICC_ABPR), cread(a, c, GICC_ABPR));
		CHECK_EQ(cread(b, c, GICC_RPR), cread(a, c, GICC_RPR));
		CHECK_EQ(cread(b, c, GICC_APR0), cread(a, c, GICC_APR0));
		CHECK_EQ(cread(b, c, GICC_HPPIR), cread(a, c, GICC_HPPIR));
		CHECK_EQ(b->line[c], a->line[c]);
	}
}

/* Both GICs taken through the same acknowledges and EOIs. */
static void same_future(struct tgic *a, struct tgic *b)
{
	unsigned int c, n;
	uint32_t ia, ib;

	for (c = 0; c < 2; c++) {
		for (n = 0; n < 6; n++) {
			ia = cread(a, c, GICC_IAR);
			ib = cread(b, c, GICC_IAR);
			CHECK_EQ(ib, ia);
			if (ia == 1023)
				break;
			cwrite(a, c, GICC_EOIR, ia);
			cwrite(b, c, GICC_EOIR, ib);
			if (c == 1 && n == 1) {	/* CPU 1 took SGI 3 and SPI 40's turn */
				CHECK_EQ(ugic_set_spi_level(a->gic, 40, false), 0);
				CHECK_EQ(ugic_set_spi_level(b->gic, 40, false), 0);
			}
		}
		/* CPU 0's interrupt in progress: its EOI drops the priority. */
		if (c == 0) {
			cwrite(a, 0, GICC_EOIR, 45);
			cwrite(b, 0, GICC_EOIR, 45);
		}
		CHECK_EQ(cread(b, c, GICC_RPR), cread(a, c, GICC_RPR));
	}
	CHECK_EQ(cread(b, 0, GICC_RPR), 0xff);
}

static void test_round_trip(void)
{
	struct gicv2_state st, back;
	struct tgic a, b;
	struct snapshot s;

	tg_setup(&a, 2, NR_IRQS);
	busy(&a);
	CHECK_EQ(ugic_snap_save(a.gic, &st), 0);
	CHECK_EQ(st.nr_cpus, 2);
	CHECK_EQ(st.nr_irqs, NR_IRQS);
	CHECK(st.level[1] & (1u << 8));		/* SPI 40's line */
	CHECK(st.pending[1] & (1u << 9));	/* SPI 41's latch */
	CHECK(st.active[1] & (1u << 10));
	CHECK(st.active[1] & (1u << 13));	/* 45, acknowledged */
	CHECK_EQ(st.cpu[1].sgi_src[3], 1);
	CHECK(st.cpu[1].pending & (1u << 20));
	CHECK_EQ(st.cpu[0].pmr, 0xf0);
	CHECK_EQ(st.targets[40], 2);
	s = rec_encode(&st);
	CHECK_EQ(rec_decode(&back, s.buf, s.len), 0);
	CHECK(!memcmp(&back, &st, sizeof(st)));
	tg_setup(&b, 2, NR_IRQS);
	CHECK_EQ(ugic_snap_restore(b.gic, &back), 0);
	same_regs(&a, &b, 2);
	same_future(&a, &b);
	snapshot_free(&s);
	tg_teardown(&a);
	tg_teardown(&b);
}

/*
 * A level interrupt's pending state is its line, plus a latch only if
 * the guest wrote ISPENDR: the restore must keep the two apart.
 */
static void test_level_latch(void)
{
	struct gicv2_state st;
	struct tgic a, b;

	tg_setup(&a, 1, NR_IRQS);
	tg_enable(&a);
	tg_irq(&a, 0, 50, 0x20);
	tg_irq(&a, 0, 51, 0x20);
	CHECK_EQ(ugic_set_spi_level(a.gic, 50, true), 0);
	tg_pend(&a, 0, 51);
	CHECK_EQ(ugic_snap_save(a.gic, &st), 0);
	tg_setup(&b, 1, NR_IRQS);
	CHECK_EQ(ugic_snap_restore(b.gic, &st), 0);
	CHECK(tg_is_pending(&b, 0, 50) && tg_is_pending(&b, 0, 51));
	CHECK_EQ(ugic_set_spi_level(b.gic, 50, false), 0);
	CHECK(!tg_is_pending(&b, 0, 50));	/* only the line */
	CHECK(tg_is_pending(&b, 0, 51));	/* the latch stays */
	CHECK(b.line[0]);
	tg_teardown(&a);
	tg_teardown(&b);
}

static void test_restore_mismatch(void)
{
	struct gicv2_state st;
	struct tgic a, b;

	tg_setup(&a, 2, NR_IRQS);
	CHECK_EQ(ugic_snap_save(a.gic, &st), 0);
	tg_setup(&b, 1, NR_IRQS);
	CHECK_EQ(ugic_snap_restore(b.gic, &st), -EINVAL);
	tg_teardown(&b);
	tg_setup(&b, 2, NR_IRQS + 32);
	CHECK_EQ(ugic_snap_restore(b.gic, &st), -EINVAL);
	tg_teardown(&b);
	tg_teardown(&a);
}

/* Every prefix, a longer record and bad heads: refused. */
static void test_decode_bad(void)
{
	struct gicv2_state st, out;
	struct snapshot s;
	uint8_t *buf;
	size_t n;

	memset(&st, 0, sizeof(st));
	st.nr_cpus = 2;
	st.nr_irqs = 96;
	st.flags = GICV2_STATE_F_V2M;
	st.v2m_first = 32;
	st.v2m_nr = 64;
	st.prio[70] = 0x88;
	st.cpu[1].apr[0] = 4;
	s = rec_encode(&st);
	CHECK_EQ(rec_decode(&out, s.buf, s.len), 0);
	CHECK_EQ(out.prio[70], 0x88);
	CHECK_EQ(out.cpu[1].apr[0], 4);
	for (n = 0; n < s.len; n++)
		CHECK_EQ(rec_decode(&out, s.buf, n), -EINVAL);
	buf = calloc(1, s.len + 4);
	memcpy(buf, s.buf, s.len);
	CHECK_EQ(rec_decode(&out, buf, s.len + 4), -EINVAL);
	buf[0] ^= 1;				/* magic */
	CHECK_EQ(rec_decode(&out, buf, s.len), -EINVAL);
	buf[0] ^= 1;
	buf[8] = 9;				/* 9 CPUs */
	CHECK_EQ(rec_decode(&out, buf, s.len), -EINVAL);
	buf[8] = 2;
	buf[12] = 80;				/* not a multiple of 32 */
	CHECK_EQ(rec_decode(&out, buf, s.len), -EINVAL);
	buf[12] = 96;
	buf[20] = 16;				/* the frame below the SPIs */
	CHECK_EQ(rec_decode(&out, buf, s.len), -EINVAL);
	buf[20] = 32;
	buf[16] = 3;				/* an unknown flag */
	CHECK_EQ(rec_decode(&out, buf, s.len), -EINVAL);
	buf[16] = 1;
	CHECK_EQ(rec_decode(&out, buf, s.len), 0);
	free(buf);
	snapshot_free(&s);
}

void test_snap(void)
{
	test_round_trip();
	test_level_latch();
	test_restore_mismatch();
	test_decode_bad();
}
