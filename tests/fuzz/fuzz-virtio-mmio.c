// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport and the virtio core (devices/virtio/mmio.c,
 * virtio.c, virtqueue.c) under a guest that accesses any register with
 * any width, writes anything into its RAM, and resets at any moment,
 * with a toy device model behind them that echoes requests.
 *
 * Input: u8 config (bit 0 legacy, bits 1-2 queues - 1), then operations,
 * each an opcode byte (modulo 12):
 *   0 read register: u8 (index into the register table)
 *   1 write register: u8 index, u32 value
 *   2 raw access: u16 offset (below 0x280), u8 len, u8 write, u64 data
 *   3 guest RAM write: u16 offset, u8 n, n bytes
 *   4 a round of the I/O thread (virtio_dev_serve)
 *   5 Linux's probe: u64 features (masked by the offer unless bit 63),
 *     u8 log2 of the queue size, rings at fixed places, DRIVER_OK
 *   6 a request: u8 queue, u8 out bytes, u8 in bytes, u8 bit 0
 *     indirect; then QueueNotify
 *   7 virtio_dev_kick   8 virtio_dev_config_changed
 *   9 interrupt handler: InterruptStatus, then InterruptACK
 *  10 Status write: u8     11 QueueSel: u8
 *  12 InterruptACK of the queue bit taken by KVM's ioeventfd (ack_fd)
 *
 * Checked after every operation: the identification registers never
 * change; only 32-bit aligned register accesses and 1-8 byte config
 * accesses inside the window succeed, others return -EINVAL and read
 * zero; config reads match the model's bytes and read zero outside
 * them; FEATURES_OK only with offered features (and VERSION_1 unless
 * legacy), DRIVER_OK only after it (unless legacy); the status holds
 * only defined bits; a reset leaves nothing behind; the ISR holds only
 * its two bits and an interrupt is raised only with a bit set; the
 * model runs only for a running device's mapped, unbroken queues, and
 * every buffer it is given lies in RAM; the copy of the registers kept
 * through the region's mirror (as lkvm serves reads from memory) equals
 * what the register model answers, word for word.
 */
#include <errno.h>
#include <unistd.h>

#include "devices/virtio/mmio.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz.h"
#include "tests/virtio-guest.h"

#define RAM_SIZE	0x10000ULL
#define QAREA(q)	(GUEST_RAM_BASE + 0x1000 + 0x3000ULL * (q))
#define BUFS		(GUEST_RAM_BASE + 0xd000)
#define CONFIG_SIZE	20
#define OP_COUNT	13

static const uint16_t regs[] = {
	0x000, 0x004, 0x008, 0x00c, 0x010, 0x014, 0x020, 0x024, 0x028, 0x030,
	0x034, 0x038, 0x03c, 0x040, 0x044, 0x050, 0x060, 0x064, 0x070, 0x080,
	0x084, 0x090, 0x094, 0x0a0, 0x0a4, 0x0ac, 0x0b0, 0x0b4, 0x0b8, 0x0bc,
	0x0c0, 0x0fc, 0x100, 0x104, 0x110, 0x018, 0x048, 0x1fc,
};

struct fz {
	struct virtio_dev vd;
	struct virtio_mmio *vm;
	struct guest_mem mem;
	struct irq_line_ops irq_ops;
	struct device_ctx ctx;
	uint8_t config[CONFIG_SIZE];
	struct vdrv drv[4];
	bool drv_up[4];
	unsigned int resets;
	uint8_t copy[VIRTIO_MMIO_SIZE];	/* as machine/reg-mirror.c keeps it */
	struct mmio_mirror hook;
};

/* ---- the toy model ---- */

static void toy_config_read(struct virtio_dev *vd, uint32_t off, void *buf,
			    uint32_t len)
{
	struct fz *z = vd->priv;

	FUZZ_CHECK(len >= 1 && len <= 8 && off + len <= CONFIG_SIZE);
	memcpy(buf, z->config + off, len);
}

static void toy_config_write(struct virtio_dev *vd, uint32_t off,
			     const void *buf, uint32_t len)
{
	struct fz *z = vd->priv;

	FUZZ_CHECK(len >= 1 && len <= 8 && off + len <= CONFIG_SIZE);
	memcpy(z->config + off, buf, len);
}

static void toy_queue_notify(struct virtio_dev *vd, unsigned int q)
{
	struct fz *z = vd->priv;
	struct virtq *vq = &vd->vqs[q];
	struct virtq_elem e;
	unsigned int i, rounds = 0;
	int ret;

	FUZZ_CHECK(q < vd->nr_queues && virtio_dev_running(vd));
	FUZZ_CHECK(vq->ready && vq->desc && !vq->broken);
	/* Odd queues drain with notifications off, as Linux's vhost does. */
	do {
		if (q & 1)
			virtq_notify_enable(vq, false);
		while ((ret = virtq_pop(vq, &e)) == 1) {
			for (i = 0; i < e.nr_out + e.nr_in; i++) {
				uint8_t *p = e.iov[i].iov_base;

				FUZZ_CHECK(p >= z->mem.hva && e.iov[i].iov_len <=
					   RAM_SIZE - (uint64_t)(p - z->mem.hva));
				if (i >= e.nr_out)
					memset(p, 0x5a, e.iov[i].iov_len);
			}
			virtq_push(vq, &e, e.in_len);
			/* A round is bounded, whatever the rings say. */
			FUZZ_CHECK(++rounds <= vq->num);
		}
	} while (ret == 0 && (q & 1) && virtq_notify_enable(vq, true));
	if (ret < 0)
		virtio_dev_broken(vd, q);
	virtio_dev_signal(vd, q);
}

static void toy_kick(struct virtio_dev *vd)
{
	FUZZ_CHECK(virtio_dev_running(vd));
}

static void toy_reset(struct virtio_dev *vd)
{
	struct fz *z = vd->priv;
	unsigned int q;

	/* The core forgot everything first. */
	FUZZ_CHECK_EQ(virtio_dev_status(vd), 0);
	FUZZ_CHECK_EQ(vd->guest_features, 0);
	FUZZ_CHECK_EQ(atomic_load(&vd->isr), 0);
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++)
		FUZZ_CHECK(!vd->vqs[q].ready && !vd->vqs[q].desc);
	z->resets++;
}

static const struct virtio_dev_ops toy_ops = {
	.config_read = toy_config_read,
	.config_write = toy_config_write,
	.queue_notify = toy_queue_notify,
	.kick = toy_kick,
	.reset = toy_reset,
};

/* An edge is raised only with a reason in the ISR. */
static int irq_set(void *chip, unsigned int spi, bool level)
{
	struct fz *z = chip;

	if (level)
		FUZZ_CHECK(atomic_load(&z->vd.isr));
	return 0;
}

static int ctx_alloc_irq(void *opaque, struct irq_line *line)
{
	struct fz *z = opaque;

	*line = (struct irq_line) { .ops = &z->irq_ops, .chip = z, .spi = 5 };
	return 0;
}

static int ctx_alloc_mmio(void *opaque, enum device_area area, uint64_t size,
			  uint64_t *base)
{
	*base = 0x03000000;
	return 0;
}

static int ctx_map_mmio(void *opaque, struct mmio_region *region)
{
	return 0;
}

/* ---- register accesses ---- */

static int fz_access(struct fz *z, uint64_t off, uint32_t len, bool write,
		     uint64_t *data)
{
	struct mmio_access acc = {
		.offset = off, .len = len, .is_write = write, .data = *data,
	};
	int ret = virtio_mmio_access(&z->vm->region, &acc);

	/* As the bus does: the copy follows a write before the vCPU goes on. */
	if (write)
		mmio_region_changed(&z->vm->region, 0, VIRTIO_MMIO_SIZE);
	*data = acc.data;
	return ret;
}

static uint32_t fz_rd(struct fz *z, uint64_t off)
{
	uint64_t data = 0;

	uint32_t copied;

	FUZZ_CHECK_EQ(fz_access(z, off, 4, false, &data), 0);
	FUZZ_CHECK(data <= 0xffffffff);
	/* What the guest would have read from memory instead. */
	memcpy(&copied, z->copy + off, 4);	/* little-endian host */
	FUZZ_CHECK_EQ(copied, data);
	return data;
}

static void fz_wr(struct fz *z, uint64_t off, uint32_t val)
{
	uint64_t data = val;

	FUZZ_CHECK_EQ(fz_access(z, off, 4, true, &data), 0);
	if (off == 0x070 && !(val & 0xff))
		FUZZ_CHECK_EQ(fz_rd(z, 0x070), 0);
}

static void fz_copy_update(void *opaque, struct mmio_region *r, uint64_t off,
			   uint64_t len)
{
	struct fz *z = opaque;

	FUZZ_CHECK(off <= VIRTIO_MMIO_SIZE && len <= VIRTIO_MMIO_SIZE - off);
	FUZZ_CHECK(off % 4 == 0 && len % 4 == 0);
	r->render(r, off, len, z->copy + off);
}

/* The whole copy against a fresh render (fz_rd() checks each read). */
static void check_copy(struct fz *z)
{
	uint8_t fresh[VIRTIO_MMIO_SIZE];

	z->vm->region.render(&z->vm->region, 0, VIRTIO_MMIO_SIZE, fresh);
	FUZZ_CHECK(!memcmp(fresh, z->copy, sizeof(fresh)));
}

static void check_read(struct fz *z, uint64_t off, uint64_t val)
{
	uint64_t offered = virtio_dev_features(&z->vd);

	switch (off) {
	case 0x000: FUZZ_CHECK_EQ(val, 0x74726976); break;
	case 0x004: FUZZ_CHECK_EQ(val, z->vd.legacy ? 1 : 2); break;
	case 0x008: FUZZ_CHECK_EQ(val, VIRTIO_ID_RNG); break;
	case 0x00c: FUZZ_CHECK_EQ(val, 0x4d564b4c); break;
	case 0x034:
		FUZZ_CHECK_EQ(val, z->vm->queue_sel < z->vd.nr_queues ? VIRTQ_MAX_SIZE : 0);
		break;
	case 0x060: FUZZ_CHECK_EQ(val & ~3ULL, 0); break;
	case 0x010:
		if (z->vm->dev_features_sel > 1)
			FUZZ_CHECK_EQ(val, 0);
		else
			FUZZ_CHECK_EQ(val, (uint32_t)(offered >> (32 * z->vm->dev_features_sel)));
		break;
	}
}

/* Any offset, any width: the rules of virtio_mmio_access(). */
static void fz_raw(struct fz *z, struct fuzz_input *in)
{
	uint64_t off = fuzz_u16(in) % 0x280, data;
	uint32_t len = fuzz_u8(in);
	bool write = fuzz_u8(in) & 1, valid;
	uint8_t want[8] = { 0 };
	int ret;

	data = fuzz_u64(in);
	if (len > 16)
		len = len == 0xff ? 0xffffffff : len % 17;
	if (off < 0x100)
		valid = len == 4 && !(off & 3);
	else
		valid = len >= 1 && len <= 8 && off + len <= 0x200;
	/* Bytes past the config space read as zero. */
	if (valid && !write && off >= 0x100 && off - 0x100 < CONFIG_SIZE)
		memcpy(want, z->config + (off - 0x100),
		       MIN(len, CONFIG_SIZE - (off - 0x100)));
	ret = fz_access(z, off, len, write, &data);
	FUZZ_CHECK_EQ(ret, valid ? 0 : -EINVAL);
	if (write)
		return;
	if (!valid)
		FUZZ_CHECK_EQ(data, 0);
	else if (memcmp(&data, z->copy + off, len))
		FUZZ_CHECK(!"a read differs from the copy of the registers");
	else if (off >= 0x100)
		FUZZ_CHECK(!memcmp(&data, want, len));	/* little-endian host */
	else
		check_read(z, off, data);
}

/* ---- the driver's steps ---- */

static void fz_setup_vq(struct fz *z, unsigned int q, uint16_t num)
{
	uint64_t desc = QAREA(q), avail = desc + 0x1000, used = desc + 0x2000;

	fz_wr(z, 0x030, q);
	if (z->vd.legacy) {
		avail = desc + 16ULL * num;
		used = (avail + 6 + 2ULL * num + 4095) & ~4095ULL;
	}
	vdrv_init(&z->drv[q], &z->mem, num, desc, avail, used);
	z->drv_up[q] = true;
	fz_wr(z, 0x038, num);
	if (z->vd.legacy) {
		fz_wr(z, 0x03c, 4096);
		fz_wr(z, 0x040, desc >> 12);
		return;
	}
	fz_wr(z, 0x080, desc);
	fz_wr(z, 0x084, desc >> 32);
	fz_wr(z, 0x090, avail);
	fz_wr(z, 0x094, avail >> 32);
	fz_wr(z, 0x0a0, used);
	fz_wr(z, 0x0a4, used >> 32);
	fz_wr(z, 0x044, 1);
}

static void fz_probe(struct fz *z, struct fuzz_input *in)
{
	uint64_t want = fuzz_u64(in), f;
	uint16_t num = 1u << (fuzz_u8(in) % 9);
	unsigned int q;

	if (z->vd.legacy)
		fz_wr(z, 0x028, 4096);
	fz_wr(z, 0x070, 0);
	fz_wr(z, 0x070, 3);
	fz_wr(z, 0x014, 1);
	f = (uint64_t)fz_rd(z, 0x010) << 32;
	fz_wr(z, 0x014, 0);
	f |= fz_rd(z, 0x010);
	FUZZ_CHECK_EQ(f, virtio_dev_features(&z->vd));
	if (!(want >> 63))
		want &= f;
	fz_wr(z, 0x024, 1);
	fz_wr(z, 0x020, want >> 32);
	fz_wr(z, 0x024, 0);
	fz_wr(z, 0x020, want);
	fz_wr(z, 0x070, 0xb);
	for (q = 0; q < z->vd.nr_queues; q++)
		fz_setup_vq(z, q, num);
	fz_wr(z, 0x070, fz_rd(z, 0x070) | 4);
}

/* A chain of one or two buffers, direct or through an indirect table. */
static void fz_request(struct fz *z, struct fuzz_input *in)
{
	unsigned int q = fuzz_u8(in) % 4;
	uint32_t out = fuzz_u8(in), inb = fuzz_u8(in);
	bool indirect = fuzz_u8(in) & 1;
	uint64_t buf = BUFS + 0x400ULL * q, table = BUFS + 0x1000 + 0x40ULL * q;
	struct vdrv *d = &z->drv[q];
	uint16_t head;

	if (!z->drv_up[q])
		return;
	head = d->avail_idx % d->num;
	if (indirect) {
		vdrv_desc_at(d, table, 0, buf, out, VIRTQ_DESC_F_NEXT, 1);
		vdrv_desc_at(d, table, 1, buf + 0x100, inb, VIRTQ_DESC_F_WRITE, 0);
		vdrv_desc(d, head, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
	} else if (d->num > 1) {
		vdrv_desc(d, head, buf, out, VIRTQ_DESC_F_NEXT, (head + 1) % d->num);
		vdrv_desc(d, (head + 1) % d->num, buf + 0x100, inb, VIRTQ_DESC_F_WRITE, 0);
	} else {
		vdrv_desc(d, head, buf + 0x100, inb, VIRTQ_DESC_F_WRITE, 0);
	}
	vdrv_publish(d, head);
	fz_wr(z, 0x050, q);
}

static void fz_op(struct fz *z, unsigned int op, struct fuzz_input *in)
{
	unsigned int i;
	uint64_t data;

	switch (op) {
	case 0:
		i = fuzz_u8(in) % ARRAY_SIZE(regs);
		check_read(z, regs[i], fz_rd(z, regs[i]));
		break;
	case 1:
		i = fuzz_u8(in) % ARRAY_SIZE(regs);
		fz_wr(z, regs[i], fuzz_u32(in));
		break;
	case 2: fz_raw(z, in); break;
	case 3: {
		uint16_t off = fuzz_u16(in) % RAM_SIZE;
		uint8_t n = fuzz_u8(in);

		fuzz_bytes(in, z->mem.hva + off, n < RAM_SIZE - off ? n : RAM_SIZE - off);
		break;
	}
	case 4: virtio_dev_serve(&z->vd); break;
	case 5: fz_probe(z, in); break;
	case 6: fz_request(z, in); break;
	case 7: virtio_dev_kick(&z->vd); break;
	case 8: virtio_dev_config_changed(&z->vd); break;
	case 9:
		data = fz_rd(z, 0x060);
		FUZZ_CHECK_EQ(data & ~3ULL, 0);
		fz_wr(z, 0x064, data);
		break;
	case 10: fz_wr(z, 0x070, fuzz_u8(in)); break;
	case 11: fz_wr(z, 0x030, fuzz_u8(in) % 10); break;
	case 12:
		data = 1;
		FUZZ_CHECK(z->vd.ack_fd >= 0);
		FUZZ_CHECK(write(z->vd.ack_fd, &data, 8) == 8);
		break;
	}
}

static void check_state(struct fz *z)
{
	struct virtio_dev *vd = &z->vd;
	uint8_t status = virtio_dev_status(vd);
	uint64_t offered = virtio_dev_features(vd);
	unsigned int q;

	FUZZ_CHECK_EQ(status & 0x30, 0);
	FUZZ_CHECK_EQ(atomic_load(&vd->isr) & ~3u, 0);
	if (vd->legacy) {
		FUZZ_CHECK_EQ(offered >> 32, 0);
		FUZZ_CHECK_EQ(vd->guest_features & ~offered, 0);
	}
	if ((status & VIRTIO_STATUS_FEATURES_OK) && !vd->legacy) {
		FUZZ_CHECK_EQ(vd->guest_features & ~offered, 0);
		FUZZ_CHECK(vd->guest_features & (1ULL << VIRTIO_F_VERSION_1));
	}
	if ((status & VIRTIO_STATUS_DRIVER_OK) && !vd->legacy)
		FUZZ_CHECK(status & VIRTIO_STATUS_FEATURES_OK);
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		struct virtq *vq = &vd->vqs[q];

		FUZZ_CHECK(!vq->desc || (vq->ready && q < vd->nr_queues));
		FUZZ_CHECK(vq->num <= VIRTQ_MAX_SIZE);
	}
}

static int fz_setup(struct fz *z, uint8_t cfg)
{
	unsigned int i;
	int ret;

	if (guest_ram_init(&z->mem, RAM_SIZE))
		return -ENOMEM;
	for (i = 0; i < CONFIG_SIZE; i++)
		z->config[i] = i * 7 + 1;
	z->irq_ops.set = irq_set;
	z->vd = (struct virtio_dev) {
		.ops = &toy_ops, .name = "virtio-fuzz", .priv = z,
		.device_id = VIRTIO_ID_RNG, .host_features = 0xff00000000ff0f0fULL,
		.config_size = CONFIG_SIZE, .nr_queues = 1 + ((cfg >> 1) & 3),
	};
	z->ctx = (struct device_ctx) {
		.mem = &z->mem, .loglevel = -1, .alloc_irq = ctx_alloc_irq,
		.alloc_mmio = ctx_alloc_mmio, .map_mmio = ctx_map_mmio, .opaque = z,
	};
	ret = virtio_dev_init(&z->vd);
	if (ret)
		return ret;
	z->vm = malloc(sizeof(*z->vm));
	ret = z->vm ? virtio_mmio_create(z->vm, &z->vd, &z->ctx, cfg & 1) : -ENOMEM;
	if (ret) {
		free(z->vm);
		virtio_dev_destroy(&z->vd);
		return ret;
	}
	z->hook = (struct mmio_mirror) { .update = fz_copy_update, .opaque = z };
	z->vm->region.mirror = &z->hook;
	fz_copy_update(z, &z->vm->region, 0, VIRTIO_MMIO_SIZE);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz *z = calloc(1, sizeof(*z));
	struct fuzz_input in;

	fuzz_input_init(&in, data, size);
	if (!z)
		return 0;
	if (fz_setup(z, fuzz_u8(&in))) {
		guest_ram_free(&z->mem);
		free(z);
		return 0;
	}
	while (!fuzz_input_done(&in)) {
		fz_op(z, fuzz_u8(&in) % OP_COUNT, &in);
		check_state(z);
	}
	check_copy(z);
	fz_wr(z, 0x070, 0);
	check_state(z);
	z->vm->dev.ops->destroy(&z->vm->dev);
	guest_ram_free(&z->mem);
	free(z);
	return 0;
}
