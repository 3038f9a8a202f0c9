/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_GUEST_INITRD_H
#define LKVM_HOST_GUEST_INITRD_H

#include <stddef.h>

#include "cli/config.h"

/*
 * The default root for a kernel whose 9p is a module (docs/guest-root.md):
 * an initramfs lkvm makes in memory from moddir/VERSION (/lib/modules),
 * holding lkvm itself as /init and the modules the 9p root and the
 * virtio devices need. 0 and *fd = -1 when none is needed (9p built in,
 * or no module tree for version: the kernel is on its own); 0 and *fd a
 * memfd holding the archive; -errno and err when modules are missing.
 */
int guest_initrd_build(const struct vm_config *cfg, const char *moddir,
		       const char *version, int *fd, char *err, size_t err_len);

#endif
