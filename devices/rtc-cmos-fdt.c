// SPDX-License-Identifier: GPL-2.0
/* The RTC's own device tree node, kvmtool's: no interrupt. */
#include <stdio.h>

#include <libfdt.h>

#include "devices/rtc-cmos.h"

int rtc_cmos_fdt_node(struct rtc_cmos *r, void *fdt)
{
	fdt64_t reg[] = { cpu_to_fdt64(r->region.base), cpu_to_fdt64(r->region.size) };
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "rtc@%llx",
		 (unsigned long long)r->region.base);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", "motorola,mc146818");
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	return ret ?: fdt_end_node(fdt);
}
