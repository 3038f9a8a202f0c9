/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_IRQ_LINE_H
#define LKVM_DEVICES_IRQ_LINE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

/*
 * One interrupt line of a device: the device raises its own line
 * without knowing which interrupt controller is behind it. The
 * irqchip fills in ops and chip when it hands the line out
 * (irqchip_line()); unit tests and fuzzers give a recording one.
 */
struct irq_line_ops {
	/* Drive a level-sensitive line. Any thread. */
	int (*set)(void *chip, unsigned int spi, bool level);
	/*
	 * Optional: have KVM inject an edge on this line whenever the
	 * eventfd fd is written (KVM_IRQFD), with no exit and no ioctl.
	 * Returns -EOPNOTSUPP where the GIC is not in the kernel.
	 */
	int (*irqfd)(void *chip, unsigned int spi, int fd);
};

struct irq_line {
	const struct irq_line_ops *ops;
	void *chip;
	unsigned int spi;	/* SPI number: INTID - 32, as in the DT */
	int irqfd;		/* bound eventfd, or -1 */
};

static inline int irq_line_set(struct irq_line *l, bool level)
{
	return l->ops->set(l->chip, l->spi, level);
}

/*
 * An edge (for edge-triggered SPIs such as virtio-mmio's): through the
 * bound irqfd when there is one, else a high-low pulse of the line.
 */
static inline int irq_line_trigger(struct irq_line *l)
{
	uint64_t one = 1;
	int ret;

	if (l->irqfd >= 0)
		return write(l->irqfd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
	ret = l->ops->set(l->chip, l->spi, true);
	return ret ?: l->ops->set(l->chip, l->spi, false);
}

#endif
