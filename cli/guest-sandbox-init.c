// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's side of lkvm sandbox (cli/sandbox.h): the init finds the
 * command lkvm wrote into the root, runs it instead of the shell, and
 * leaves its status in the root for lkvm to exit with.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/guest-init.h"

/* lkvm.sandbox=NAME on the kernel's command line: NAME, or "". */
static void sandbox_name(char *name, size_t len)
{
	char line[4097], *p, *end;
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, line, sizeof(line) - 1);

	name[0] = '\0';
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	line[n] = '\0';
	for (p = line; (p = strstr(p, SANDBOX_PARAM)); p++) {
		if (p != line && p[-1] != ' ')
			continue;
		p += strlen(SANDBOX_PARAM);
		end = p + strcspn(p, " \n");
		if ((size_t)(end - p) < len) {
			memcpy(name, p, end - p);
			name[end - p] = '\0';
		}
		return;
	}
}

void guest_sandbox_load(struct guest_sandbox *sb)
{
	char path[64];
	ssize_t n;
	int fd;

	sb->argc = 0;
	sandbox_name(sb->name, sizeof(sb->name));
	if (!sb->name[0])
		return;
	if (sandbox_name_check(sb->name)) {
		fprintf(stderr, "lkvm init: '%s' is not lkvm's sandbox; starting the shell\n", sb->name);
		return;
	}
	snprintf(path, sizeof(path), "/virt/%s.cmd", sb->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, sb->buf, SANDBOX_CMD_MAX);
	if (fd >= 0)
		close(fd);
	if (n > 0)
		sb->argc = sandbox_decode(sb->buf, n, sb->argv, SANDBOX_ARGS_MAX + 1);
	if (sb->argc <= 0) {
		fprintf(stderr, "lkvm init: no command in %s; starting the shell\n", path);
		sb->argc = 0;
	}
}

void guest_sandbox_status(const struct guest_sandbox *sb, int wstatus)
{
	char path[64], line[8];
	int fd, st, n;

	st = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) :
	     WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) : SANDBOX_EXIT_LKVM;
	if (st > 255)
		st = 255;
	snprintf(path, sizeof(path), "/virt/%s.status", sb->name);
	n = snprintf(line, sizeof(line), "%d\n", st);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, n) != n)
		fprintf(stderr, "lkvm init: cannot write %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}
