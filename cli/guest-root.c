// SPDX-License-Identifier: GPL-2.0
/*
 * When lkvm run boots the default guest root, and how: the decision,
 * the name check and the shares. Pure, so unit tests and the option
 * fuzzer drive them; host/guest-root-setup.c does the file work.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/guest-root.h"
#include "cli/options-dev.h"

#define fail(...) (snprintf(err, err_len, __VA_ARGS__), -EINVAL)

bool guest_root_params_have_root(const char *p)
{
	return p && (!strncmp(p, "root=", 5) || strstr(p, " root="));
}

/*
 * As kvmtool: with no disk, no initrd, no firmware and no root= of the
 * user's, a kernel has nothing to boot into but a 9p root. --nodefaults
 * asks for nothing lkvm would add.
 */
static bool guest_root_default(const struct vm_config *cfg)
{
	return cfg->kernel_path && !cfg->nr_disks && !cfg->initrd_path &&
	       !cfg->firmware_path && !cfg->nodefaults &&
	       !guest_root_params_have_root(cfg->params);
}

bool guest_root_wanted(const struct vm_config *cfg)
{
	return !cfg->restore_path && guest_root_default(cfg);
}

bool guest_root_restored(const struct vm_config *cfg)
{
	return cfg->restore_path && guest_root_default(cfg);
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int guest_root_name_check(const char *name, char *err, size_t err_len)
{
	size_t i, len = strlen(name);

	if (!len)
		return fail("the guest name is empty; give one, e.g. lkvm setup %s",
			    GUEST_ROOT_DEFAULT);
	if (len > GUEST_ROOT_NAME_MAX)
		return fail("the guest name is %zu bytes; give one of at most %d",
			    len, GUEST_ROOT_NAME_MAX);
	if (name[0] == '-' || name[0] == '.')
		return fail("'%.64s' is not a guest name: it starts with '%c'; give a plain name such as %s",
			    name, name[0],
			    GUEST_ROOT_DEFAULT);
	for (i = 0; i < len; i++)
		if (!name_char_ok(name[i]))
			return fail("the guest name '%.64s' has a '%c'; use only letters, digits, '.', '_' and '-'",
				    name, name[i] >= ' ' && name[i] < 127 ? name[i] : '?');
	return 0;
}

static bool has_tag(const struct vm_config *cfg, const char *tag)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_shares; i++)
		if (cfg->shares[i].tag_len == strlen(tag) &&
		    !memcmp(cfg->shares[i].tag, tag, cfg->shares[i].tag_len))
			return true;
	return false;
}

/*
 * hostfs is read-only unless the user shares it himself (--9p /,hostfs):
 * a guest's root user would otherwise write anywhere lkvm's user may.
 */
int guest_root_add_shares(struct vm_config *cfg, const char *root_spec,
			  char *err, size_t err_len)
{
	int ret;

	if (has_tag(cfg, GUEST_ROOT_TAG))
		return fail("--9p: the tag %s is the default root's; give your share another tag, or boot your own root with -p root=...",
			    GUEST_ROOT_TAG);
	ret = options_set_9p(cfg, root_spec, err, err_len);
	if (ret || has_tag(cfg, GUEST_ROOT_HOSTFS))
		return ret;
	return options_set_9p(cfg, "/," GUEST_ROOT_HOSTFS ",ro", err, err_len);
}
