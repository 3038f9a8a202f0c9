// SPDX-License-Identifier: GPL-2.0
#include "bootargs.h"
#include "fdt.h"
#include "string.h"

static const char *bootargs(void)
{
	int chosen = fdt_path("/chosen");
	const char *s = NULL;

	if (chosen >= 0)
		s = fdt_getprop_str(chosen, "bootargs");
	return s ? s : "";
}

/* Value of "key=..." as a word of the command line, or NULL. */
static const char *find(const char *key)
{
	const char *s = bootargs();
	size_t n = strlen(key);

	while (*s) {
		while (*s == ' ')
			s++;
		if (!strncmp(s, key, n) && (s[n] == '=' || s[n] == ' ' ||
					    !s[n]))
			return s + n;
		while (*s && *s != ' ')
			s++;
	}
	return NULL;
}

u64 bootarg_u64(const char *key, u64 dflt)
{
	const char *v = find(key);
	const char *end;
	u64 n;

	if (!v || *v != '=')
		return dflt;
	n = strtoul(v + 1, &end, 0);
	return end == v + 1 ? dflt : n;
}

bool bootarg_present(const char *key)
{
	return find(key) != NULL;
}
