// SPDX-License-Identifier: GPL-2.0
/* The virtio-pci fuzz targets' shared machine (virtio-pci-fz.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/virtio-pci-fz.h"

/* The VM under test, for the frame, which gets no context of its own. */
struct fz *fz_cur;

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
	unsigned int i;
	int ret;

	FUZZ_CHECK(q < vd->nr_queues && virtio_dev_running(vd));
	while ((ret = virtq_pop(vq, &e)) == 1) {
		for (i = 0; i < e.nr_out + e.nr_in; i++) {
			uint8_t *p = e.iov[i].iov_base;

			FUZZ_CHECK(p >= z->mem.hva && e.iov[i].iov_len <=
				   RAM_SIZE - (uint64_t)(p - z->mem.hva));
		}
		virtq_push(vq, &e, 0);
	}
	if (ret < 0)
		virtio_dev_broken(vd, q);
	virtio_dev_signal(vd, q);
}

const struct virtio_dev_ops fz_toy_ops = {
	.config_read = toy_config_read,
	.config_write = toy_config_write,
	.queue_notify = toy_queue_notify,
};

static int line_set(void *chip, unsigned int spi, bool level)
{
	struct fz *z = chip;

	FUZZ_CHECK(level != z->level);	/* only changes reach the line */
	z->level = level;
	return 0;
}

static const struct irq_line_ops line_ops = { .set = line_set };

int fz_ctx_alloc_irq(void *opaque, struct irq_line *line)
{
	*line = (struct irq_line) { .ops = &line_ops, .chip = opaque, .spi = 1 };
	return 0;
}

int fz_ctx_add_pci(void *opaque, struct pci_dev *pdev)
{
	struct fz *z = opaque;

	return pci_host_add(&z->host, pdev);
}

static int host_ioeventfd(void *host, uint64_t addr, uint32_t len, bool match,
			  uint64_t datamatch, int fd, bool on)
{
	struct fz *z = host;

	FUZZ_CHECK(len == 2 && match && datamatch < z->vd.nr_queues);
	FUZZ_CHECK_EQ(fd, z->vd.queue_fd[datamatch]);
	if (on && z->efds_on)
		FUZZ_CHECK_EQ(addr, z->efd_addr);
	if (!on)
		FUZZ_CHECK(z->efds_on > 0 && addr == z->efd_addr);
	z->efds_on += on ? 1 : -1;
	z->efd_addr = addr;
	return 0;
}

const struct device_host_ops fz_host_ops = { .ioeventfd = host_ioeventfd };

/* The MSI frame, without a fast path: every message comes here. */
int fz_frame_msi(void *opaque, uint32_t devid, uint64_t addr, uint32_t data)
{
	struct pci_msix *m = &fz_cur->vp->msix;

	FUZZ_CHECK_EQ(devid, 0);
	FUZZ_CHECK(m->enabled && !m->fmasked);
	fz_cur->msgs++;
	return 0;
}

/* A config space access through ECAM. */

uint64_t fz_cfg_acc(struct fz *z, uint32_t off, uint32_t len, bool write,
			uint64_t data)
{
	struct mmio_access acc = { .offset = off, .len = len, .is_write = write,
				   .data = data };

	pci_host_ecam_access(&z->host.ecam, &acc);
	return acc.data;
}

/*
 * The machine both targets fuzz: RAM, the host bridge (with an I/O
 * window for the legacy transport's port BAR), the toy device behind
 * the transport. cfg bits 0-1: queues - 1.
 */
static int fz_setup(struct fz *z, uint8_t cfg, bool legacy)
{
	struct pci_host_map map = {
		.cfg_base = 0x40000000, .cfg_size = 0x10000000,
		.mem_base = FZ_MEM_BASE, .mem_size = 0x30000000,
	};
	unsigned int i;
	int ret;

	if (legacy)
		map.io_size = 0x10000;
	if (guest_ram_init(&z->mem, RAM_SIZE))
		return -ENOMEM;
	FUZZ_CHECK_EQ(pci_host_init(&z->host, &map, 1, -1), 0);
	z->host.msi = fz_frame_msi;
	for (i = 0; i < CONFIG_SIZE; i++)
		z->config[i] = i * 7 + 1;
	z->vd = (struct virtio_dev) {
		.ops = &fz_toy_ops, .name = "virtio-fuzz", .priv = z,
		.device_id = VIRTIO_ID_RNG, .host_features = 0xff00000000ff0f0fULL,
		.config_size = CONFIG_SIZE, .nr_queues = 1 + (cfg & 3),
	};
	z->ctx = (struct device_ctx) {
		.host_ops = &fz_host_ops, .host = z, .mem = &z->mem, .loglevel = -1,
		.alloc_irq = fz_ctx_alloc_irq, .add_pci = fz_ctx_add_pci, .opaque = z,
	};
	ret = virtio_dev_init(&z->vd);
	if (ret)
		return ret;
	z->vp = malloc(sizeof(*z->vp));
	ret = z->vp ? virtio_pci_create(z->vp, &z->vd, &z->ctx, legacy) :
		      -ENOMEM;
	if (ret) {
		free(z->vp);
		virtio_dev_destroy(&z->vd);
		return ret;
	}
	z->bar = z->vp->pdev.decode[legacy ? VIRTIO_PCI_LEGACY_BAR :
					     VIRTIO_PCI_BAR];
	return 0;
}

int fz_run(const uint8_t *data, size_t size, const struct fz_target *t)
{
	struct fz *z = calloc(1, sizeof(*z));
	struct fuzz_input in;

	if (!z)
		return 0;
	fz_cur = z;
	fuzz_input_init(&in, data, size);
	if (fz_setup(z, fuzz_u8(&in), t->legacy)) {
		pci_host_destroy(&z->host);
		guest_ram_free(&z->mem);
		free(z);
		return 0;
	}
	while (!fuzz_input_done(&in)) {
		t->op(z, fuzz_u8(&in) % t->nr_ops, &in);
		t->check(z);
	}
	z->vp->dev.ops->destroy(&z->vp->dev);
	FUZZ_CHECK_EQ(z->efds_on, 0);
	pci_host_destroy(&z->host);
	guest_ram_free(&z->mem);
	free(z);
	return 0;
}
