// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm sandbox's host side: the command into the default root before
 * the run, the guest's status out of it after (cli/sandbox.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/guest-root.h"
#include "host/guest-sandbox.h"

#define fail(ret, ...) (snprintf(err, err_len, __VA_ARGS__), (ret))

static int sandbox_file(const struct sandbox_run *sr, const char *ext,
			char *path, size_t len)
{
	int n = snprintf(path, len, "%s/virt/%s.%s", sr->dir, sr->name, ext);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* As kvmtool: a program that is a host file runs as /host/its-real-path. */
static char *sandbox_program(const char *arg)
{
	char *real, *p = NULL;
	struct stat st;

	if (stat(arg, &st) || !S_ISREG(st.st_mode))
		return NULL;
	real = realpath(arg, NULL);
	if (real && asprintf(&p, "/host%s", real) < 0)
		p = NULL;
	free(real);
	return p;
}

static int sandbox_write_cmd(const struct sandbox_run *sr, int argc, char **argv)
{
	char path[PATH_MAX + 64], *buf = malloc(SANDBOX_CMD_MAX);
	char *prog = sandbox_program(argv[0]), *first = argv[0];
	long n;
	int fd, ret = 0;

	if (!buf) {
		free(prog);
		return -ENOMEM;
	}
	if (prog)
		argv[0] = prog;
	n = sandbox_encode(argc, argv, buf, SANDBOX_CMD_MAX);
	argv[0] = first;
	free(prog);
	ret = n < 0 ? (int)n : sandbox_file(sr, "cmd", path, sizeof(path));
	if (!ret) {
		unlink(path);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			ret = -errno;
		else if (write(fd, buf, n) != n)
			ret = -EIO;
		if (fd >= 0 && close(fd) && !ret)
			ret = -EIO;
	}
	free(buf);
	return ret;
}

static int sandbox_open_status(struct sandbox_run *sr)
{
	char path[PATH_MAX + 64];
	int ret = sandbox_file(sr, "status", path, sizeof(path));

	if (ret)
		return ret;
	unlink(path);
	sr->status_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	return sr->status_fd < 0 ? -errno : 0;
}

int sandbox_prepare(struct vm_config *cfg, const char *root_spec, int argc,
		    char **argv, struct sandbox_run *sr, char *err, size_t err_len)
{
	size_t len = strlen(root_spec), tag = strlen("," GUEST_ROOT_TAG);
	int ret;

	if (len <= tag || len - tag >= sizeof(sr->dir))
		return fail(-EINVAL, "sandbox: no default root to run in");
	memcpy(sr->dir, root_spec, len - tag);
	sr->dir[len - tag] = '\0';
	snprintf(sr->name, sizeof(sr->name), "sandbox-%d", (int)getpid());
	sr->status_fd = -1;
	ret = sandbox_write_cmd(sr, argc, argv);
	if (!ret)
		ret = sandbox_open_status(sr);
	if (ret == -E2BIG)
		return fail(ret, "sandbox: the command is too long (at most %d words, %d KiB); put it in a script and run that",
			    SANDBOX_ARGS_MAX, SANDBOX_CMD_MAX >> 10);
	if (ret)
		return fail(ret, "sandbox: cannot write the command into %s/virt: %s; set the root up anew (remove it, lkvm setup)",
			    sr->dir, strerror(-ret));
	if (asprintf(&sr->params, "quiet " SANDBOX_PARAM "%s%s%s", sr->name,
		     cfg->params ? " " : "", cfg->params ? cfg->params : "") < 0) {
		sr->params = NULL;
		return fail(-ENOMEM, "out of memory");
	}
	cfg->params = sr->params;
	return 0;
}

int sandbox_finish(struct sandbox_run *sr, int run_ret, char *err, size_t err_len)
{
	char path[PATH_MAX + 64], buf[16];
	int st = -EINVAL;
	ssize_t n;

	/* The guest truncated and wrote the file lkvm made: read it from 0. */
	n = sr->status_fd < 0 ? -1 : read(sr->status_fd, buf, sizeof(buf));
	if (n > 0)
		st = sandbox_parse_status(buf, n);
	if (sr->status_fd >= 0)
		close(sr->status_fd);
	sr->status_fd = -1;
	if (!sandbox_file(sr, "status", path, sizeof(path)))
		unlink(path);
	if (!sandbox_file(sr, "cmd", path, sizeof(path)))
		unlink(path);
	free(sr->params);
	sr->params = NULL;
	if (st >= 0)
		return st;
	return fail(SANDBOX_EXIT_LKVM, "sandbox: the guest ended (lkvm status %d) without the command's status%s",
		    run_ret, run_ret ? ": see the messages above" :
		    ": was the command's init stopped, or the guest powered off from elsewhere?");
}
