/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace GICv2: state, lifecycle, arbitration and output lines.
 *
 * The lifecycle follows the kernel's vGIC step by step (see
 * docs/userspace-gic.md); register decoding lives in ugic-dist.c and
 * ugic-cpuif.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gic/ugic-internal.h"

/* ---- creation and destruction ---- */

static int ugic_check_config(const struct ugic_config *cfg)
{
	if (cfg->vcpu_has_run)
		return -EBUSY;
	if (cfg->nr_cpus > UGIC_MAX_CPUS)
		return -E2BIG;
	if (!cfg->nr_cpus || cfg->ipa_bits > 64 ||
	    (cfg->ipa_bits && cfg->ipa_bits < 32))
		return -EINVAL;
	return 0;
}

static int ugic_alloc(struct ugic **gicp, const struct ugic_config *cfg)
{
	struct ugic *gic;
	int ret;

	gic = calloc(1, sizeof(*gic));
	if (!gic)
		return -ENOMEM;

	ret = pthread_mutex_init(&gic->lock, NULL);
	if (ret) {
		free(gic);
		return -ret;
	}
	ret = pthread_mutex_init(&gic->line_lock, NULL);
	if (ret) {
		pthread_mutex_destroy(&gic->lock);
		free(gic);
		return -ret;
	}

	gic->nr_cpus = cfg->nr_cpus;
	if (cfg->ipa_bits && cfg->ipa_bits < 64)
		gic->phys_size = 1ULL << cfg->ipa_bits;
	gic->set_irq_line = cfg->set_irq_line;
	gic->opaque = cfg->opaque;
	gic->dist_base = UGIC_ADDR_UNDEF;
	gic->cpu_base = UGIC_ADDR_UNDEF;
	*gicp = gic;
	return 0;
}

/*
 * Checks in the kernel's order: a second GIC (-EEXIST) before a vCPU
 * that already ran (-EBUSY) before too many vCPUs (-E2BIG). *gicp is
 * the VM's GIC slot and must start out NULL.
 */
int ugic_create(struct ugic **gicp, const struct ugic_config *cfg)
{
	int ret;

	if (!gicp || !cfg)
		return -EINVAL;
	if (*gicp)
		return -EEXIST;

	ret = ugic_check_config(cfg);
	if (ret)
		return ret;

	return ugic_alloc(gicp, cfg);
}

/* The caller guarantees that no other thread uses the GIC any more. */
void ugic_destroy(struct ugic **gicp)
{
	struct ugic *gic;

	if (!gicp || !*gicp)
		return;

	gic = *gicp;
	free(gic->spi);
	pthread_mutex_destroy(&gic->line_lock);
	pthread_mutex_destroy(&gic->lock);
	free(gic);
	*gicp = NULL;
}

/* ---- sizing and addresses ---- */

/* Rules of KVM_DEV_ARM_VGIC_GRP_NR_IRQS; 1024 exceeds its 1023 limit. */
int ugic_set_nr_irqs(struct ugic *gic, uint32_t nr_irqs)
{
	int ret = 0;

	if (!gic)
		return -EINVAL;
	if (nr_irqs < UGIC_NR_PRIVATE_IRQS + 32 ||
	    nr_irqs > UGIC_MAX_NR_IRQS || (nr_irqs & 31))
		return -EINVAL;

	pthread_mutex_lock(&gic->lock);
	/* Set once, or already frozen to the default by init. */
	if (gic->nr_spis)
		ret = -EBUSY;
	else
		gic->nr_spis = nr_irqs - UGIC_NR_PRIVATE_IRQS;
	pthread_mutex_unlock(&gic->lock);
	return ret;
}

/* Like the kernel's getter: 32 while nothing has been set. */
uint32_t ugic_get_nr_irqs(struct ugic *gic)
{
	uint32_t nr;

	if (!gic)
		return 0;
	pthread_mutex_lock(&gic->lock);
	nr = ugic_nr_irqs(gic);
	pthread_mutex_unlock(&gic->lock);
	return nr;
}

static uint64_t *ugic_addr_slot(struct ugic *gic, enum ugic_addr_type type,
				uint64_t *size)
{
	switch (type) {
	case UGIC_ADDR_DIST:
		*size = UGIC_DIST_REGION_SIZE;
		return &gic->dist_base;
	case UGIC_ADDR_CPU:
		*size = UGIC_CPU_REGION_SIZE;
		return &gic->cpu_base;
	}
	return NULL;
}

static int ugic_check_range(const struct ugic *gic, uint64_t base,
			    uint64_t addr, uint64_t size)
{
	if (base != UGIC_ADDR_UNDEF)
		return -EEXIST;
	if (addr & (UGIC_ADDR_ALIGN - 1))
		return -EINVAL;
	if (addr + size < addr)
		return -EINVAL;
	if (gic->phys_size && addr + size > gic->phys_size)
		return -E2BIG;
	return 0;
}

int ugic_set_addr(struct ugic *gic, enum ugic_addr_type type, uint64_t addr)
{
	uint64_t *slot, size;
	int ret;

	if (!gic)
		return -EINVAL;
	slot = ugic_addr_slot(gic, type, &size);
	if (!slot)
		return -ENXIO;	/* as the kernel, for an unknown type */

	pthread_mutex_lock(&gic->lock);
	ret = ugic_check_range(gic, *slot, addr, size);
	if (!ret)
		*slot = addr;
	pthread_mutex_unlock(&gic->lock);
	return ret;
}

uint64_t ugic_get_addr(struct ugic *gic, enum ugic_addr_type type)
{
	uint64_t *slot, size, addr;

	if (!gic)
		return UGIC_ADDR_UNDEF;
	slot = ugic_addr_slot(gic, type, &size);
	if (!slot)
		return UGIC_ADDR_UNDEF;

	pthread_mutex_lock(&gic->lock);
	addr = *slot;
	pthread_mutex_unlock(&gic->lock);
	return addr;
}

/* ---- initialisation ---- */

static void ugic_reset_cpu(struct ugic_cpu *cpu)
{
	memset(cpu, 0, sizeof(*cpu));
	/* SGIs enabled and edge-triggered, PPIs level, all group 0. */
	cpu->priv.enabled = 0xffff;
	cpu->priv.edge = 0xffff;
	cpu->bpr = UGIC_MIN_BPR;
	cpu->abpr = UGIC_MIN_ABPR;
}

static int ugic_init_locked(struct ugic *gic)
{
	uint32_t nr_banks, n;

	if (gic->initialized)
		return 0;

	/* Freeze the number of SPIs, as the kernel does. */
	if (!gic->nr_spis)
		gic->nr_spis = UGIC_DEFAULT_NR_IRQS - UGIC_NR_PRIVATE_IRQS;

	nr_banks = gic->nr_spis / 32;
	gic->spi = calloc(nr_banks, sizeof(*gic->spi));
	if (!gic->spi)
		return -ENOMEM;

	/* SPIs: disabled, level, priority 0, group 0, routed to vCPU 0. */
	for (n = 0; n < nr_banks; n++)
		memset(gic->spi[n].targets, 1, sizeof(gic->spi[n].targets));
	for (n = 0; n < gic->nr_cpus; n++)
		ugic_reset_cpu(&gic->cpu[n]);

	gic->dist_enabled = false;
	gic->initialized = true;
	return 0;
}

/*
 * What the kernel's kvm_vgic_destroy() does when mapping fails: the
 * device stays created, but its sized state and addresses are dropped.
 */
static void ugic_teardown_locked(struct ugic *gic)
{
	free(gic->spi);
	gic->spi = NULL;
	gic->nr_spis = 0;
	gic->dist_base = UGIC_ADDR_UNDEF;
	gic->cpu_base = UGIC_ADDR_UNDEF;
	gic->initialized = false;
	gic->ready = false;
	gic->dist_enabled = false;
	memset(gic->cpu, 0, sizeof(gic->cpu));
}

static void ugic_unlock_update(struct ugic *gic)
{
	bool changed = ugic_update_lines(gic);

	pthread_mutex_unlock(&gic->lock);
	if (changed)
		ugic_flush_lines(gic);
}

/* KVM_DEV_ARM_VGIC_CTRL_INIT: a second call is a no-op. */
int ugic_init(struct ugic *gic)
{
	int ret;

	if (!gic)
		return -EINVAL;
	pthread_mutex_lock(&gic->lock);
	ret = ugic_init_locked(gic);
	ugic_unlock_update(gic);
	return ret;
}

static int ugic_check_layout(const struct ugic *gic)
{
	uint64_t d = gic->dist_base, c = gic->cpu_base;

	if (d == UGIC_ADDR_UNDEF || c == UGIC_ADDR_UNDEF)
		return -ENXIO;
	if (d + UGIC_DIST_REGION_SIZE <= c || c + UGIC_CPU_REGION_SIZE <= d)
		return 0;
	return -EINVAL;		/* the frames overlap */
}

/*
 * First vCPU run. As for the kernel's GICv2, an uninitialised GIC is
 * initialised here (lazy init), so this never fails with -EBUSY; any
 * failure tears the state down as the kernel does.
 */
int ugic_map_resources(struct ugic *gic)
{
	int ret;

	if (!gic)
		return -EINVAL;
	pthread_mutex_lock(&gic->lock);
	if (gic->ready) {
		pthread_mutex_unlock(&gic->lock);
		return 0;
	}

	ret = ugic_check_layout(gic);
	if (!ret)
		ret = ugic_init_locked(gic);
	if (!ret)
		gic->ready = true;
	else
		ugic_teardown_locked(gic);
	ugic_unlock_update(gic);
	return ret;
}

bool ugic_initialized(struct ugic *gic)
{
	bool ret;

	if (!gic)
		return false;
	pthread_mutex_lock(&gic->lock);
	ret = gic->initialized;
	pthread_mutex_unlock(&gic->lock);
	return ret;
}

bool ugic_ready(struct ugic *gic)
{
	bool ret;

	if (!gic)
		return false;
	pthread_mutex_lock(&gic->lock);
	ret = gic->ready;
	pthread_mutex_unlock(&gic->lock);
	return ret;
}

/* ---- line inputs ---- */

/*
 * As KVM does for a GICv2: level-sensitive interrupts follow the line;
 * for edge-triggered ones every assertion is an edge, so a caller that
 * pulses or just asserts behaves the same on either irqchip.
 */
static void ugic_drive_line(struct ugic_bank *bank, uint32_t intid, bool level)
{
	uint32_t bit = ugic_bit(intid);

	if (!level) {
		bank->line &= ~bit;
		return;
	}
	bank->line |= bit;
	if (bank->edge & bit)
		bank->latch |= bit;
}

/* Injection initialises a GICv2 lazily, like kvm_vgic_inject_irq(). */
static int ugic_lock_for_input(struct ugic *gic)
{
	int ret;

	pthread_mutex_lock(&gic->lock);
	ret = ugic_init_locked(gic);
	if (ret)
		pthread_mutex_unlock(&gic->lock);
	return ret;
}

int ugic_set_spi_level(struct ugic *gic, uint32_t intid, bool level)
{
	int ret;

	if (!gic)
		return -EINVAL;
	ret = ugic_lock_for_input(gic);
	if (ret)
		return ret;

	if (intid < UGIC_NR_PRIVATE_IRQS || intid >= ugic_nr_irqs(gic)) {
		pthread_mutex_unlock(&gic->lock);
		return -EINVAL;
	}
	ugic_drive_line(&gic->spi[intid / 32 - 1], intid, level);
	ugic_unlock_update(gic);
	return 0;
}

int ugic_set_ppi_level(struct ugic *gic, int cpu, uint32_t intid, bool level)
{
	int ret;

	if (!gic)
		return -EINVAL;
	ret = ugic_lock_for_input(gic);
	if (ret)
		return ret;

	if (cpu < 0 || (unsigned int)cpu >= gic->nr_cpus ||
	    intid < UGIC_NR_SGIS || intid >= UGIC_NR_PRIVATE_IRQS) {
		pthread_mutex_unlock(&gic->lock);
		return -EINVAL;
	}
	ugic_drive_line(&gic->cpu[cpu].priv, intid, level);
	ugic_unlock_update(gic);
	return 0;
}

/* ---- arbitration (gic->lock held) ---- */

struct ugic_bank *ugic_bank_of(struct ugic *gic, int cpu, uint32_t intid)
{
	if (intid < UGIC_NR_PRIVATE_IRQS)
		return &gic->cpu[cpu].priv;
	if (intid >= ugic_nr_irqs(gic) || intid >= UGIC_FIRST_RESERVED_ID)
		return NULL;
	return &gic->spi[intid / 32 - 1];
}

uint32_t ugic_bank_pending(const struct ugic *gic, int cpu,
			   const struct ugic_bank *bank)
{
	uint32_t pending = bank->latch | (bank->line & ~bank->edge);
	const struct ugic_cpu *c = &gic->cpu[cpu];
	unsigned int i;

	if (bank != &c->priv)
		return pending;
	/* SGI pending state is the OR of the per-source bits. */
	pending &= ~0xffffU;
	for (i = 0; i < UGIC_NR_SGIS; i++)
		if (c->sgi_src[i])
			pending |= 1U << i;
	return pending;
}

/*
 * Candidates are pending, enabled and not active: an active-and-pending
 * interrupt waits for its deactivation.
 */
static void ugic_scan_bank(const struct ugic *gic, int cpu,
			   const struct ugic_bank *bank, uint32_t base,
			   uint32_t *best, uint8_t *best_prio)
{
	uint32_t cand = ugic_bank_pending(gic, cpu, bank);
	unsigned int i;

	cand &= bank->enabled & ~bank->active;
	while (cand) {
		i = __builtin_ctz(cand);
		cand &= cand - 1;
		if (base && !(bank->targets[i] & (1U << cpu)))
			continue;
		/* Strictly lower: ties go to the lowest INTID. */
		if (bank->prio[i] < *best_prio) {
			*best_prio = bank->prio[i];
			*best = base + i;
		}
	}
}

/* Highest-priority candidate for a CPU, ignoring PMR and preemption. */
uint32_t ugic_highest_pending(struct ugic *gic, int cpu, uint8_t *prio)
{
	uint32_t best = UGIC_SPURIOUS, n;
	uint8_t best_prio = UGIC_PRIO_IDLE;

	*prio = best_prio;
	if (!gic->initialized)
		return best;
	ugic_scan_bank(gic, cpu, &gic->cpu[cpu].priv, 0, &best, &best_prio);
	for (n = 0; n < gic->nr_spis / 32; n++)
		ugic_scan_bank(gic, cpu, &gic->spi[n], (n + 1) * 32,
			       &best, &best_prio);
	*prio = best_prio;
	return best;
}

/* Distributor and CPU interface both forward interrupts to this CPU. */
bool ugic_cpu_forwards(const struct ugic *gic, int cpu)
{
	return gic->initialized && gic->dist_enabled &&
	       (gic->cpu[cpu].ctlr & UGIC_GICC_CTLR_ENABLE);
}

uint8_t ugic_group_prio(uint32_t bpr, uint8_t prio)
{
	return prio & (uint8_t)(0xff << (bpr + 1));
}

uint32_t ugic_running_prio(const struct ugic_cpu *cpu)
{
	if (!cpu->apr)
		return UGIC_PRIO_IDLE;
	return (uint32_t)__builtin_ctz(cpu->apr) << UGIC_PRIO_SHIFT;
}

/* Passes the priority mask and preempts the running priority. */
bool ugic_can_signal(const struct ugic *gic, int cpu, uint8_t prio)
{
	const struct ugic_cpu *c = &gic->cpu[cpu];

	if (prio >= c->pmr)
		return false;
	return ugic_group_prio(c->bpr, prio) < ugic_running_prio(c);
}

static bool ugic_cpu_signalled(struct ugic *gic, int cpu)
{
	uint8_t prio;

	if (!ugic_cpu_forwards(gic, cpu))
		return false;
	if (ugic_highest_pending(gic, cpu, &prio) == UGIC_SPURIOUS)
		return false;
	return ugic_can_signal(gic, cpu, prio);
}

/* ---- output lines ---- */

/*
 * Recompute every vCPU's output under gic->lock. Returns true when a
 * level changed: the caller must then call ugic_flush_lines() after
 * dropping the lock.
 */
bool ugic_update_lines(struct ugic *gic)
{
	bool changed = false, level;
	unsigned int c;

	for (c = 0; c < gic->nr_cpus; c++) {
		level = ugic_cpu_signalled(gic, c);
		if (level == atomic_load_explicit(&gic->line_want[c],
						  memory_order_relaxed))
			continue;
		atomic_store(&gic->line_want[c], level);
		changed = true;
	}
	return changed;
}

/*
 * Report levels that differ from the last reported ones. Every writer
 * of line_want flushes after its write, and the flush reads line_want
 * under line_lock, so the last flush always reports the final level:
 * a stale level computed by a slower thread is never reported last.
 */
void ugic_flush_lines(struct ugic *gic)
{
	unsigned int c;
	bool level;

	pthread_mutex_lock(&gic->line_lock);
	for (c = 0; c < gic->nr_cpus; c++) {
		level = atomic_load(&gic->line_want[c]);
		if (level == gic->line_reported[c])
			continue;
		gic->line_reported[c] = level;
		if (gic->set_irq_line)
			gic->set_irq_line(gic->opaque, c, level);
	}
	pthread_mutex_unlock(&gic->line_lock);
}

bool ugic_irq_line(struct ugic *gic, int cpu)
{
	if (!gic || cpu < 0 || (unsigned int)cpu >= gic->nr_cpus)
		return false;
	return atomic_load(&gic->line_want[cpu]);
}

/* ---- access checks shared by both register files ---- */

int ugic_check_access(const struct ugic *gic, const struct mmio_access *acc,
		      uint64_t region_size, bool byte_ok)
{
	if (acc->cpu < 0 || (unsigned int)acc->cpu >= gic->nr_cpus)
		return -EINVAL;
	if (acc->offset >= region_size || acc->len > region_size - acc->offset)
		return -EINVAL;
	if (acc->len == 4)
		return (acc->offset & 3) ? -EINVAL : 0;
	if (acc->len == 1 && byte_ok)
		return 0;
	return -EINVAL;
}
