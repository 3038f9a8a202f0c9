/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_BOOT_GUNZIP_H
#define LKVM_BOOT_GUNZIP_H

#include <stddef.h>
#include <stdint.h>

/*
 * A gzip file (RFC 1952) of one member, deflate (RFC 1951) inside, as
 * Debian ships an arm64 kernel (/boot/vmlinuz-*: a gzip'ed Image).
 * Pure, so unit tests and a fuzzer drive it.
 */
#define GUNZIP_MAX	(512ULL << 20)	/* the largest output lkvm takes */

/*
 * The size the trailer gives (ISIZE, the output modulo 2^32), checked
 * against GUNZIP_MAX; -EINVAL for what is not a gzip file.
 */
long long gunzip_size(const uint8_t *in, size_t len);

/*
 * Decompresses in into out (out_len bytes): the bytes written, or
 * -EINVAL (corrupt, or a CRC or size that does not match), -ENOMEM
 * (zlib could not allocate its state), -E2BIG
 * (more than out_len).
 */
long long gunzip(const uint8_t *in, size_t len, uint8_t *out, size_t out_len);

#endif
