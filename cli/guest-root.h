/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CLI_GUEST_ROOT_H
#define LKVM_CLI_GUEST_ROOT_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/config.h"

/*
 * The default guest root (docs/guest-root.md): 'lkvm setup NAME' makes
 * $LKVM_HOME/NAME, and 'lkvm run -k Image' alone boots it over 9p with
 * the host's / as the share "hostfs". These parts are pure.
 */
#define GUEST_ROOT_DEFAULT	"default"	/* kvmtool's name for it */
#define GUEST_ROOT_TAG		"/dev/root"	/* kvmtool's root mount tag */
#define GUEST_ROOT_HOSTFS	"hostfs"
#define GUEST_ROOT_NAME_MAX	64
#define GUEST_ROOT_INIT		"/virt/init"
#define GUEST_ROOT_PARAMS	" root=" GUEST_ROOT_TAG " rw rootflags=rw,trans=virtio,version=9p2000.L" \
				" rootfstype=9p init=" GUEST_ROOT_INIT
/* lkvm's initramfs for a kernel with 9p as a module (host/guest-initrd.c). */
#define GUEST_INITRAMFS_INIT	"/init"
#define GUEST_INITRAMFS_LIST	"/lkvm/modules"	/* file names, load order */
#define GUEST_INITRAMFS_MODDIR	"/lkvm/m"

/* Whether the run gives the guest no root of its own: then the default one. */
bool guest_root_wanted(const struct vm_config *cfg);
/*
 * A restore (its saved options in cfg) of a VM that booted the default
 * root: it needs the same shares again, its devices, and nothing booted.
 */
bool guest_root_restored(const struct vm_config *cfg);
/* Whether -p names a root= (then the user's root stands). */
bool guest_root_params_have_root(const char *params);
/* 0 for a plain name (letters, digits, '.', '_', '-'; no leading '.' or '-'); else -EINVAL and err. */
int guest_root_name_check(const char *name, char *err, size_t err_len);
/*
 * Adds the root share (root_spec: "DIR,/dev/root", kept by the caller)
 * and, unless the user gave one, hostfs: the host's / read-only.
 */
int guest_root_add_shares(struct vm_config *cfg, const char *root_spec,
			  char *err, size_t err_len);

#endif
