// SPDX-License-Identifier: GPL-2.0
/* Driving SPIs through lkvm's test device, for the spi and spi-prio tests. */
#include "bootargs.h"
#include "gic.h"
#include "printf.h"
#include "spi-util.h"
#include "test.h"
#include "testdev.h"

/* Not required: SKIP, and pass. Required: one failed check. */
static void no_device(void)
{
	char key[64];

	snprintf(key, sizeof(key), "%s.require-device", test_name);
	if (bootarg_present(key) && bootarg_u64(key, 1)) {
		check(false, "testdev.present",
		      "no %s in the DT, and %s is set", TESTDEV_COMPAT, key);
		return;
	}
	pr_info("no %s in the DT (QEMU has none; lkvm: run --test-device)",
		TESTDEV_COMPAT);
	printf("SKIP no %s\n", TESTDEV_COMPAT);
	printf("TEST %s 0 passed, 0 failed\n", test_name);
	test_exit(0);
}

int spi_setup(u32 *a, u32 *b)
{
	if (testdev_probe()) {
		no_device();
		return -1;
	}
	if (testdev_nr_lines() < 2) {
		check(false, "testdev.lines",
		      "the test needs 2 lines, the device has %d",
		      testdev_nr_lines());
		return -1;
	}
	*a = testdev_spi(0);
	*b = testdev_spi(1);
	return 0;
}

int spi_line_of(u32 intid)
{
	int i;

	for (i = 0; i < testdev_nr_lines(); i++)
		if (testdev_spi(i) == intid)
			return i;
	return -1;
}

void spi_cmd(u32 intid, u32 cmd)
{
	int ret = testdev_irq(spi_line_of(intid), cmd, 0);

	if (ret)
		check(false, "testdev.command", "INTID %u command %u refused: %d",
		      intid, cmd, ret);
}

void spi_quiesce(u32 intid)
{
	gic_irq_disable(intid);
	testdev_irq(spi_line_of(intid), TESTDEV_CMD_CANCEL, 0);
	spi_cmd(intid, TESTDEV_CMD_LOWER);
	gic_irq_set_edge(intid, false);
	gic_irq_set_pending(intid, false);
	gic_irq_set_active(intid, false);
	gic_irq_set_priority(intid, SPI_PRIO_DEFAULT);
	gic_irq_set_target(intid, 0);
}

u32 spi_ack(void)
{
	return gic_iar_intid(gic_ack());
}

void spi_eoi(u32 intid)
{
	if (intid < 1020)
		gic_eoi(intid);
}

void spi_dir(u32 intid)
{
	if (intid < 1020)
		gic_deactivate(intid);
}
