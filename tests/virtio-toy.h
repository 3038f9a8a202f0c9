/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_VIRTIO_TOY_H
#define LKVM_TESTS_VIRTIO_TOY_H

/*
 * What the virtio core and transport tests run against: a toy device
 * model that echoes each request's readable bytes into its writable
 * ones (and can be held inside queue_notify, to reset it while busy),
 * a recording interrupt line, and a machine that hands out windows,
 * SPIs, ioeventfds and irqfds and records what it was asked.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/virtio.h"
#include "tests/virtio-guest.h"

/* virtio-mmio register offsets, as Linux's uapi/linux/virtio_mmio.h. */
enum {
	R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008,
	R_VENDOR_ID = 0x00c, R_DEV_FEATURES = 0x010, R_DEV_FEATURES_SEL = 0x014,
	R_DRV_FEATURES = 0x020, R_DRV_FEATURES_SEL = 0x024,
	R_GUEST_PAGE_SIZE = 0x028, R_QUEUE_SEL = 0x030, R_QUEUE_NUM_MAX = 0x034,
	R_QUEUE_NUM = 0x038, R_QUEUE_ALIGN = 0x03c, R_QUEUE_PFN = 0x040,
	R_QUEUE_READY = 0x044, R_QUEUE_NOTIFY = 0x050,
	R_INTERRUPT_STATUS = 0x060, R_INTERRUPT_ACK = 0x064, R_STATUS = 0x070,
	R_QUEUE_DESC_LOW = 0x080, R_QUEUE_DESC_HIGH = 0x084,
	R_QUEUE_AVAIL_LOW = 0x090, R_QUEUE_AVAIL_HIGH = 0x094,
	R_QUEUE_USED_LOW = 0x0a0, R_QUEUE_USED_HIGH = 0x0a4,
	R_SHM_SEL = 0x0ac, R_SHM_LEN_LOW = 0x0b0, R_SHM_LEN_HIGH = 0x0b4,
	R_CONFIG_GENERATION = 0x0fc, R_CONFIG = 0x100,
};

#define TOY_DEVICE_ID		0x2a
#define TOY_FEATURE		3	/* a device feature bit it offers */
#define TOY_FEATURE_HIGH	50	/* one above 31 (dropped for legacy) */
#define TOY_CONFIG_SIZE		24

struct toy {
	struct virtio_dev vd;
	uint8_t config[TOY_CONFIG_SIZE];
	pthread_mutex_t lock;	/* config, and the fields below */
	pthread_cond_t cond;
	bool hold;		/* queue_notify waits while set */
	bool in_notify;
	unsigned int seq;	/* events in order, to check who ran first */
	unsigned int notify_done_seq, reset_seq;
	atomic_int notifies, kicks, resets, destroyed, served, errors;
};

int toy_init(struct toy *t, unsigned int nr_queues);
void toy_hold(struct toy *t, bool hold);
/* Waits (up to 5 s) until queue_notify runs; false on time-out. */
bool toy_wait_in_notify(struct toy *t);

struct rec_irq {
	atomic_int edges;	/* rising edges through set() */
	atomic_int sets;
	int irqfd_ret;		/* what the irqfd op returns */
	int irqfd_fd;		/* the fd bound, or -1 */
};

extern const struct irq_line_ops rec_irq_ops;

/* A machine of one virtio-mmio window at a time. */
struct fake_host {
	struct device_ctx ctx;
	struct guest_mem mem;
	struct rec_irq irq;
	struct mmio_region *mapped;
	int map_ret;
	int alloc_ret;
	/* ioeventfds: the result for queue fail_q (-1: all), and how many are on. */
	int ioeventfd_ret;
	int ioeventfd_fail_q;
	int ioeventfds_on;
	bool ioeventfd_seen_bad;	/* an address, length or match not as expected */
	/* InterruptACK's ioeventfd: KVM writes ack_fd for ack_match, no exit. */
	int acks_on;
	int ack_fd;
	uint64_t ack_match;
	/*
	 * With copy_on, a guest's reads come from a copy of the registers
	 * kept through the region's mirror, as machine/reg-mirror.c keeps
	 * it; mmio_rd() also reads the register model and counts where
	 * the two differ.
	 */
	bool copy_on;
	uint8_t copy[VIRTIO_MMIO_SIZE];
	struct mmio_mirror copy_hook;
	unsigned int copy_mismatches;
	int enter_ret;
	atomic_int entered;
	char role[16];
	unsigned int enter_id;
	atomic_int failed;
};

int fake_host_init(struct fake_host *h, bool with_ioeventfd);
/* Serve the window's reads from h->copy from now on (see copy_on). */
void fake_host_copy(struct fake_host *h, struct virtio_mmio *vm);
void fake_host_free(struct fake_host *h);

/* 32-bit register accesses, as a driver makes them; -EINVAL etc. as returned. */
uint32_t mmio_rd(struct virtio_mmio *vm, uint64_t off);
void mmio_wr(struct virtio_mmio *vm, uint64_t off, uint32_t val);
int mmio_raw(struct virtio_mmio *vm, uint64_t off, uint32_t len, bool write,
	     uint64_t *data);

#endif
