/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_KERNEL_GZ_H
#define LKVM_HOST_KERNEL_GZ_H

#include <stddef.h>

#include "cli/config.h"

/*
 * -k a gzip'ed Image (Debian's /boot/vmlinuz-*): decompressed into a
 * memfd, which cfg->kernel_path then names (/proc/self/fd/N), before
 * anything reads the kernel. Other files are left alone. -errno and
 * err for a corrupt or too large file.
 */
int kernel_gunzip(struct vm_config *cfg, char *err, size_t err_len);

#endif
