/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CLI_OPTIONS_DEV_H
#define LKVM_CLI_OPTIONS_DEV_H

#include <stddef.h>

#include "cli/config.h"

/* Each returns 0, or -EINVAL with a message naming the fix in err. */
int options_set_disk(struct vm_config *cfg, const char *v, char *err, size_t err_len);
int options_set_console(struct vm_config *cfg, const char *v, char *err, size_t err_len);
int options_set_tty(struct vm_config *cfg, const char *v, char *err, size_t err_len);
void options_set_legacy(struct vm_config *cfg);
int options_set_vsock(struct vm_config *cfg, const char *v, char *err, size_t err_len);
int options_set_9p(struct vm_config *cfg, const char *v, char *err, size_t err_len);
int options_set_transport(struct vm_config *cfg, const char *v, char *err,
			  size_t err_len);

#endif
