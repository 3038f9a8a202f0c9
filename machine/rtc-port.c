// SPDX-License-Identifier: GPL-2.0
/* The RTC as the VM's device: its region and DT node, the host's clock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/device-snap.h"
#include "devices/rtc-cmos.h"
#include "lib/log.h"
#include "machine/memmap.h"
#include "machine/rtc-port.h"

struct rtc_port {
	struct device dev;
	struct rtc_cmos rtc;
};

/* On a vCPU thread: the vDSO answers, no system call. */
static time_t rtc_port_now(void *opaque)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

static int rtc_port_fdt(struct device *dev, void *fdt)
{
	struct rtc_port *p = dev->priv;

	return rtc_cmos_fdt_node(&p->rtc, fdt);
}

static void rtc_port_destroy(struct device *dev)
{
	struct rtc_port *p = dev->priv;

	rtc_cmos_destroy(&p->rtc);
	free(p);
}

static int rtc_port_save(struct device *dev, struct snapshot *s)
{
	struct rtc_port *p = dev->priv;

	return rtc_cmos_save(&p->rtc, s);
}

static int rtc_port_restore(struct device *dev, struct snapshot *s)
{
	struct rtc_port *p = dev->priv;

	return rtc_cmos_restore(&p->rtc, s);
}

static const struct device_ops rtc_port_dev_ops = {
	.name		= "RTC",
	.fdt_node	= rtc_port_fdt,
	.save		= rtc_port_save,
	.restore	= rtc_port_restore,
	.destroy	= rtc_port_destroy,
};

int rtc_port_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		 struct device_list *list)
{
	struct rtc_port *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	rtc_cmos_init(&p->rtc, MEMMAP_RTC_BASE, rtc_port_now, p);
	p->dev = (struct device) { .ops = &rtc_port_dev_ops, .name = "RTC", .priv = p };
	ret = ctx->map_mmio(ctx->opaque, &p->rtc.region);
	ret = ret ?: device_list_add(list, &p->dev);
	if (ret) {
		pr_err(ctx->loglevel, "cannot place the RTC: %s", strerror(-ret));
		rtc_port_destroy(&p->dev);
	}
	return ret;
}
