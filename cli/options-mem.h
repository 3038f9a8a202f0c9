/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CLI_OPTIONS_MEM_H
#define LKVM_CLI_OPTIONS_MEM_H

#include <stddef.h>

#include "cli/config.h"

int options_parse_size(const char *s, unsigned long long *bytes);

/* Each returns 0, or -EINVAL with a message naming the fix in err. */
int options_set_mem(struct vm_config *cfg, const char *v, char *err, size_t err_len);
int options_set_hugetlbfs(struct vm_config *cfg, const char *v, char *err,
			  size_t err_len);
/* What -m conflicts with, once every option is in. */
int options_check_mem(const struct vm_config *cfg, char *err, size_t err_len);

#endif
