/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HOST_GUEST_SANDBOX_H
#define LKVM_HOST_GUEST_SANDBOX_H

#include <limits.h>
#include <stddef.h>

#include "cli/config.h"
#include "cli/sandbox.h"

/* One lkvm sandbox run: its files in the default root, its parameters. */
struct sandbox_run {
	char dir[PATH_MAX];		/* the default root */
	char name[SANDBOX_NAME_MAX];	/* sandbox-PID */
	char *params;			/* the kernel's, with lkvm.sandbox= */
	int status_fd;			/* virt/NAME.status, made before the run */
};

/*
 * Writes the command into root_spec's directory ("DIR,/dev/root") as
 * virt/NAME.cmd, a host file given by path as /host/ its real path (as
 * kvmtool), and points cfg->params at the run's parameters: "quiet",
 * lkvm.sandbox=NAME, then -p's. The status file is made and kept
 * open: after the run lkvm's main thread may no longer open files
 * (docs/sandbox.md), and the guest's init writes into this one. -errno
 * and err.
 */
int sandbox_prepare(struct vm_config *cfg, const char *root_spec, int argc,
		    char **argv, struct sandbox_run *sr, char *err, size_t err_len);

/*
 * After the run (status run_ret): the command's exit status, from
 * virt/NAME.status, or SANDBOX_EXIT_LKVM with the reason in err. The
 * files are removed.
 */
int sandbox_finish(struct sandbox_run *sr, int run_ret, char *err, size_t err_len);

#endif
