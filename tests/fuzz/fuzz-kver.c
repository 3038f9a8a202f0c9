// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel's release from its banner (boot/kver.c). Input: a chunk of
 * an Image. A release found is in the input after "Linux version ",
 * starts with a digit, is printable and bounded and ends with a blank;
 * a banner cut by the end is where the caller is told to read on.
 */
#include <errno.h>

#include "boot/kver.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *b = KVER_BANNER;
	char ver[KVER_MAX + 1], *p;
	size_t keep = size + 1, n, bl = strlen(b);
	int ret = kver_find(buf, size, ver, sizeof(ver), &keep);

	FUZZ_CHECK(ret == 0 || ret == 1 || ret == -EAGAIN);
	if (ret == -EAGAIN) {
		FUZZ_CHECK(keep + bl <= size && !memcmp(buf + keep, b, bl));
		FUZZ_CHECK(size - keep - bl <= KVER_MAX);
	}
	if (ret != 1)
		return 0;
	n = strlen(ver);
	FUZZ_CHECK(n > 0 && n <= KVER_MAX && ver[0] >= '0' && ver[0] <= '9');
	for (p = ver; *p; p++)
		FUZZ_CHECK(*p > ' ' && *p < 127);
	p = memmem(buf, size, b, bl);
	FUZZ_CHECK(p != NULL);
	return 0;
}
