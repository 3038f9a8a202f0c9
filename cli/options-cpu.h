/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CLI_OPTIONS_CPU_H
#define LKVM_CLI_OPTIONS_CPU_H

#include <stddef.h>

#include "cli/config.h"

/* Each returns 0, or -EINVAL with a message naming the fix in err. */
int options_set_vcpu_affinity(struct vm_config *cfg, const char *v, char *err,
			      size_t err_len);
int options_set_kaslr_seed(struct vm_config *cfg, const char *v, char *err,
			   size_t err_len);

#endif
