// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock's guest-facing side (devices/virtio/vsock.c) and the
 * vhost core's ring translation (devices/virtio/vhost.c), without a
 * kernel's vhost: a driver that reads any config bytes, sets any queue
 * size and ring address, makes queues ready, writes any status, and a
 * vhost that calls at any moment.
 *
 * Input: operations, each an opcode byte (modulo 8):
 *   0 config read: u8 offset, u8 len     1 status write: u8
 *   2 queue size: u8 queue, u16 num      3 ring address: u8 queue,
 *                                          u8 area, u64 gpa
 *   4 QueueReady: u8 queue, u8 on        5 vhost's call on u8 queue
 *   6 a round of the I/O thread          7 translate: u16 num, 3 x u64
 *
 * Checked: config reads give the CID's little-endian bytes inside the
 * 8 bytes and zeros elsewhere; a translation either fails or gives
 * host addresses whose whole areas lie in RAM, aligned as the spec
 * says; and it agrees with the queue's own check at QueueReady; an
 * interrupt goes out only with the queue bit set in the ISR.
 */
#include <endian.h>
#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/virtio/vhost.h"
#include "devices/virtio/virtio-core.h"
#include "devices/virtio/vsock.h"
#include "tests/fuzz/fuzz.h"

#define RAM_BASE	0x80000000ULL
#define RAM_SIZE	0x10000ULL
#define CID		0x12345678ULL

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static unsigned int irqs;

static int fz_irq_set(void *chip, unsigned int spi, bool level)
{
	struct virtio_dev *vd = chip;

	if (level) {
		FUZZ_CHECK(atomic_load(&vd->isr) & (VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG));
		irqs++;
	}
	return 0;
}

static const struct irq_line_ops fz_irq_ops = { .set = fz_irq_set };

static bool in_ram(const struct guest_mem *m, uint64_t hva, uint64_t len)
{
	uint64_t lo = (uint64_t)(uintptr_t)m->hva;

	return hva >= lo && hva - lo <= m->size && len <= m->size - (hva - lo);
}

static void fz_translate(const struct guest_mem *m, uint16_t num, uint64_t d,
			 uint64_t a, uint64_t u)
{
	struct vhost_ring_hva h;

	if (vhost_ring_translate(m, num, d, a, u, &h))
		return;
	FUZZ_CHECK(num && num <= VIRTQ_MAX_SIZE && !(num & (num - 1)));
	FUZZ_CHECK(in_ram(m, h.desc, VIRTQ_DESC_BYTES(num)) && !(h.desc & 15));
	FUZZ_CHECK(in_ram(m, h.avail, VIRTQ_AVAIL_BYTES(num)) && !(h.avail & 1));
	FUZZ_CHECK(in_ram(m, h.used, VIRTQ_USED_BYTES(num)) && !(h.used & 3));
	FUZZ_CHECK(h.desc - (uintptr_t)m->hva == d - m->base);
}

static void fz_config(struct virtio_dev *vd, uint8_t off, uint8_t len)
{
	uint8_t b[8], want;
	uint64_t le = htole64(CID);

	len = len % 8 + 1;
	virtio_dev_config_read(vd, off, b, len);
	/* An access across the end is cut there: the rest reads zero. */
	for (unsigned int i = 0; i < len; i++) {
		want = off + i < 8 ? ((uint8_t *)&le)[off + i] : 0;
		FUZZ_CHECK_EQ(b[i], want);
	}
}

static void fz_ready(struct virtio_dev *vd, unsigned int q, bool on)
{
	struct virtq *vq = &vd->vqs[q % VSOCK_NR_QUEUES];
	struct vhost_ring_hva h;
	bool was = vq->ready;

	virtio_dev_queue_ready(vd, q % VSOCK_NR_QUEUES, on);
	/* The core's check and vhost's translation agree. */
	if (on && !was && vq->ready)
		FUZZ_CHECK(!vhost_ring_translate(vd->mem, vq->num, vq->desc_gpa,
						 vq->avail_gpa, vq->used_gpa, &h) ==
			   !!vq->desc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t one = 1;
	struct guest_mem mem = { RAM_BASE, RAM_SIZE, ram };
	struct fuzz_input in;
	struct virtio_dev *vd;
	uint8_t q, a;
	int call;

	fuzz_input_init(&in, data, size);
	if (virtio_vsock_new(CID, &vd))
		return 0;
	call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vd->mem = &mem;
	vd->irq = (struct irq_line){ .ops = &fz_irq_ops, .chip = vd, .irqfd = -1 };
	vd->call_fd[0] = vd->call_fd[1] = call;
	vd->vhost_queues = 3;
	while (!fuzz_input_done(&in)) {
		switch (fuzz_u8(&in) % 8) {
		case 0: q = fuzz_u8(&in); fz_config(vd, q, fuzz_u8(&in)); break;
		case 1: virtio_dev_set_status(vd, fuzz_u8(&in)); break;
		case 2: q = fuzz_u8(&in); virtio_dev_queue_set_num(vd, q, fuzz_u16(&in)); break;
		case 3:
			q = fuzz_u8(&in);
			a = fuzz_u8(&in) % 3;
			virtio_dev_queue_set_addr(vd, q, a, fuzz_u64(&in), ~0ULL);
			break;
		case 4: q = fuzz_u8(&in); fz_ready(vd, q, fuzz_u8(&in) & 1); break;
		case 5:
			if (write(call, &one, 8) != 8)
				abort();
			break;
		case 6: virtio_dev_serve(vd); break;
		case 7: {
			uint16_t num = fuzz_u16(&in);
			uint64_t d = fuzz_u64(&in), av = fuzz_u64(&in);

			/* Half the time near RAM, where the edges are. */
			if (num & 0x8000) {
				d = RAM_BASE + (d % (RAM_SIZE + 64)) - 32;
				av = RAM_BASE + (av % (RAM_SIZE + 64)) - 32;
			}
			fz_translate(&mem, num & 0x7fff, d, av,
				     RAM_BASE + fuzz_u16(&in) * 2ULL);
			break;
		}
		}
	}
	vd->vhost_queues = 0;
	virtio_dev_destroy(vd);
	close(call);
	return 0;
}
