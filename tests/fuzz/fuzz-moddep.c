// SPDX-License-Identifier: GPL-2.0
/*
 * modules.dep and modules.builtin (boot/moddep.c). Input: a u8 n, then
 * n bytes of module name, then the file. The same text is read as
 * modules.builtin. A list resolved must hold each path once, every path
 * a module with a line, the one asked for last, and stay within bounds.
 */
#include <errno.h>

#include "boot/moddep.h"
#include "tests/fuzz/fuzz.h"

static bool has_line(const char *dep, size_t len, const char *path)
{
	size_t n = strlen(path);
	const char *p = dep;

	while ((p = memmem(p, dep + len - p, path, n))) {
		if ((p == dep || p[-1] == '\n') && p + n < dep + len && p[n] == ':')
			return true;
		p++;
	}
	return false;
}

static void check_list(const struct moddep_list *l, const char *dep, size_t len,
		       const char *name, bool done)
{
	char a[MODDEP_PATH_MAX], b[MODDEP_PATH_MAX];
	unsigned int i, j;

	FUZZ_CHECK(l->nr <= MODDEP_MAX);
	for (i = 0; i < l->nr; i++) {
		FUZZ_CHECK(strlen(l->path[i]) < MODDEP_PATH_MAX);
		FUZZ_CHECK(l->path[i][0] != '/');
		FUZZ_CHECK(has_line(dep, len, l->path[i]));
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(l->path[i], l->path[j]));
	}
	if (!done)
		return;
	FUZZ_CHECK(l->nr > 0);
	moddep_name(l->path[l->nr - 1], strlen(l->path[l->nr - 1]), a, sizeof(a));
	moddep_name(name, strlen(name), b, sizeof(b));
	FUZZ_CHECK(!strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct moddep_list l;
	char name[256], bad[MODDEP_PATH_MAX];
	size_t n = size ? data[0] : 0;
	const char *dep;
	int ret;

	if (n > size - (size ? 1 : 0))
		n = size ? size - 1 : 0;
	memcpy(name, data + 1, n);
	name[n] = '\0';
	dep = (const char *)data + 1 + n;
	size -= size ? 1 + n : 0;
	l.nr = 0;
	moddep_builtin(dep, size, name);
	ret = moddep_resolve(dep, size, name, &l, bad, sizeof(bad));
	FUZZ_CHECK(ret == 0 || ret == -ENOENT || ret == -E2BIG || ret == -ELOOP ||
		   ret == -EINVAL);
	FUZZ_CHECK(strlen(bad) < sizeof(bad));
	check_list(&l, dep, size, name, !ret);
	return 0;
}
