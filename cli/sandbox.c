// SPDX-License-Identifier: GPL-2.0
/*
 * The command of lkvm sandbox, to the guest and its status back: the
 * forms both sides share, and the split of lkvm's command line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/sandbox.h"

int sandbox_split(int argc, char **argv, int *run_argc, char ***cmd,
		  int *cmd_argc, char *err, size_t err_len)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		;
	if (i >= argc - 1) {
		snprintf(err, err_len, i == argc ?
			 "sandbox: no '--' before the command; use lkvm sandbox [run options] -- COMMAND [ARGS]" :
			 "sandbox: no command after '--'; use lkvm sandbox [run options] -- COMMAND [ARGS]");
		return -EINVAL;
	}
	*run_argc = i;
	*cmd = argv + i + 1;
	*cmd_argc = argc - i - 1;
	return 0;
}

long sandbox_encode(int argc, char *const argv[], char *buf, size_t len)
{
	size_t n = 0, w;
	int i;

	if (argc > SANDBOX_ARGS_MAX)
		return -E2BIG;
	for (i = 0; i < argc; i++) {
		w = strlen(argv[i]) + 1;
		if (w > len - n)
			return -E2BIG;
		memcpy(buf + n, argv[i], w);
		n += w;
	}
	return n;
}

int sandbox_decode(char *buf, size_t len, char **argv, int max)
{
	size_t off = 0;
	int n = 0;

	if (!len || buf[len - 1] != '\0' || max < 2)
		return -EINVAL;
	while (off < len) {
		if (n == max - 1)
			return -EINVAL;
		argv[n++] = buf + off;
		off += strlen(buf + off) + 1;
	}
	argv[n] = NULL;
	return argv[0][0] ? n : -EINVAL;
}

int sandbox_parse_status(const char *buf, size_t len)
{
	int v = 0;
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len > 3)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -EINVAL;
		v = v * 10 + buf[i] - '0';
	}
	return v <= 255 ? v : -EINVAL;
}

int sandbox_name_check(const char *name)
{
	size_t i, n = strlen(name);

	if (n <= 8 || n >= SANDBOX_NAME_MAX || strncmp(name, "sandbox-", 8))
		return -EINVAL;
	for (i = 8; i < n; i++)
		if (name[i] < '0' || name[i] > '9')
			return -EINVAL;
	return 0;
}
