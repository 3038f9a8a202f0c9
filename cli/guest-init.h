/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CLI_GUEST_INIT_H
#define LKVM_CLI_GUEST_INIT_H

#include <stdbool.h>

/* Whether lkvm runs as the init of a default guest root (PID 1, /virt/init). */
bool guest_init_is_me(const char *argv0);
/* The guest's PID 1: mounts, a shell on the console, power-off. Does not return. */
int guest_init_main(void);
/* Whether lkvm runs as /init of its module initramfs (PID 1, /lkvm/modules there). */
bool guest_initramfs_is_me(const char *argv0);
/* Loads the modules, mounts the 9p root and runs its /virt/init; returns only on failure. */
int guest_initramfs_main(void);

#endif
