// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots of a virtio-mmio device (devices/virtio/virtio-snap.c,
 * mmio-snap.c), on the toy model and the fake machine: a device set
 * up as Linux's driver does, a request served and one left in the
 * avail ring, saved; guest RAM copied and the state restored into a
 * device made afresh, whose registers read the same and whose I/O
 * thread, once started, serves the pending request and the next. The
 * save waits for a request the I/O thread is serving (nothing popped
 * is left unpushed). Malformed sections are refused: another transport
 * or version, a queue size past the maximum, rings outside RAM, more
 * chains in flight than the ring holds, features never offered, bytes
 * short or left over. A model without snapshot hooks is refused.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/snapshot.h"
#include "tests/virtio-linux.h"

/* Where things are in the saved section (mmio-snap.c, virtio-snap.c). */
#define OFF_TAG		0
#define OFF_CORE	100
#define OFF_FEATURES	(OFF_CORE + 12)
#define OFF_Q0		(OFF_CORE + 28)
#define Q_NUM		0
#define Q_DESC		8
#define Q_IDX		32

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void reader(struct snapshot *r, const uint8_t *buf, size_t len)
{
	*r = (struct snapshot) { .rd = buf, .rd_len = len };
}

/* A fresh device with a's RAM; the section in buf restored into it. */
static int restore_into(struct rig *b, struct rig *a, const uint8_t *buf,
			size_t len)
{
	struct snapshot r;

	if (rig_up(b, false, false))
		return -100;
	memcpy(b->h.mem.hva, a->h.mem.hva, a->h.mem.size);
	reader(&r, buf, len);
	return virtio_mmio_restore(b->vm, &r);
}

static bool wait_used(struct vdrv *d, uint32_t *id, uint32_t *len)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (vdrv_get_used(d, id, len))
			return true;
		usleep(10000);
	}
	return false;
}

/* Served, pending, saved, restored: the pending one and the next are served. */
static void test_roundtrip(struct unit *u)
{
	struct rig a, b;
	struct snapshot s = { 0 };
	uint32_t id = ~0u, len = 0;
	int ret;

	CHECK(u, !rig_up(&a, false, false));
	linux_up(u, &a, F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_EVENT_IDX));
	linux_send(&a, 0, "before");
	virtio_dev_serve(&a.t.vd);
	check_echo(u, &a, 0, "before");
	/* Made available and notified, not yet looked at by the device. */
	linux_send(&a, 0, "pending");
	mmio_wr(a.vm, R_QUEUE_SEL, 1);
	mmio_wr(a.vm, R_CONFIG, 0x5a);
	CHECK_EQ(u, virtio_mmio_save(a.vm, &s), 0);
	CHECK(u, s.len > OFF_Q0);

	ret = restore_into(&b, &a, s.buf, s.len);
	CHECK_EQ(u, ret, 0);
	CHECK_EQ(u, mmio_rd(b.vm, R_STATUS), ST_ACK | ST_DRV | ST_FOK | ST_DOK);
	CHECK_EQ(u, mmio_rd(b.vm, R_QUEUE_SEL), 0);	/* not readable: 0 */
	CHECK_EQ(u, mmio_rd(b.vm, R_QUEUE_READY), 1);	/* queue 1, as selected */
	CHECK_EQ(u, mmio_rd(b.vm, R_CONFIG) & 0xff, 0x5a);
	CHECK_EQ(u, b.t.vd.guest_features, a.t.vd.guest_features);
	CHECK_EQ(u, b.t.vd.vqs[0].num, 16);
	CHECK_EQ(u, b.t.vd.vqs[0].last_avail, a.t.vd.vqs[0].last_avail);
	CHECK_EQ(u, b.t.vd.vqs[0].used_idx, 1);
	CHECK(u, b.t.vd.vqs[0].event_idx);
	CHECK(u, b.t.vd.vqs[1].desc != NULL);

	/* The driver's view moves to b's RAM; start looks at every queue. */
	b.q[0] = a.q[0];
	b.q[0].mem = &b.h.mem;
	b.q[1] = a.q[1];
	b.q[1].mem = &b.h.mem;
	CHECK_EQ(u, virtio_dev_start(&b.t.vd), 0);
	CHECK(u, wait_used(&b.q[0], &id, &len));
	CHECK_EQ(u, len, strlen("pending"));
	CHECK(u, !memcmp(gpa(&b.h.mem, QBUF(0) + 0x100), "pending", 7));
	linux_send(&b, 1, "after");
	CHECK(u, wait_used(&b.q[1], &id, &len));
	CHECK_EQ(u, len, strlen("after"));
	CHECK(u, !memcmp(gpa(&b.h.mem, QBUF(1) + 0x100), "after", 5));
	virtio_dev_stop(&b.t.vd);
	CHECK_EQ(u, b.t.vd.vqs[0].used_idx, 2);
	snapshot_free(&s);
	rig_down(&b);
	rig_down(&a);
}

struct saver {
	struct rig *r;
	struct snapshot s;
	int ret;
	atomic_bool done;
};

static void *save_thread(void *arg)
{
	struct saver *sv = arg;

	sv->ret = virtio_mmio_save(sv->r->vm, &sv->s);
	atomic_store(&sv->done, true);
	return NULL;
}

/* A save waits for the chain the I/O thread is serving to be pushed. */
static void test_quiesce(struct unit *u)
{
	struct rig a;
	struct saver sv = { .r = &a };
	pthread_t th;
	uint32_t idx;

	CHECK(u, !rig_up(&a, false, false));
	linux_up(u, &a, F(VIRTIO_F_VERSION_1));
	CHECK_EQ(u, virtio_dev_start(&a.t.vd), 0);
	toy_hold(&a.t, true);
	linux_send(&a, 0, "busy");
	CHECK(u, toy_wait_in_notify(&a.t));
	CHECK_EQ(u, pthread_create(&th, NULL, save_thread, &sv), 0);
	usleep(50000);
	CHECK(u, !atomic_load(&sv.done));
	toy_hold(&a.t, false);
	pthread_join(th, NULL);
	CHECK_EQ(u, sv.ret, 0);
	memcpy(&idx, sv.s.buf + OFF_Q0 + Q_IDX, 4);
	CHECK_EQ(u, idx, 1 | 1u << 16);	/* one taken, one given back */
	virtio_dev_stop(&a.t.vd);
	snapshot_free(&sv.s);
	rig_down(&a);
}

/* Each corruption of a good section is refused. */
static void test_malformed(struct unit *u)
{
	static const struct { size_t off; unsigned int size; uint64_t val; const char *what; } bad[] = {
		{ OFF_TAG, 4, 0x49435056, "another transport's tag" },
		{ OFF_TAG + 4, 4, 2, "a newer version" },
		{ OFF_TAG + 8, 4, 1, "legacy onto a modern device" },
		{ OFF_CORE, 4, 1, "another device ID" },
		{ OFF_CORE + 4, 4, 3, "another queue count" },
		{ OFF_CORE + 8, 4, 0x30, "undefined status bits" },
		{ OFF_FEATURES, 8, 1ULL << 60, "features never offered" },
		{ OFF_Q0 + Q_NUM, 4, 512, "a queue past the maximum size" },
		{ OFF_Q0 + Q_NUM, 4, 12, "a queue size not a power of 2" },
		{ OFF_Q0 + Q_DESC, 8, 0x1000, "descriptors outside RAM" },
		{ OFF_Q0 + Q_DESC, 8, GUEST_RAM_BASE + 0xfffff0, "descriptors past RAM's end" },
		{ OFF_Q0 + Q_DESC, 8, GUEST_RAM_BASE + 0x10008, "misaligned descriptors" },
		{ OFF_Q0 + Q_IDX, 4, 40, "more chains in flight than the ring holds" },
		{ OFF_Q0 + 4, 4, 0x100, "unknown queue flags" },
	};
	struct rig a, b;
	struct snapshot s = { 0 };
	uint8_t *copy;
	unsigned int i;
	int ret;

	CHECK(u, !rig_up(&a, false, false));
	linux_up(u, &a, F(VIRTIO_F_VERSION_1));
	CHECK_EQ(u, virtio_mmio_save(a.vm, &s), 0);
	copy = malloc(s.len + 8);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(copy, s.buf, s.len);
		if (bad[i].size == 4)
			put32(copy + bad[i].off, bad[i].val);
		else
			put64(copy + bad[i].off, bad[i].val);
		ret = restore_into(&b, &a, copy, s.len);
		if (ret != -EINVAL)
			fprintf(stderr, "not refused: %s\n", bad[i].what);
		CHECK_EQ(u, ret, -EINVAL);
		rig_down(&b);
	}
	memcpy(copy, s.buf, s.len);
	CHECK_EQ(u, restore_into(&b, &a, copy, s.len - 1), -EINVAL);	/* short */
	rig_down(&b);
	memset(copy + s.len, 0, 8);
	CHECK_EQ(u, restore_into(&b, &a, copy, s.len + 4), -EINVAL);	/* left over */
	rig_down(&b);
	CHECK_EQ(u, restore_into(&b, &a, copy, s.len), 0);		/* and the good one */
	rig_down(&b);
	free(copy);
	snapshot_free(&s);
	rig_down(&a);
}

/* A model without save and restore: no device hooks, and save refuses. */
static void test_unsupported(struct unit *u)
{
	struct rig r;
	struct virtio_dev_ops ops;
	struct snapshot s = { 0 };

	CHECK(u, !fake_host_init(&r.h, false));
	CHECK(u, !toy_init(&r.t, 2));
	ops = *r.t.vd.ops;
	ops.save = NULL;
	ops.restore = NULL;
	r.t.vd.ops = &ops;
	r.vm = malloc(sizeof(*r.vm));
	CHECK_EQ(u, virtio_mmio_create(r.vm, &r.t.vd, &r.h.ctx, false), 0);
	CHECK(u, !r.vm->dev.ops->save && !r.vm->dev.ops->restore);
	CHECK_EQ(u, virtio_mmio_save(r.vm, &s), -EOPNOTSUPP);
	CHECK_EQ(u, s.len, 0);
	rig_down(&r);
}

int main(void)
{
	struct unit u = { 0 };

	test_roundtrip(&u);
	test_quiesce(&u);
	test_malformed(&u);
	test_unsupported(&u);
	return unit_done(&u, "test-virtio-snap");
}
