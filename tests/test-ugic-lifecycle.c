/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lifecycle of the userspace GIC: the kernel vGIC's errors and defaults.
 */
#include <errno.h>

#include "tests/test-ugic.h"

#define DIST_BASE	0x08000000ULL
#define CPU_BASE	0x08010000ULL

static struct ugic_config cfg_of(unsigned int nr_cpus)
{
	struct ugic_config cfg = { .nr_cpus = nr_cpus };

	return cfg;
}

static void test_create(void)
{
	struct ugic_config cfg = cfg_of(2);
	struct ugic *gic = NULL, *first;

	CHECK_EQ(ugic_create(NULL, &cfg), -EINVAL);
	CHECK_EQ(ugic_create(&gic, NULL), -EINVAL);

	cfg = cfg_of(9);
	CHECK_EQ(ugic_create(&gic, &cfg), -E2BIG);
	cfg = cfg_of(0);
	CHECK_EQ(ugic_create(&gic, &cfg), -EINVAL);
	cfg = cfg_of(2);
	cfg.ipa_bits = 20;
	CHECK_EQ(ugic_create(&gic, &cfg), -EINVAL);

	/* A vCPU that ran wins over too many vCPUs, as in the kernel. */
	cfg = cfg_of(9);
	cfg.vcpu_has_run = true;
	CHECK_EQ(ugic_create(&gic, &cfg), -EBUSY);
	CHECK(gic == NULL);

	cfg = cfg_of(8);
	CHECK_EQ(ugic_create(&gic, &cfg), 0);
	CHECK(gic != NULL);
	first = gic;

	/* A second GIC for the same VM, even with other faults. */
	cfg.vcpu_has_run = true;
	CHECK_EQ(ugic_create(&gic, &cfg), -EEXIST);
	CHECK(gic == first);
	CHECK(!ugic_initialized(gic));
	CHECK(!ugic_ready(gic));

	ugic_destroy(&gic);
	CHECK(gic == NULL);
	ugic_destroy(&gic);		/* already gone */
	ugic_destroy(NULL);
}

static void test_nr_irqs(void)
{
	struct ugic_config cfg = cfg_of(1);
	struct ugic *gic = NULL;

	CHECK_EQ(ugic_create(&gic, &cfg), 0);
	CHECK_EQ(ugic_get_nr_irqs(gic), 32);	/* nothing set yet */
	CHECK_EQ(ugic_set_nr_irqs(gic, 0), -EINVAL);
	CHECK_EQ(ugic_set_nr_irqs(gic, 32), -EINVAL);
	CHECK_EQ(ugic_set_nr_irqs(gic, 63), -EINVAL);
	CHECK_EQ(ugic_set_nr_irqs(gic, 65), -EINVAL);
	CHECK_EQ(ugic_set_nr_irqs(gic, 100), -EINVAL);
	/* The kernel's limit is 1023, so 1024 itself is refused. */
	CHECK_EQ(ugic_set_nr_irqs(gic, 1024), -EINVAL);
	CHECK_EQ(ugic_set_nr_irqs(gic, 1056), -EINVAL);
	CHECK_EQ(ugic_get_nr_irqs(gic), 32);

	CHECK_EQ(ugic_set_nr_irqs(gic, 64), 0);
	CHECK_EQ(ugic_get_nr_irqs(gic), 64);
	CHECK_EQ(ugic_set_nr_irqs(gic, 96), -EBUSY);
	CHECK_EQ(ugic_init(gic), 0);
	CHECK_EQ(ugic_get_nr_irqs(gic), 64);
	ugic_destroy(&gic);

	/* Default when unset, frozen by init. */
	CHECK_EQ(ugic_create(&gic, &cfg), 0);
	CHECK_EQ(ugic_init(gic), 0);
	CHECK_EQ(ugic_get_nr_irqs(gic), 256);
	CHECK_EQ(ugic_set_nr_irqs(gic, 128), -EBUSY);
	ugic_destroy(&gic);

	CHECK_EQ(ugic_create(&gic, &cfg), 0);
	CHECK_EQ(ugic_set_nr_irqs(gic, 992), 0);
	ugic_destroy(&gic);

	CHECK_EQ(ugic_set_nr_irqs(NULL, 64), -EINVAL);
	CHECK_EQ(ugic_get_nr_irqs(NULL), 0);
}

static void test_addr(void)
{
	struct ugic_config cfg = cfg_of(1);
	struct ugic *gic = NULL;

	CHECK_EQ(ugic_create(&gic, &cfg), 0);
	CHECK_EQ(ugic_get_addr(gic, UGIC_ADDR_DIST), UGIC_ADDR_UNDEF);
	CHECK_EQ(ugic_get_addr(gic, UGIC_ADDR_CPU), UGIC_ADDR_UNDEF);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_DIST, DIST_BASE + 0x800),
		 -EINVAL);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_DIST, 0xfffffffffffff000ULL),
		 -EINVAL);	/* the region would wrap */
	CHECK_EQ(ugic_set_addr(gic, (enum ugic_addr_type)7, DIST_BASE),
		 -ENXIO);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_DIST, DIST_BASE), 0);
	CHECK_EQ(ugic_get_addr(gic, UGIC_ADDR_DIST), DIST_BASE);
	/* Already set is checked before alignment. */
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_DIST, DIST_BASE), -EEXIST);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_DIST, 0x123), -EEXIST);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_CPU, CPU_BASE), 0);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_CPU, CPU_BASE), -EEXIST);
	CHECK_EQ(ugic_set_addr(NULL, UGIC_ADDR_CPU, CPU_BASE), -EINVAL);
	ugic_destroy(&gic);

	/* Past the guest physical address space. */
	cfg.ipa_bits = 32;
	CHECK_EQ(ugic_create(&gic, &cfg), 0);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_DIST, 0xffff0000ULL), 0);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_CPU, 0xffff0000ULL), -E2BIG);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_CPU, 0x100000000ULL), -E2BIG);
	ugic_destroy(&gic);
}

static void test_map(void)
{
	struct ugic_config cfg = cfg_of(2);
	struct ugic *gic = NULL;

	CHECK_EQ(ugic_create(&gic, &cfg), 0);
	CHECK_EQ(ugic_set_nr_irqs(gic, 128), 0);
	CHECK_EQ(ugic_map_resources(gic), -ENXIO);
	/* The failure tears the sized state down, as in the kernel. */
	CHECK(!ugic_initialized(gic));
	CHECK_EQ(ugic_get_nr_irqs(gic), 32);

	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_DIST, DIST_BASE), 0);
	CHECK_EQ(ugic_map_resources(gic), -ENXIO);
	CHECK_EQ(ugic_get_addr(gic, UGIC_ADDR_DIST), UGIC_ADDR_UNDEF);

	/* Overlapping frames. */
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_DIST, DIST_BASE), 0);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_CPU, DIST_BASE + 0x8000), 0);
	CHECK_EQ(ugic_map_resources(gic), -EINVAL);
	CHECK(!ugic_ready(gic));

	/* GICv2 initialises lazily on the first run. */
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_DIST, DIST_BASE), 0);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_CPU, CPU_BASE), 0);
	CHECK(!ugic_initialized(gic));
	CHECK_EQ(ugic_map_resources(gic), 0);
	CHECK(ugic_initialized(gic));
	CHECK(ugic_ready(gic));
	CHECK_EQ(ugic_get_nr_irqs(gic), 256);
	CHECK_EQ(ugic_map_resources(gic), 0);
	CHECK_EQ(ugic_init(gic), 0);
	CHECK_EQ(ugic_set_nr_irqs(gic, 64), -EBUSY);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_CPU, CPU_BASE), -EEXIST);
	ugic_destroy(&gic);

	/* Explicit init first, then map: the sizes are kept. */
	CHECK_EQ(ugic_create(&gic, &cfg), 0);
	CHECK_EQ(ugic_set_nr_irqs(gic, 96), 0);
	CHECK_EQ(ugic_init(gic), 0);
	CHECK_EQ(ugic_init(gic), 0);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_CPU, DIST_BASE), 0);
	CHECK_EQ(ugic_set_addr(gic, UGIC_ADDR_DIST, CPU_BASE + 0x20000), 0);
	CHECK_EQ(ugic_map_resources(gic), 0);
	CHECK_EQ(ugic_get_nr_irqs(gic), 96);
	ugic_destroy(&gic);

	CHECK_EQ(ugic_map_resources(NULL), -EINVAL);
	CHECK_EQ(ugic_init(NULL), -EINVAL);
	CHECK(!ugic_ready(NULL));
}

static void test_before_init(void)
{
	struct ugic_config cfg = cfg_of(2);
	struct mmio_region dist, cpu;
	struct ugic *gic = NULL;
	uint64_t v = 0xdead;

	CHECK_EQ(ugic_create(&gic, &cfg), 0);
	ugic_dist_region(gic, &dist);
	ugic_cpuif_region(gic, &cpu);
	CHECK_EQ(dist.size, 0x10000);
	CHECK_EQ(cpu.size, 0x20000);
	CHECK_EQ(dist.base, UGIC_ADDR_UNDEF);

	/* Not reachable by a guest yet: refused, read as zero. */
	CHECK_EQ(tg_access(&dist, 0, GICD_TYPER, 4, false, &v), -ENODEV);
	CHECK_EQ(v, 0);
	v = 0xdead;
	CHECK_EQ(tg_access(&cpu, 0, GICC_IAR, 4, false, &v), -ENODEV);
	CHECK_EQ(v, 0);
	v = 1;
	CHECK_EQ(tg_access(&dist, 0, GICD_CTLR, 4, true, &v), -ENODEV);

	/* Injection initialises a GICv2 lazily, as KVM_IRQ_LINE does. */
	CHECK_EQ(ugic_set_spi_level(gic, 40, true), 0);
	CHECK(ugic_initialized(gic));
	CHECK_EQ(ugic_set_nr_irqs(gic, 64), -EBUSY);
	CHECK_EQ(tg_access(&dist, 0, GICD_ISPENDR + 4, 4, false, &v), 0);
	CHECK_EQ(v, 1U << 8);
	ugic_destroy(&gic);

	CHECK_EQ(ugic_create(&gic, &cfg), 0);
	CHECK_EQ(ugic_set_ppi_level(gic, 1, 27, true), 0);
	CHECK(ugic_initialized(gic));
	ugic_destroy(&gic);
}

static void test_inputs(void)
{
	struct tgic t;

	tg_setup(&t, 2, 0);
	CHECK_EQ(ugic_set_spi_level(t.gic, 31, true), -EINVAL);
	CHECK_EQ(ugic_set_spi_level(t.gic, 256, true), -EINVAL);
	CHECK_EQ(ugic_set_spi_level(t.gic, 1020, true), -EINVAL);
	CHECK_EQ(ugic_set_spi_level(t.gic, 255, true), 0);
	CHECK_EQ(ugic_set_spi_level(t.gic, 32, true), 0);
	CHECK_EQ(ugic_set_ppi_level(t.gic, 0, 15, true), -EINVAL);
	CHECK_EQ(ugic_set_ppi_level(t.gic, 0, 32, true), -EINVAL);
	CHECK_EQ(ugic_set_ppi_level(t.gic, 2, 27, true), -EINVAL);
	CHECK_EQ(ugic_set_ppi_level(t.gic, -1, 27, true), -EINVAL);
	CHECK_EQ(ugic_set_ppi_level(t.gic, 1, 16, true), 0);
	CHECK_EQ(ugic_set_ppi_level(t.gic, 1, 31, true), 0);
	CHECK_EQ(ugic_set_spi_level(NULL, 40, true), -EINVAL);
	CHECK_EQ(ugic_set_ppi_level(NULL, 0, 27, true), -EINVAL);
	CHECK(!ugic_irq_line(t.gic, 2));
	CHECK(!ugic_irq_line(NULL, 0));
	tg_teardown(&t);
}

/* Reset values after init (GICv2 model: all group 0). */
static void test_defaults(void)
{
	struct tgic t;
	unsigned int c, i;

	tg_setup(&t, 3, 0);
	CHECK_EQ(dread(&t, 0, GICD_CTLR), 0);
	CHECK_EQ(dread(&t, 0, GICD_TYPER), (2 << 5) | 7);
	for (c = 0; c < 3; c++) {
		CHECK_EQ(dread(&t, c, GICD_ISENABLER), 0xffff);
		CHECK_EQ(dread(&t, c, GICD_ICFGR), 0xaaaaaaaa);
		CHECK_EQ(dread(&t, c, GICD_ICFGR + 4), 0);
		CHECK_EQ(dread(&t, c, GICD_ITARGETSR), 0x01010101U << c);
		CHECK_EQ(cread(&t, c, GICC_CTLR), 0);
		CHECK_EQ(cread(&t, c, GICC_PMR), 0);
		CHECK_EQ(cread(&t, c, GICC_BPR), 2);
		CHECK_EQ(cread(&t, c, GICC_ABPR), 3);
		CHECK_EQ(cread(&t, c, GICC_RPR), 0xff);
		CHECK_EQ(cread(&t, c, GICC_APR0), 0);
		CHECK_EQ(cread(&t, c, GICC_IAR), 1023);
		CHECK_EQ(cread(&t, c, GICC_HPPIR), 1023);
	}
	for (i = 0; i < 8; i++) {
		CHECK_EQ(dread(&t, 1, GICD_IGROUPR + 4 * i), 0);
		CHECK_EQ(dread(&t, 1, GICD_ISPENDR + 4 * i), 0);
		CHECK_EQ(dread(&t, 1, GICD_ISACTIVER + 4 * i), 0);
	}
	for (i = 1; i < 8; i++)
		CHECK_EQ(dread(&t, 0, GICD_ISENABLER + 4 * i), 0);
	for (i = 2; i < 16; i++)
		CHECK_EQ(dread(&t, 0, GICD_ICFGR + 4 * i), 0);
	for (i = 0; i < 64; i++)
		CHECK_EQ(dread(&t, 2, GICD_IPRIORITYR + 4 * i), 0);
	/* SPIs are routed to vCPU 0. */
	for (i = 8; i < 64; i++)
		CHECK_EQ(dread(&t, 2, GICD_ITARGETSR + 4 * i), 0x01010101);
	for (c = 0; c < 3; c++)
		CHECK_EQ(t.calls[c], 0);
	tg_teardown(&t);
}

void test_lifecycle(void)
{
	test_create();
	test_nr_irqs();
	test_addr();
	test_map();
	test_before_init();
	test_inputs();
	test_defaults();
}
