// SPDX-License-Identifier: GPL-2.0
/*
 * The vhost core (devices/virtio/vhost.h): the ioctls every vhost
 * device shares, from opening the node to reading the rings' bases
 * back when the driver resets the device.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "devices/virtio/vhost.h"
#include "lib/log.h"

static int vhost_ioctl(struct vhost_dev *vh, unsigned long req, void *arg)
{
	return ioctl(vh->fd, req, arg) < 0 ? -errno : 0;
}

int vhost_probe(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Aligned and wholly in RAM: the area's host address, else 0. */
static uint64_t vhost_area(const struct guest_mem *mem, uint64_t gpa,
			   uint64_t len, uint64_t align)
{
	void *p;

	if (gpa & (align - 1))
		return 0;
	p = guest_mem_ptr(mem, gpa, len);
	return p ? (uint64_t)(uintptr_t)p : 0;
}

int vhost_ring_translate(const struct guest_mem *mem, uint16_t num,
			 uint64_t desc, uint64_t avail, uint64_t used,
			 struct vhost_ring_hva *out)
{
	if (!mem || !num || num > VIRTQ_MAX_SIZE || (num & (num - 1)))
		return -EINVAL;
	out->desc = vhost_area(mem, desc, VIRTQ_DESC_BYTES(num), 16);
	out->avail = vhost_area(mem, avail, VIRTQ_AVAIL_BYTES(num), 2);
	out->used = vhost_area(mem, used, VIRTQ_USED_BYTES(num), 4);
	if (!out->desc || !out->avail || !out->used)
		return -EINVAL;
	return 0;
}

/* All of guest RAM as one region: lkvm's RAM is one range that never moves. */
static int vhost_set_mem(struct vhost_dev *vh, const struct guest_mem *mem)
{
	struct vhost_memory *table;
	int ret;

	if (!mem || !mem->hva || !mem->size)
		return -EINVAL;
	table = calloc(1, sizeof(*table) + sizeof(table->regions[0]));
	if (!table)
		return -ENOMEM;
	table->nregions = 1;
	table->regions[0] = (struct vhost_memory_region) {
		.guest_phys_addr = mem->base,
		.memory_size = mem->size,
		.userspace_addr = (uint64_t)(uintptr_t)mem->hva,
	};
	ret = vhost_ioctl(vh, VHOST_SET_MEM_TABLE, table);
	free(table);
	return ret;
}

/* Kick: the core's queue eventfd (a KVM ioeventfd); call: a new one. */
static int vhost_bind_queue(struct vhost_dev *vh, unsigned int q)
{
	struct virtio_dev *vd = vh->vd;
	struct vhost_vring_file f = { .index = q };
	int ret;

	vd->call_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vd->call_fd[q] < 0)
		return -errno;
	f.fd = vd->call_fd[q];
	ret = vhost_ioctl(vh, VHOST_SET_VRING_CALL, &f);
	if (ret)
		return ret;
	f.fd = vd->queue_fd[q];
	return vhost_ioctl(vh, VHOST_SET_VRING_KICK, &f);
}

static int vhost_setup(struct vhost_dev *vh)
{
	unsigned int q;
	int ret;

	ret = vhost_ioctl(vh, VHOST_SET_OWNER, NULL);
	if (!ret)
		ret = vhost_ioctl(vh, VHOST_GET_FEATURES, &vh->features);
	if (!ret)
		ret = vhost_set_mem(vh, vh->vd->mem);
	for (q = 0; !ret && q < vh->vd->nr_queues; q++)
		if (vh->queues & (1u << q))
			ret = vhost_bind_queue(vh, q);
	return ret;
}

static void vhost_close_calls(struct vhost_dev *vh)
{
	struct virtio_dev *vd = vh->vd;
	unsigned int q;

	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		if ((vh->queues & (1u << q)) && vd->call_fd[q] >= 0)
			close(vd->call_fd[q]);
		if (vh->queues & (1u << q))
			vd->call_fd[q] = -1;
	}
	vd->vhost_queues = 0;
}

int vhost_open(struct vhost_dev *vh, const char *path, struct virtio_dev *vd,
	       uint32_t mask, const struct vhost_backend_ops *ops)
{
	unsigned int q;
	int ret;

	if (mask >> vd->nr_queues)
		return -EINVAL;
	vh->vd = vd;
	vh->ops = ops;
	vh->queues = mask;
	vh->running = false;
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++)
		if (mask & (1u << q))
			vd->call_fd[q] = -1;
	vh->fd = open(path, O_RDWR | O_CLOEXEC);
	if (vh->fd < 0)
		return -errno;
	ret = vhost_setup(vh);
	if (ret) {
		vhost_close_calls(vh);
		close(vh->fd);
		vh->fd = -1;
		return ret;
	}
	vd->vhost_queues = mask;
	return 0;
}

void vhost_close(struct vhost_dev *vh)
{
	if (vh->fd < 0)
		return;
	vhost_stop(vh);
	vhost_close_calls(vh);
	close(vh->fd);
	vh->fd = -1;
}

static int vhost_start_queue(struct vhost_dev *vh, unsigned int q)
{
	struct virtq *vq = &vh->vd->vqs[q];
	struct vhost_vring_state num = { .index = q, .num = vq->num };
	struct vhost_vring_state base = { .index = q, .num = vh->base[q] };
	struct vhost_vring_addr addr = { .index = q };
	struct vhost_ring_hva hva;
	int ret;

	if (!vq->ready)
		return -EINVAL;
	ret = vhost_ring_translate(vh->vd->mem, vq->num, vq->desc_gpa,
				   vq->avail_gpa, vq->used_gpa, &hva);
	if (ret)
		return ret;
	addr.desc_user_addr = hva.desc;
	addr.avail_user_addr = hva.avail;
	addr.used_user_addr = hva.used;
	ret = vhost_ioctl(vh, VHOST_SET_VRING_NUM, &num);
	if (!ret)
		ret = vhost_ioctl(vh, VHOST_SET_VRING_BASE, &base);
	if (!ret)
		ret = vhost_ioctl(vh, VHOST_SET_VRING_ADDR, &addr);
	return ret;
}

static void vhost_signal(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		return;		/* the counter is full: a wake-up is pending */
}

/*
 * A notify that came before the backend ran found no backend and was
 * dropped by vhost: each queue is looked at once more. After a stop
 * that kept the bases (a snapshot), a call vhost made just before it
 * may not have reached the driver (the restored VM never saw it): each
 * queue's interrupt is sent once more too; a driver finds nothing new
 * in a spurious one.
 */
static void vhost_kick_all(struct vhost_dev *vh)
{
	unsigned int q;

	for (q = 0; q < vh->vd->nr_queues; q++) {
		if (!(vh->queues & (1u << q)))
			continue;
		vhost_signal(vh->vd->queue_fd[q]);
		if (vh->resumed)
			vhost_signal(vh->vd->call_fd[q]);
	}
	vh->resumed = false;
}

/*
 * Where each queue's call goes for this run: the transport's irqfd,
 * so that KVM raises the interrupt without a wake-up of lkvm, or the
 * queue's own eventfd, which the I/O thread turns into the interrupt.
 */
static int vhost_bind_calls(struct vhost_dev *vh)
{
	struct virtio_dev *vd = vh->vd;
	int direct = vh->call_direct ? virtio_dev_direct_irqfd(vd) : -1;
	struct vhost_vring_file f;
	unsigned int q;
	int ret = 0;

	for (q = 0; !ret && q < vd->nr_queues; q++) {
		if (!(vh->queues & (1u << q)))
			continue;
		f = (struct vhost_vring_file) { .index = q, .fd = direct };
		if (direct < 0)
			f.fd = vd->call_fd[q];
		ret = vhost_ioctl(vh, VHOST_SET_VRING_CALL, &f);
	}
	return ret;
}

int vhost_start(struct vhost_dev *vh)
{
	uint64_t features = vh->vd->guest_features & vh->features;
	unsigned int q;
	int ret;

	if (vh->running)
		return 0;
	ret = vhost_ioctl(vh, VHOST_SET_FEATURES, &features);
	for (q = 0; !ret && q < vh->vd->nr_queues; q++)
		if (vh->queues & (1u << q))
			ret = vhost_start_queue(vh, q);
	if (!ret && vh->call_direct)
		ret = vhost_bind_calls(vh);
	if (!ret)
		ret = vh->ops->start(vh);
	if (ret)
		return ret;
	vh->running = true;
	vhost_kick_all(vh);
	return 0;
}

/*
 * With the backend stopped vhost has finished every chain it took (it
 * adds a chain to the used ring before it lets go of the ring's
 * mutex, which the backend's change waits for): the base read back is
 * where the next start goes on from.
 */
void vhost_stop(struct vhost_dev *vh)
{
	struct vhost_vring_state base;
	unsigned int q;

	if (!vh->running)
		return;
	vh->ops->stop(vh);
	for (q = 0; q < vh->vd->nr_queues; q++) {
		if (!(vh->queues & (1u << q)))
			continue;
		base = (struct vhost_vring_state) { .index = q };
		if (!vhost_ioctl(vh, VHOST_GET_VRING_BASE, &base))
			vh->base[q] = base.num;
	}
	vh->running = false;
	vh->resumed = true;
}

void vhost_reset(struct vhost_dev *vh)
{
	vhost_stop(vh);
	memset(vh->base, 0, sizeof(vh->base));
	vh->resumed = false;
}

bool vhost_can_start(const struct vhost_dev *vh)
{
	return vh->fd >= 0 && !vh->running && !vh->held;
}
