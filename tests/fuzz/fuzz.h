/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_FUZZ_H
#define LKVM_TESTS_FUZZ_H

/*
 * Shared by the libFuzzer targets: a reader that turns the fuzzer's
 * bytes into values, and an invariant check that aborts, which
 * libFuzzer reports as a crash and saves the input as a reproducer.
 *
 * The reader never fails: past the end of the input every value is
 * zero, so a target decodes a truncated operation like a complete one
 * and the fuzzer never wastes an input on a framing error.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_input {
	const uint8_t *data;
	size_t left;
};

static inline void fuzz_input_init(struct fuzz_input *in, const uint8_t *data,
				   size_t size)
{
	in->data = data;
	in->left = size;
}

static inline bool fuzz_input_done(const struct fuzz_input *in)
{
	return !in->left;
}

/* Copies up to len bytes; returns how many the input still had. */
static inline size_t fuzz_bytes(struct fuzz_input *in, void *dst, size_t len)
{
	size_t n = len < in->left ? len : in->left;

	memcpy(dst, in->data, n);
	memset((uint8_t *)dst + n, 0, len - n);
	in->data += n;
	in->left -= n;
	return n;
}

/* Little-endian, like the guest and the device registers. */
static inline uint64_t fuzz_le(struct fuzz_input *in, size_t bytes)
{
	uint8_t b[8];
	uint64_t v = 0;
	size_t i;

	fuzz_bytes(in, b, bytes);
	for (i = 0; i < bytes; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	return fuzz_le(in, 1);
}

static inline uint16_t fuzz_u16(struct fuzz_input *in)
{
	return fuzz_le(in, 2);
}

static inline uint32_t fuzz_u32(struct fuzz_input *in)
{
	return fuzz_le(in, 4);
}

static inline uint64_t fuzz_u64(struct fuzz_input *in)
{
	return fuzz_le(in, 8);
}

static inline void __attribute__((noreturn))
fuzz_fail(const char *file, int line, const char *expr,
	  unsigned long long a, unsigned long long b)
{
	fprintf(stderr, "%s:%d: invariant violated: %s (0x%llx, 0x%llx)\n",
		file, line, expr, a, b);
	abort();
}

#define FUZZ_CHECK(cond) do {						\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond, 0, 0);		\
} while (0)

/* Prints both values: the first thing to know when an invariant breaks. */
#define FUZZ_CHECK_EQ(a, b) do {					\
	unsigned long long _a = (a), _b = (b);				\
	if (_a != _b)							\
		fuzz_fail(__FILE__, __LINE__, #a " == " #b, _a, _b);	\
} while (0)

#endif
