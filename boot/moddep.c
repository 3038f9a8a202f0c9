// SPDX-License-Identifier: GPL-2.0
/*
 * modules.dep: "kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko"
 * (depmod(8)), one module a line, each with all it needs. The order
 * of a line's dependencies is not relied on: each is resolved through
 * its own line, so dependencies always come first.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "boot/moddep.h"

struct moddep_ctx {
	const char *dep;
	size_t len;
	struct moddep_list *list;
	const char *stack[MODDEP_DEPTH];
	unsigned int depth;
	char *bad;
	size_t bad_len;
};

static void set_bad(struct moddep_ctx *c, const char *s, size_t n)
{
	if (!c->bad_len)
		return;
	if (n >= c->bad_len)
		n = c->bad_len - 1;
	memcpy(c->bad, s, n);
	c->bad[n] = '\0';
}

void moddep_name(const char *path, size_t len, char *name, size_t name_len)
{
	const char *base = path, *p;
	size_t i, n;

	for (p = path; p < path + len; p++)
		if (*p == '/')
			base = p + 1;
	n = path + len - base;
	for (i = 0; i + 3 <= n; i++)
		if (!memcmp(base + i, ".ko", 3))
			break;
	if (i + 3 > n)
		i = n;
	if (!name_len)
		return;
	if (i >= name_len)
		i = name_len - 1;
	for (n = 0; n < i; n++)
		name[n] = base[n] == '-' ? '_' : base[n];
	name[i] = '\0';
}

static bool name_is(const char *path, size_t len, const char *name)
{
	char got[MODDEP_PATH_MAX], want[MODDEP_PATH_MAX];

	moddep_name(path, len, got, sizeof(got));
	moddep_name(name, strlen(name), want, sizeof(want));
	return !strcmp(got, want);
}

bool moddep_builtin(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *end = buf + len, *nl;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		if (nl > p && name_is(p, nl - p, name))
			return true;
	}
	return false;
}

/* The line of the module named name: its path (p, *plen) and the rest. */
static const char *find_line(const struct moddep_ctx *c, const char *name,
			     size_t *plen, const char **rest, const char **eol)
{
	const char *p = c->dep, *end = c->dep + c->len, *nl, *colon;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		colon = memchr(p, ':', nl - p);
		if (!colon || colon == p || !name_is(p, colon - p, name))
			continue;
		*plen = colon - p;
		*rest = colon + 1;
		*eol = nl;
		return p;
	}
	return NULL;
}

static bool listed(const struct moddep_list *l, const char *p, size_t n)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++)
		if (strlen(l->path[i]) == n && !memcmp(l->path[i], p, n))
			return true;
	return false;
}

static int path_check(struct moddep_ctx *c, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == '\0' || (p[i] == '.' && i + 1 < n && p[i + 1] == '.' &&
				     (!i || p[i - 1] == '/')))
			break;
	if (n >= MODDEP_PATH_MAX || p[0] == '/' || i < n) {
		set_bad(c, p, n);
		return -EINVAL;
	}
	return 0;
}

static int resolve(struct moddep_ctx *c, const char *name, size_t name_len);

/* Each word of a line's dependency list, through its own line. */
static int resolve_deps(struct moddep_ctx *c, const char *p, const char *eol)
{
	const char *w;
	int ret;

	while (p < eol) {
		while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		w = p;
		while (p < eol && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (p == w)
			continue;
		ret = resolve(c, w, p - w);
		if (ret)
			return ret;
	}
	return 0;
}

static int resolve(struct moddep_ctx *c, const char *name, size_t name_len)
{
	char want[MODDEP_PATH_MAX];
	const char *path, *rest, *eol;
	size_t plen;
	unsigned int i;
	int ret;

	moddep_name(name, name_len, want, sizeof(want));
	path = find_line(c, want, &plen, &rest, &eol);
	if (!path) {
		set_bad(c, want, strlen(want));
		return -ENOENT;
	}
	ret = path_check(c, path, plen);
	if (ret || listed(c->list, path, plen))
		return ret;
	for (i = 0; i < c->depth; i++)
		if (c->stack[i] == path)
			break;
	if (i < c->depth || c->depth == MODDEP_DEPTH) {
		set_bad(c, path, plen);
		return -ELOOP;
	}
	c->stack[c->depth++] = path;
	ret = resolve_deps(c, rest, eol);
	c->depth--;
	if (ret)
		return ret;
	if (c->list->nr == MODDEP_MAX) {
		set_bad(c, path, plen);
		return -E2BIG;
	}
	memcpy(c->list->path[c->list->nr], path, plen);
	c->list->path[c->list->nr++][plen] = '\0';
	return 0;
}

int moddep_resolve(const char *dep, size_t len, const char *name,
		   struct moddep_list *list, char *bad, size_t bad_len)
{
	struct moddep_ctx c = {
		.dep = dep, .len = len, .list = list, .bad = bad, .bad_len = bad_len,
	};

	if (bad_len)
		bad[0] = '\0';
	return resolve(&c, name, strlen(name));
}
