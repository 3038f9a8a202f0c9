/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIB_NET_BYTES_H
#define LKVM_LIB_NET_BYTES_H
/*
 * Fields of frames and headers, read and written a byte at a time: the
 * network's big-endian ones, and the virtio-net header's little-endian
 * ones. No alignment is assumed (a frame's IP header may sit anywhere).
 */
#include <stdint.h>

static inline uint16_t net_get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static inline void net_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline uint32_t net_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static inline void net_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline uint16_t net_get16le(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static inline void net_put16le(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

#endif
