// SPDX-License-Identifier: GPL-2.0
/*
 * lib/net-gso.c as lkvm-net-user runs it on a guest's message. Input:
 * the 10-byte virtio-net header, then the frame. Every segment emitted
 * must be a whole frame no larger than its room, with the headers the
 * original had and at most gso_size bytes of payload; their payloads
 * joined are the original's; a checksum fill stays within the frame;
 * a frame made whole is one segmentation also takes.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/net-gso.h"
#include "tests/fuzz/fuzz.h"

struct fz_segs {
	const uint8_t *frame;
	size_t len, gso_size, joined;
	size_t hdrs;		/* the first segment's header bytes */
	unsigned int n;
};

/* The TCP header's length from a segment whose IP header starts at l3. */
static size_t fz_hdrs(const uint8_t *seg, size_t len)
{
	size_t l3 = seg[12] == 0x81 ? 18 : 14;
	size_t l4 = l3 + ((seg[l3] >> 4) == 6 ? 40 : (seg[l3] & 0xf) * 4);

	FUZZ_CHECK(l4 + 20 <= len);
	return l4 + (seg[l4 + 12] >> 4) * 4;
}

static void fz_emit(const uint8_t *seg, size_t len, void *opaque)
{
	struct fz_segs *s = opaque;
	size_t hdrs = fz_hdrs(seg, len);

	FUZZ_CHECK(len <= NET_GSO_SEG_MAX && hdrs <= len);
	if (!s->n)
		s->hdrs = hdrs;
	FUZZ_CHECK(hdrs == s->hdrs && len - hdrs <= s->gso_size);
	/* Ethernet header as it was; payload the next bytes of the original's. */
	FUZZ_CHECK(!memcmp(seg, s->frame, 12));
	FUZZ_CHECK(s->hdrs + s->joined + (len - hdrs) <= s->len);
	FUZZ_CHECK(!memcmp(seg + hdrs, s->frame + s->hdrs + s->joined, len - hdrs));
	s->joined += len - hdrs;
	s->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t seg[NET_GSO_SEG_MAX];
	struct virtio_net_hdr h;
	struct fz_segs s = { 0 };
	uint8_t *copy;
	int n;

	if (size < 10)
		return 0;
	virtio_net_hdr_get(data, &h);
	s.frame = data + 10;
	s.len = size - 10;
	s.gso_size = h.gso_size;
	n = net_gso_segment(s.frame, s.len, &h, seg, fz_emit, &s);
	FUZZ_CHECK(n < 0 ? s.n == 0 : (unsigned int)n == s.n && s.n > 0);
	if (n > 0)
		FUZZ_CHECK(s.hdrs + s.joined == s.len);
	copy = malloc(s.len ? s.len : 1);
	if (!copy)
		return 0;
	memcpy(copy, s.frame, s.len);
	if (net_csum_fill(copy, s.len, &h) == 0)
		FUZZ_CHECK((size_t)h.csum_start + h.csum_offset + 2 <= s.len);
	else
		FUZZ_CHECK(!memcmp(copy, s.frame, s.len));
	/* Whole: only when the frame parses as segmentation would; Ethernet header kept. */
	memcpy(copy, s.frame, s.len);
	if (net_gso_whole(copy, s.len, &h) == 0)
		FUZZ_CHECK(n > 0 && !memcmp(copy, s.frame, 14));
	free(copy);
	return 0;
}
