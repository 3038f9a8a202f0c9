// SPDX-License-Identifier: GPL-2.0
/*
 * flood: a guest that pushes as much at lkvm as it can, for the
 * bounded-resource system tests (tests/system/res-*.sh). One of:
 *
 *  flood.lines=N   print N numbered console lines, as fast as the UART
 *                  takes them ("FLOOD-LINE n <payload>"), then
 *                  "FLOOD-END lines=N". 0: print until stopped.
 *  flood.irq-ms=N  for N ms, pulse the test device's line 0 with
 *                  immediate commands and keep its queue of delayed
 *                  pulses (50 ms) on line 1 full; both SPIs are
 *                  edge-triggered and taken. A "FLOOD-IRQ ..." progress
 *                  line every second. 0: until stopped.
 *
 * flood.exit=S then ends the run with exit status S through the test
 * device (default: the usual test verdict), so the host can tell that
 * the guest got to the end, not stalled behind its own output.
 * flood.tail=1 instead ends it with "FLOOD-TAIL", no newline, and PSCI
 * SYSTEM_OFF at once: output lkvm holds back for the rest of its line,
 * for the host to see that lkvm still writes it before its own word.
 */
#include "guest.h"
#include "testdev.h"

const char test_name[] = "flood";

#define PAYLOAD	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define LINE_NOW	0
#define LINE_DELAYED	1
/* Long enough that the queue of delayed commands fills and refuses. */
#define DELAY_US	50000

static atomic_t taken[2];

static void flood_lines(u64 lines)
{
	u64 n;

	printf("FLOOD-BEGIN lines=%lu\n", lines);
	for (n = 1; !lines || n <= lines; n++)
		printf("FLOOD-LINE %lu " PAYLOAD "\n", n);
	printf("FLOOD-END lines=%lu\n", lines);
}

static void on_spi(u32 intid, u32 iar __unused, void *arg)
{
	(void)intid;
	atomic_inc(&taken[(long)arg]);
}

static int flood_irq_setup(void)
{
	int line;

	if (testdev_probe() || testdev_nr_lines() < 2)
		return -1;
	for (line = 0; line < 2; line++) {
		u32 spi = testdev_spi(line);

		irq_set_handler(spi, on_spi, (void *)(long)line);
		gic_irq_set_edge(spi, true);
		gic_irq_enable(spi);
	}
	local_irq_enable();
	return 0;
}

static void flood_irq(u64 ms)
{
	u64 start = timer_now(), next = start + timer_us_to_ticks(1000000);
	u64 end = start + timer_us_to_ticks(ms * 1000);
	u64 pulses = 0, delayed = 0, busy = 0;

	if (flood_irq_setup()) {
		check(false, "flood.device", "no %s with 2 lines: run with --test-device",
		      TESTDEV_COMPAT);
		return;
	}
	printf("FLOOD-IRQ-BEGIN ms=%lu spi=%u,%u\n", ms,
	       testdev_spi(LINE_NOW) - GIC_FIRST_SPI,
	       testdev_spi(LINE_DELAYED) - GIC_FIRST_SPI);
	while (!ms || timer_now() < end) {
		pulses += testdev_irq(LINE_NOW, TESTDEV_CMD_PULSE, 0) == 0;
		if (testdev_irq(LINE_DELAYED, TESTDEV_CMD_PULSE, DELAY_US) == TESTDEV_EBUSY)
			busy++;
		else
			delayed++;
		if (timer_now() < next)
			continue;
		next += timer_us_to_ticks(1000000);
		printf("FLOOD-IRQ pulses=%lu delayed=%lu busy=%lu taken=%d,%d\n",
		       pulses, delayed, busy, atomic_read(&taken[0]),
		       atomic_read(&taken[1]));
	}
	udelay(20000);
	check(pulses > 0 && atomic_read(&taken[0]) > 0, "flood.irq-now",
	      "%lu pulses, %d taken", pulses, atomic_read(&taken[0]));
	check(atomic_read(&taken[1]) > 0, "flood.irq-delayed",
	      "%lu queued, %lu refused (queue full), %d taken", delayed, busy,
	      atomic_read(&taken[1]));
}

void test_main(void)
{
	u64 status = bootarg_u64("flood.exit", 256);

	if (bootarg_present("flood.irq-ms")) {
		flood_irq(bootarg_u64("flood.irq-ms", 0));
	} else {
		flood_lines(bootarg_u64("flood.lines", 1000));
		check(true, "flood.lines", "all printed");
	}
	if (bootarg_present("flood.tail")) {
		printf("FLOOD-TAIL");
		psci_system_off();
		park();
	}
	if (status > 255)
		return;
	/* A status of the host's choosing: the guest got here. */
	if (!testdev_probe())
		testdev_exit(status);
	psci_system_off();
	park();
}
