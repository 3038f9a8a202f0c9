// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net as a guest drives it, well or badly, with a backend that
 * records what reaches it and frames arriving at any time.
 *
 * Input: a set-up byte, then operations.
 *   set-up: bit 0 a legacy driver (the 10-byte header without
 *   MRG_RXBUF), bit 1 MRG_RXBUF, bit 2 EVENT_IDX, bits 3-5 the queue
 *   size (4 << n, at most 256), bit 6 two queue pairs and the control
 *   queue (mq=2: MQ and CTRL_VQ negotiated), bit 7 the backend's
 *   offloads all offered and taken.
 *   Each operation is an opcode byte (modulo 6):
 *   0  transmit: u8 buffers (1-4), each u8 address class (0: the buffer
 *      area, 1: u64 anywhere) [u64], u16 length (low 14 bits), bit 15
 *      device-writable; the bytes of the first 64 of each come from the
 *      input
 *   1  receive buffers: the same layout, on the receive queue
 *   2  a frame for the guest: u32 length (up to 70000), a seed byte,
 *      its header's flags, gso_type, gso_size / 16, csum_start
 *   3  reset, and a new driver sets the device up again
 *   4  config read: u8 offset, u8 width
 *   5  a control command (with mq; else a config read): a chain as 0's
 * Checks: a well-formed transmit chain reaches the backend whole, with
 * the header apart (one that asks for something may be dropped, and
 * counted), every header it gets one the model may pass on; nothing
 * else does; used lengths of receive
 * chains never exceed the chain; frames waiting stay bounded; a
 * control chain comes back with at most its one-byte ack.
 */
#include <errno.h>

#include "devices/virtio/net.h"
#include "lib/iov.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz.h"
#include "tests/virtio-dev-harness.h"

#define RAM_SIZE	(256 << 10)
#define OP_COUNT	6
#define FZ_CTRLQ	4	/* with two pairs */
#define MAX_BUFS	4

struct fz {
	struct fuzz_input *in;
	struct vdh h;
	struct virtio_dev *vd;
	struct net_backend be;
	uint8_t setup;
	uint16_t num;
	unsigned int sent;
	size_t last_len;
	uint8_t last[256];	/* the first bytes of the last frame sent */
	uint8_t expect[256];
	uint32_t rx_cap[VIRTQ_MAX_SIZE];	/* each receive head's room */
};

/*
 * A header reaches the backend only as the model checks it: a known
 * gso_type with its size and checksum, the checksum's field within the
 * frame, hdr_len within it.
 */
static int fz_send(struct net_backend *be, const struct virtio_net_hdr *h,
		   const struct iovec *frame, unsigned int nr, size_t len)
{
	struct fz *f = be->priv;
	unsigned int i;
	size_t total;

	FUZZ_CHECK(len <= VIRTIO_NET_FRAME_MAX && nr <= VIRTQ_CHAIN_MAX);
	FUZZ_CHECK(iov_to_buf(frame, nr, f->last, sizeof(f->last)) == MIN(len, sizeof(f->last)));
	for (i = 0, total = 0; i < nr; i++)
		total += frame[i].iov_len;
	FUZZ_CHECK(total == len);
	FUZZ_CHECK(!(h->flags & ~VIRTIO_NET_HDR_F_NEEDS_CSUM) && h->hdr_len <= len);
	FUZZ_CHECK(!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
		   (size_t)h->csum_start + h->csum_offset + 2 <= len);
	FUZZ_CHECK(h->gso_type == VIRTIO_NET_HDR_GSO_NONE ||
		   ((h->gso_type == VIRTIO_NET_HDR_GSO_TCPV4 ||
		     h->gso_type == VIRTIO_NET_HDR_GSO_TCPV6) &&
		    h->gso_size && (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)));
	f->sent++;
	f->last_len = len;
	return 0;
}

static void fz_be_destroy(struct net_backend *be)
{
}

static const struct net_backend_ops fz_be_ops = {
	.send = fz_send,
	.destroy = fz_be_destroy,
};

static void fz_attach(struct fz *f)
{
	uint64_t feat = 0;

	if (f->setup & 2)
		feat |= 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	if (f->setup & 4)
		feat |= 1ULL << VIRTIO_F_EVENT_IDX;
	if (f->setup & 64)
		feat |= 1ULL << VIRTIO_NET_F_MQ | 1ULL << VIRTIO_NET_F_CTRL_VQ;
	if (f->setup & 128)
		feat |= VIRTIO_NET_OFFLOAD_F;
	f->h.heap = VDH_RAM_BASE;	/* the rings first, then buffers */
	vdh_attach(&f->h, f->vd, feat, f->setup & 64 ? 5 : 2, f->num);
}

/* Reads one chain's buffers; returns their count, total and writability. */
static unsigned int fz_bufs(struct fz *f, struct vdh_buf *b, uint64_t *total,
			    bool *valid, bool *all_out)
{
	unsigned int n = fuzz_u8(f->in) % MAX_BUFS + 1, i;
	uint8_t bytes[64];

	*total = 0;
	*valid = true;
	*all_out = true;
	for (i = 0; i < n; i++) {
		uint8_t cls = fuzz_u8(f->in);
		uint64_t gpa = cls & 1 ? fuzz_u64(f->in) : 0;
		uint16_t w = fuzz_u16(f->in);
		uint32_t len = w & 0x3fff;

		if (!(cls & 1)) {
			gpa = vdh_alloc(&f->h, len ? len : 1);
			if (!gpa) {	/* the area is used up: start it over */
				f->h.heap = VDH_RAM_BASE + 64 * 1024;
				gpa = vdh_alloc(&f->h, len ? len : 1);
			}
			fuzz_bytes(f->in, bytes, MIN(len, sizeof(bytes)));
			memcpy(vdh_ptr(&f->h, gpa), bytes, MIN(len, sizeof(bytes)));
		} else {
			*valid = false;
		}
		b[i] = (struct vdh_buf){ gpa, len, w >> 15 };
		*all_out &= !b[i].write;
		*total += len;
	}
	return n;
}

static void fz_drain(struct fz *f)
{
	uint16_t head;
	uint32_t len;

	while (vdh_used(&f->h, VIRTIO_NET_TXQ, &head, &len))
		FUZZ_CHECK(len == 0);
	while (vdh_used(&f->h, VIRTIO_NET_RXQ, &head, &len))
		FUZZ_CHECK(head >= f->num || len <= f->rx_cap[head]);
	while ((f->setup & 64) && vdh_used(&f->h, FZ_CTRLQ, &head, &len))
		FUZZ_CHECK(len <= 1);
}

static void fz_op_ctrl(struct fz *f)
{
	struct vdh_buf b[MAX_BUFS];
	bool valid, all_out;
	uint64_t total;
	unsigned int n;

	n = fz_bufs(f, b, &total, &valid, &all_out);
	vdh_post(&f->h, FZ_CTRLQ, b, n);
	vdh_notify(&f->h, FZ_CTRLQ);
}

static void fz_op_tx(struct fz *f)
{
	size_t hlen = (f->setup & 1) && !(f->setup & 2) ?
		      VIRTIO_NET_HDR_LEN_LEGACY : VIRTIO_NET_HDR_LEN;
	struct vdh_buf b[MAX_BUFS];
	unsigned int n, sent = f->sent, i;
	bool valid, all_out, broken, plain = true;
	uint64_t total, off = 0;
	struct virtio_net_stats st0, st;

	n = fz_bufs(f, b, &total, &valid, &all_out);
	/* What the frame's first bytes must be, from guest memory; a header of zeros? */
	for (i = 0; valid && i < n; i++) {
		uint64_t s;

		for (s = 0; s < b[i].len; s++, off++) {
			uint8_t c = *(uint8_t *)vdh_ptr(&f->h, b[i].gpa + s);

			if (off < 10 && c)
				plain = false;
			if (off >= hlen && off - hlen < sizeof(f->expect))
				f->expect[off - hlen] = c;
		}
	}
	virtio_net_get_stats(f->vd, &st0);
	broken = virtio_dev_status(f->vd) & VIRTIO_STATUS_NEEDS_RESET;
	vdh_post(&f->h, VIRTIO_NET_TXQ, b, n);
	vdh_notify(&f->h, VIRTIO_NET_TXQ);
	if (broken || (virtio_dev_status(f->vd) & VIRTIO_STATUS_NEEDS_RESET) ||
	    !valid || !all_out)
		return;
	if (total < hlen) {
		FUZZ_CHECK(f->sent == sent);
		return;
	}
	/* A header asking for something: sent (fz_send checks it) or dropped, counted. */
	virtio_net_get_stats(f->vd, &st);
	if (!plain && f->sent == sent) {
		FUZZ_CHECK(st.tx_dropped == st0.tx_dropped + 1);
		return;
	}
	FUZZ_CHECK(f->sent == sent + 1 && f->last_len == total - hlen);
	FUZZ_CHECK(!memcmp(f->last, f->expect, MIN(f->last_len, sizeof(f->last))));
}

static void fz_op_rx(struct fz *f)
{
	struct vdh_buf b[MAX_BUFS];
	bool valid, all_out;
	uint64_t total;
	unsigned int n, i;
	uint32_t room = 0;
	uint16_t head;

	n = fz_bufs(f, b, &total, &valid, &all_out);
	for (i = 0; i < n; i++)
		room += b[i].write ? b[i].len : 0;
	head = vdh_post(&f->h, VIRTIO_NET_RXQ, b, n);
	if (head < VIRTQ_MAX_SIZE)
		f->rx_cap[head] = room;
	vdh_notify(&f->h, VIRTIO_NET_RXQ);
}

static void fz_op_frame(struct fz *f)
{
	uint32_t len = fuzz_u32(f->in) % 70000;
	uint8_t seed = fuzz_u8(f->in), *p = malloc(len ? len : 1);
	struct virtio_net_hdr h = {
		.flags = fuzz_u8(f->in), .gso_type = fuzz_u8(f->in),
		.gso_size = fuzz_u8(f->in) * 16, .csum_start = fuzz_u8(f->in),
	};
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = seed + i;
	virtio_net_receive(f->vd, &h, p, len);
	virtio_dev_serve(f->vd);
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct fz f = { .in = &in };
	uint8_t cfg[8];
	unsigned int op;

	fuzz_input_init(&in, data, size);
	f.setup = fuzz_u8(&in);
	f.num = MIN(4U << ((f.setup >> 3) % 7), VIRTQ_MAX_SIZE);
	f.be = (struct net_backend){ .ops = &fz_be_ops, .priv = &f,
				     .offloads = f.setup & 128 ? VIRTIO_NET_OFFLOAD_F : 0 };
	if (vdh_init(&f.h, RAM_SIZE))
		return 0;
	if (virtio_net_new_mq(0, (const uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, f.setup & 64 ? 2 : 1,
			      &f.be, &f.vd)) {
		vdh_free(&f.h);
		return 0;
	}
	f.vd->legacy = f.setup & 1;
	fz_attach(&f);
	while (!fuzz_input_done(&in)) {
		op = fuzz_u8(&in) % OP_COUNT;
		if (op == 0)
			fz_op_tx(&f);
		else if (op == 1)
			fz_op_rx(&f);
		else if (op == 2)
			fz_op_frame(&f);
		else if (op == 3)
			virtio_dev_set_status(f.vd, 0), fz_attach(&f);
		else if (op == 5 && (f.setup & 64))
			fz_op_ctrl(&f);
		else
			virtio_dev_config_read(f.vd, fuzz_u8(&in) % 12, cfg,
					       fuzz_u8(&in) % 8 + 1);
		fz_drain(&f);
	}
	virtio_dev_destroy(f.vd);
	vdh_free(&f.h);
	return 0;
}
