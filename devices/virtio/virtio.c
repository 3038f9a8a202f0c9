// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio core, independent of the transport: feature negotiation,
 * the status machine and reset, queue set-up, the interrupt, config
 * space, and the I/O thread that serves a device's queues.
 *
 * The driver's accesses arrive on vCPU threads; the model runs on the
 * I/O thread. Whatever changes the rings under the model (reset, a
 * queue made ready or taken away) takes io_lock first, so it waits for
 * the batch in progress and the model never sees a ring disappear
 * while it uses it. Guest mistakes are logged at debug level only: a
 * guest must not be able to fill the host's log.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/virtio/virtio-core.h"
#include "lib/log.h"

#define BIT64(n)		(1ULL << (n))
/*
 * Bits 28-41 belong to the transport and the rings (virtio 1.x, 6): the
 * core offers what it implements, whatever the model asks for.
 */
#define VIRTIO_TRANSPORT_F_MASK	(BIT64(42) - BIT64(28))
#define VIRTIO_CORE_F		(BIT64(VIRTIO_F_INDIRECT_DESC) | \
				 BIT64(VIRTIO_F_EVENT_IDX))
/* The status bits a driver sets (2.1). */
#define VIRTIO_STATUS_DRIVER_BITS	(VIRTIO_STATUS_ACKNOWLEDGE | \
					 VIRTIO_STATUS_DRIVER | \
					 VIRTIO_STATUS_DRIVER_OK | \
					 VIRTIO_STATUS_FEATURES_OK | \
					 VIRTIO_STATUS_FAILED)

static void virtio_set_status_bits(struct virtio_dev *vd, uint8_t status)
{
	__atomic_store_n(&vd->status, status, __ATOMIC_RELEASE);
}

uint8_t virtio_dev_status(const struct virtio_dev *vd)
{
	return __atomic_load_n(&vd->status, __ATOMIC_ACQUIRE);
}

bool virtio_dev_running(const struct virtio_dev *vd)
{
	return virtio_dev_status(vd) & VIRTIO_STATUS_DRIVER_OK;
}

void virtio_eventfd_signal(int fd)
{
	uint64_t one = 1;

	/* Fails only when the counter is full: a wake-up is pending anyway. */
	if (fd >= 0 && write(fd, &one, sizeof(one)) != sizeof(one))
		return;
}

/* Non-blocking: true when the eventfd had been written. */
bool virtio_eventfd_drain(int fd)
{
	uint64_t count;

	return read(fd, &count, sizeof(count)) == sizeof(count);
}

static void virtio_close_fds(struct virtio_dev *vd)
{
	unsigned int q;

	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		if (vd->queue_fd[q] >= 0)
			close(vd->queue_fd[q]);
		vd->queue_fd[q] = -1;
	}
	if (vd->kick_fd >= 0)
		close(vd->kick_fd);
	vd->kick_fd = -1;
	if (vd->ack_fd >= 0)
		close(vd->ack_fd);
	vd->ack_fd = -1;
}

static int virtio_open_fds(struct virtio_dev *vd)
{
	unsigned int q;

	for (q = 0; q < VIRTIO_MAX_QUEUES; q++)
		vd->queue_fd[q] = -1;
	vd->ack_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vd->ack_fd < 0)
		return -errno;
	vd->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vd->kick_fd < 0) {
		int ret = -errno;

		virtio_close_fds(vd);
		return ret;
	}
	for (q = 0; q < vd->nr_queues; q++) {
		vd->queue_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vd->queue_fd[q] < 0) {
			int ret = -errno;

			virtio_close_fds(vd);
			return ret;
		}
	}
	return 0;
}

static void virtio_reset_queues(struct virtio_dev *vd)
{
	unsigned int q;

	/* QueueNum defaults to the maximum, as on QEMU and kvmtool. */
	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		virtq_reset(&vd->vqs[q]);
		vd->vqs[q].num = VIRTQ_MAX_SIZE;
	}
}

int virtio_dev_init(struct virtio_dev *vd)
{
	int ret;

	if (!vd->ops || vd->nr_queues > VIRTIO_MAX_QUEUES ||
	    (vd->nr_queues && !vd->ops->queue_notify))
		return -EINVAL;
	ret = virtio_open_fds(vd);
	if (ret)
		return ret;
	ret = -pthread_mutex_init(&vd->lock, NULL);
	if (ret)
		goto err_fds;
	ret = -pthread_mutex_init(&vd->io_lock, NULL);
	if (ret)
		goto err_lock;
	vd->status = 0;
	vd->guest_features = 0;
	atomic_init(&vd->isr, 0);
	atomic_init(&vd->isr_keep, 0);
	vd->config_gen = 0;
	virtio_reset_queues(vd);
	vd->irq = (struct irq_line) { .irqfd = -1 };
	vd->thread_started = false;
	atomic_init(&vd->stopping, false);
	return 0;

err_lock:
	pthread_mutex_destroy(&vd->lock);
err_fds:
	virtio_close_fds(vd);
	return ret;
}

/*
 * The I/O thread is stopped by then: the transports call
 * virtio_dev_stop() first (the thread is theirs to start and stop), and
 * a model's failed create never started one.
 */
void virtio_dev_destroy(struct virtio_dev *vd)
{
	virtio_close_fds(vd);
	pthread_mutex_destroy(&vd->io_lock);
	pthread_mutex_destroy(&vd->lock);
	/* Last: the model may free the structure that holds vd. */
	if (vd->ops->destroy)
		vd->ops->destroy(vd);
}

/* ---- features and status ---- */

uint64_t virtio_dev_features(const struct virtio_dev *vd)
{
	uint64_t f = (vd->host_features & ~VIRTIO_TRANSPORT_F_MASK) |
		     VIRTIO_CORE_F;

	/* virtio 0.9 has 32 feature bits and no VERSION_1. */
	if (vd->legacy)
		return f & 0xffffffffULL;
	return f | BIT64(VIRTIO_F_VERSION_1);
}

void virtio_dev_set_features(struct virtio_dev *vd, uint64_t features)
{
	pthread_mutex_lock(&vd->lock);
	if (!(vd->status & (VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK))) {
		if (vd->legacy)
			features &= virtio_dev_features(vd);
		vd->guest_features = features;
	}
	pthread_mutex_unlock(&vd->lock);
}

/* 3.1.1: the device refuses FEATURES_OK for a set it cannot honour. */
static bool virtio_features_ok(struct virtio_dev *vd)
{
	uint64_t unoffered = vd->guest_features & ~virtio_dev_features(vd);

	if (unoffered) {
		pr_debug(vd->loglevel, "%s: driver asked for features 0x%llx, not offered",
			 vd->name, (unsigned long long)unoffered);
		return false;
	}
	if (!vd->legacy && !(vd->guest_features & BIT64(VIRTIO_F_VERSION_1))) {
		pr_debug(vd->loglevel, "%s: driver without VERSION_1 refused",
			 vd->name);
		return false;
	}
	return true;
}

/* Every ready queue is looked at, and the model kicked, at DRIVER_OK. */
void virtio_wake_all(struct virtio_dev *vd)
{
	unsigned int q;

	for (q = 0; q < vd->nr_queues; q++)
		virtio_eventfd_signal(vd->queue_fd[q]);
	virtio_eventfd_signal(vd->kick_fd);
}

/*
 * Waits for the I/O thread's batch (io_lock), then forgets everything
 * the driver set. The model's reset runs with the thread still held
 * off but without lock, so it may call back into the core.
 */
static void virtio_reset(struct virtio_dev *vd)
{
	pthread_mutex_lock(&vd->io_lock);
	pthread_mutex_lock(&vd->lock);
	virtio_reset_queues(vd);
	vd->guest_features = 0;
	virtio_set_status_bits(vd, 0);
	atomic_store(&vd->isr_keep, 0);
	atomic_store(&vd->isr, 0);
	pthread_mutex_unlock(&vd->lock);
	if (vd->ops->reset)
		vd->ops->reset(vd);
	pthread_mutex_unlock(&vd->io_lock);
}

void virtio_dev_set_status(struct virtio_dev *vd, uint8_t status)
{
	uint8_t old, new;

	if (!status) {
		virtio_reset(vd);
		return;
	}
	pthread_mutex_lock(&vd->lock);
	old = vd->status;
	/*
	 * 2.1.2: the driver never clears a bit; NEEDS_RESET is the
	 * device's, and 0x10 and 0x20 mean nothing.
	 */
	new = old | (status & VIRTIO_STATUS_DRIVER_BITS);
	if ((new & ~old & VIRTIO_STATUS_FEATURES_OK) && !virtio_features_ok(vd))
		new &= ~VIRTIO_STATUS_FEATURES_OK;
	if ((new & ~old & VIRTIO_STATUS_DRIVER_OK) && !vd->legacy &&
	    !(new & VIRTIO_STATUS_FEATURES_OK))
		new &= ~VIRTIO_STATUS_DRIVER_OK;
	virtio_set_status_bits(vd, new);
	pthread_mutex_unlock(&vd->lock);
	if (new & ~old & VIRTIO_STATUS_DRIVER_OK)
		virtio_wake_all(vd);
}

/* ---- interrupt and config space ---- */

static void virtio_changed(struct virtio_dev *vd, unsigned int what)
{
	if (vd->changed)
		vd->changed(vd, what);
}

/*
 * The driver's InterruptACKs of the queue bit that KVM took without an
 * exit (ack_fd, bound by the transport), applied late but always
 * before the next interrupt sets the bit again, so an old ACK never
 * clears a newer one. Until then InterruptStatus still shows the bit:
 * at worst the driver looks at its queues once more for nothing. An
 * ACK that lands after this look, clearing the bit about to be set
 * below, is for a status read that came before: the driver looks at
 * its used rings after that ACK, and sees what was pushed before this
 * look (the fence, against the full barrier KVM makes before it
 * re-enters the guest). So no used buffer goes unseen.
 */
static void virtio_take_acks(struct virtio_dev *vd)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (vd->ack_fd >= 0 && virtio_eventfd_drain(vd->ack_fd))
		virtio_dev_isr_ack(vd, VIRTIO_ISR_QUEUE);
}

static void virtio_interrupt(struct virtio_dev *vd, unsigned int bits,
			     unsigned int q)
{
	int ret;

	/*
	 * Only the queue bit's ACKs go late, and only the I/O thread sets
	 * that bit (a vCPU thread's read would break its sandbox).
	 */
	if (bits & VIRTIO_ISR_QUEUE)
		virtio_take_acks(vd);
	atomic_fetch_or(&vd->isr, bits);
	/* A config interrupt may tell of NEEDS_RESET: the status too. */
	virtio_changed(vd, VIRTIO_CHANGED_ISR | (bits & VIRTIO_ISR_CONFIG ?
						 VIRTIO_CHANGED_STATUS : 0));
	if (vd->interrupt) {
		atomic_fetch_add_explicit(&vd->irqs, 1, memory_order_relaxed);
		vd->interrupt(vd, q);
		return;
	}
	if (!vd->irq.ops && vd->irq.irqfd < 0)
		return;
	atomic_fetch_add_explicit(&vd->irqs, 1, memory_order_relaxed);
	ret = irq_line_trigger(&vd->irq);
	if (ret)
		pr_debug(vd->loglevel, "%s: interrupt: %s", vd->name,
			 strerror(-ret));
}

void virtio_dev_isr_ack(struct virtio_dev *vd, uint32_t bits)
{
	atomic_fetch_and(&vd->isr, ~(bits & ~atomic_load(&vd->isr_keep)));
}

int virtio_dev_direct_irqfd(struct virtio_dev *vd)
{
	if (vd->irq.irqfd < 0 || vd->interrupt)
		return -1;
	atomic_fetch_or(&vd->isr_keep, VIRTIO_ISR_QUEUE);
	atomic_fetch_or(&vd->isr, VIRTIO_ISR_QUEUE);
	virtio_changed(vd, VIRTIO_CHANGED_ISR);
	return vd->irq.irqfd;
}

void virtio_dev_signal(struct virtio_dev *vd, unsigned int q)
{
	if (q >= vd->nr_queues || !virtq_should_notify(&vd->vqs[q]))
		return;
	virtio_interrupt(vd, VIRTIO_ISR_QUEUE, q);
}

void virtio_queue_serve(struct virtio_dev *vd, unsigned int q, struct virtq_elem *e,
		      uint32_t (*serve)(struct virtio_dev *vd, struct virtq_elem *e))
{
	struct virtq *vq = &vd->vqs[q];
	int ret;

	do {
		virtq_notify_enable(vq, false);
		while ((ret = virtq_pop(vq, e)) > 0) {
			virtq_push(vq, e, serve(vd, e));
			virtio_dev_signal(vd, q);
		}
		if (ret < 0) {
			virtio_dev_broken(vd, q);
			return;
		}
	} while (virtq_notify_enable(vq, true));
}

void virtio_queue_interrupt(struct virtio_dev *vd, unsigned int q)
{
	virtio_interrupt(vd, VIRTIO_ISR_QUEUE, q);
}

void virtio_dev_config_changed(struct virtio_dev *vd)
{
	__atomic_add_fetch(&vd->config_gen, 1, __ATOMIC_RELEASE);
	virtio_changed(vd, VIRTIO_CHANGED_CONFIG);
	if (virtio_dev_running(vd))
		virtio_interrupt(vd, VIRTIO_ISR_CONFIG, VIRTIO_NO_QUEUE);
}

/* An access wholly inside the model's config space, 1 to 8 bytes. */
static bool virtio_config_range(const struct virtio_dev *vd, uint32_t off,
				uint32_t len)
{
	return len && len <= 8 && off <= vd->config_size &&
	       len <= vd->config_size - off;
}

/*
 * Bytes past the config space read as zero, whatever the access's width:
 * the same answer as a copy of the registers in memory gives
 * (devices/mmio.h), which holds the config space and zeros after it.
 */
void virtio_dev_config_read(struct virtio_dev *vd, uint32_t off, void *buf,
			    uint32_t len)
{
	memset(buf, 0, len);
	if (!len || len > 8 || off >= vd->config_size || !vd->ops->config_read)
		return;
	if (len > vd->config_size - off)
		len = vd->config_size - off;
	vd->ops->config_read(vd, off, buf, len);
}

void virtio_dev_config_write(struct virtio_dev *vd, uint32_t off,
			     const void *buf, uint32_t len)
{
	if (virtio_config_range(vd, off, len) && vd->ops->config_write)
		vd->ops->config_write(vd, off, buf, len);
}

/* ---- queues ---- */

/* lock held. True when the driver is to be told (a config interrupt). */
static bool virtio_mark_broken(struct virtio_dev *vd, unsigned int q)
{
	const char *why = vd->vqs[q].error ?: "malformed ring";

	if (vd->status & VIRTIO_STATUS_NEEDS_RESET)
		return false;
	pr_debug(vd->loglevel, "%s: queue %u: %s; the device needs a reset",
		 vd->name, q, why);
	virtio_set_status_bits(vd, vd->status | VIRTIO_STATUS_NEEDS_RESET);
	return true;
}

void virtio_dev_broken(struct virtio_dev *vd, unsigned int q)
{
	bool tell;

	if (q >= vd->nr_queues)
		return;
	pthread_mutex_lock(&vd->lock);
	tell = virtio_mark_broken(vd, q);
	pthread_mutex_unlock(&vd->lock);
	/* 2.1.2: NEEDS_RESET comes with a configuration change notification. */
	if (tell)
		virtio_interrupt(vd, VIRTIO_ISR_CONFIG, VIRTIO_NO_QUEUE);
}

void virtio_dev_queue_set_num(struct virtio_dev *vd, unsigned int q,
			      uint32_t num)
{
	struct virtq *vq;

	if (q >= vd->nr_queues)
		return;
	vq = &vd->vqs[q];
	pthread_mutex_lock(&vd->lock);
	if (!vq->ready && !(vd->status & VIRTIO_STATUS_DRIVER_OK))
		vq->num = num <= VIRTQ_MAX_SIZE ? num : 0;
	pthread_mutex_unlock(&vd->lock);
}

void virtio_dev_queue_set_addr(struct virtio_dev *vd, unsigned int q,
			       enum virtq_area area, uint64_t gpa,
			       uint64_t mask)
{
	struct virtq *vq;
	uint64_t *field;

	if (q >= vd->nr_queues)
		return;
	vq = &vd->vqs[q];
	switch (area) {
	case VIRTQ_AREA_DESC:	field = &vq->desc_gpa; break;
	case VIRTQ_AREA_DRIVER:	field = &vq->avail_gpa; break;
	case VIRTQ_AREA_DEVICE:	field = &vq->used_gpa; break;
	default:		return;
	}
	pthread_mutex_lock(&vd->lock);
	if (!vq->ready)
		*field = (*field & ~mask) | (gpa & mask);
	pthread_mutex_unlock(&vd->lock);
}

void virtio_dev_queue_ready(struct virtio_dev *vd, unsigned int q, bool ready)
{
	struct virtq *vq;
	bool tell = false;

	if (q >= vd->nr_queues)
		return;
	vq = &vd->vqs[q];
	pthread_mutex_lock(&vd->io_lock);
	pthread_mutex_lock(&vd->lock);
	if (ready && !vq->ready) {
		vq->ready = true;
		vq->indirect = virtio_dev_has_feature(vd, VIRTIO_F_INDIRECT_DESC);
		vq->event_idx = virtio_dev_has_feature(vd, VIRTIO_F_EVENT_IDX);
		if (virtq_start(vq, vd->mem))
			tell = virtio_mark_broken(vd, q);
	} else if (!ready && vq->ready) {
		virtq_stop(vq);
	}
	pthread_mutex_unlock(&vd->lock);
	pthread_mutex_unlock(&vd->io_lock);
	if (tell)
		virtio_interrupt(vd, VIRTIO_ISR_CONFIG, VIRTIO_NO_QUEUE);
}

void virtio_dev_queue_notify(struct virtio_dev *vd, unsigned int q)
{
	if (q < vd->nr_queues && virtio_dev_running(vd))
		virtio_eventfd_signal(vd->queue_fd[q]);
}

void virtio_dev_kick(struct virtio_dev *vd)
{
	virtio_eventfd_signal(vd->kick_fd);
}
