// SPDX-License-Identifier: GPL-2.0
/*
 * The banner's first word after "Linux version " is the release. Other
 * strings start the same way (a format string with "%s", say): a
 * release starts with a digit and ends with a blank, or it is skipped.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "boot/kver.h"

#define BANNER_LEN	(sizeof(KVER_BANNER) - 1)

static bool release_char(char c)
{
	return c > ' ' && c < 127;
}

int kver_find(const char *buf, size_t len, char *ver, size_t ver_len, size_t *keep)
{
	const char *p = buf, *end = buf + len, *r;
	size_t n;

	while ((p = memmem(p, end - p, KVER_BANNER, BANNER_LEN))) {
		r = p + BANNER_LEN;
		for (n = 0; r + n < end && n <= KVER_MAX && release_char(r[n]); n++)
			;
		if (r + n == end && n <= KVER_MAX) {
			*keep = p - buf;
			return -EAGAIN;
		}
		if (n && n <= KVER_MAX && n < ver_len && r[0] >= '0' && r[0] <= '9' &&
		    (r[n] == ' ' || r[n] == '\n' || r[n] == '\0')) {
			memcpy(ver, r, n);
			ver[n] = '\0';
			return 1;
		}
		p++;
	}
	return 0;
}
