/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_GUEST_ROOT_SETUP_H
#define LKVM_HOST_GUEST_ROOT_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/config.h"

/*
 * $LKVM_HOME/NAME (or ~/.lkvm/NAME): a directory skeleton whose /bin,
 * /lib, /usr... lead through /host, and /virt/init, lkvm's own static
 * binary, which sets the guest up (docs/guest-root.md). -EEXIST when
 * it exists already. Errors: -errno and a message in err.
 */
int guest_root_create(const char *name, char *err, size_t err_len);

/*
 * lkvm run with no root of the user's: for a Linux Image, sets up the
 * default root when missing, adds its shares to cfg and sets
 * cfg->guest_root; a bare-metal guest is left as it is. *spec holds the root's --9p
 * spec, which cfg points into, for the caller to free after the run.
 */
int guest_root_prepare(struct vm_config *cfg, char **spec, char *err, size_t err_len);
/* The same shares for a restore (guest_root_restored()): no initramfs, nothing booted. */
int guest_root_prepare_restore(struct vm_config *cfg, char **spec, char *err,
			       size_t err_len);

/*
 * Whether path is a Linux Image (an arm64 Image header and the kernel's
 * "Linux version " banner); its version, the banner's next word, in ver.
 */
bool guest_root_kernel_version(const char *path, char *ver, size_t ver_len);

/*
 * Whether kernel version's 9p is built in, by moddir/version/modules.builtin:
 * 1 built in, 0 a module, -ENOENT unknown (no such file).
 */
int guest_root_kernel_9p(const char *moddir, const char *version);

#endif
