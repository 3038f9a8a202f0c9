// SPDX-License-Identifier: GPL-2.0
/*
 * A gzip'ed kernel (boot/gunzip.c). Input: the file. Output into 1 MiB.
 * Checks: no access out of the buffers (ASan), an error documented, an
 * output within the buffer whose size is the trailer's, as
 * gunzip_size() says.
 */
#include <errno.h>

#include "boot/gunzip.h"
#include "tests/fuzz/fuzz.h"

#define OUT_MAX	(1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[OUT_MAX];
	long long n = gunzip(data, size, out, OUT_MAX), want = gunzip_size(data, size);

	FUZZ_CHECK(n == -EINVAL || n == -E2BIG || n == -ENOMEM || (n >= 0 && n <= OUT_MAX));
	if (n >= 0)
		FUZZ_CHECK(want == n);
	return 0;
}
