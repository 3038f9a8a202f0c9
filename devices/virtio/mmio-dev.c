// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio-mmio transport (devices/virtio/mmio.c) as a device of the
 * machine: its window and SPI from the board, KVM ioeventfds on
 * QueueNotify and InterruptACK, an irqfd for its interrupt, and the
 * I/O thread's start and stop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/virtio/mmio.h"
#include "lib/log.h"

/*
 * The driver's InterruptACK of the queue bit, the one it writes after
 * every queue interrupt, taken by KVM into the core's ack_fd: no exit.
 * Other values (a config interrupt's) still exit and act at once.
 */
static int mmio_ack_ioeventfd(struct virtio_mmio *vm, bool on)
{
	struct virtio_dev *vd = vm->vd;
	const struct device_host_ops *h = vd->host_ops;

	return h->ioeventfd(vd->host, vm->region.base + VIRTIO_MMIO_INTERRUPT_ACK, 4,
			    true, VIRTIO_ISR_QUEUE, vd->ack_fd, on);
}

/*
 * A KVM ioeventfd per queue on QueueNotify, and one on InterruptACK:
 * all of them, or none.
 */
static int mmio_ioeventfds(struct virtio_mmio *vm, bool on)
{
	struct virtio_dev *vd = vm->vd;
	const struct device_host_ops *h = vd->host_ops;
	uint64_t addr = vm->region.base + VIRTIO_MMIO_QUEUE_NOTIFY;
	unsigned int q;
	int ret;

	if (!h || !h->ioeventfd)
		return -EOPNOTSUPP;
	ret = mmio_ack_ioeventfd(vm, on);
	if (ret && on)
		return ret;
	for (q = 0; q < vd->nr_queues; q++) {
		ret = h->ioeventfd(vd->host, addr, 4, true, q, vd->queue_fd[q], on);
		if (ret && on) {
			while (q--)
				h->ioeventfd(vd->host, addr, 4, true, q,
					     vd->queue_fd[q], false);
			mmio_ack_ioeventfd(vm, false);
			return ret;
		}
	}
	return 0;
}

static void mmio_ioeventfd_setup(struct virtio_mmio *vm)
{
	struct virtio_dev *vd = vm->vd;
	int ret = mmio_ioeventfds(vm, true);

	vm->ioeventfd = !ret;
	/* Without, QueueNotify exits and the handler signals the queue. */
	if (ret && ret != -EOPNOTSUPP)
		pr_warn(vd->loglevel, "%s: no ioeventfd (%s): notifies exit",
			vd->name, strerror(-ret));
}

/*
 * An irqfd where the GIC is in the kernel: interrupts without an ioctl.
 * At start, not at create: the vGIC's routing of GSIs to SPIs exists
 * only once the GIC is initialised, which is after the devices are made.
 */
static void mmio_irqfd_bind(struct virtio_mmio *vm)
{
	struct irq_line *irq = &vm->vd->irq;
	int fd;

	if (irq->irqfd >= 0 || !irq->ops || !irq->ops->irqfd)
		return;
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return;
	if (irq->ops->irqfd(irq->chip, irq->spi, fd)) {
		close(fd);
		return;
	}
	irq->irqfd = fd;
}

/* Undoes the irqfd and the ioeventfds; the window and SPI stay taken. */
static void mmio_unbind(struct virtio_mmio *vm)
{
	struct irq_line *irq = &vm->vd->irq;

	if (vm->ioeventfd)
		mmio_ioeventfds(vm, false);
	vm->ioeventfd = false;
	/* Closing the eventfd ends KVM's irqfd as well. */
	if (irq->irqfd >= 0)
		close(irq->irqfd);
	irq->irqfd = -1;
}

static int mmio_dev_start(struct device *dev)
{
	struct virtio_mmio *vm = dev->priv;

	mmio_irqfd_bind(vm);
	return virtio_dev_start(vm->vd);
}

static void mmio_dev_stop(struct device *dev)
{
	struct virtio_mmio *vm = dev->priv;

	virtio_dev_stop(vm->vd);
}

static void mmio_dev_destroy(struct device *dev)
{
	struct virtio_mmio *vm = dev->priv;

	virtio_dev_stop(vm->vd);
	mmio_unbind(vm);
	virtio_dev_destroy(vm->vd);
	free(vm);
}

static void mmio_dev_stats(struct device *dev, struct device_stats *s)
{
	struct virtio_mmio *vm = dev->priv;
	struct virtio_dev *vd = vm->vd;
	unsigned int q;

	for (q = 0; q < vd->nr_queues; q++)
		s->requests += __atomic_load_n(&vd->vqs[q].completed, __ATOMIC_RELAXED);
	s->exits += atomic_load_explicit(&vd->exits, memory_order_relaxed);
	s->irqs += atomic_load_explicit(&vd->irqs, memory_order_relaxed);
}

static int mmio_dev_save(struct device *dev, struct snapshot *s)
{
	struct virtio_mmio *vm = dev->priv;

	return virtio_mmio_save(vm, s);
}

/* Before start: the irqfd and the I/O thread come after, as in any run. */
static int mmio_dev_restore(struct device *dev, struct snapshot *s)
{
	struct virtio_mmio *vm = dev->priv;
	int ret = virtio_mmio_restore(vm, s);

	mmio_region_changed(&vm->region, 0, VIRTIO_MMIO_SIZE);
	return ret;
}

static void mmio_dev_snapshot_begin(struct device *dev)
{
	struct virtio_mmio *vm = dev->priv;

	virtio_dev_snapshot_begin(vm->vd);
}

static void mmio_dev_snapshot_done(struct device *dev, bool runs_on)
{
	struct virtio_mmio *vm = dev->priv;

	virtio_dev_snapshot_done(vm->vd, runs_on);
}

static const struct device_ops virtio_mmio_dev_ops = {
	.name = "virtio-mmio",
	.fdt_node = virtio_mmio_fdt_node,
	.start = mmio_dev_start,
	.stop = mmio_dev_stop,
	.stats = mmio_dev_stats,
	.destroy = mmio_dev_destroy,
};

/* A model that can be saved: snapshots see save and restore. */
static const struct device_ops virtio_mmio_dev_snap_ops = {
	.name = "virtio-mmio",
	.fdt_node = virtio_mmio_fdt_node,
	.start = mmio_dev_start,
	.stop = mmio_dev_stop,
	.save = mmio_dev_save,
	.restore = mmio_dev_restore,
	.snapshot_begin = mmio_dev_snapshot_begin,
	.snapshot_done = mmio_dev_snapshot_done,
	.stats = mmio_dev_stats,
	.destroy = mmio_dev_destroy,
};

int virtio_mmio_create(struct virtio_mmio *vm, struct virtio_dev *vd,
		       const struct device_ctx *ctx, bool legacy)
{
	int ret = virtio_mmio_init(vm, vd, legacy);

	if (ret)
		return ret;
	vm->gic_phandle = ctx->gic_phandle;
	vd->mem = ctx->mem;
	vd->host_ops = ctx->host_ops;
	vd->host = ctx->host;
	vd->loglevel = ctx->loglevel;

	ret = ctx->alloc_mmio(ctx->opaque, DEVICE_AREA_VIRTIO_MMIO,
			      VIRTIO_MMIO_SIZE, &vm->region.base);
	ret = ret ?: ctx->alloc_irq(ctx->opaque, &vd->irq);
	if (ret)
		return ret;
	vd->irq.irqfd = -1;
	mmio_ioeventfd_setup(vm);
	/* Last: once on the bus, the region cannot be taken off again. */
	ret = ctx->map_mmio(ctx->opaque, &vm->region);
	if (ret) {
		mmio_unbind(vm);
		return ret;
	}
	vm->dev = (struct device) {
		.ops = virtio_dev_can_save(vd) ? &virtio_mmio_dev_snap_ops :
						 &virtio_mmio_dev_ops,
		.name = vd->name, .priv = vm,
	};
	return 0;
}
