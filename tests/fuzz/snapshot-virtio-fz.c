// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-snapshot's virtio decoders: any section read as a virtio-mmio
 * device's (devices/virtio/mmio-snap.c) and as a virtio-pci one's
 * (pci-snap.c, with the function's config space and MSI-X), each into
 * a device set up afresh over 64 KiB of guest RAM, with a model that
 * saves nothing and answers every request empty; and as a virtio-mmio
 * virtio-net card's (devices/virtio/net-dev.c's part last), its frames going
 * to a backend that checks them; and as a virtio-mmio virtio-vsock
 * device's (vsock.c, its rings' bases for vhost last). A section accepted
 * must leave the device in a state a driver could have made: only
 * defined status bits, offered features, queue sizes powers of 2 up
 * to the maximum, mapped rings wholly in RAM, no more chains in flight
 * than a ring holds, vectors inside the table; and the I/O thread's
 * round on it then takes only buffers in RAM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci/host.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/net.h"
#include "devices/virtio/pci.h"
#include "devices/virtio/virtio-core.h"
#include "devices/virtio/vsock.h"
#include "lib/snapshot.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/snapshot-virtio-fz.h"
#include "tests/virtio-guest.h"

#define SV_RAM_SIZE	0x10000ULL

struct sv {
	struct virtio_dev vd;
	struct guest_mem mem;
	struct pci_host host;
};

static bool sv_in_ram(const struct guest_mem *m, const void *p, size_t len)
{
	const uint8_t *b = p;

	return b >= m->hva && len <= m->size && b - m->hva <= (ptrdiff_t)(m->size - len);
}

static void sv_notify(struct virtio_dev *vd, unsigned int q)
{
	struct sv *z = vd->priv;
	struct virtq_elem e;
	unsigned int i;

	while (virtq_pop(&vd->vqs[q], &e) > 0) {
		for (i = 0; i < e.nr_out + e.nr_in; i++)
			FUZZ_CHECK(sv_in_ram(&z->mem, e.iov[i].iov_base, e.iov[i].iov_len));
		virtq_push(&vd->vqs[q], &e, 0);
	}
}

static int sv_save(struct virtio_dev *vd, struct snapshot *s)
{
	(void)vd;
	return snapshot_error(s);
}

static const struct virtio_dev_ops sv_ops = {
	.queue_notify = sv_notify, .save = sv_save, .restore = sv_save,
};

static int sv_init(struct sv *z)
{
	memset(z, 0, sizeof(*z));
	if (guest_ram_init(&z->mem, SV_RAM_SIZE))
		return -ENOMEM;
	z->vd = (struct virtio_dev) {
		.ops = &sv_ops, .name = "fz", .priv = z, .device_id = VIRTIO_ID_RNG,
		.nr_queues = 2,
	};
	if (virtio_dev_init(&z->vd)) {
		guest_ram_free(&z->mem);
		return -ENOMEM;
	}
	z->vd.mem = &z->mem;
	return 0;
}

/* What any driver could have left. */
static void sv_check(struct sv *z)
{
	struct virtio_dev *vd = &z->vd;
	unsigned int q;

	FUZZ_CHECK(!(vd->status & 0x30));
	FUZZ_CHECK(!(vd->guest_features & ~virtio_dev_features(vd)));
	FUZZ_CHECK(!(atomic_load(&vd->isr) & ~3u));
	for (q = 0; q < vd->nr_queues; q++) {
		const struct virtq *vq = &vd->vqs[q];

		FUZZ_CHECK(vq->num <= VIRTQ_MAX_SIZE);
		if (!vq->desc)
			continue;
		FUZZ_CHECK(vq->num && !(vq->num & (vq->num - 1)));
		FUZZ_CHECK(sv_in_ram(&z->mem, vq->desc, VIRTQ_DESC_BYTES(vq->num)));
		FUZZ_CHECK(sv_in_ram(&z->mem, vq->avail, VIRTQ_AVAIL_BYTES(vq->num)));
		FUZZ_CHECK(sv_in_ram(&z->mem, vq->used, VIRTQ_USED_BYTES(vq->num)));
		FUZZ_CHECK((uint16_t)(vq->last_avail - vq->used_idx) <= vq->num);
	}
	virtio_dev_serve(vd);
}

void fuzz_snapshot_virtio_mmio(const uint8_t *state, const struct snapshot_section *sec)
{
	struct virtio_mmio vm;
	struct snapshot s;
	struct sv z;

	if (sv_init(&z))
		return;
	if (!virtio_mmio_init(&vm, &z.vd, false)) {
		snapshot_open(&s, state, sec);
		if (!virtio_mmio_restore(&vm, &s))
			sv_check(&z);
	}
	virtio_dev_destroy(&z.vd);
	guest_ram_free(&z.mem);
}

/* INTx goes nowhere; it may only be set while the ISR holds a bit. */
static int sv_line_set(void *chip, unsigned int spi, bool level)
{
	(void)chip;
	(void)spi;
	(void)level;
	return 0;
}

static const struct irq_line_ops sv_line_ops = { .set = sv_line_set };

int fuzz_snapshot_alloc_irq(void *opaque, struct irq_line *line)
{
	(void)opaque;
	*line = (struct irq_line) { .ops = &sv_line_ops, .irqfd = -1 };
	return 0;
}

static int sv_add_pci(void *opaque, struct pci_dev *pdev)
{
	struct sv *z = opaque;

	return pci_host_add(&z->host, pdev);
}

void fuzz_snapshot_virtio_pci(const uint8_t *state, const struct snapshot_section *sec)
{
	static const struct pci_host_map map = {
		.cfg_base = 0x40000000, .cfg_size = 0x10000000,
		.mem_base = 0x50000000, .mem_size = 0x30000000,
	};
	struct virtio_pci *vp = malloc(sizeof(*vp));
	struct device_ctx ctx;
	struct snapshot s;
	unsigned int q;
	struct sv z;

	if (!vp || sv_init(&z)) {
		free(vp);
		return;
	}
	ctx = (struct device_ctx) {
		.mem = &z.mem, .loglevel = -1, .alloc_irq = fuzz_snapshot_alloc_irq,
		.add_pci = sv_add_pci, .opaque = &z,
	};
	if (pci_host_init(&z.host, &map, 1, -1) || virtio_pci_create(vp, &z.vd, &ctx, false)) {
		free(vp);
		virtio_dev_destroy(&z.vd);
		guest_ram_free(&z.mem);
		return;
	}
	snapshot_open(&s, state, sec);
	if (!virtio_pci_restore(vp, &s)) {
		FUZZ_CHECK(vp->config_vector < VIRTIO_PCI_MSIX_VECTORS ||
			   vp->config_vector == VIRTIO_MSI_NO_VECTOR);
		for (q = 0; q < VIRTIO_MAX_QUEUES; q++)
			FUZZ_CHECK(vp->queue_vector[q] < VIRTIO_PCI_MSIX_VECTORS ||
				   vp->queue_vector[q] == VIRTIO_MSI_NO_VECTOR);
		FUZZ_CHECK(vp->pdev.cfg[0] == 0xf4 && vp->pdev.cfg[1] == 0x1a);
		sv_check(&z);
	}
	vp->dev.ops->destroy(&vp->dev);		/* and z.vd */
	pci_host_destroy(&z.host);
	guest_ram_free(&z.mem);
}

/* The net card's frames: none larger than the model takes. */
static int sv_net_send(struct net_backend *be, const struct virtio_net_hdr *h,
		       const struct iovec *frame, unsigned int nr, size_t len)
{
	(void)be;
	FUZZ_CHECK((frame || !nr) && len <= VIRTIO_NET_FRAME_MAX && nr <= VIRTQ_CHAIN_MAX);
	return 0;
}

static void sv_net_destroy(struct net_backend *be)
{
	(void)be;
}

static const struct net_backend_ops sv_net_ops = {
	.send = sv_net_send, .destroy = sv_net_destroy,
};

/*
 * A model's device vd restored through virtio-mmio over fresh RAM;
 * accepted (if any) looks at it when the section was taken. vd is
 * destroyed either way.
 */
void fuzz_snapshot_mmio_restore(struct virtio_dev *vd, const uint8_t *state,
				const struct snapshot_section *sec,
				void (*accepted)(struct virtio_dev *vd))
{
	struct virtio_mmio vm;
	struct guest_mem mem;
	struct snapshot s;

	if (guest_ram_init(&mem, SV_RAM_SIZE)) {
		virtio_dev_destroy(vd);
		return;
	}
	vd->mem = &mem;
	fuzz_snapshot_alloc_irq(NULL, &vd->irq);
	if (!virtio_mmio_init(&vm, vd, false)) {
		snapshot_open(&s, state, sec);
		if (!virtio_mmio_restore(&vm, &s) && accepted)
			accepted(vd);
	}
	virtio_dev_destroy(vd);
	guest_ram_free(&mem);
}

static const uint8_t sv_mac[6] = { 2, 0x15, 0x15, 0x15, 0x15, 0x15 };

/*
 * An accepted section leaves the card as a driver could: its MAC the
 * one set-up gave, the link bit the only status; then a round takes
 * only buffers in RAM, frames sent and received within bounds.
 */
static void sv_net_accepted(struct virtio_dev *vd)
{
	uint8_t cfg[VIRTIO_NET_CONFIG_SIZE], frame[64] = { 0 };

	virtio_dev_config_read(vd, 0, cfg, sizeof(cfg));
	FUZZ_CHECK(!memcmp(cfg, sv_mac, 6) && !(cfg[6] & ~VIRTIO_NET_S_LINK_UP) && !cfg[7]);
	virtio_wake_all(vd);
	virtio_net_receive(vd, NULL, frame, sizeof(frame));
	virtio_dev_serve(vd);
}

void fuzz_snapshot_virtio_net(const uint8_t *state, const struct snapshot_section *sec)
{
	struct net_backend be = { .ops = &sv_net_ops };
	struct virtio_dev *vd;

	if (!virtio_net_new(0, sv_mac, &be, &vd))
		fuzz_snapshot_mmio_restore(vd, state, sec, sv_net_accepted);
}

/* Queue q's used index, as the driver left it in guest RAM. */
static uint16_t sv_used_idx(const struct virtio_dev *vd, unsigned int q)
{
	const uint8_t *p = guest_mem_ptr(vd->mem, vd->vqs[q].used_gpa + 2, 2);

	return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

/*
 * An accepted section gives vhost only bases it could have left: each
 * within the ring's size past the used index in RAM (0 on a ring never
 * mapped), read back by saving the device again; then a round (the
 * transport reset event to the driver) takes only buffers in RAM.
 */
static void sv_vsock_accepted(struct virtio_dev *vd)
{
	struct snapshot out = { 0 };
	uint32_t base[2];
	unsigned int q;

	FUZZ_CHECK(!virtio_dev_save(vd, &out) && out.len >= sizeof(base));
	memcpy(base, out.buf + out.len - sizeof(base), sizeof(base));
	for (q = VSOCK_QUEUE_RX; q <= VSOCK_QUEUE_TX; q++) {
		const struct virtq *vq = &vd->vqs[q];

		FUZZ_CHECK(base[q] <= 0xffff);
		FUZZ_CHECK(vq->desc ? (uint16_t)(base[q] - sv_used_idx(vd, q)) <= vq->num :
				      !base[q]);
	}
	virtio_dev_kick(vd);
	virtio_dev_serve(vd);
	snapshot_free(&out);
}

void fuzz_snapshot_virtio_vsock(const uint8_t *state, const struct snapshot_section *sec)
{
	struct virtio_dev *vd;

	if (!virtio_vsock_new(3, &vd))
		fuzz_snapshot_mmio_restore(vd, state, sec, sv_vsock_accepted);
}
