// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm debug's transport: a SysRq is one request line and one reply
 * line, as lkvm irq; a dump is "DUMP", answered "OK <bytes>" and that
 * many bytes of text, copied to standard output as they come.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/control-cmds.h"
#include "host/control.h"

#define DEBUG_CHUNK	4096

/* Reads the reply's first line into line (terminated, no newline); the rest stays in buf. */
static int debug_read_head(int fd, char *buf, size_t *have, char *line,
			   size_t line_len)
{
	char *nl;

	*have = 0;
	while (!(nl = memchr(buf, '\n', *have))) {
		ssize_t r;

		if (*have == DEBUG_CHUNK)
			return -EPROTO;
		r = read(fd, buf + *have, DEBUG_CHUNK - *have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 && errno == EAGAIN ? -ETIMEDOUT : -EIO;
		*have += r;
	}
	snprintf(line, line_len, "%.*s", (int)(nl - buf), buf);
	*have -= nl + 1 - buf;
	memmove(buf, nl + 1, *have);
	return 0;
}

/* Copies size bytes of dump, the first have of them already in buf. */
static int debug_copy(int fd, char *buf, size_t have, unsigned long long size)
{
	unsigned long long done = 0;

	for (;;) {
		if (have > size - done)
			have = size - done;
		if (have && fwrite(buf, 1, have, stdout) != have)
			return -errno;
		done += have;
		if (done == size)
			return fflush(stdout) ? -errno : 0;
		ssize_t r = read(fd, buf, DEBUG_CHUNK);

		if (r < 0 && errno == EINTR) {
			have = 0;
			continue;
		}
		if (r <= 0)
			return -EPIPE;	/* cut short */
		have = r;
	}
}

/*
 * The dump of VM name on standard output. Returns 0, -errno for a VM
 * that cannot be reached (the caller says why), or -EREMOTEIO with the
 * VM's own refusal in err.
 */
int debug_dump(const char *name, char *err, size_t err_len)
{
	char line[256], *buf;
	unsigned long long size;
	size_t have;
	char *end;
	int fd, ret;

	fd = control_dial(name);
	if (fd < 0)
		return fd;
	buf = malloc(DEBUG_CHUNK);
	ret = buf ? 0 : -ENOMEM;
	if (!ret && write(fd, "DUMP\n", 5) != 5)
		ret = -EIO;
	ret = ret ?: debug_read_head(fd, buf, &have, line, sizeof(line));
	if (!ret && !strncmp(line, "ERR ", 4)) {
		snprintf(err, err_len, "%s", line + 4);
		ret = -EREMOTEIO;
	} else if (!ret) {
		size = strtoull(line + 3, &end, 10);
		if (strncmp(line, "OK ", 3) || *end || end == line + 3)
			ret = -EPROTO;
		else
			ret = debug_copy(fd, buf, have, size);
		if (ret == -EPIPE || ret == -EPROTO) {
			snprintf(err, err_len, "the dump from VM '%s' was cut short or garbled", name);
			ret = -EREMOTEIO;
		}
	}
	free(buf);
	close(fd);
	return ret;
}
