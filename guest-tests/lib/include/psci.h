/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H

#include "types.h"

#define PSCI_VERSION		0x84000000
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON_64		0xc4000003
#define PSCI_AFFINITY_INFO_64	0xc4000004
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_FEATURES		0x8400000a

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	-1
#define PSCI_INVALID_PARAMS	-2
#define PSCI_DENIED		-3
#define PSCI_ALREADY_ON		-4
#define PSCI_ON_PENDING		-5

int psci_init(void);
bool psci_uses_smc(void);
s64 psci_call(u32 fn, u64 a1, u64 a2, u64 a3);
u32 psci_version(void);
int psci_cpu_on(u64 mpidr, u64 entry, u64 context);
void psci_system_off(void);
const char *psci_error_name(s64 err);

#endif
