// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace GICv2 backend: lkvm's own GIC model (gic/ugic-*.c)
 * wired to KVM. Distributor and CPU interface are MMIO regions outside
 * any memslot, so every guest access exits to the vCPU thread that made
 * it. The model's output for each vCPU drives that vCPU's IRQ line with
 * KVM_IRQ_LINE (KVM_ARM_IRQ_TYPE_CPU), which also wakes a vCPU blocked
 * in the kernel. The timer and PMU outputs KVM reports after every exit
 * (kvm_run->s.regs.device_irq_level) drive PPIs 27, 30 and 23.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "devices/bus.h"
#include "gic/gicv2-state.h"
#include "gic/irqchip.h"
#include "gic/ugic-snap.h"
#include "gic/ugic.h"
#include "lib/log.h"
#include "lib/snapshot.h"
#include "lib/util.h"
#include "vcpu/vcpu.h"
#include "machine/memmap.h"

#define PPI_PMU		23
#define PPI_VTIMER	27
#define PPI_PTIMER	30

struct user_gic {
	struct ugic *gic;
	struct mmio_region dist;
	struct mmio_region cpu;
	const struct irqchip_host *host;
	int vm_fd;
	int loglevel;
	/* Raise a waiting vCPU's line from the raising thread (below). */
	bool raise_direct;
	/* Each vCPU's IRQ line: wanted (any thread), told to KVM (under kvm_lock). */
	atomic_bool line_want[UGIC_MAX_CPUS];
	bool line_kvm[UGIC_MAX_CPUS];
	/* Raised by another thread: the vCPU's thread raises it again. */
	atomic_bool line_recheck[UGIC_MAX_CPUS];
	pthread_mutex_t kvm_lock[UGIC_MAX_CPUS];
};

static const struct {
	uint64_t bit;
	uint32_t ppi;
} user_gic_outputs[] = {
	{ KVM_ARM_DEV_EL1_VTIMER, PPI_VTIMER },
	{ KVM_ARM_DEV_EL1_PTIMER, PPI_PTIMER },
	{ KVM_ARM_DEV_PMU, PPI_PMU },
};

static int user_gic_probe(const struct irqchip_host *host)
{
	return host->check_cap(host->opaque, KVM_CAP_ARM_USER_IRQ) ? 0 : -ENOSYS;
}

static void user_gic_irq_line(struct user_gic *ug, int cpu, bool level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) |
		       ((cpu & KVM_ARM_IRQ_VCPU_MASK) << KVM_ARM_IRQ_VCPU_SHIFT) |
		       KVM_ARM_IRQ_CPU_IRQ,
		.level = level,
	};

	if (ioctl(ug->vm_fd, KVM_IRQ_LINE, &irq))
		pr_err(ug->loglevel, "userspace GIC: cannot drive vCPU %d's IRQ line: %s",
		       cpu, strerror(errno));
	ug->line_kvm[cpu] = level;
}

/*
 * On the vCPU's own thread, outside KVM_RUN (or before it runs): KVM
 * gets the wanted level. A line another thread raised is raised again
 * here, in case the vCPU's thread lost it (below).
 */
static void user_gic_tell_kvm(struct user_gic *ug, int cpu)
{
	bool again, level;

	pthread_mutex_lock(&ug->kvm_lock[cpu]);
	again = atomic_exchange(&ug->line_recheck[cpu], false);
	level = atomic_load(&ug->line_want[cpu]);
	if (level != ug->line_kvm[cpu] || (level && again))
		user_gic_irq_line(ug, cpu, level);
	pthread_mutex_unlock(&ug->kvm_lock[cpu]);
}

/*
 * A vCPU inside KVM_RUN, most likely waiting in WFI, gets its line
 * raised from here: KVM_IRQ_LINE wakes it in the kernel, and it takes
 * the interrupt without coming out to lkvm. A kick would cost it a
 * return to lkvm, and the signal takes milliseconds to end its wait
 * (docs/userspace-gic.md, "Raising a line from another thread").
 * KVM sets HCR_EL2.VI atomically, but the vCPU's thread rewrites that
 * word without an atomic operation when it (re)loads the vCPU, so the
 * bit can be lost. The vCPU's thread therefore raises it again at its
 * next return from KVM_RUN, and the idle kicker bounds how long that
 * takes if the lost line was its only wake-up. Without the idle kicker
 * (LKVM_WFI_KICK_MS=0) a line is only raised on the vCPU's thread.
 */
static void user_gic_raise_from_here(struct user_gic *ug, int cpu)
{
	pthread_mutex_lock(&ug->kvm_lock[cpu]);
	if (atomic_load(&ug->line_want[cpu])) {
		user_gic_irq_line(ug, cpu, true);
		atomic_store(&ug->line_recheck[cpu], true);
	}
	pthread_mutex_unlock(&ug->kvm_lock[cpu]);
}

/*
 * The model's output: the vCPU's IRQ input follows it, set on the
 * vCPU's own thread between two KVM_RUN calls: another thread records
 * the level and kicks the vCPU out of KVM_RUN to apply it. The one
 * exception is a line that rises while the vCPU waits in the kernel.
 */
static void user_gic_set_irq_line(void *opaque, int cpu, bool level)
{
	struct user_gic *ug = opaque;
	const struct irqchip_host *h = ug->host;

	atomic_store(&ug->line_want[cpu], level);
	if (level && ug->raise_direct && h->vcpu_in_kvm(h->opaque, cpu))
		user_gic_raise_from_here(ug, cpu);
	else if (!h->vcpu_kick(h->opaque, cpu))
		user_gic_tell_kvm(ug, cpu);
}

static int user_gic_report(struct irqchip *ic, int ret, int th)
{
	switch (ret) {
	case 0:
		return 0;
	case -E2BIG:
		pr_err(th, "the userspace GIC is a GICv2, which addresses at most %d vCPUs; %u were asked for: use -c %d or fewer",
		       UGIC_MAX_CPUS, ic->nr_cpus, UGIC_MAX_CPUS);
		break;
	default:
		pr_err(th, "cannot create the userspace GIC: %s", strerror(-ret));
		break;
	}
	return ret;
}

static int user_gic_place(struct irqchip *ic, struct user_gic *ug)
{
	int ret;

	ret = ugic_set_addr(ug->gic, UGIC_ADDR_DIST, ic->dist_base);
	ret = ret ?: ugic_set_addr(ug->gic, UGIC_ADDR_CPU, ic->cpu_base);
	if (ret)
		return ret;
	ugic_dist_region(ug->gic, &ug->dist);
	ugic_cpuif_region(ug->gic, &ug->cpu);
	ret = mmio_bus_register(ic->host.bus, &ug->dist);
	return ret ?: mmio_bus_register(ic->host.bus, &ug->cpu);
}

static int user_gic_create(struct irqchip *ic)
{
	struct ugic_config cfg = {
		.nr_cpus = ic->nr_cpus,
		.set_irq_line = user_gic_set_irq_line,
	};
	int th = ic->loglevel, ret;
	struct user_gic *ug;
	unsigned int i;

	if (user_gic_probe(&ic->host)) {
		pr_err(th, "the userspace GIC needs KVM_CAP_ARM_USER_IRQ, which this host's KVM lacks (Linux 4.15 or newer has it); use --irqchip=gicv3 or gicv2");
		return -ENOSYS;
	}
	ug = calloc(1, sizeof(*ug));
	if (!ug)
		return -ENOMEM;
	ug->host = &ic->host;
	ug->vm_fd = ic->vm_fd;
	ug->loglevel = th;
	ug->raise_direct = ic->kick_ms != 0;
	for (i = 0; i < UGIC_MAX_CPUS; i++)
		pthread_mutex_init(&ug->kvm_lock[i], NULL);
	cfg.opaque = ug;
	ic->priv = ug;
	ic->dist_base = MEMMAP_GIC_DIST_BASE;
	ic->cpu_base = MEMMAP_GICV2_CPU_BASE;
	ret = ugic_create(&ug->gic, &cfg);
	ret = ret ?: user_gic_place(ic, ug);
	return user_gic_report(ic, ret, th);
}

static int user_gic_init(struct irqchip *ic)
{
	struct user_gic *ug = ic->priv;
	int ret;

	ret = ugic_set_nr_irqs(ug->gic, irqchip_nr_irqs(ic));
	ret = ret ?: ugic_init(ug->gic);
	if (ret)
		pr_err(ic->loglevel, "userspace GIC: initialisation failed: %s",
		       strerror(-ret));
	return ret;
}

/* The kernel maps a vGIC's resources on the first KVM_RUN; ours, here. */
static int user_gic_first_run(struct irqchip *ic)
{
	struct user_gic *ug = ic->priv;
	int ret = ugic_map_resources(ug->gic);

	if (ret)
		pr_err(ic->loglevel, "userspace GIC: cannot map its resources: %s",
		       strerror(-ret));
	return ret;
}

static int user_gic_set_spi(struct irqchip *ic, unsigned int spi, bool level)
{
	struct user_gic *ug = ic->priv;

	if (spi >= ic->nr_spis)
		return -EINVAL;
	return ugic_set_spi_level(ug->gic, GIC_SPI_BASE + spi, level);
}

/*
 * KVM reports the levels of the timers and the PMU after every exit;
 * forward each change to the vCPU's PPI. Runs on the vCPU's thread.
 */
static void user_gic_vcpu_sync(struct irqchip *ic, struct vcpu *vcpu)
{
	uint64_t now = vcpu->run->s.regs.device_irq_level;
	uint64_t changed = now ^ vcpu->device_irq_level;
	struct user_gic *ug = ic->priv;
	unsigned int i;

	/*
	 * The kick for a line change was taken when KVM_RUN returned; a
	 * change made after that kicks again and ends the next KVM_RUN.
	 */
	user_gic_tell_kvm(ug, vcpu->id);
	/* An idle kick that finds the timer fired: the kernel did not wake us. */
	if (atomic_exchange(&vcpu->kicked, false) &&
	    (changed & now & KVM_ARM_DEV_EL1_VTIMER))
		atomic_store(&vcpu->kick_hit, true);
	if (!changed)
		return;
	vcpu->device_irq_level = now;
	for (i = 0; i < ARRAY_SIZE(user_gic_outputs); i++)
		if (changed & user_gic_outputs[i].bit)
			ugic_set_ppi_level(ug->gic, vcpu->id, user_gic_outputs[i].ppi,
					   now & user_gic_outputs[i].bit);
}

static void user_gic_destroy(struct irqchip *ic)
{
	struct user_gic *ug = ic->priv;
	unsigned int i;

	if (!ug)
		return;
	ugic_destroy(&ug->gic);
	for (i = 0; i < UGIC_MAX_CPUS; i++)
		pthread_mutex_destroy(&ug->kvm_lock[i]);
	free(ug);
	ic->priv = NULL;
}

/*
 * The timers' and the PMU's lines are KVM's: not carried. After a
 * restore the vCPU's first KVM_RUN finds them differing from the
 * (fresh) kvm_run's levels and exits to report them.
 */
static void user_gic_drop_kvm_ppis(struct gicv2_state *st)
{
	unsigned int i;

	for (i = 0; i < st->nr_cpus; i++) {
		st->cpu[i].level &= ~GICV2_KVM_PPIS;
		st->cpu[i].pending &= ~GICV2_KVM_PPIS;
	}
}

static int user_gic_save(struct irqchip *ic, struct snapshot *s)
{
	struct user_gic *ug = ic->priv;
	struct gicv2_state st;
	int ret = ugic_snap_save(ug->gic, &st);

	if (ret)
		return ret;
	user_gic_drop_kvm_ppis(&st);
	gicv2_snap_frame(ic, &st);
	gicv2_state_encode(&st, s);
	return s->err;
}

static int user_gic_restore(struct irqchip *ic, struct snapshot *s)
{
	struct user_gic *ug = ic->priv;
	struct gicv2_state st;
	unsigned int w;
	int ret = gicv2_state_decode(&st, s);

	ret = ret ?: gicv2_snap_check(ic, &st);
	if (ret)
		return ret;
	user_gic_drop_kvm_ppis(&st);
	for (w = 1; w < st.nr_irqs / 32; w++)
		atomic_store(&ic->spi_level[w - 1], st.level[w]);
	return ugic_snap_restore(ug->gic, &st);
}

const struct irqchip_ops user_gicv2_ops = {
	.name		= "userspace GICv2",
	.kind		= IRQCHIP_USER,
	.probe		= user_gic_probe,
	.create		= user_gic_create,
	.init		= user_gic_init,
	.fdt_node	= gic_fdt_v2_node,
	.set_spi	= user_gic_set_spi,
	.destroy	= user_gic_destroy,
	.first_run	= user_gic_first_run,
	.vcpu_sync	= user_gic_vcpu_sync,
	/* Always: see "MSI frame" in docs/userspace-gic.md. */
	.msi		= &gicv2m_msi_ops,
	.save		= user_gic_save,
	.restore	= user_gic_restore,
};
