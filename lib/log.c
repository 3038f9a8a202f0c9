// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"

static const char *const log_names[] = {
	[LOG_ERROR]	= "error",
	[LOG_WARNING]	= "warning",
	[LOG_INFO]	= "info",
	[LOG_DEBUG]	= "debug",
};

const char *log_level_name(enum log_level level)
{
	return log_names[level];
}

/* Accepts the names kvmtool's --loglevel takes. */
int log_level_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++)
		if (!strcmp(name, log_names[i]))
			return i;
	if (!strcmp(name, "warn"))
		return LOG_WARNING;
	return -EINVAL;
}

void log_msg(int threshold, enum log_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	if ((int)level > threshold)
		return;
	n = snprintf(buf, sizeof(buf), "lkvm: %s: ", log_names[level]);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	/* One write per message keeps lines whole between threads. */
	strcat(buf, "\n");
	fputs(buf, stderr);
}
