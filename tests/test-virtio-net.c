// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net through the core with a fake backend: frames out (header
 * stripped, split buffers handed over as they are, malformed and
 * oversized ones dropped; frames in: tests/test-virtio-net-rx.c), config space,
 * several queue pairs and the control queue; snapshots (saved,
 * restored into a fresh card, malformed ones refused).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio/net.h"
#include "devices/virtio/virtio-core.h"
#include "lib/iov.h"
#include "lib/snapshot.h"
#include "lib/util.h"
#include "tests/unit.h"
#include "tests/virtio-dev-harness.h"
#include "tests/virtio-net-frames.h"

struct fake_be {
	struct net_backend be;
	unsigned int sent;
	struct virtio_net_hdr last_hdr;
	uint64_t told;		/* features_set's last */
	unsigned int told_count;
	size_t last_len;
	uint8_t last[2048];
	unsigned int last_nr;	/* segments the last frame came in */
	bool seg_bad;		/* a frame whose segments were not len bytes */
	int fail;
	bool destroyed;
};

static size_t seg_total(const struct iovec *v, unsigned int nr)
{
	size_t t = 0;

	while (nr--)
		t += v[nr].iov_len;
	return t;
}

static int fake_send(struct net_backend *be, const struct virtio_net_hdr *h,
		     const struct iovec *frame, unsigned int nr, size_t len)
{
	struct fake_be *f = be->priv;

	if (f->fail)
		return f->fail;
	f->sent++;
	f->last_hdr = *h;
	f->last_len = len;
	f->last_nr = nr;
	/* The segments hold the frame, all of it and nothing more. */
	f->seg_bad |= seg_total(frame, nr) != len;
	iov_to_buf(frame, nr, f->last, MIN(len, sizeof(f->last)));
	return 0;
}

static void fake_destroy(struct net_backend *be)
{
	struct fake_be *f = be->priv;

	f->destroyed = true;
}

static void fake_features_set(struct net_backend *be, uint64_t features)
{
	struct fake_be *f = be->priv;

	f->told = features;
	f->told_count++;
}

static const struct net_backend_ops fake_ops = {
	.send = fake_send,
	.features_set = fake_features_set,
	.destroy = fake_destroy,
};

static const uint8_t mac[6] = { 0x02, 0x15, 0x15, 0x15, 0x15, 0x16 };

/* A chain of header + frame, the header alone in the first buffer when split. */
static void test_tx(struct unit *u, struct vdh *h, struct fake_be *f, size_t hlen)
{
	struct vdh_buf b[3];
	struct virtio_net_stats s;
	uint8_t frame[300];
	uint16_t head, got;
	uint32_t len;

	fill(frame, sizeof(frame), 1);
	b[0] = (struct vdh_buf){ vdh_alloc_marked(h, hlen + 300), hlen + 300, false };
	memset(vdh_ptr(h, b[0].gpa), 0, hlen);
	memcpy((uint8_t *)vdh_ptr(h, b[0].gpa) + hlen, frame, 300);
	head = vdh_post(h, VIRTIO_NET_TXQ, b, 1);
	vdh_notify(h, VIRTIO_NET_TXQ);
	CHECK(u, vdh_used(h, VIRTIO_NET_TXQ, &got, &len) && got == head && len == 0);
	CHECK_EQ(u, f->sent, 1);
	CHECK(u, f->last_len == 300 && !memcmp(f->last, frame, 300));

	/* Split: the header, then the frame over two buffers. */
	b[0] = (struct vdh_buf){ vdh_alloc_marked(h, hlen), hlen, false };
	memset(vdh_ptr(h, b[0].gpa), 0, hlen);
	b[1] = (struct vdh_buf){ vdh_alloc_marked(h, 100), 100, false };
	b[2] = (struct vdh_buf){ vdh_alloc_marked(h, 200), 200, false };
	memcpy(vdh_ptr(h, b[1].gpa), frame, 100);
	memcpy(vdh_ptr(h, b[2].gpa), frame + 100, 200);
	vdh_post(h, VIRTIO_NET_TXQ, b, 3);
	vdh_notify(h, VIRTIO_NET_TXQ);
	CHECK(u, vdh_used(h, VIRTIO_NET_TXQ, &got, &len));
	CHECK(u, f->sent == 2 && f->last_len == 300 && !memcmp(f->last, frame, 300));
	/* Handed over as the guest's own two segments, not a copy. */
	CHECK_EQ(u, f->last_nr, 2);
	CHECK(u, !f->seg_bad);

	/* Shorter than the header: dropped, the chain still comes back. */
	b[0] = (struct vdh_buf){ vdh_alloc_marked(h, hlen - 1), hlen - 1, false };
	vdh_post(h, VIRTIO_NET_TXQ, b, 1);
	vdh_notify(h, VIRTIO_NET_TXQ);
	CHECK(u, vdh_used(h, VIRTIO_NET_TXQ, &got, &len));
	CHECK_EQ(u, f->sent, 2);

	/* Larger than any frame: dropped. */
	len = hlen + VIRTIO_NET_FRAME_MAX + 1;
	b[0] = (struct vdh_buf){ vdh_alloc_marked(h, len), len, false };
	vdh_post(h, VIRTIO_NET_TXQ, b, 1);
	vdh_notify(h, VIRTIO_NET_TXQ);
	CHECK(u, vdh_used(h, VIRTIO_NET_TXQ, &got, &len));
	CHECK_EQ(u, f->sent, 2);

	/* The backend refuses: counted as dropped, the chain comes back. */
	f->fail = -ENOBUFS;
	b[0] = (struct vdh_buf){ vdh_alloc_marked(h, hlen + 60), hlen + 60, false };
	vdh_post(h, VIRTIO_NET_TXQ, b, 1);
	vdh_notify(h, VIRTIO_NET_TXQ);
	CHECK(u, vdh_used(h, VIRTIO_NET_TXQ, &got, &len));
	f->fail = 0;
	virtio_net_get_stats(h->vd, &s);
	CHECK(u, s.tx_frames == 2 && s.tx_dropped == 3);
}

static void test_config(struct unit *u, struct virtio_dev *vd)
{
	uint8_t cfg[8];
	uint64_t f = virtio_dev_features(vd);

	virtio_dev_config_read(vd, 0, cfg, 8);
	CHECK(u, !memcmp(cfg, mac, 6));
	CHECK_EQ(u, cfg[6] | cfg[7] << 8, VIRTIO_NET_S_LINK_UP);
	CHECK(u, f & 1ULL << VIRTIO_NET_F_MAC && f & 1ULL << VIRTIO_NET_F_STATUS &&
	      f & 1ULL << VIRTIO_NET_F_MRG_RXBUF);
	CHECK_EQ(u, vd->device_id, VIRTIO_ID_NET);
}

/* A fresh card on h's RAM with the state in buf[0..len); its restore's result. */
static int snap_restore_into(struct vdh *h, struct fake_be *f, const uint8_t mac2[6],
			     const uint8_t *buf, size_t len, struct virtio_dev **vdp)
{
	struct snapshot r = { .rd = buf, .rd_len = len };

	memset(f, 0, sizeof(*f));
	f->be = (struct net_backend){ .ops = &fake_ops, .priv = f };
	if (virtio_net_new(0, mac2, &f->be, vdp))
		exit(1);
	(*vdp)->mem = &h->mem;
	(*vdp)->irq = h->vd->irq;
	return virtio_dev_restore(*vdp, &r);
}

/* Restored from s with the byte at off xor-ed (off = s->len: cut short): refused. */
static void snap_refused(struct unit *u, struct vdh *h, const struct snapshot *s,
			 size_t off, uint8_t xor, const uint8_t mac2[6])
{
	struct virtio_dev *vd;
	struct fake_be f;
	uint8_t *copy = malloc(s->len);
	size_t len = off < s->len ? s->len : s->len - 1;

	if (!copy)
		exit(1);
	memcpy(copy, s->buf, s->len);
	if (off < s->len)
		copy[off] ^= xor;
	CHECK_EQ(u, snap_restore_into(h, &f, mac2, copy, len, &vd), -EINVAL);
	virtio_dev_destroy(vd);
	free(copy);
}

/*
 * Saved with a frame for the guest waiting for buffers and a transmit
 * chain made available but not yet notified; restored into a fresh
 * card: config, status, features and every queue's state read the same;
 * the chain goes out once, from the restored card only; the waiting
 * frame is dropped (not saved) and the next one is received. Then the
 * same state with a short section, another version, a status bit that
 * does not exist, another MAC: each refused.
 */
static void test_snapshot(struct unit *u, struct vdh *h, struct fake_be *f)
{
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 9 };
	struct virtio_dev *old = h->vd, *vd;
	struct snapshot s = { 0 };
	struct fake_be f2;
	struct vdh_buf b;
	uint8_t frame[200], c1[8], c2[8];
	uint16_t head, got;
	uint32_t len;
	unsigned int q, sent = f->sent;

	fill(frame, sizeof(frame), 9);
	virtio_net_receive(old, NULL, frame, 100);
	virtio_dev_serve(old);
	b = (struct vdh_buf){ vdh_alloc_marked(h, VIRTIO_NET_HDR_LEN + 200), VIRTIO_NET_HDR_LEN + 200, false };
	memset(vdh_ptr(h, b.gpa), 0, VIRTIO_NET_HDR_LEN);
	memcpy((uint8_t *)vdh_ptr(h, b.gpa) + VIRTIO_NET_HDR_LEN, frame, 200);
	head = vdh_post(h, VIRTIO_NET_TXQ, &b, 1);
	CHECK_EQ(u, virtio_dev_save(old, &s), 0);
	CHECK_EQ(u, f->sent, sent);

	CHECK_EQ(u, snap_restore_into(h, &f2, mac, s.buf, s.len, &vd), 0);
	CHECK_EQ(u, virtio_dev_status(vd), virtio_dev_status(old));
	CHECK_EQ(u, vd->guest_features, old->guest_features);
	for (q = 0; q < 2; q++) {
		CHECK_EQ(u, vd->vqs[q].num, old->vqs[q].num);
		CHECK_EQ(u, vd->vqs[q].desc_gpa, old->vqs[q].desc_gpa);
		CHECK_EQ(u, vd->vqs[q].used_gpa, old->vqs[q].used_gpa);
		CHECK_EQ(u, vd->vqs[q].last_avail, old->vqs[q].last_avail);
		CHECK_EQ(u, vd->vqs[q].used_idx, old->vqs[q].used_idx);
		CHECK(u, vd->vqs[q].desc != NULL);
	}
	virtio_dev_config_read(vd, 0, c1, sizeof(c1));
	virtio_dev_config_read(old, 0, c2, sizeof(c2));
	CHECK(u, !memcmp(c1, c2, sizeof(c1)) && !memcmp(c1, mac, 6));

	/* The restored card's start looks at every queue, as here. */
	h->vd = vd;
	virtio_wake_all(vd);
	virtio_dev_serve(vd);
	CHECK(u, vdh_used(h, VIRTIO_NET_TXQ, &got, &len) && got == head);
	CHECK(u, f2.sent == 1 && f2.last_len == 200 && !memcmp(f2.last, frame, 200));
	CHECK_EQ(u, f->sent, sent);
	CHECK(u, !vdh_used(h, VIRTIO_NET_TXQ, &got, &len));
	b = (struct vdh_buf){ vdh_alloc_marked(h, 1600), 1600, true };
	vdh_post(h, VIRTIO_NET_RXQ, &b, 1);
	vdh_notify(h, VIRTIO_NET_RXQ);
	CHECK(u, !vdh_used(h, VIRTIO_NET_RXQ, &got, &len));
	virtio_net_receive(vd, NULL, frame + 1, 60);
	virtio_dev_serve(vd);
	CHECK(u, vdh_used(h, VIRTIO_NET_RXQ, &got, &len) && len == VIRTIO_NET_HDR_LEN + 60);
	CHECK(u, rx_ok(h, b.gpa, VIRTIO_NET_HDR_LEN, 1, frame + 1, 60));

	/*
	 * The model's part is last: version, size, mac[6], status le16,
	 * the pairs in use (1 of 1): each field wrong, refused.
	 */
	h->vd = old;
	snap_refused(u, h, &s, s.len, 0, mac);
	snap_refused(u, h, &s, s.len - 20, 0x40, mac);
	snap_refused(u, h, &s, s.len - 16, 1, mac);
	snap_refused(u, h, &s, s.len - 6, 0x80, mac);
	snap_refused(u, h, &s, s.len - 5, 1, mac);
	snap_refused(u, h, &s, s.len - 12, 1, mac);
	snap_refused(u, h, &s, s.len - 4, 1, mac);
	snap_refused(u, h, &s, s.len - 4, 3, mac);
	snap_refused(u, h, &s, 0, 0, other);
	virtio_dev_destroy(vd);
	snapshot_free(&s);
}

static struct virtio_dev *setup(struct unit *u, struct vdh *h, struct fake_be *f,
				bool legacy, uint64_t features)
{
	struct virtio_dev *vd;

	memset(f, 0, sizeof(*f));
	f->be = (struct net_backend){ .ops = &fake_ops, .priv = f };
	if (vdh_init(h, 1 << 20) || virtio_net_new(0, mac, &f->be, &vd))
		exit(1);
	vd->legacy = legacy;
	CHECK(u, vdh_attach(h, vd, features, 2, 8) & VIRTIO_STATUS_DRIVER_OK);
	return vd;
}

/* A command on the control queue (queue 6 of three pairs); the ack, or -1. */
static int ctrl(struct unit *u, struct vdh *h, const uint8_t *cmd, uint32_t n, bool ack)
{
	struct vdh_buf b[2];
	uint16_t got;
	uint32_t len;

	b[0] = (struct vdh_buf){ vdh_alloc_marked(h, n), n, false };
	memcpy(vdh_ptr(h, b[0].gpa), cmd, n);
	b[1] = (struct vdh_buf){ vdh_alloc_marked(h, 1), 1, true };
	vdh_post(h, 6, b, ack ? 2 : 1);
	vdh_notify(h, 6);
	if (!vdh_used(h, 6, &got, &len)) {
		CHECK(u, !"the control chain came back");
		return -1;
	}
	CHECK_EQ(u, len, ack ? 1 : 0);
	return ack ? *(uint8_t *)vdh_ptr(h, b[1].gpa) : -1;
}

/* Three pairs saved: restored into a card of three, refused by a card of one. */
static void test_mq_snapshot(struct unit *u, struct vdh *h, struct virtio_dev *vd)
{
	struct snapshot s = { 0 }, r = { 0 };
	struct virtio_dev *vd2;
	struct fake_be f2 = { 0 };
	uint8_t c[2];

	CHECK_EQ(u, virtio_dev_save(vd, &s), 0);
	f2.be = (struct net_backend){ .ops = &fake_ops, .priv = &f2 };
	if (virtio_net_new_mq(0, mac, 3, &f2.be, &vd2))
		exit(1);
	vd2->mem = &h->mem;
	vd2->irq = vd->irq;
	r.rd = s.buf;
	r.rd_len = s.len;
	CHECK_EQ(u, virtio_dev_restore(vd2, &r), 0);
	virtio_dev_config_read(vd2, 8, c, 2);
	CHECK(u, c[0] == 3 && c[1] == 0 && vd2->vqs[6].desc);
	virtio_dev_destroy(vd2);
	CHECK_EQ(u, snap_restore_into(h, &f2, mac, s.buf, s.len, &vd2), -EINVAL);
	virtio_dev_destroy(vd2);
	snapshot_free(&s);
}

/*
 * mq=3: seven queues, MQ and CTRL_VQ offered, max_virtqueue_pairs in
 * config space; a frame on the third transmit queue reaches the
 * backend; VQ_PAIRS_SET within 1..3 answered OK, outside it and other
 * commands ERR, a chain without room for the ack still given back;
 * frames for the guest on the first receive queue. Bad pair counts
 * refused, the backend destroyed.
 */
static void test_mq(struct unit *u)
{
	static const uint8_t set2[] = { VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, 2, 0 };
	static const uint8_t set4[] = { VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, 4, 0 };
	static const uint8_t set0[] = { VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, 0, 0 };
	static const uint8_t rxmode[] = { 0, 0, 1 };
	struct virtio_dev *vd;
	struct vdh_buf b;
	struct fake_be f = { 0 };
	struct vdh h;
	uint8_t cfg[10], frame[60];
	uint16_t got;
	uint32_t len;
	uint64_t feat;

	f.be = (struct net_backend){ .ops = &fake_ops, .priv = &f };
	CHECK_EQ(u, virtio_net_new_mq(0, mac, 0, &f.be, &vd), -EINVAL);
	CHECK(u, f.destroyed);
	f.destroyed = false;
	CHECK_EQ(u, virtio_net_new_mq(0, mac, VIRTIO_NET_PAIRS_MAX + 1, &f.be, &vd), -EINVAL);
	CHECK(u, f.destroyed);
	f.destroyed = false;
	if (vdh_init(&h, 1 << 20) || virtio_net_new_mq(0, mac, 3, &f.be, &vd))
		exit(1);
	feat = 1ULL << VIRTIO_NET_F_MRG_RXBUF | 1ULL << VIRTIO_NET_F_CTRL_VQ |
	       1ULL << VIRTIO_NET_F_MQ;
	CHECK(u, vdh_attach(&h, vd, feat, 7, 8) & VIRTIO_STATUS_DRIVER_OK);
	CHECK_EQ(u, virtio_dev_features(vd) & feat, feat);
	virtio_dev_config_read(vd, 0, cfg, 8);
	virtio_dev_config_read(vd, 8, cfg + 8, 2);
	CHECK(u, !memcmp(cfg, mac, 6) && cfg[8] == 3 && cfg[9] == 0);

	fill(frame, sizeof(frame), 9);
	b = (struct vdh_buf){ vdh_alloc_marked(&h, VIRTIO_NET_HDR_LEN + 60), VIRTIO_NET_HDR_LEN + 60, false };
	memset(vdh_ptr(&h, b.gpa), 0, VIRTIO_NET_HDR_LEN);
	memcpy((uint8_t *)vdh_ptr(&h, b.gpa) + VIRTIO_NET_HDR_LEN, frame, 60);
	vdh_post(&h, 5, &b, 1);
	vdh_notify(&h, 5);
	CHECK(u, vdh_used(&h, 5, &got, &len));
	CHECK(u, f.sent == 1 && f.last_len == 60 && !memcmp(f.last, frame, 60));

	CHECK_EQ(u, ctrl(u, &h, set2, sizeof(set2), true), VIRTIO_NET_OK);
	CHECK_EQ(u, ctrl(u, &h, set4, sizeof(set4), true), VIRTIO_NET_ERR);
	CHECK_EQ(u, ctrl(u, &h, set0, sizeof(set0), true), VIRTIO_NET_ERR);
	CHECK_EQ(u, ctrl(u, &h, rxmode, sizeof(rxmode), true), VIRTIO_NET_ERR);
	CHECK_EQ(u, ctrl(u, &h, set2, 3, true), VIRTIO_NET_ERR);
	ctrl(u, &h, set2, sizeof(set2), false);
	CHECK(u, !(virtio_dev_status(vd) & VIRTIO_STATUS_NEEDS_RESET));

	b = (struct vdh_buf){ vdh_alloc_marked(&h, 1600), 1600, true };
	vdh_post(&h, VIRTIO_NET_RXQ, &b, 1);
	vdh_notify(&h, VIRTIO_NET_RXQ);
	virtio_net_receive(vd, NULL, frame, 60);
	virtio_dev_serve(vd);
	CHECK(u, vdh_used(&h, VIRTIO_NET_RXQ, &got, &len) && len == VIRTIO_NET_HDR_LEN + 60);
	test_mq_snapshot(u, &h, vd);
	virtio_dev_destroy(vd);
	CHECK(u, f.destroyed);
	vdh_free(&h);
}

/*
 * The device over vhost-net (net-vhost.c) without a kernel's vhost: a
 * missing node or a file that is no vhost device fails with its errno
 * for the caller's message, and the tap's descriptor, which the device
 * took, is closed either way.
 */
static void test_vhost_open_fails(struct unit *u)
{
	static const uint8_t mac[6] = { 2, 0x15, 0x15, 0x15, 0x15, 0x15 };
	struct vdh_transport tr = { 0 };
	struct device_ctx ctx = { .opaque = &tr };
	struct device *dev = NULL;
	struct vdh h;
	int fd;

	if (vdh_init(&h, 1 << 20))
		return;
	ctx.mem = &h.mem;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK_EQ(u, virtio_net_vhost_create(&ctx, 0, mac, fd, "/nonexistent/vhost-net",
					    VIRTIO_TRANSPORT_MMIO, &dev), -ENOENT);
	CHECK(u, fcntl(fd, F_GETFD) < 0 && errno == EBADF);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK_EQ(u, virtio_net_vhost_create(&ctx, 0, mac, fd, "/dev/null",
					    VIRTIO_TRANSPORT_MMIO, &dev), -ENOTTY);
	CHECK(u, fcntl(fd, F_GETFD) < 0 && errno == EBADF);
	CHECK(u, !dev && !tr.vd);
	vdh_free(&h);
}

int main(void)
{
	struct unit u = { 0 };
	struct virtio_dev *vd;
	struct fake_be f;
	struct vdh h;

	/* Modern, with mergeable buffers, as Linux drives it. */
	vd = setup(&u, &h, &f, false, 1ULL << VIRTIO_NET_F_MRG_RXBUF |
		   1ULL << VIRTIO_NET_F_MAC);
	test_config(&u, vd);
	test_tx(&u, &h, &f, VIRTIO_NET_HDR_LEN);
	virtio_dev_destroy(vd);
	CHECK(&u, f.destroyed);
	vdh_free(&h);

	/* A card in use, saved and restored into another. */
	vd = setup(&u, &h, &f, false, 1ULL << VIRTIO_NET_F_MRG_RXBUF |
		   1ULL << VIRTIO_F_EVENT_IDX);
	test_tx(&u, &h, &f, VIRTIO_NET_HDR_LEN);
	test_snapshot(&u, &h, &f);
	virtio_dev_destroy(vd);
	vdh_free(&h);

	/* Legacy without MRG_RXBUF: the 10-byte header. */
	vd = setup(&u, &h, &f, true, 0);
	test_tx(&u, &h, &f, VIRTIO_NET_HDR_LEN_LEGACY);
	virtio_dev_destroy(vd);
	vdh_free(&h);
	test_vhost_open_fails(&u);
	test_mq(&u);
	return unit_done(&u, "test-virtio-net");
}
