/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_BOOT_MODDEP_H
#define LKVM_BOOT_MODDEP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A kernel's modules.dep and modules.builtin (depmod's text forms), read
 * into memory: which modules a name needs, dependencies first. Pure, so
 * unit tests and a fuzzer drive it. Paths are relative to the kernel's
 * /lib/modules/VERSION; a name matches a path's file name before ".ko",
 * with '-' and '_' alike, as modprobe.
 */
#define MODDEP_MAX	48	/* modules in one list */
#define MODDEP_PATH_MAX	256	/* bytes of one path, NUL included */
#define MODDEP_DEPTH	16	/* dependency chain */

struct moddep_list {
	unsigned int nr;
	char path[MODDEP_MAX][MODDEP_PATH_MAX];
};

/* Whether modules.builtin (buf, len) lists module name. */
bool moddep_builtin(const char *buf, size_t len, const char *name);

/*
 * Appends name's module and every module it needs to list, each once,
 * dependencies before what needs them. 0; -ENOENT: name (or a
 * dependency) has no line; -E2BIG: more than MODDEP_MAX modules;
 * -ELOOP: a cycle or a chain deeper than MODDEP_DEPTH; -EINVAL: a path
 * that is absolute, has "..", or is too long. *bad names the culprit
 * (at most MODDEP_PATH_MAX bytes) on error.
 */
int moddep_resolve(const char *dep, size_t len, const char *name,
		   struct moddep_list *list, char *bad, size_t bad_len);

/* The module name of path (its file name up to ".ko", '-' as '_'). */
void moddep_name(const char *path, size_t len, char *name, size_t name_len);

#endif
