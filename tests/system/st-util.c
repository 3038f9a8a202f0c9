// SPDX-License-Identifier: GPL-2.0
/* What st-helper's commands share (st-helper.h). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "st-helper.h"

int usage(void)
{
	fprintf(stderr, "usage: st-helper run|within|silent|flood|rss|signal-at|orphans ...;"
		" see the comment at the top of st-helper.c\n");
	return 2;
}

void write_all(int fd, const char *p, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= w;
	}
}
