/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CLI_GUEST_INIT_H
#define LKVM_CLI_GUEST_INIT_H

#include <stdbool.h>

#include "cli/sandbox.h"

/* lkvm sandbox's command, read from the root by the guest's init. */
struct guest_sandbox {
	char name[SANDBOX_NAME_MAX];
	char buf[SANDBOX_CMD_MAX + 1];
	char *argv[SANDBOX_ARGS_MAX + 1];
	int argc;		/* 0: no sandbox, the shell */
};

/* Whether lkvm runs as the init of a default guest root (PID 1, /virt/init). */
bool guest_init_is_me(const char *argv0);
/* The guest's PID 1: mounts, a shell on the console, power-off. Does not return. */
int guest_init_main(void);
/* The command lkvm.sandbox= names, if any; a bad one is printed and argc 0. */
void guest_sandbox_load(struct guest_sandbox *sb);
/* Writes the command's wait status as its exit status for the host. */
void guest_sandbox_status(const struct guest_sandbox *sb, int wstatus);
/* Whether lkvm runs as /init of its module initramfs (PID 1, /lkvm/modules there). */
bool guest_initramfs_is_me(const char *argv0);
/* Loads the modules, mounts the 9p root and runs its /virt/init; returns only on failure. */
int guest_initramfs_main(void);

#endif
