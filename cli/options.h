/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_OPTIONS_H
#define LKVM_VM_OPTIONS_H

#include <stddef.h>

#include "cli/config.h"

#define OPTIONS_ERR_MAX	256

/*
 * Parses the arguments of "lkvm run" (argv[0] is "run"). Pure: no I/O,
 * so the host-side tests and the fuzzer drive it directly. On error
 * returns -EINVAL and leaves a message naming the problem and the fix
 * in err. Returns 1 when --help was asked for.
 */
int options_parse_run(int argc, char *const argv[], struct vm_config *cfg,
		      char *err, size_t err_len);
void options_usage_run(void);
int options_restore_merge(struct vm_config *cfg, int argc, char *const argv[],
			  int sargc, char *const sargv[], char *err, size_t err_len);
int options_parse_addr(const char *s, unsigned long long *addr);
void options_read_env(struct vm_config *cfg);

/* Default idle-kick period of the userspace GIC, in ms (gic/user-gic.c). */
#define OPTIONS_WFI_KICK_MS	4

#endif
