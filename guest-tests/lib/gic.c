// SPDX-License-Identifier: GPL-2.0
/*
 * Front end of the GIC drivers: picks GICv2 or GICv3 from the DT and
 * forwards to it. Tests only ever see this interface.
 */
#include "fdt.h"
#include "gic.h"
#include "gic-dist.h"
#include "io.h"
#include "spinlock.h"
#include "timer.h"

static const struct gic_ops *ops;
static int gic_dt_node = -1;
static u64 dist_base;
/* Serialises read-modify-write of configuration registers. */
static spinlock_t cfg_lock = SPINLOCK_INIT;

static const char *const v2_compat[] = {
	"arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a9-gic",
	"arm,cortex-a7-gic",
};

static int find_v2(void)
{
	unsigned int i;
	int node;

	for (i = 0; i < ARRAY_SIZE(v2_compat); i++) {
		node = fdt_find_compatible(-1, v2_compat[i]);
		if (node >= 0)
			return node;
	}
	return -1;
}

/* Distributor setup plus the boot CPU's interface; boot CPU only. */
int gic_init(void)
{
	int node = fdt_find_compatible(-1, "arm,gic-v3");

	if (node >= 0) {
		ops = &gicv3_ops;
	} else {
		node = find_v2();
		ops = &gicv2_ops;
	}
	if (node < 0 || !fdt_read_reg(node, 0, &dist_base, NULL)) {
		ops = NULL;
		return -1;
	}
	gic_dt_node = node;
	if (ops->init(node)) {
		ops = NULL;
		return -1;
	}
	return gic_cpu_init(0);
}

int gic_cpu_init(int cpu)
{
	return ops ? ops->cpu_init(cpu) : -1;
}

int gic_version(void)
{
	return ops ? ops->version : 0;
}

const char *gic_name(void)
{
	return ops ? ops->name : "none";
}

int gic_node(void)
{
	return gic_dt_node;
}

u64 gic_dist_base(void)
{
	return dist_base;
}

u32 gic_nr_lines(void)
{
	return ops->nr_lines();
}

u32 gic_iidr(void)
{
	return ops ? readl(dist_base + GICD_IIDR) : 0;
}

bool gic_is_kvm(void)
{
	u32 iidr = gic_iidr();

	return GICD_IIDR_IMPL(iidr) == GIC_IMPL_ARM &&
	       GICD_IIDR_PRODUCT(iidr) == GIC_PRODUCT_KVM;
}

void gic_irq_enable(u32 intid)
{
	ops->irq_enable(intid, true);
}

void gic_irq_disable(u32 intid)
{
	ops->irq_enable(intid, false);
}

void gic_irq_set_priority(u32 intid, u8 prio)
{
	ops->set_priority(intid, prio);
}

void gic_irq_set_target(u32 intid, int cpu)
{
	ops->set_target(intid, cpu);
}

/* The interrupt must be disabled while its trigger mode changes. */
void gic_irq_set_edge(u32 intid, bool edge)
{
	spin_lock(&cfg_lock);
	ops->set_edge(intid, edge);
	spin_unlock(&cfg_lock);
}

bool gic_irq_is_pending(u32 intid)
{
	return ops->is_pending(intid);
}

bool gic_irq_is_active(u32 intid)
{
	return ops->is_active(intid);
}

void gic_irq_set_pending(u32 intid, bool pend)
{
	ops->set_pending(intid, pend);
}

void gic_irq_set_active(u32 intid, bool act)
{
	ops->set_active(intid, act);
}

bool gic_wait_pending(u32 intid, bool want, u64 us)
{
	u64 end = timer_deadline_us(us);

	while (gic_irq_is_pending(intid) != want)
		if (timer_expired(end))
			return false;
	return true;
}

void gic_send_sgi(u32 sgi, int cpu)
{
	ops->send_sgi(sgi, SGI_TARGET_CPU, cpu);
}

void gic_send_sgi_others(u32 sgi)
{
	ops->send_sgi(sgi, SGI_TARGET_OTHERS, -1);
}

void gic_send_sgi_self(u32 sgi)
{
	ops->send_sgi(sgi, SGI_TARGET_SELF, -1);
}

u32 gic_ack(void)
{
	return ops->ack();
}

void gic_eoi(u32 iar)
{
	ops->eoi(iar);
}

void gic_deactivate(u32 iar)
{
	ops->deactivate(iar);
}

void gic_set_eoi_split(bool split)
{
	ops->set_eoi_split(split);
}

bool gic_get_eoi_split(void)
{
	return ops->get_eoi_split();
}

u8 gic_get_rpr(void)
{
	return ops->get_rpr();
}

u32 gic_get_apr(void)
{
	return ops->get_apr();
}

u32 gic_hppir(void)
{
	return ops->hppir();
}

void gic_set_pmr(u8 pmr)
{
	ops->set_pmr(pmr);
}

u8 gic_get_pmr(void)
{
	return ops->get_pmr();
}

u32 gic_iar_intid(u32 iar)
{
	return iar & ops->iar_intid_mask;
}

int gic_iar_source(u32 iar)
{
	return ops->iar_source(iar);
}
