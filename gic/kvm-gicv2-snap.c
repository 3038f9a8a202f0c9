// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel GICv2's state in a snapshot (docs/snapshot.md), through
 * the vGIC device's register attributes (Documentation/virt/kvm/devices/
 * arm-vgic.rst): KVM_DEV_ARM_VGIC_GRP_DIST_REGS, with the vCPU named
 * for the banked registers, and KVM_DEV_ARM_VGIC_GRP_CPU_REGS for each
 * vCPU's CPU interface. Translated to and from the architectural record
 * (gic/gicv2-state.h), so that lkvm's own GIC can take the state too.
 *
 * What KVM's GICv2 interface gives differently from the architecture:
 * GICC_PMR comes as its five implemented bits, shifted down (KVM's ABI
 * exports GICH_VMCR.VMPriMask); GICD_ISPENDR reads a level-sensitive
 * interrupt's line and latch as one bit, and there is no line-level
 * attribute for a GICv2, so lkvm keeps the SPI levels it drove itself
 * (irqchip.spi_level) and drives them again at a restore.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "gic/gicv2-state.h"
#include "gic/kvm-vgic.h"
#include "gic/v2m.h"
#include "lib/snapshot.h"

#define GICD_CTLR		0x000
#define GICD_IGROUPR		0x080
#define GICD_ISENABLER		0x100
#define GICD_ISPENDR		0x200
#define GICD_ISACTIVER		0x300
#define GICD_IPRIORITYR		0x400
#define GICD_ITARGETSR		0x800
#define GICD_ICFGR		0xc00
#define GICD_SPENDSGIR		0xf20
#define GICC_CTLR		0x00
#define GICC_PMR		0x04
#define GICC_BPR		0x08
#define GICC_ABPR		0x1c
#define GICC_APR0		0xd0
#define GICV_PMR_SHIFT		3	/* KVM's PMR: the top five bits, shifted down */

struct gicv2_io {
	struct irqchip *ic;
	bool set;
	int err;
};

/* One 32-bit register as vCPU cpu sees it; errors stick in io. */
static void gicv2_reg(struct gicv2_io *io, uint32_t group, unsigned int cpu,
		      uint32_t off, uint32_t *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = (uint64_t)cpu << KVM_DEV_ARM_VGIC_CPUID_SHIFT | off,
		.addr = (uintptr_t)val,
	};

	if (io->err)
		return;
	if (ioctl(io->ic->dev_fd, io->set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a))
		io->err = -errno;
}

static void gicv2_dist(struct gicv2_io *io, unsigned int cpu, uint32_t off, uint32_t *val)
{
	gicv2_reg(io, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, cpu, off, val);
}

/* Eight priority (or target) bytes registers, 32 interrupts. */
static void gicv2_bytes(struct gicv2_io *io, unsigned int cpu, uint32_t off, uint8_t *b)
{
	uint32_t v;
	unsigned int i, j;

	for (i = 0; i < 8; i++) {
		v = 0;
		for (j = 0; io->set && j < 4; j++)
			v |= (uint32_t)b[i * 4 + j] << (8 * j);
		gicv2_dist(io, cpu, off + 4 * i, &v);
		for (j = 0; !io->set && j < 4; j++)
			b[i * 4 + j] = v >> (8 * j);
	}
}

/* GICD_ICFGR's pair of words for 32 interrupts, as one bit (edge) each. */
static void gicv2_cfg(struct gicv2_io *io, unsigned int cpu, uint32_t off, uint32_t *edge)
{
	uint32_t w[2] = { 0, 0 };
	unsigned int i;

	for (i = 0; io->set && i < 32; i++)
		if (*edge & (1u << i))
			w[i / 16] |= 2u << (2 * (i % 16));
	gicv2_dist(io, cpu, off, &w[0]);
	gicv2_dist(io, cpu, off + 4, &w[1]);
	for (i = 0; !io->set && i < 32; i++)
		if (w[i / 16] & (2u << (2 * (i % 16))))
			*edge |= 1u << i;
}

static void gicv2_cpuif(struct gicv2_io *io, unsigned int cpu, struct gicv2_cpu_state *c)
{
	uint32_t grp = KVM_DEV_ARM_VGIC_GRP_CPU_REGS, pmr = c->pmr >> GICV_PMR_SHIFT;
	unsigned int i;

	gicv2_reg(io, grp, cpu, GICC_CTLR, &c->ctlr);
	gicv2_reg(io, grp, cpu, GICC_PMR, &pmr);
	gicv2_reg(io, grp, cpu, GICC_BPR, &c->bpr);
	gicv2_reg(io, grp, cpu, GICC_ABPR, &c->abpr);
	for (i = 0; i < 4; i++)
		gicv2_reg(io, grp, cpu, GICC_APR0 + 4 * i, &c->apr[i]);
	if (!io->set)
		c->pmr = (pmr << GICV_PMR_SHIFT) & 0xff;
}

/*
 * 32 interrupts' configuration, then their pending, active and enable
 * state: on a restore into a fresh vGIC (all clear) the order makes
 * each interrupt whole before it can be delivered.
 */
static void gicv2_block(struct gicv2_io *io, unsigned int cpu, unsigned int w,
			uint32_t *group, uint32_t *edge, uint8_t *prio, uint8_t *targets,
			uint32_t *pending, uint32_t *active, uint32_t *enabled)
{
	gicv2_dist(io, cpu, GICD_IGROUPR + 4 * w, group);
	gicv2_cfg(io, cpu, GICD_ICFGR + 8 * w, edge);
	gicv2_bytes(io, cpu, GICD_IPRIORITYR + 32 * w, prio);
	if (targets)
		gicv2_bytes(io, cpu, GICD_ITARGETSR + 32 * w, targets);
	gicv2_dist(io, cpu, GICD_ISPENDR + 4 * w, pending);
	gicv2_dist(io, cpu, GICD_ISACTIVER + 4 * w, active);
	gicv2_dist(io, cpu, GICD_ISENABLER + 4 * w, enabled);
}

/* SGIs' sources (GICD_SPENDSGIR), and their pending bits from them. */
static void gicv2_sgis(struct gicv2_io *io, unsigned int cpu, struct gicv2_cpu_state *c)
{
	uint32_t v;
	unsigned int i, j;

	for (i = 0; i < 4; i++) {
		v = 0;
		for (j = 0; io->set && j < 4; j++)
			v |= (uint32_t)c->sgi_src[i * 4 + j] << (8 * j);
		gicv2_dist(io, cpu, GICD_SPENDSGIR + 4 * i, &v);
		for (j = 0; !io->set && j < 4; j++)
			c->sgi_src[i * 4 + j] = v >> (8 * j);
	}
	for (i = 0; !io->set && i < 16; i++)
		if (c->sgi_src[i])
			c->pending |= 1u << i;
}

static void gicv2_private(struct gicv2_io *io, unsigned int cpu, struct gicv2_cpu_state *c)
{
	/*
	 * SGIs' pending state goes by their sources; the timers' and the
	 * PMU's PPIs by the vCPU's registers, which KVM reads again.
	 */
	uint32_t pending = c->pending & ~0xffffu & ~GICV2_KVM_PPIS;

	gicv2_block(io, cpu, 0, &c->group, &c->edge, c->prio, NULL, &pending,
		    &c->active, &c->enabled);
	if (!io->set)
		c->pending = pending & ~0xffffu & ~GICV2_KVM_PPIS;
	gicv2_sgis(io, cpu, c);
}

static int gicv2_ready(const struct irqchip *ic, const struct snapshot *s)
{
	if (ic->dev_fd < 0)
		return -EOPNOTSUPP;	/* KVM_CREATE_IRQCHIP's GIC has no attributes */
	if (s->nr_cpus != ic->nr_cpus || ic->nr_cpus > GICV2_STATE_MAX_CPUS ||
	    irqchip_nr_irqs(ic) > GICV2_STATE_MAX_IRQS)
		return -EINVAL;
	return 0;
}

static void gicv2_levels_save(struct irqchip *ic, struct gicv2_state *st)
{
	unsigned int w;

	for (w = 1; w < st->nr_irqs / 32; w++) {
		st->level[w] = atomic_load(&ic->spi_level[w - 1]);
		/* KVM's ISPENDR: a level interrupt's line reads as pending. */
		st->pending[w] &= ~(st->level[w] & ~st->edge[w]);
	}
}

void gicv2_snap_frame(const struct irqchip *ic, struct gicv2_state *st)
{
	if (!ic->msi_phandle)
		return;
	st->flags |= GICV2_STATE_F_V2M;
	st->v2m_first = GIC_SPI_BASE + ic->msi_spi_base;
	st->v2m_nr = V2M_NR_SPIS;
}

int kvm_gicv2_save(struct irqchip *ic, struct snapshot *s)
{
	struct gicv2_io io = { .ic = ic };
	struct gicv2_state st;
	unsigned int w, i;
	int ret = gicv2_ready(ic, s);

	if (ret)
		return ret;
	memset(&st, 0, sizeof(st));
	st.nr_cpus = ic->nr_cpus;
	st.nr_irqs = irqchip_nr_irqs(ic);
	gicv2_snap_frame(ic, &st);
	gicv2_dist(&io, 0, GICD_CTLR, &st.ctlr);
	for (w = 1; w < st.nr_irqs / 32; w++)
		gicv2_block(&io, 0, w, &st.group[w], &st.edge[w], &st.prio[w * 32],
			    &st.targets[w * 32], &st.pending[w], &st.active[w],
			    &st.enabled[w]);
	for (i = 0; i < st.nr_cpus; i++) {
		gicv2_private(&io, i, &st.cpu[i]);
		gicv2_cpuif(&io, i, &st.cpu[i]);
	}
	if (io.err)
		return io.err;
	gicv2_levels_save(ic, &st);
	gicv2_state_encode(&st, s);
	return s->err;
}

/* The frame and the sizes must be this VM's: the guest's DT has them. */
int gicv2_snap_check(const struct irqchip *ic, const struct gicv2_state *st)
{
	bool frame = st->flags & GICV2_STATE_F_V2M;

	if (st->nr_cpus != ic->nr_cpus || st->nr_irqs != irqchip_nr_irqs(ic))
		return -EINVAL;
	if (frame != !!ic->msi_phandle)
		return -EINVAL;
	if (frame && (st->v2m_first != GIC_SPI_BASE + ic->msi_spi_base ||
		      st->v2m_nr != V2M_NR_SPIS))
		return -EINVAL;
	return 0;
}

/* The devices' lines that were high, driven again; the record kept. */
static int gicv2_levels_restore(struct irqchip *ic, const struct gicv2_state *st)
{
	unsigned int spi;
	int ret;

	for (spi = 0; spi + GIC_SPI_BASE < st->nr_irqs; spi++) {
		uint32_t w = (spi + GIC_SPI_BASE) / 32, bit = 1u << (spi % 32);

		if (!(st->level[w] & bit))
			continue;
		atomic_fetch_or(&ic->spi_level[spi / 32], bit);
		ret = ic->ops->set_spi(ic, spi, true);
		if (ret)
			return ret;
	}
	return 0;
}

/* The active priority bit (GICC_APR0) an interrupt of priority prio takes. */
static uint32_t gicv2_apr_bit(const struct gicv2_cpu_state *c, uint8_t prio)
{
	unsigned int bpr = c->bpr < 2 ? 2 : (c->bpr & 7);

	return 1u << ((prio & (uint8_t)(0xff << (bpr + 1)) & 0xf8) >> 3);
}

/*
 * KVM ignores a userspace write of the active state of an interrupt it
 * maps to the hardware (the timers' PPIs): such an interrupt, active at
 * the snapshot, comes back inactive. Its priority must then not stay
 * active either, or nothing would ever drop it; the guest's EOI finds
 * nothing, and the timer, still firing, is taken again. A priority
 * another active interrupt also holds is kept.
 */
static void gicv2_apr_fixup(const struct gicv2_state *st, struct gicv2_cpu_state *c)
{
	uint32_t kvm = c->active & GICV2_KVM_PPIS, keep = 0;
	unsigned int i;

	if (!kvm)
		return;
	for (i = 0; i < st->nr_irqs; i++) {
		bool act = i < 32 ? c->active & ~GICV2_KVM_PPIS & (1u << i) :
				    st->active[i / 32] & (1u << (i % 32));

		if (act)
			keep |= gicv2_apr_bit(c, i < 32 ? c->prio[i] : st->prio[i]);
	}
	for (i = 16; i < 32; i++)
		if (kvm & (1u << i))
			c->apr[0] &= ~(gicv2_apr_bit(c, c->prio[i]) & ~keep);
}

int kvm_gicv2_restore(struct irqchip *ic, struct snapshot *s)
{
	struct gicv2_io io = { .ic = ic, .set = true };
	struct gicv2_state st;
	unsigned int w, i;
	int ret = gicv2_ready(ic, s);

	ret = ret ?: gicv2_state_decode(&st, s);
	ret = ret ?: gicv2_snap_check(ic, &st);
	if (ret)
		return ret;
	/* A level SPI pending by its high line gets the line, not a latch. */
	for (w = 1; w < st.nr_irqs / 32; w++)
		st.pending[w] &= ~(st.level[w] & ~st.edge[w]);
	/*
	 * The distributor's enable first: KVM queues an interrupt made
	 * pending (a latched SPI, an SGI by its sources) to its vCPU only
	 * while the distributor is enabled, and enabling it later does
	 * not look for those again: they would stay pending, never
	 * delivered.
	 */
	gicv2_dist(&io, 0, GICD_CTLR, &st.ctlr);
	for (w = 1; w < st.nr_irqs / 32; w++)
		gicv2_block(&io, 0, w, &st.group[w], &st.edge[w], &st.prio[w * 32],
			    &st.targets[w * 32], &st.pending[w], &st.active[w],
			    &st.enabled[w]);
	for (i = 0; i < st.nr_cpus; i++)
		gicv2_private(&io, i, &st.cpu[i]);
	for (i = 0; i < st.nr_cpus; i++) {
		gicv2_apr_fixup(&st, &st.cpu[i]);
		gicv2_cpuif(&io, i, &st.cpu[i]);
	}
	return io.err ?: gicv2_levels_restore(ic, &st);
}
