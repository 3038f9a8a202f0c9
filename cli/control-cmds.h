/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_CONTROL_CMDS_H
#define LKVM_VM_CONTROL_CMDS_H

#include <stddef.h>

int cmd_control(int argc, char *argv[]);
int cmd_irq(int argc, char *argv[]);
int cmd_list(int argc, char *argv[]);
int cmd_debug(int argc, char *argv[]);
int cmd_snapshot(int argc, char *argv[]);	/* cli/snapshot-cmd.c */
int debug_dump(const char *name, char *err, size_t err_len);

#endif
