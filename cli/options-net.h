/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CLI_OPTIONS_NET_H
#define LKVM_CLI_OPTIONS_NET_H

#include <stddef.h>

#include "cli/config.h"

/*
 * -n/--network KEY=VALUE[,KEY=VALUE...], kvmtool's keys (mode, guest_ip,
 * host_ip, guest_mac, tapif, script, vhost, mq, trans) and lkvm's
 * hostfwd=. Each -n adds a NIC; mode=none adds none and turns off the
 * default one. Returns 0, or -EINVAL with a message naming the fix.
 */
int options_set_network(struct vm_config *cfg, const char *v, char *err,
			size_t err_len);
/* The defaults of NIC number index: kvmtool's addresses and MAC. */
void options_net_defaults(struct net_params *p, unsigned int index);
/* "192.168.33.1" to host byte order; -EINVAL unless four decimal bytes. */
int options_parse_ipv4(const char *s, size_t len, uint32_t *ip);

#endif
