/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_RTC_PORT_H
#define LKVM_MACHINE_RTC_PORT_H

#include "devices/device.h"

/* Board entry: kvmtool's MC146818 RTC at 0x0101_0000, always there. */
int rtc_port_add(const struct device_ctx *ctx, const struct vm_config *cfg,
		 struct device_list *list);

#endif
