// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p through the core: the mount tag in config space, a request
 * gathered from several segments and its reply scattered over several
 * (as Linux's zero-copy reads lay them out), a reply that does not fit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/9p/p9-msg.h"
#include "devices/virtio/9p.h"
#include "tests/unit.h"
#include "tests/virtio-dev-harness.h"

static uint64_t put(struct vdh *h, const void *p, uint32_t len)
{
	uint64_t g = vdh_alloc(h, len);

	memcpy(vdh_ptr(h, g), p, len);
	return g;
}

/* A Tversion split into two readable segments, the reply into two. */
static void test_version(struct unit *u, struct vdh *h)
{
	uint8_t req[32];
	struct p9_buf b;
	struct vdh_buf bufs[4];
	size_t len;
	uint16_t head, got;
	uint32_t used;
	uint8_t *r0, *r1;

	p9_buf_init(&b, req, sizeof(req));
	p9_begin_reply(&b, P9_TVERSION, P9_NOTAG);
	p9_put_u32(&b, 8192);
	p9_put_str(&b, "9P2000.L", 8);
	len = p9_end_reply(&b);
	bufs[0] = (struct vdh_buf){ put(h, req, 5), 5, false };
	bufs[1] = (struct vdh_buf){ put(h, req + 5, len - 5), len - 5, false };
	bufs[2] = (struct vdh_buf){ vdh_alloc(h, 11), 11, true };
	bufs[3] = (struct vdh_buf){ vdh_alloc(h, 64), 64, true };
	head = vdh_post(h, 0, bufs, 4);
	vdh_notify(h, 0);
	CHECK(u, vdh_used(h, 0, &got, &used) && got == head);
	CHECK_EQ(u, used, 4 + 1 + 2 + 4 + 2 + 8);
	r0 = vdh_ptr(h, bufs[2].gpa);
	r1 = vdh_ptr(h, bufs[3].gpa);
	CHECK_EQ(u, r0[4], P9_RVERSION);
	CHECK_EQ(u, r0[7] | r0[8] << 8 | r0[9] << 16 | r0[10] << 24, 8192);
	CHECK(u, r1[0] == 8 && !memcmp(r1 + 2, "9P2000.L", 8));

	/* No room for even an Rlerror: nothing written, the chain comes back. */
	bufs[2].len = 4;
	head = vdh_post(h, 0, bufs, 3);
	vdh_notify(h, 0);
	CHECK(u, vdh_used(h, 0, &got, &used) && got == head && used == 0);
	/* A request with no readable part: an Rlerror with no tag. */
	bufs[0] = (struct vdh_buf){ vdh_alloc(h, 64), 64, true };
	head = vdh_post(h, 0, bufs, 1);
	vdh_notify(h, 0);
	CHECK(u, vdh_used(h, 0, &got, &used) && got == head && used == 11);
	CHECK_EQ(u, ((uint8_t *)vdh_ptr(h, bufs[0].gpa))[4], P9_RLERROR);
}

int main(void)
{
	struct virtio_9p_cfg cfg = { .dir = "/tmp", .tag = "hostshare" };
	struct unit u = { 0 };
	struct virtio_dev *vd;
	uint8_t cs[16] = { 0 };
	struct vdh h;

	cfg.tag = "";
	CHECK_EQ(&u, virtio_9p_new(0, &cfg, &vd), -EINVAL);
	cfg.tag = "0123456789abcdef0123456789abcdefX";
	CHECK_EQ(&u, virtio_9p_new(0, &cfg, &vd), -EINVAL);
	cfg.tag = "hostshare";
	cfg.dir = "/nonexistent-9p";
	CHECK_EQ(&u, virtio_9p_new(0, &cfg, &vd), -ENOENT);
	cfg.dir = "/tmp";
	if (vdh_init(&h, 4 << 20) || virtio_9p_new(0, &cfg, &vd))
		return 1;
	CHECK_EQ(&u, vd->device_id, 9);
	CHECK_EQ(&u, vd->config_size, 2 + 9);
	CHECK(&u, !strcmp(vd->role, "9p"));
	CHECK(&u, virtio_dev_features(vd) & (1ULL << VIRTIO_9P_F_MOUNT_TAG));
	CHECK(&u, vdh_attach(&h, vd, 1ULL << VIRTIO_9P_F_MOUNT_TAG, 1, 8) &
	      VIRTIO_STATUS_DRIVER_OK);
	/* As a driver reads it: the length, then the tag a byte at a time. */
	virtio_dev_config_read(vd, 0, cs, 2);
	for (int i = 0; i < 9; i++)
		virtio_dev_config_read(vd, 2 + i, cs + 2 + i, 1);
	CHECK(&u, cs[0] == 9 && cs[1] == 0 && !memcmp(cs + 2, "hostshare", 9));
	test_version(&u, &h);
	virtio_dev_destroy(vd);
	vdh_free(&h);
	return unit_done(&u, "test-virtio-9p");
}
