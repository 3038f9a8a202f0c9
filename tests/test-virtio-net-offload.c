// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's offloads through the core with a fake backend: the card
 * offers what its backend can do and nothing else; the driver's header
 * reaches the backend field for field, a bad one is dropped and
 * counted, never passed on; the backend learns the offloads the driver
 * took once it runs, and none after a reset; a header for the guest
 * arrives as the backend gave it, and a frame needing an offload the
 * driver did not take (a large segment without GUEST_TSO) never does.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/net.h"
#include "devices/virtio/virtio-core.h"
#include "lib/util.h"
#include "tests/unit.h"
#include "tests/virtio-dev-harness.h"

#define BIT(n)	(1ULL << (n))

struct fake_be {
	struct net_backend be;
	unsigned int sent;
	struct virtio_net_hdr hdr;
	size_t len;
	uint64_t told;
	unsigned int told_count;
};

static int fake_send(struct net_backend *be, const struct virtio_net_hdr *h,
		     const struct iovec *frame, unsigned int nr, size_t len)
{
	struct fake_be *f = be->priv;

	f->sent++;
	f->hdr = *h;
	f->len = len;
	return 0;
}

static void fake_features_set(struct net_backend *be, uint64_t features)
{
	struct fake_be *f = be->priv;

	f->told = features;
	f->told_count++;
}

static void fake_destroy(struct net_backend *be)
{
}

static const struct net_backend_ops fake_ops = {
	.send = fake_send,
	.features_set = fake_features_set,
	.destroy = fake_destroy,
};

static const uint8_t mac[6] = { 2, 0x15, 0x15, 0x15, 0x15, 0x16 };

/* A card whose backend does offloads, driven with features (MRG_RXBUF added). */
static struct virtio_dev *setup(struct vdh *h, struct fake_be *f, uint64_t offloads,
				uint64_t features)
{
	struct virtio_dev *vd;

	memset(f, 0, sizeof(*f));
	f->be = (struct net_backend){ .ops = &fake_ops, .priv = f, .offloads = offloads };
	if (vdh_init(h, 1 << 20) || virtio_net_new(0, mac, &f->be, &vd))
		exit(1);
	vdh_attach(h, vd, features | BIT(VIRTIO_NET_F_MRG_RXBUF), 2, 8);
	return vd;
}

/* What is offered follows the backend; TSO only with its checksum. */
static void test_offered(struct unit *u)
{
	const uint64_t all = VIRTIO_NET_OFFLOAD_F;
	struct virtio_dev *vd;
	struct fake_be f;
	struct vdh h;

	vd = setup(&h, &f, 0, 0);
	CHECK_EQ(u, virtio_dev_features(vd) & all, 0);
	virtio_dev_destroy(vd);
	vdh_free(&h);

	vd = setup(&h, &f, all, 0);
	CHECK_EQ(u, virtio_dev_features(vd) & all, all);
	virtio_dev_destroy(vd);
	vdh_free(&h);

	/* The user-mode helper's: it takes, gives nothing. */
	vd = setup(&h, &f, BIT(VIRTIO_NET_F_CSUM) | BIT(VIRTIO_NET_F_HOST_TSO4) |
		   BIT(VIRTIO_NET_F_HOST_TSO6), 0);
	CHECK_EQ(u, virtio_dev_features(vd) & all, BIT(VIRTIO_NET_F_CSUM) |
		 BIT(VIRTIO_NET_F_HOST_TSO4) | BIT(VIRTIO_NET_F_HOST_TSO6));
	virtio_dev_destroy(vd);
	vdh_free(&h);

	/* Segments without the checksum they need: not offered. */
	vd = setup(&h, &f, BIT(VIRTIO_NET_F_HOST_TSO4) | BIT(VIRTIO_NET_F_GUEST_TSO6), 0);
	CHECK_EQ(u, virtio_dev_features(vd) & all, 0);
	virtio_dev_destroy(vd);
	vdh_free(&h);
}

/* A header + frame of len bytes on the transmit queue; whether it went out. */
static bool tx(struct vdh *h, struct fake_be *f, const struct virtio_net_hdr *hdr,
	       uint32_t len)
{
	uint32_t total = VIRTIO_NET_HDR_LEN + len, ulen;
	struct vdh_buf b = { vdh_alloc(h, total), total, false };
	unsigned int sent = f->sent;
	uint16_t got;

	memset(vdh_ptr(h, b.gpa), 0x5a, total);
	virtio_net_hdr_put(vdh_ptr(h, b.gpa), hdr);
	vdh_post(h, VIRTIO_NET_TXQ, &b, 1);
	vdh_notify(h, VIRTIO_NET_TXQ);
	if (!vdh_used(h, VIRTIO_NET_TXQ, &got, &ulen))
		return false;
	return f->sent == sent + 1;
}

/* Good headers pass field for field; each bad one is dropped and counted. */
static void test_tx_hdr(struct unit *u)
{
	const struct virtio_net_hdr gso = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = 66, .gso_size = 1448, .csum_start = 34, .csum_offset = 16,
	};
	struct virtio_net_stats s;
	struct virtio_net_hdr b;
	struct virtio_dev *vd;
	struct fake_be f;
	struct vdh h;

	vd = setup(&h, &f, VIRTIO_NET_OFFLOAD_F, BIT(VIRTIO_NET_F_CSUM) |
		   BIT(VIRTIO_NET_F_HOST_TSO4));
	CHECK(u, tx(&h, &f, &gso, 9000));
	CHECK(u, !memcmp(&f.hdr, &gso, sizeof(gso)) && f.len == 9000);
	b = gso;
	b.gso_type = VIRTIO_NET_HDR_GSO_NONE;
	b.csum_start = 8950;
	b.csum_offset = 48;	/* the field's last byte is the frame's */
	CHECK(u, tx(&h, &f, &b, 9000));
	CHECK(u, !memcmp(&f.hdr, &b, sizeof(b)));

	b.csum_offset = 49;	/* one byte past */
	CHECK(u, !tx(&h, &f, &b, 9000));
	b = gso;
	b.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;	/* HOST_TSO6 not taken */
	CHECK(u, !tx(&h, &f, &b, 9000));
	b.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	CHECK(u, !tx(&h, &f, &b, 9000));
	b.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
	CHECK(u, !tx(&h, &f, &b, 9000));
	b = gso;
	b.gso_size = 0;
	CHECK(u, !tx(&h, &f, &b, 9000));
	b = gso;
	b.flags = 0;		/* segments without their checksums */
	CHECK(u, !tx(&h, &f, &b, 9000));
	b = gso;
	b.hdr_len = 9001;
	CHECK(u, !tx(&h, &f, &b, 9000));
	b = gso;
	b.flags |= VIRTIO_NET_HDR_F_DATA_VALID;
	CHECK(u, !tx(&h, &f, &b, 9000));
	virtio_net_get_stats(vd, &s);
	CHECK(u, s.tx_frames == 2 && s.tx_dropped == 8);
	virtio_dev_destroy(vd);
	vdh_free(&h);

	/* Offered but not taken: a checksum left to the device is refused. */
	vd = setup(&h, &f, VIRTIO_NET_OFFLOAD_F, 0);
	b = gso;
	b.gso_type = VIRTIO_NET_HDR_GSO_NONE;
	CHECK(u, !tx(&h, &f, &b, 200));
	b.flags = 0;
	CHECK(u, tx(&h, &f, &b, 200));
	virtio_dev_destroy(vd);
	vdh_free(&h);
}

/* A frame of len bytes with hdr into one 64 KiB buffer; its header, or false. */
static bool rx(struct vdh *h, const struct virtio_net_hdr *hdr, uint32_t len,
	       struct virtio_net_hdr *got_hdr)
{
	static uint64_t gpa[VIRTQ_MAX_SIZE];	/* each head's buffer */
	struct vdh_buf b = { vdh_alloc(h, 70000), 70000, true };
	uint8_t *frame = calloc(1, len);
	uint16_t got;
	uint32_t ulen;
	bool ok;

	if (!frame)
		exit(1);
	gpa[vdh_post(h, VIRTIO_NET_RXQ, &b, 1) % VIRTQ_MAX_SIZE] = b.gpa;
	vdh_notify(h, VIRTIO_NET_RXQ);
	virtio_net_receive(h->vd, hdr, frame, len);
	virtio_dev_serve(h->vd);
	free(frame);
	ok = vdh_used(h, VIRTIO_NET_RXQ, &got, &ulen) && ulen == VIRTIO_NET_HDR_LEN + len;
	if (ok)
		virtio_net_hdr_get(vdh_ptr(h, gpa[got % VIRTQ_MAX_SIZE]), got_hdr);
	/* A buffer a dropped frame left is the next one's. */
	return ok;
}

/*
 * The backend is told what the driver took; a large segment reaches a
 * driver that took GUEST_TSO4 with its header, one that did not never
 * gets it (nor a checksum it did not take), and a reset tells the
 * backend to stop.
 */
static void test_rx_hdr(struct unit *u)
{
	const struct virtio_net_hdr gso = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = 66, .gso_size = 1448, .csum_start = 34, .csum_offset = 16,
	};
	const struct virtio_net_hdr valid = { .flags = VIRTIO_NET_HDR_F_DATA_VALID };
	const uint64_t took = BIT(VIRTIO_NET_F_GUEST_CSUM) | BIT(VIRTIO_NET_F_GUEST_TSO4);
	struct virtio_net_stats s;
	struct virtio_net_hdr got;
	struct virtio_dev *vd;
	struct fake_be f;
	struct vdh h;

	vd = setup(&h, &f, VIRTIO_NET_OFFLOAD_F, took);
	CHECK(u, rx(&h, &gso, 60000, &got));
	CHECK(u, !memcmp(&got, &gso, sizeof(got)));
	CHECK(u, f.told == took && f.told_count == 1);
	virtio_dev_set_status(vd, 0);
	CHECK(u, f.told == 0 && f.told_count == 2);
	virtio_dev_destroy(vd);
	vdh_free(&h);

	/* Checksums only: no segment, no partial checksum without it. */
	vd = setup(&h, &f, VIRTIO_NET_OFFLOAD_F, BIT(VIRTIO_NET_F_GUEST_CSUM));
	CHECK(u, !rx(&h, &gso, 60000, &got));
	CHECK(u, rx(&h, &valid, 1000, &got) && got.flags == VIRTIO_NET_HDR_F_DATA_VALID);
	virtio_net_get_stats(vd, &s);
	CHECK(u, s.rx_dropped == 1 && s.rx_frames == 1);
	virtio_dev_destroy(vd);
	vdh_free(&h);

	vd = setup(&h, &f, VIRTIO_NET_OFFLOAD_F, 0);
	CHECK(u, !rx(&h, &gso, 60000, &got));
	got.gso_type = 0;
	CHECK(u, !rx(&h, &(struct virtio_net_hdr){ .flags = 1 }, 1000, &got));
	CHECK(u, rx(&h, &valid, 1000, &got) && got.flags == 0);	/* not for it */
	CHECK(u, f.told == 0 && f.told_count == 1);
	virtio_net_get_stats(vd, &s);
	CHECK(u, s.rx_dropped == 2 && s.rx_frames == 1);
	virtio_dev_destroy(vd);
	vdh_free(&h);
}

int main(void)
{
	struct unit u = { 0 };

	test_offered(&u);
	test_tx_hdr(&u);
	test_rx_hdr(&u);
	return unit_done(&u, "test-virtio-net-offload");
}
