/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CLI_SANDBOX_H
#define LKVM_CLI_SANDBOX_H

#include <stddef.h>

/*
 * lkvm sandbox [run options] -- COMMAND [ARGS] (docs/guest-root.md):
 * the command runs in the default guest, and lkvm exits with its
 * status. lkvm writes the command into the guest's root as
 * /virt/NAME.cmd (its words, each ended by a NUL), names it on the
 * kernel command line (lkvm.sandbox=NAME), and the guest's init writes
 * the status to /virt/NAME.status ("N\n") before powering off. Pure.
 */
#define SANDBOX_PARAM		"lkvm.sandbox="
#define SANDBOX_CMD_MAX		(256 * 1024)	/* bytes of the command file */
#define SANDBOX_ARGS_MAX	4096
#define SANDBOX_NAME_MAX	32

/* lkvm's own failures; the command's statuses are its own. */
#define SANDBOX_EXIT_LKVM	125	/* usage, setup, no status: see stderr */
#define SANDBOX_EXIT_NOEXEC	126	/* found, not runnable */
#define SANDBOX_EXIT_NOTFOUND	127

/*
 * Splits argv (argv[0] "sandbox") at the first "--": the run options
 * before it, *cmd and *cmd_argc after. -EINVAL and err when there is no
 * "--" or no command after it.
 */
int sandbox_split(int argc, char **argv, int *run_argc, char ***cmd,
		  int *cmd_argc, char *err, size_t err_len);

/* The command file's bytes in buf; its length, or -E2BIG. */
long sandbox_encode(int argc, char *const argv[], char *buf, size_t len);

/*
 * The command file back into argv (pointers into buf, which must end
 * with a NUL, at most max - 1 words and a NULL): the count, or -EINVAL.
 */
int sandbox_decode(char *buf, size_t len, char **argv, int max);

/* A status file "N\n" (0..255): N, or -EINVAL. */
int sandbox_parse_status(const char *buf, size_t len);

/* Whether name (lkvm.sandbox=NAME) is lkvm's: "sandbox-" and digits. */
int sandbox_name_check(const char *name);

#endif
