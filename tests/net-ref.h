/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_NET_REF_H
#define LKVM_TESTS_NET_REF_H
/*
 * What the network tests check lib/net-gso.c and lib/net-gro.c against,
 * written the plain way: the Internet checksum one byte at a time, and
 * big-endian fields read and written byte by byte.
 */
#include <stddef.h>
#include <stdint.h>

/* RFC 1071 over a list of byte ranges, one byte at a time. */
static inline uint16_t ref_sum(const uint8_t *const *p, const size_t *len, unsigned int n)
{
	uint32_t sum = 0;
	size_t pos = 0;

	for (unsigned int k = 0; k < n; k++)
		for (size_t i = 0; i < len[k]; i++, pos++)
			sum += (pos & 1) ? p[k][i] : p[k][i] << 8;
	while (sum > 0xffff)
		sum = (sum >> 16) + (sum & 0xffff);
	return sum;
}

static inline unsigned int be16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static inline void wr16(uint8_t *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v;
}

#endif
