// SPDX-License-Identifier: GPL-2.0
/*
 * A gzip file of one member, inflated by zlib (Debian's zlib1g-dev,
 * linked into the static lkvm: docs/guest-root.md says why zlib). Its
 * gzip mode checks the header (reserved flags refused), the CRC-32 and
 * the size; lkvm adds the limits: nothing after the member, and no
 * more than the caller's buffer.
 */
#include <errno.h>
#include <limits.h>
#include <zlib.h>

#include "boot/gunzip.h"

#define GZIP_MIN	18	/* a 10-byte header, an empty block, the trailer */

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

long long gunzip_size(const uint8_t *in, size_t len)
{
	uint32_t isize;

	if (len < GZIP_MIN || in[0] != 0x1f || in[1] != 0x8b || in[2] != Z_DEFLATED)
		return -EINVAL;
	isize = le32(in + len - 4);
	return isize <= GUNZIP_MAX ? (long long)isize : -EINVAL;
}

long long gunzip(const uint8_t *in, size_t len, uint8_t *out, size_t out_len)
{
	z_stream zs = { 0 };
	long long n;
	int ret;

	/* zlib counts in 32 bits; a kernel is far below either limit. */
	if (gunzip_size(in, len) < 0 || len > UINT_MAX)
		return -EINVAL;
	if (out_len > UINT_MAX)
		out_len = UINT_MAX;
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)	/* 16: gzip only */
		return -ENOMEM;
	zs.next_in = (Bytef *)in;
	zs.avail_in = len;
	zs.next_out = out;
	zs.avail_out = out_len;
	ret = inflate(&zs, Z_FINISH);
	n = zs.total_out;
	inflateEnd(&zs);
	if (ret == Z_STREAM_END)
		return zs.avail_in ? -EINVAL : n;	/* one member, nothing after */
	if (ret == Z_BUF_ERROR && !zs.avail_out)
		return -E2BIG;
	return ret == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
}
