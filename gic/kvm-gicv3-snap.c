// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel GICv3's state in a snapshot (docs/snapshot.md), through
 * the vGIC device's attributes (Documentation/virt/kvm/devices/
 * arm-vgic-v3.rst): the distributor's and each redistributor's
 * registers, each vCPU's CPU interface system registers and the line
 * levels of level-sensitive interrupts. Saved as a list of (group,
 * attribute, value) in the order a restore must write them, so that
 * the order is decided once, here: the distributor's control first,
 * then per interrupt its group, configuration, priority and routing,
 * its line level, and only then its pending, active and enable state;
 * the CPU interfaces last. The restore writes into a freshly
 * initialised vGIC, where every set-only register (ISPENDR, ISENABLER,
 * ISACTIVER) starts clear, so writing the set bits is enough.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "gic/irqchip.h"
#include "gic/kvm-vgic.h"
#include "lib/snapshot.h"

#define GICD_CTLR		0x0000
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ISPENDR		0x0200
#define GICD_ISACTIVER		0x0300
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_IROUTER		0x6000
#define GICR_PROPBASER		0x0070	/* then GICR_PENDBASER, 64 bits each */
#define GICR_SGI		0x10000	/* the SGI frame, the redistributor's second */

/* An ICC_*_EL1 register as KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS names it. */
#define ICC(op1, crn, crm, op2) \
	((3ULL << KVM_REG_ARM64_SYSREG_OP0_SHIFT) | \
	 ((uint64_t)(op1) << KVM_REG_ARM64_SYSREG_OP1_SHIFT) | \
	 ((uint64_t)(crn) << KVM_REG_ARM64_SYSREG_CRN_SHIFT) | \
	 ((uint64_t)(crm) << KVM_REG_ARM64_SYSREG_CRM_SHIFT) | \
	 ((uint64_t)(op2) << KVM_REG_ARM64_SYSREG_OP2_SHIFT))

/* The restore order: what the rest is read against comes first. */
static const uint64_t gicv3_icc_regs[] = {
	ICC(0, 12, 12, 5),	/* ICC_SRE_EL1 */
	ICC(0, 12, 12, 4),	/* ICC_CTLR_EL1 */
	ICC(0, 12, 12, 6),	/* ICC_IGRPEN0_EL1 */
	ICC(0, 12, 12, 7),	/* ICC_IGRPEN1_EL1 */
	ICC(0, 4, 6, 0),	/* ICC_PMR_EL1 */
	ICC(0, 12, 8, 3),	/* ICC_BPR0_EL1 */
	ICC(0, 12, 12, 3),	/* ICC_BPR1_EL1 */
};

/* The active priority registers: how many exist depends on the priority bits. */
#define GICV3_NR_APR	4
#define ICC_AP0R(n)	ICC(0, 12, 8, 4 + (n))
#define ICC_AP1R(n)	ICC(0, 12, 9, (n))

struct gicv3_snap {
	struct irqchip *ic;
	struct snapshot *s;
	unsigned int count;
	int err;
};

/* The 32-bit affinity the vGIC's attributes take, from an MPIDR_EL1. */
static uint64_t gicv3_mpidr_attr(uint64_t mpidr)
{
	uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;

	return aff << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
}

static int gicv3_attr(struct irqchip *ic, bool set, uint32_t group,
		      uint64_t attr, uint64_t *val)
{
	uint32_t v32 = *val;
	bool wide = group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
	struct kvm_device_attr a = {
		.group = group, .attr = attr,
		.addr = wide ? (uintptr_t)val : (uintptr_t)&v32,
	};

	if (ioctl(ic->dev_fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a))
		return -errno;
	if (!wide)
		*val = v32;
	return 0;
}

/* Reads one attribute into the list; optional ones are left out where absent. */
static void gicv3_save_one(struct gicv3_snap *g, uint32_t group, uint64_t attr,
			   bool optional)
{
	uint64_t val = 0;
	int ret;

	if (g->err)
		return;
	ret = gicv3_attr(g->ic, false, group, attr, &val);
	if (ret && optional)
		return;
	if (ret) {
		g->err = ret;
		return;
	}
	snapshot_put_u32(g->s, group);
	snapshot_put_u64(g->s, attr);
	snapshot_put_u64(g->s, val);
	g->count++;
}

static void gicv3_save_regs(struct gicv3_snap *g, uint32_t group, uint64_t attr,
			    unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		gicv3_save_one(g, group, attr + 4 * i, false);
}

/* intid's 32 lines: their state, in the restore's order. */
static void gicv3_save_block(struct gicv3_snap *g, uint32_t group, uint64_t mp,
			     uint64_t base, unsigned int intid, uint64_t level_mp)
{
	uint64_t level = level_mp | ((uint64_t)VGIC_LEVEL_INFO_LINE_LEVEL <<
			       KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT) | intid;

	gicv3_save_regs(g, group, mp | (base + GICD_IGROUPR + intid / 8), 1);
	gicv3_save_regs(g, group, mp | (base + GICD_IGRPMODR + intid / 8), 1);
	gicv3_save_regs(g, group, mp | (base + GICD_ICFGR + intid / 4), 2);
	gicv3_save_regs(g, group, mp | (base + GICD_IPRIORITYR + intid), 8);
	if (intid >= GIC_SPI_BASE)
		gicv3_save_regs(g, group, mp | (base + GICD_IROUTER + intid * 8), 64);
	gicv3_save_one(g, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, level, false);
	gicv3_save_regs(g, group, mp | (base + GICD_ISPENDR + intid / 8), 1);
	gicv3_save_regs(g, group, mp | (base + GICD_ISACTIVER + intid / 8), 1);
	gicv3_save_regs(g, group, mp | (base + GICD_ISENABLER + intid / 8), 1);
}

static void gicv3_save_cpuif(struct gicv3_snap *g, uint64_t mp)
{
	uint32_t grp = KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
	unsigned int i;

	for (i = 0; i < sizeof(gicv3_icc_regs) / sizeof(gicv3_icc_regs[0]); i++)
		gicv3_save_one(g, grp, mp | gicv3_icc_regs[i], false);
	for (i = 0; i < GICV3_NR_APR; i++) {
		gicv3_save_one(g, grp, mp | ICC_AP0R(i), true);
		gicv3_save_one(g, grp, mp | ICC_AP1R(i), true);
	}
}

int kvm_gicv3_save(struct irqchip *ic, struct snapshot *s)
{
	struct gicv3_snap g = { .ic = ic, .s = s };
	uint64_t mp0, mp;
	unsigned int i, intid, nr = irqchip_nr_irqs(ic);
	size_t count_at;

	if (s->nr_cpus != ic->nr_cpus || !s->mpidr)
		return -EINVAL;
	mp0 = gicv3_mpidr_attr(s->mpidr[0]);
	count_at = s->len;
	snapshot_put_u32(s, 0);		/* the count, filled in below */
	gicv3_save_one(&g, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_CTLR, false);
	for (i = 0; i < ic->nr_cpus; i++) {
		mp = gicv3_mpidr_attr(s->mpidr[i]);
		/* LPIs' tables before GICR_CTLR, which may enable them. */
		gicv3_save_regs(&g, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mp | GICR_PROPBASER, 4);
		gicv3_save_one(&g, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mp | 0, false);
		gicv3_save_block(&g, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mp, GICR_SGI, 0, mp);
	}
	/* LEVEL_INFO names a vCPU even for SPIs: the first's. */
	for (intid = GIC_SPI_BASE; intid < nr; intid += 32)
		gicv3_save_block(&g, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, 0, intid, mp0);
	for (i = 0; i < ic->nr_cpus; i++)
		gicv3_save_cpuif(&g, gicv3_mpidr_attr(s->mpidr[i]));
	if (g.err)
		return g.err;
	if (!s->err) {
		s->buf[count_at] = g.count;
		s->buf[count_at + 1] = g.count >> 8;
		s->buf[count_at + 2] = g.count >> 16;
		s->buf[count_at + 3] = g.count >> 24;
	}
	return s->err;
}

static bool gicv3_group_known(uint32_t group)
{
	return group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS ||
	       group == KVM_DEV_ARM_VGIC_GRP_REDIST_REGS ||
	       group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS ||
	       group == KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO;
}

/* The list kvm_gicv3_save() wrote, written in its order. */
int kvm_gicv3_restore_list(struct irqchip *ic, struct snapshot *s)
{
	uint32_t i, count = snapshot_get_u32(s);
	int ret;

	if (s->err || count > snapshot_left(s) / 20)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		uint32_t group = snapshot_get_u32(s);
		uint64_t attr = snapshot_get_u64(s);
		uint64_t val = snapshot_get_u64(s);

		if (s->err || !gicv3_group_known(group))
			return -EINVAL;
		ret = gicv3_attr(ic, true, group, attr, &val);
		if (ret)
			return ret;
	}
	return 0;
}

int kvm_gicv3_restore(struct irqchip *ic, struct snapshot *s)
{
	int ret = kvm_gicv3_restore_list(ic, s);

	return ret ?: (snapshot_left(s) ? -EINVAL : 0);
}
