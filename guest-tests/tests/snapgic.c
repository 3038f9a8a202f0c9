// SPDX-License-Identifier: GPL-2.0
/*
 * snapgic: the GIC's whole state across a snapshot and restore
 * (tests/system/ctl-snapshot-gic.sh). Two vCPUs and lkvm's test device
 * (docs/test-device.md), whose four lines drive four SPIs. The guest
 * builds a state only a faithful restore reproduces, prints
 * "# snapgic: ready" and spins for snapgic.wait-ms of its own time with
 * interrupts masked at PSTATE; the host snapshots it with --stop
 * meanwhile, so only the restored VM goes on. Then it reads every bit
 * of that state back, drops the priorities in order, unmasks, and
 * counts each interrupt taken, per INTID and vCPU: each exactly once.
 *
 * The state, on vCPU 0 unless said (priorities distinct):
 *  - A (line 0, 0xc0): level high, enabled, held back by PMR = 0xc0:
 *    pending, not active;
 *  - L (line 1, 0xa0): acknowledged, line lowered: active only;
 *  - H (line 2, 0x60): acknowledged while L is active (it preempts
 *    L's "handler"), line high: active and pending; the running
 *    priority is H's and the active priorities hold two levels;
 *  - R (line 3, 0x80): edge-triggered, routed to vCPU 1, pulsed:
 *    pending there by its latch, its line low;
 *  - SGI 5 (0x90 on vCPU 1, whose PMR is 0xe0): sent by vCPU 0 to
 *    vCPU 1, which has interrupts masked: pending in its interface;
 *  - vCPU 0's virtual timer armed (CNTV_CVAL) shortly after the wait,
 *    enabled and unmasked.
 * Without a snapshot the wait just elapses and the same checks pass.
 */
#include "guest.h"
#include "gic-v2.h"
#include "gic-v3.h"
#include "spi-util.h"
#include "testdev.h"

const char test_name[] = "snapgic";

#define SGI_ID		5
#define PRIO_A		0xc0
#define PRIO_L		0xa0
#define PRIO_H		0x60
#define PRIO_R		0x80
#define PRIO_SGI	0x90
#define PMR_WAIT	0xc0
#define PMR_CPU1	0xe0
#define PRIO_IDLE	0xff
/* From the end of the wait to the timer, and on to the final count. */
#define TIMER_AFTER_US	(300 * 1000)
#define SETTLE_US	(700 * 1000)

enum watched { W_A, W_L, W_H, W_R, W_SGI, W_TIMER, W_NR };

static const char *const watched_name[W_NR] = {
	"A", "L", "H", "R", "SGI", "timer",
};

/* What each SPI should be, enabled besides. */
struct spi_want {
	bool edge;
	bool pending;
	bool active;
	u8 prio;
	int cpu;
};

static const struct spi_want spi_want[4] = {
	[W_A] = { .pending = true, .active = false, .prio = PRIO_A, .cpu = 0 },
	[W_L] = { .pending = false, .active = true, .prio = PRIO_L, .cpu = 0 },
	[W_H] = { .pending = true, .active = true, .prio = PRIO_H, .cpu = 0 },
	[W_R] = { .edge = true, .pending = true, .active = false, .prio = PRIO_R,
		  .cpu = 1 },
};

struct snapgic {
	u32 intid[W_NR];
	u64 wait_end;		/* counter value: end of the wait */
	u64 cval;		/* vCPU 0's timer deadline */
	u64 target[NR_CPUS];	/* per vCPU: its ITARGETSR mask / IROUTER */
	u32 apr_before[NR_CPUS];
	volatile u32 taken[NR_CPUS][W_NR];
	volatile int sgi_source;
};

static int watched_of(const struct snapgic *s, u32 intid)
{
	int w;

	for (w = 0; w < W_NR; w++)
		if (s->intid[w] == intid)
			return w;
	return -1;
}

static void snapgic_irq(u32 intid, u32 iar, void *arg)
{
	struct snapgic *s = arg;
	int w = watched_of(s, intid);

	s->taken[smp_processor_id()][w]++;
	if (w <= W_R)
		spi_cmd(intid, TESTDEV_CMD_LOWER);
	else if (w == W_TIMER)
		timer_virt_stop();
	else
		s->sgi_source = gic_iar_source(iar);
}

/* A distributor bit of SPI @intid, or of a private one of this vCPU. */
static bool dist_bit(u32 reg, u32 intid)
{
	u64 base = gic_dist_base();

	if (intid < GIC_FIRST_SPI && gic_version() == 3)
		base = gicv3_rdist_base(smp_processor_id()) + GICR_SGI_BASE;
	return readl(base + reg + 4 * (intid / 32)) & BIT(intid % 32);
}

static u8 prio_of(u32 intid)
{
	u64 base = gic_dist_base();

	if (intid < GIC_FIRST_SPI && gic_version() == 3)
		base = gicv3_rdist_base(smp_processor_id()) + GICR_SGI_BASE;
	return readb(base + GICD_IPRIORITYR + intid);
}

/* GICv2: ITARGETSR's CPU mask; GICv3: IROUTER's affinity. */
static u64 target_of(u32 intid)
{
	if (gic_version() == 2)
		return readb(gic_dist_base() + GICD_ITARGETSR + intid);
	return readq(gic_dist_base() + GICD_IROUTER + 8 * intid) &
	       0xff00ffffffUL;
}

/* This vCPU's own target value: read from a banked register. */
static u64 own_target(void)
{
	if (gic_version() == 2)
		return readb(gic_dist_base() + GICD_ITARGETSR);
	return mpidr_affinity() & 0xff00ffffffUL;
}

static void raise_wait(u32 intid)
{
	spi_cmd(intid, TESTDEV_CMD_RAISE);
	if (!gic_wait_pending(intid, true, SPI_WAIT_US))
		test_abort("INTID %u not pending once its line is high", intid);
}

static void ack_expect(u32 intid)
{
	u32 got = spi_ack();

	if (got != intid)
		test_abort("acknowledged %u, expected %u", got, intid);
}

/* vCPU 0: the SPIs, the preempted handler and the timer. */
static void setup_cpu0(struct snapgic *s)
{
	int w;

	gic_set_pmr(PMR_WAIT);
	for (w = W_A; w <= W_R; w++) {
		spi_quiesce(s->intid[w]);
		gic_irq_set_priority(s->intid[w], spi_want[w].prio);
		gic_irq_enable(s->intid[w]);
	}
	raise_wait(s->intid[W_A]);
	raise_wait(s->intid[W_L]);
	ack_expect(s->intid[W_L]);
	spi_cmd(s->intid[W_L], TESTDEV_CMD_LOWER);
	gic_wait_pending(s->intid[W_L], false, SPI_WAIT_US);
	raise_wait(s->intid[W_H]);
	ack_expect(s->intid[W_H]);
	gic_irq_enable(s->intid[W_TIMER]);
	timer_virt_arm(s->cval);
}

/* Both: build the state, then wait with interrupts masked. */
static void snapgic_setup(void *arg)
{
	struct snapgic *s = arg;
	int cpu = smp_processor_id();

	local_irq_disable();
	s->target[cpu] = own_target();
	if (cpu == 1) {
		gic_set_pmr(PMR_CPU1);
		gic_irq_set_priority(s->intid[W_SGI], PRIO_SGI);
		gic_irq_enable(s->intid[W_SGI]);
	}
	smp_barrier();
	if (cpu == 0) {
		setup_cpu0(s);
		gic_irq_set_target(s->intid[W_R], 1);
		gic_irq_set_edge(s->intid[W_R], true);
		spi_cmd(s->intid[W_R], TESTDEV_CMD_PULSE);
		gic_send_sgi(s->intid[W_SGI], 1);
	}
	smp_barrier();
	/*
	 * R and the SGI are read by vCPU 1: KVM moves a pending edge
	 * interrupt into its target's list registers, where another
	 * vCPU's read does not see it until that vCPU exits.
	 */
	if (cpu == 1 && !gic_wait_pending(s->intid[W_SGI], true, SPI_WAIT_US))
		test_abort("SGI %u not pending on cpu1", s->intid[W_SGI]);
	if (cpu == 1 && !gic_wait_pending(s->intid[W_R], true, SPI_WAIT_US))
		test_abort("R (INTID %u) not pending once pulsed", s->intid[W_R]);
	s->apr_before[cpu] = gic_get_apr();
	smp_barrier();
	if (cpu == 0)
		pr_info("snapgic: ready");
	while (!timer_expired(s->wait_end))
		cpu_relax();
}

static void check_spi(const struct snapgic *s, int w)
{
	const struct spi_want *want = &spi_want[w];
	u32 intid = s->intid[w];
	bool en = dist_bit(GICD_ISENABLER, intid);
	bool pend = dist_bit(GICD_ISPENDR, intid);
	bool act = dist_bit(GICD_ISACTIVER, intid);
	u8 prio = prio_of(intid);
	u64 tgt = target_of(intid);
	u64 cfg = gic_dist_base() + GICD_ICFGR + 4 * (intid / 16);
	bool edge = readl(cfg) & (2U << (2 * (intid % 16)));

	check(en, "snapgic.enable", "%s (INTID %u) enabled: %d", watched_name[w],
	      intid, en);
	check(pend == want->pending, "snapgic.pending",
	      "%s (INTID %u) pending %d, want %d", watched_name[w], intid, pend,
	      want->pending);
	check(act == want->active, "snapgic.active",
	      "%s (INTID %u) active %d, want %d", watched_name[w], intid, act,
	      want->active);
	check(edge == want->edge, "snapgic.edge",
	      "%s (INTID %u) edge-triggered %d, want %d", watched_name[w], intid,
	      edge, want->edge);
	check(prio == want->prio, "snapgic.priority",
	      "%s (INTID %u) priority %#x, want %#x", watched_name[w], intid,
	      prio, want->prio);
	check(tgt == s->target[want->cpu], "snapgic.target",
	      "%s (INTID %u) target %#lx, want cpu%d's %#lx", watched_name[w],
	      intid, tgt, want->cpu, s->target[want->cpu]);
}

/* The CPU interface: PMR, running and active priorities. */
static void check_cpuif(const struct snapgic *s, u8 pmr, u8 rpr)
{
	int cpu = smp_processor_id();
	u32 apr = gic_get_apr();
	u8 p = gic_get_pmr(), r = gic_get_rpr();

	check(p == pmr, "snapgic.pmr", "cpu%d PMR %#x, want %#x", cpu, p, pmr);
	check(r == rpr, "snapgic.rpr", "cpu%d running priority %#x, want %#x",
	      cpu, r, rpr);
	check(apr == s->apr_before[cpu], "snapgic.apr",
	      "cpu%d active priorities %#x, %#x before the wait", cpu, apr,
	      s->apr_before[cpu]);
}

static void check_cpu0(const struct snapgic *s)
{
	u32 ctl = timer_virt_ctl() & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	u64 cval = read_sysreg(CNTV_CVAL_EL0);
	int w;

	for (w = W_A; w < W_R; w++)
		check_spi(s, w);
	check_cpuif(s, PMR_WAIT, PRIO_H);
	check(s->apr_before[0] != 0, "snapgic.apr-levels",
	      "cpu0 active priorities %#x with two handlers active",
	      s->apr_before[0]);
	check(ctl == CNTV_CTL_ENABLE && cval == s->cval, "snapgic.timer",
	      "CNTV_CTL %#x (want enabled, unmasked), CVAL %#lx (want %#lx)",
	      ctl, cval, s->cval);
	check(dist_bit(GICD_ISENABLER, s->intid[W_TIMER]), "snapgic.timer-enable",
	      "timer PPI %u enabled", s->intid[W_TIMER]);
}

static void check_cpu1(const struct snapgic *s)
{
	u32 sgi = s->intid[W_SGI];
	bool en = dist_bit(GICD_ISENABLER, sgi);
	bool pend = dist_bit(GICD_ISPENDR, sgi);
	bool act = dist_bit(GICD_ISACTIVER, sgi);
	u8 prio = prio_of(sgi);

	check(en && pend && !act, "snapgic.sgi",
	      "cpu1 SGI %u enabled %d, pending %d (want 1), active %d (want 0)",
	      sgi, en, pend, act);
	check(prio == PRIO_SGI, "snapgic.sgi-priority",
	      "cpu1 SGI %u priority %#x, want %#x", sgi, prio, PRIO_SGI);
	check_spi(s, W_R);
	check_cpuif(s, PMR_CPU1, PRIO_IDLE);
}

/* The priority drops, in order: H's, then L's; RPR follows. */
static void drop_cpu0(const struct snapgic *s)
{
	u8 after_h, after_l;

	spi_eoi(s->intid[W_H]);
	after_h = gic_get_rpr();
	spi_eoi(s->intid[W_L]);
	after_l = gic_get_rpr();
	check(after_h == PRIO_L && after_l == PRIO_IDLE, "snapgic.eoi-order",
	      "running priority %#x after H's EOI (want %#x), %#x after L's",
	      after_h, PRIO_L, after_l);
	gic_set_pmr(PRIO_IDLE);
}

/* Both, after the wait: read back, then take everything. */
static void snapgic_finish(void *arg)
{
	struct snapgic *s = arg;
	int cpu = smp_processor_id();
	u64 end = s->cval + timer_us_to_ticks(SETTLE_US);

	smp_barrier();
	if (cpu == 0)
		check_cpu0(s);
	else
		check_cpu1(s);
	smp_barrier();
	if (cpu == 0)
		drop_cpu0(s);
	local_irq_enable();
	while (!timer_expired(end))
		cpu_relax();
	local_irq_disable();
}

static void check_counts(const struct snapgic *s)
{
	int cpu, w;

	for (cpu = 0; cpu < 2; cpu++) {
		for (w = 0; w < W_NR; w++) {
			u32 want = (cpu == 1) == (w == W_R || w == W_SGI);

			if (w == W_L)
				want = 0;
			check(s->taken[cpu][w] == want, "snapgic.taken",
			      "%s (INTID %u) taken %u times on cpu%d, want %u",
			      watched_name[w], s->intid[w], s->taken[cpu][w],
			      cpu, want);
		}
	}
	if (gic_version() == 2)
		check(s->sgi_source == 0, "snapgic.sgi-source",
		      "SGI %u on cpu1 from cpu%d, want cpu0", s->intid[W_SGI],
		      s->sgi_source);
}

void test_main(void)
{
	static struct snapgic s;
	u64 wait_ms = bootarg_u64("snapgic.wait-ms", 20000);
	int w;

	if (spi_setup(&s.intid[W_A], &s.intid[W_L]))
		return;
	if (testdev_nr_lines() < 4 || smp_boot_secondaries() < 2)
		test_abort("needs 4 device lines and 2 vCPUs: %d, %d",
			   testdev_nr_lines(), nr_cpus_online());
	s.intid[W_H] = testdev_spi(2);
	s.intid[W_R] = testdev_spi(3);
	s.intid[W_SGI] = SGI_ID;
	s.intid[W_TIMER] = timer_intid(TIMER_VIRT);
	for (w = 0; w < W_NR; w++)
		irq_set_handler(s.intid[w], snapgic_irq, &s);
	s.sgi_source = -1;
	s.wait_end = timer_deadline_us(wait_ms * 1000);
	s.cval = s.wait_end + timer_us_to_ticks(TIMER_AFTER_US);
	pr_info("%s; A %u, L %u, H %u, R %u, SGI %u, timer %u; wait %lu ms",
		gic_name(), s.intid[W_A], s.intid[W_L], s.intid[W_H], s.intid[W_R],
		s.intid[W_SGI], s.intid[W_TIMER], wait_ms);
	smp_run(snapgic_setup, &s);
	pr_info("snapgic: waited, checking");
	smp_run(snapgic_finish, &s);
	check_counts(&s);
	for (w = W_A; w <= W_R; w++)
		spi_quiesce(s.intid[w]);
}
