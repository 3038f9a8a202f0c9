// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-hostile's operations: one a call of run_op(), on a device and
 * of a kind drawn from the generator (virtio-hostile.c says what they
 * are). Every register write goes through hw_write().
 */
#include "guest.h"
#include "virtio-hostile.h"

const char *const op_names[NR_OPS] = {
	"read", "write", "reg", "status", "handshake", "queue", "ring",
	"notify", "reset", "cross", "config", "isr",
};
static const u8 op_weight[NR_OPS] = { 12, 10, 12, 5, 8, 10, 18, 8, 5, 5, 4, 3 };
u32 op_count[NR_OPS];

static u32 rand_queue(const struct hdev *h)
{
	switch (rnd_below(8)) {
	case 0:	return h->d.nr_queues + rnd_below(4);
	case 1:	return (u32)rand_val();
	default: return h->d.nr_queues ? rnd_below(h->d.nr_queues) : 0;
	}
}

static u32 rand_num(const struct hdev *h)
{
	switch (rnd_below(8)) {
	case 0:	return 0;
	case 1:	return 1 + rnd_below(h->d.num_max + 2);
	case 2:	return h->d.num_max + 1 + rnd_below(4);
	case 3:	return (u32)rand_val();
	default: return 1U << rnd_below(9);
	}
}

static void rand_access(struct hdev *h, bool write)
{
	int width = 1 << rnd_below(4);
	u32 off = ALIGN_DOWN(rnd_below(VIRTIO_MMIO_WINDOW), width);

	if (write)
		hw_write(h, off, width, rand_val());
	else
		hw_read(h, off, width);
}

static const u16 regs[] = {
	VM_MAGIC, VM_VERSION, VM_DEVICE_ID, VM_VENDOR_ID, VM_DEV_FEATURES,
	VM_DEV_FEATURES_SEL, VM_DRV_FEATURES, VM_DRV_FEATURES_SEL,
	VM_GUEST_PAGE_SIZE, VM_QUEUE_SEL, VM_QUEUE_NUM_MAX, VM_QUEUE_NUM,
	VM_QUEUE_ALIGN, VM_QUEUE_PFN, VM_QUEUE_READY, VM_QUEUE_NOTIFY,
	VM_INTERRUPT_STATUS, VM_INTERRUPT_ACK, VM_STATUS, VM_QUEUE_DESC_LOW,
	VM_QUEUE_DESC_HIGH, VM_QUEUE_DRIVER_LOW, VM_QUEUE_DRIVER_HIGH,
	VM_QUEUE_DEVICE_LOW, VM_QUEUE_DEVICE_HIGH, VM_SHM_SEL, VM_SHM_LEN_LOW,
	VM_SHM_LEN_HIGH, VM_SHM_BASE_LOW, VM_SHM_BASE_HIGH,
	VM_CONFIG_GENERATION,
};

static void op_reg(struct hdev *h)
{
	u32 off = regs[rnd_below(ARRAY_SIZE(regs))];

	if (rnd_pct(50))
		hw_w32(h, off, rand_val());
	else
		hw_read(h, off, 4);
}

static void op_status(struct hdev *h)
{
	static const u8 bits[] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80 };
	u32 val = 0, n = 1 + rnd_below(4);

	while (n--)
		val |= bits[rnd_below(ARRAY_SIZE(bits))];
	if (rnd_pct(10))
		val = rand_val();
	hw_w32(h, VM_STATUS, val);
	hw_read(h, VM_STATUS, 4);
}

static u64 rand_features(const struct hdev *h)
{
	u64 offered = virtio_dev_features(&h->d);

	switch (rnd_below(4)) {
	case 0:	return offered;
	case 1:	return offered & rnd();
	case 2:	return rnd();
	default: return (offered & rnd()) | (1UL << rnd_below(64));
	}
}

/* Queue q, its size and rings anywhere (the guards keep the guest's own). */
static void op_queue_on(struct hdev *h, u32 q)
{
	int i;

	hw_w32(h, VM_QUEUE_SEL, q);
	hw_read(h, VM_QUEUE_NUM_MAX, 4);
	hw_w32(h, VM_QUEUE_NUM, rand_num(h));
	if (virtio_is_legacy(&h->d)) {
		if (rnd_pct(30))
			hw_w32(h, VM_GUEST_PAGE_SIZE, rnd_pct(50) ? SZ_4K : rand_val());
		if (rnd_pct(30))
			hw_w32(h, VM_QUEUE_ALIGN, rnd_pct(50) ? 1U << rnd_below(32) : rand_val());
		hw_w32(h, VM_QUEUE_PFN, rnd_pct(50) ? rand_addr() >> 12 : rand_val());
	} else {
		for (i = 0; i < 3; i++) {
			u64 a = rand_addr();

			hw_w32(h, VM_QUEUE_DESC_LOW + 0x10 * i, a);
			hw_w32(h, VM_QUEUE_DESC_HIGH + 0x10 * i, a >> 32);
		}
		if (rnd_pct(80))
			hw_w32(h, VM_QUEUE_READY, rnd_pct(90) ? 1 : rand_val());
	}
	hw_read(h, virtio_is_legacy(&h->d) ? VM_QUEUE_PFN : VM_QUEUE_READY, 4);
	if (rnd_pct(30))
		hw_w32(h, VM_QUEUE_NOTIFY, q);
}

static void op_handshake(struct hdev *h)
{
	u32 st = 0, steps = rnd_below(8), i;
	u64 f;

	if (rnd_pct(80))
		hw_w32(h, VM_STATUS, 0);
	for (i = 0; i < steps; i++) {
		switch (i) {
		case 0:	st |= VIRTIO_ST_ACKNOWLEDGE; hw_w32(h, VM_STATUS, st); break;
		case 1:	st |= VIRTIO_ST_DRIVER; hw_w32(h, VM_STATUS, st); break;
		case 2:
			hw_w32(h, VM_DEV_FEATURES_SEL, rnd_pct(80) ? rnd_below(2) : rand_val());
			hw_read(h, VM_DEV_FEATURES, 4);
			break;
		case 3:
			f = rand_features(h);
			hw_w32(h, VM_DRV_FEATURES_SEL, 0);
			hw_w32(h, VM_DRV_FEATURES, f);
			hw_w32(h, VM_DRV_FEATURES_SEL, rnd_pct(80) ? 1 : rand_val());
			hw_w32(h, VM_DRV_FEATURES, f >> 32);
			break;
		case 4:	st |= VIRTIO_ST_FEATURES_OK; hw_w32(h, VM_STATUS, st); break;
		case 5:	hw_read(h, VM_STATUS, 4); break;
		case 6:	op_queue_on(h, rand_queue(h)); break;
		default: st |= VIRTIO_ST_DRIVER_OK; hw_w32(h, VM_STATUS, st); break;
		}
	}
}

static void op_notify(struct hdev *h)
{
	u32 q = rand_queue(h);

	if (rnd_pct(80))
		hw_w32(h, VM_QUEUE_NOTIFY, q);
	else
		hw_write(h, VM_QUEUE_NOTIFY, 1 << rnd_below(2), q);
}

/* The other layout's registers: legacy ones on version 2, and back. */
static void op_cross(struct hdev *h)
{
	static const u16 legacy[] = { VM_GUEST_PAGE_SIZE, VM_QUEUE_ALIGN, VM_QUEUE_PFN };
	static const u16 v2[] = {
		VM_QUEUE_READY, VM_QUEUE_DESC_LOW, VM_QUEUE_DESC_HIGH,
		VM_QUEUE_DRIVER_LOW, VM_QUEUE_DRIVER_HIGH, VM_QUEUE_DEVICE_LOW,
		VM_QUEUE_DEVICE_HIGH, VM_SHM_SEL, VM_CONFIG_GENERATION,
		VM_DRV_FEATURES_SEL, VM_DEV_FEATURES_SEL,
	};
	u32 off;

	if (virtio_is_legacy(&h->d))
		off = v2[rnd_below(ARRAY_SIZE(v2))];
	else
		off = legacy[rnd_below(ARRAY_SIZE(legacy))];
	hw_w32(h, off, rnd_pct(50) ? rnd_below(4) : rand_val());
	hw_read(h, off, 4);
	if (virtio_is_legacy(&h->d) && off == VM_DRV_FEATURES_SEL)
		hw_w32(h, VM_DRV_FEATURES, rand_val());
}

static void op_config(struct hdev *h)
{
	int width = 1 << rnd_below(4);
	u32 off = VM_CONFIG + ALIGN_DOWN(rnd_below(VIRTIO_MMIO_WINDOW - VM_CONFIG), width);

	if (rnd_pct(20))
		hw_write(h, off, width, rand_val());
	else
		hw_read(h, off, width);
}

static void op_isr(struct hdev *h)
{
	hw_read(h, VM_INTERRUPT_STATUS, 4);
	hw_w32(h, VM_INTERRUPT_ACK, rand_val());
}

static void op_ring(struct hdev *h)
{
	u32 q = h->d.nr_queues ? rnd_below(h->d.nr_queues) : 0;
	u16 num = rnd_pct(85) ? 1U << rnd_below(9) : rand_num(h);

	ring_hostile(h, q, num);
}

int run_op(struct hdev *devs, int nr_devs)
{
	struct hdev *h = &devs[rnd_below(nr_devs)];
	u32 w = rnd_below(256), sum = 0, total = 0;
	int op;

	for (op = 0; op < NR_OPS; op++)
		total += op_weight[op];
	w = w * total / 256;
	for (op = 0; op < NR_OPS - 1; op++) {
		sum += op_weight[op];
		if (w < sum)
			break;
	}
	STAT_INC(op_count[op]);
	switch (op) {
	case OP_READ:	rand_access(h, false); break;
	case OP_WRITE:	rand_access(h, true); break;
	case OP_REG:	op_reg(h); break;
	case OP_STATUS:	op_status(h); break;
	case OP_HANDSHAKE: op_handshake(h); break;
	case OP_QUEUE:	op_queue_on(h, rand_queue(h)); break;
	case OP_RING:	op_ring(h); break;
	case OP_NOTIFY:	op_notify(h); break;
	case OP_RESET:	hw_w32(h, VM_STATUS, rnd_pct(80) ? 0 : 0x100 << rnd_below(24)); break;
	case OP_CROSS:	op_cross(h); break;
	case OP_CONFIG:	op_config(h); break;
	default:	op_isr(h); break;
	}
	return op;
}

