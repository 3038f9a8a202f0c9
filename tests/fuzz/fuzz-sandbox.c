// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm sandbox's files (cli/sandbox.c): the status file the guest
 * writes and lkvm reads, and the command file the guest's init reads.
 * Input: the file. A status taken is 0..255 and prints back as the
 * input; a command decoded encodes back to the same bytes.
 */
#include <errno.h>

#include "cli/sandbox.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[SANDBOX_CMD_MAX + 1], again[SANDBOX_CMD_MAX + 1];
	static char *argv[SANDBOX_ARGS_MAX + 1];
	char line[8];
	int st, n;
	long len;

	if (size > SANDBOX_CMD_MAX)
		return 0;
	st = sandbox_parse_status((const char *)data, size);
	FUZZ_CHECK(st == -EINVAL || (st >= 0 && st <= 255));
	if (st >= 0) {
		n = snprintf(line, sizeof(line), "%d", st);
		FUZZ_CHECK((size_t)n <= size);
	}
	memcpy(buf, data, size);
	n = sandbox_decode(buf, size, argv, SANDBOX_ARGS_MAX + 1);
	FUZZ_CHECK(n == -EINVAL || (n > 0 && n <= SANDBOX_ARGS_MAX && !argv[n]));
	if (n > 0) {
		len = sandbox_encode(n, argv, again, sizeof(again));
		FUZZ_CHECK(len == (long)size && !memcmp(again, data, size));
	}
	return 0;
}
