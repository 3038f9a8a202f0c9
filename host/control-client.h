/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_CONTROL_CLIENT_H
#define LKVM_HOST_CONTROL_CLIENT_H

#include <stdint.h>

/*
 * The client side of kvmtool's messages (host/control-kvmtool.h), which
 * lkvm's and kvmtool's VMs both answer: lkvm list, stop, pause, resume.
 */
int control_ask(int fd, const uint32_t *types, int n, int32_t *answers);

#endif
