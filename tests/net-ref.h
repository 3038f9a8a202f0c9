/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_NET_REF_H
#define LKVM_TESTS_NET_REF_H
/*
 * What the network tests check lib/net-gso.c and lib/net-gro.c against,
 * written the plain way: the Internet checksum one byte at a time, and
 * big-endian fields read and written byte by byte.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/*
 * The Ethernet and IP headers of a TCP frame from slirp's gateway to
 * the guest (10.0.2.2 to 10.0.2.15 or fixed IPv6 addresses), len bytes
 * long with TCP at l4 (34 or 54), into zeroed f. IPv4's ID, flags and
 * checksum are left to the caller.
 */
static inline void ref_tcp_frame_head(uint8_t *f, bool v6, size_t len, size_t l4)
{
	uint8_t *ip = f + 14;
	size_t i;

	memcpy(f, (uint8_t[]){ 2, 0x15, 0x15, 0x15, 0x15, 0x15, 0x52, 0x55, 10, 0, 2, 2 }, 12);
	wr16(f + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		ip[0] = 0x60;
		wr16(ip + 4, len - l4);
		ip[6] = 6;
		ip[7] = 64;
		for (i = 0; i < 32; i++)
			ip[8 + i] = 0x20 + i;
		return;
	}
	ip[0] = 0x45;
	wr16(ip + 2, len - 14);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, (uint8_t[]){ 10, 0, 2, 2, 10, 0, 2, 15 }, 8);
}

#endif
