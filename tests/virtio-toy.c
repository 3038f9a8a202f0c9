// SPDX-License-Identifier: GPL-2.0
/* The toy device model, recording interrupt line and fake machine. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tests/virtio-toy.h"
#include "lib/snapshot.h"

#define FAKE_WINDOW	0x03000000ULL
#define FAKE_SPI	16

/* ---- the toy model ---- */

static struct toy *toy_of(struct virtio_dev *vd)
{
	return vd->priv;
}

/* Gathers the readable bytes, scatters them into the writable ones. */
static uint32_t toy_echo(const struct virtq_elem *e)
{
	uint8_t buf[4096];
	uint64_t n = 0, done = 0;
	unsigned int i;

	for (i = 0; i < e->nr_out && n < sizeof(buf); i++) {
		size_t len = e->iov[i].iov_len;

		if (len > sizeof(buf) - n)
			len = sizeof(buf) - n;
		memcpy(buf + n, e->iov[i].iov_base, len);
		n += len;
	}
	for (i = e->nr_out; i < e->nr_out + e->nr_in && done < n; i++) {
		size_t len = e->iov[i].iov_len;

		if (len > n - done)
			len = n - done;
		memcpy(e->iov[i].iov_base, buf + done, len);
		done += len;
	}
	return done;
}

static void toy_queue_notify(struct virtio_dev *vd, unsigned int q)
{
	struct toy *t = toy_of(vd);
	struct virtq_elem e;
	int ret;

	pthread_mutex_lock(&t->lock);
	t->in_notify = true;
	pthread_cond_broadcast(&t->cond);
	while (t->hold)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);

	while ((ret = virtq_pop(&vd->vqs[q], &e)) == 1) {
		virtq_push(&vd->vqs[q], &e, toy_echo(&e));
		atomic_fetch_add(&t->served, 1);
	}
	if (ret < 0) {
		atomic_fetch_add(&t->errors, 1);
		virtio_dev_broken(vd, q);
	}
	virtio_dev_signal(vd, q);
	atomic_fetch_add(&t->notifies, 1);

	pthread_mutex_lock(&t->lock);
	t->in_notify = false;
	t->notify_done_seq = ++t->seq;
	pthread_mutex_unlock(&t->lock);
}

static void toy_kick(struct virtio_dev *vd)
{
	atomic_fetch_add(&toy_of(vd)->kicks, 1);
}

static void toy_reset(struct virtio_dev *vd)
{
	struct toy *t = toy_of(vd);

	pthread_mutex_lock(&t->lock);
	t->reset_seq = ++t->seq;
	pthread_mutex_unlock(&t->lock);
	atomic_fetch_add(&t->resets, 1);
}

static void toy_config_read(struct virtio_dev *vd, uint32_t off, void *buf,
			    uint32_t len)
{
	struct toy *t = toy_of(vd);

	pthread_mutex_lock(&t->lock);
	memcpy(buf, t->config + off, len);
	pthread_mutex_unlock(&t->lock);
}

static void toy_config_write(struct virtio_dev *vd, uint32_t off,
			     const void *buf, uint32_t len)
{
	struct toy *t = toy_of(vd);

	pthread_mutex_lock(&t->lock);
	memcpy(t->config + off, buf, len);
	pthread_mutex_unlock(&t->lock);
}

static void toy_destroy(struct virtio_dev *vd)
{
	struct toy *t = toy_of(vd);

	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	atomic_fetch_add(&t->destroyed, 1);
}

/* Snapshots: the toy's state is its config space. */
static int toy_save(struct virtio_dev *vd, struct snapshot *s)
{
	struct toy *t = toy_of(vd);

	pthread_mutex_lock(&t->lock);
	snapshot_put(s, t->config, sizeof(t->config));
	pthread_mutex_unlock(&t->lock);
	return snapshot_error(s);
}

static int toy_restore(struct virtio_dev *vd, struct snapshot *s)
{
	struct toy *t = toy_of(vd);

	pthread_mutex_lock(&t->lock);
	snapshot_get(s, t->config, sizeof(t->config));
	pthread_mutex_unlock(&t->lock);
	return snapshot_error(s);
}

static const struct virtio_dev_ops toy_ops = {
	.config_read = toy_config_read,
	.config_write = toy_config_write,
	.queue_notify = toy_queue_notify,
	.kick = toy_kick,
	.reset = toy_reset,
	.destroy = toy_destroy,
	.save = toy_save,
	.restore = toy_restore,
};

int toy_init(struct toy *t, unsigned int nr_queues)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	for (i = 0; i < TOY_CONFIG_SIZE; i++)
		t->config[i] = 0x10 + i;
	t->vd.ops = &toy_ops;
	t->vd.name = "virtio-toy";
	t->vd.priv = t;
	t->vd.device_id = TOY_DEVICE_ID;
	t->vd.host_features = (1ULL << TOY_FEATURE) | (1ULL << TOY_FEATURE_HIGH);
	t->vd.config_size = TOY_CONFIG_SIZE;
	t->vd.nr_queues = nr_queues;
	t->vd.index = 7;
	t->vd.loglevel = -1;	/* quiet: guest mistakes are expected here */
	return virtio_dev_init(&t->vd);
}

void toy_hold(struct toy *t, bool hold)
{
	pthread_mutex_lock(&t->lock);
	t->hold = hold;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

bool toy_wait_in_notify(struct toy *t)
{
	struct timespec ts;
	bool in;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	pthread_mutex_lock(&t->lock);
	while (!t->in_notify)
		if (pthread_cond_timedwait(&t->cond, &t->lock, &ts))
			break;
	in = t->in_notify;
	pthread_mutex_unlock(&t->lock);
	return in;
}

/* ---- the interrupt line ---- */

static int rec_set(void *chip, unsigned int spi, bool level)
{
	struct rec_irq *r = chip;

	atomic_fetch_add(&r->sets, 1);
	if (level)
		atomic_fetch_add(&r->edges, 1);
	return 0;
}

static int rec_irqfd(void *chip, unsigned int spi, int fd)
{
	struct rec_irq *r = chip;

	if (r->irqfd_ret)
		return r->irqfd_ret;
	r->irqfd_fd = fd;
	return 0;
}

const struct irq_line_ops rec_irq_ops = { .set = rec_set, .irqfd = rec_irqfd };

/* ---- the machine ---- */

static int fake_alloc_irq(void *opaque, struct irq_line *line)
{
	struct fake_host *h = opaque;

	*line = (struct irq_line) {
		.ops = &rec_irq_ops, .chip = &h->irq, .spi = FAKE_SPI, .irqfd = 0,
	};
	return h->alloc_ret;
}

static int fake_alloc_mmio(void *opaque, enum device_area area, uint64_t size,
			   uint64_t *base)
{
	struct fake_host *h = opaque;

	if (area != DEVICE_AREA_VIRTIO_MMIO || size != VIRTIO_MMIO_SIZE)
		return -EINVAL;
	*base = FAKE_WINDOW;
	return h->alloc_ret;
}

static int fake_map_mmio(void *opaque, struct mmio_region *region)
{
	struct fake_host *h = opaque;

	if (h->map_ret)
		return h->map_ret;
	h->mapped = region;
	return 0;
}

static struct fake_host *host_of(void *host)
{
	return host;
}

static int fake_thread_enter(void *host, const char *role, unsigned int id)
{
	struct fake_host *h = host_of(host);

	snprintf(h->role, sizeof(h->role), "%s", role);
	h->enter_id = id;
	atomic_fetch_add(&h->entered, 1);
	return h->enter_ret;
}

static void fake_fail(void *host)
{
	atomic_fetch_add(&host_of(host)->failed, 1);
}

static int fake_ioeventfd(void *host, uint64_t addr, uint32_t len, bool match,
			  uint64_t datamatch, int fd, bool on)
{
	struct fake_host *h = host_of(host);

	if (addr == FAKE_WINDOW + R_INTERRUPT_ACK) {
		if (len != 4 || !match || datamatch != VIRTIO_ISR_QUEUE || fd < 0)
			h->ioeventfd_seen_bad = true;
		h->acks_on += on ? 1 : -1;
		h->ack_fd = on ? fd : -1;
		h->ack_match = datamatch;
		return 0;
	}
	if (addr != FAKE_WINDOW + R_QUEUE_NOTIFY || len != 4 || !match ||
	    datamatch >= VIRTIO_MAX_QUEUES || fd < 0)
		h->ioeventfd_seen_bad = true;
	if (on && h->ioeventfd_ret &&
	    (h->ioeventfd_fail_q < 0 || (int)datamatch == h->ioeventfd_fail_q))
		return h->ioeventfd_ret;
	h->ioeventfds_on += on ? 1 : -1;
	return 0;
}

static const struct device_host_ops fake_host_ops = {
	.thread_enter = fake_thread_enter,
	.fail = fake_fail,
	.ioeventfd = fake_ioeventfd,
};

static const struct device_host_ops fake_host_ops_plain = {
	.thread_enter = fake_thread_enter,
	.fail = fake_fail,
};

int fake_host_init(struct fake_host *h, bool with_ioeventfd)
{
	memset(h, 0, sizeof(*h));
	if (guest_ram_init(&h->mem, 0x100000))
		return -ENOMEM;
	h->irq.irqfd_fd = -1;
	h->ioeventfd_fail_q = -1;
	h->ack_fd = -1;
	h->ctx = (struct device_ctx) {
		.host_ops = with_ioeventfd ? &fake_host_ops : &fake_host_ops_plain,
		.host = h, .mem = &h->mem, .loglevel = -1,
		.alloc_irq = fake_alloc_irq, .alloc_mmio = fake_alloc_mmio,
		.map_mmio = fake_map_mmio, .opaque = h, .gic_phandle = 1,
	};
	return 0;
}

void fake_host_free(struct fake_host *h)
{
	guest_ram_free(&h->mem);
}

/* ---- register accesses ---- */

static void fake_copy_update(void *opaque, struct mmio_region *r,
			     uint64_t off, uint64_t len)
{
	struct fake_host *h = opaque;

	if (off <= sizeof(h->copy) && len <= sizeof(h->copy) - off)
		r->render(r, off, len, h->copy + off);
}

void fake_host_copy(struct fake_host *h, struct virtio_mmio *vm)
{
	h->copy_hook = (struct mmio_mirror) {
		.update = fake_copy_update, .opaque = h,
	};
	vm->region.mirror = &h->copy_hook;
	fake_copy_update(h, &vm->region, 0, VIRTIO_MMIO_SIZE);
	h->copy_on = true;
}

/* What KVM does with a write that an ioeventfd matches: no exit. */
static bool fake_kvm_takes(struct fake_host *h, uint64_t off, uint32_t len,
			   uint64_t data)
{
	uint64_t one = 1;

	if (h->ack_fd < 0 || off != R_INTERRUPT_ACK || len != 4 ||
	    data != h->ack_match)
		return false;
	return write(h->ack_fd, &one, 8) == 8;
}

int mmio_raw(struct virtio_mmio *vm, uint64_t off, uint32_t len, bool write,
	     uint64_t *data)
{
	struct mmio_access acc = {
		.offset = off, .len = len, .is_write = write, .data = *data, .cpu = 0,
	};
	struct fake_host *h = vm->vd->host;
	int ret;

	if (write && h && fake_kvm_takes(h, off, len, *data))
		return 0;
	ret = virtio_mmio_access(&vm->region, &acc);
	/* As the bus does after a write: the copy follows before the vCPU goes on. */
	if (write)
		mmio_region_changed(&vm->region, 0, vm->region.size);
	*data = acc.data;
	return ret;
}

uint32_t mmio_rd(struct virtio_mmio *vm, uint64_t off)
{
	struct fake_host *h = vm->vd->host;
	uint64_t data = 0xdeadbeef;
	uint32_t copied;

	mmio_raw(vm, off, 4, false, &data);
	if (!h || !h->copy_on || off > sizeof(h->copy) - 4)
		return data;
	memcpy(&copied, h->copy + off, 4);
	copied = le32toh(copied);
	h->copy_mismatches += copied != (uint32_t)data;
	return copied;
}

void mmio_wr(struct virtio_mmio *vm, uint64_t off, uint32_t val)
{
	uint64_t data = val;

	mmio_raw(vm, off, 4, true, &data);
}
