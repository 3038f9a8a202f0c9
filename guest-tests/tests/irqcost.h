/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_IRQCOST_H
#define GUEST_IRQCOST_H

#include "types.h"

/*
 * irqcost's MSI source (irqcost-msi.c): one register write that makes
 * a message arrive at the GIC's MSI frame, and the INTID it arrives as.
 */
struct irqcost_msi {
	u64 reg;		/* where the write goes */
	u32 val;		/* what is written */
	u32 intid;		/* what the CPU takes */
	u64 frame;		/* the ITS or v2m frame the DT names */
	const char *src;	/* "setspi", "testdev" or "none" */
};

/*
 * Finds the frame, maps the message (ITS: device, collection, LPI) and
 * enables its INTID with @fn as its handler. 0; 1 when the frame is
 * there but nothing the guest can drive sends it a message (src
 * "none"); -1 with a failed check when there is no frame or it does
 * not work.
 */
int irqcost_msi_init(struct irqcost_msi *m,
		     void (*fn)(u32 intid, u32 iar, void *arg));

#endif
