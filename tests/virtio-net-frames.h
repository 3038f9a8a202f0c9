/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_VIRTIO_NET_FRAMES_H
#define LKVM_TESTS_VIRTIO_NET_FRAMES_H
/*
 * The virtio-net tests' frames (tests/test-virtio-net*.c): a recognisable
 * pattern, and what a receive buffer must hold after the model put one
 * there.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "devices/virtio/net.h"
#include "tests/virtio-dev-harness.h"

static inline void fill(uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = seed + i * 7;
}

/* The header and frame a receive buffer got, checked. */
static inline bool rx_ok(struct vdh *h, uint64_t gpa, size_t hlen, uint16_t nbufs,
			 const uint8_t *frame, size_t len)
{
	const uint8_t *p = vdh_ptr(h, gpa);
	uint8_t zero[VIRTIO_NET_HDR_LEN] = { 0 };

	if (memcmp(p, zero, 10))
		return false;
	if (hlen == VIRTIO_NET_HDR_LEN && (p[10] | p[11] << 8) != nbufs)
		return false;
	return !memcmp(p + hlen, frame, len);
}

#endif
