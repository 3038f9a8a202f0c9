/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_VIRTIO_VIRTIO_H
#define LKVM_DEVICES_VIRTIO_VIRTIO_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/irq-line.h"
#include "devices/virtio/virtqueue.h"

/*
 * A virtio device independent of its transport (virtio-mmio today,
 * virtio-pci later): status, features, queues, config space, the
 * interrupt, and one I/O thread that serves the queues. A transport
 * turns the driver's register accesses into the virtio_dev_* calls
 * below; a device model (virtio-blk, -rng, -console) fills in
 * virtio_dev_ops and serves its queues on the I/O thread.
 *
 * Locking: lock guards the driver's state; io_lock is held by the I/O
 * thread while it serves, and by whatever must not overlap with that
 * (reset, a queue made ready or taken away). The order is io_lock,
 * then lock. Transports call the virtio_dev_* functions below without
 * holding either; each takes what it needs. InterruptStatus and
 * InterruptACK touch only the atomic isr, so they never wait for I/O.
 */

/* Device status (virtio 1.x, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Feature bits the core handles (virtio 1.x, 6). */
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32

/* Interrupt status bits. */
#define VIRTIO_ISR_QUEUE		0x1
#define VIRTIO_ISR_CONFIG		0x2

#define VIRTIO_MAX_QUEUES		8
#define VIRTIO_NO_QUEUE			0xffffffffu	/* a config interrupt */

/* Device IDs (virtio 1.x, 5). */
#define VIRTIO_ID_NET			1
#define VIRTIO_ID_BLOCK			2
#define VIRTIO_ID_CONSOLE		3
#define VIRTIO_ID_RNG			4
#define VIRTIO_ID_VSOCK			19
#define VIRTIO_ID_9P			9

struct virtio_dev;

/* What changed other than by a register write (virtio_dev.changed). */
#define VIRTIO_CHANGED_ISR		0x1	/* InterruptStatus */
#define VIRTIO_CHANGED_STATUS		0x2	/* device status (NEEDS_RESET) */
#define VIRTIO_CHANGED_CONFIG		0x4	/* config space and generation */

struct virtio_dev_ops {
	/*
	 * Config space, bounds already checked by the core against
	 * config_size. Any width 1..8 at any offset. Reads may come from
	 * any vCPU while the I/O thread runs. config_write is optional
	 * (writes to a device without one are ignored).
	 */
	void (*config_read)(struct virtio_dev *vd, uint32_t off, void *buf,
			    uint32_t len);
	void (*config_write)(struct virtio_dev *vd, uint32_t off,
			     const void *buf, uint32_t len);
	/*
	 * On the I/O thread: queue q has new buffers (or may have). A
	 * round takes at most num chains a queue (virtq_batch_start()):
	 * past that virtq_pop() returns 0 and the core calls this again
	 * in the next round, so the model simply drains until 0.
	 */
	void (*queue_notify)(struct virtio_dev *vd, unsigned int q);
	/*
	 * On the I/O thread: virtio_dev_kick() was called (input arrived,
	 * the host console has room). Optional. It shares the round's
	 * budget: a queue found empty for lack of it gets its
	 * queue_notify in the next round, which must then do the work.
	 */
	void (*kick)(struct virtio_dev *vd);
	/*
	 * The device was reset (status 0 written): forget what the driver
	 * set up. The core calls it with the I/O thread quiesced: no
	 * queue_notify or kick runs at the same time. Optional.
	 */
	void (*reset)(struct virtio_dev *vd);
	/* Free the model's state, after the I/O thread ended. Optional. */
	void (*destroy)(struct virtio_dev *vd);
	/*
	 * Snapshots (devices/virtio/virtio-snap.c): the model's own state
	 * after the core's, with the I/O thread held off (io_lock) so
	 * that every chain it popped was pushed. restore reads it back
	 * into the model set-up made, after the core's state and before
	 * the I/O thread starts; it checks what it reads. A model
	 * without save cannot be snapshotted (the VM is refused, the
	 * device named). 0 or -errno.
	 */
	int (*save)(struct virtio_dev *vd, struct snapshot *s);
	int (*restore)(struct virtio_dev *vd, struct snapshot *s);
	/*
	 * A snapshot begins (the I/O thread already held off): a model
	 * with a data path outside it (vhost) stops that too. done: the
	 * file is written and the VM runs on: undo what begin and save
	 * held. Optional.
	 */
	void (*snapshot_begin)(struct virtio_dev *vd);
	void (*snapshot_done)(struct virtio_dev *vd);
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	const char *name;		/* "virtio-blk vda", for messages */
	void *priv;			/* the model's state */
	uint32_t device_id;
	uint64_t host_features;		/* the model's bits; the core adds its own */
	uint32_t config_size;
	unsigned int nr_queues;		/* <= VIRTIO_MAX_QUEUES */
	bool legacy;			/* virtio 0.9 (mmio version 1, pci-legacy) */
	unsigned int index;		/* numbers its I/O thread (thread_enter) */
	const char *role;		/* its sandbox role; NULL: "virtio" */

	/* Set by the transport when it is created. */
	const struct guest_mem *mem;
	struct irq_line irq;
	const struct device_host_ops *host_ops;
	void *host;
	int loglevel;
	/*
	 * Optional: told, on whatever thread made it and before the
	 * interrupt that tells of it, of a change the driver did not
	 * write (a transport serving reads from a copy keeps it true).
	 */
	void (*changed)(struct virtio_dev *vd, unsigned int what);
	/*
	 * Optional: the transport raises the interrupt itself, after the
	 * core set the ISR bits, on the thread that set them; q is the
	 * queue, or VIRTIO_NO_QUEUE for a config change (virtio-pci: INTx,
	 * a level line the ISR read lowers; MSI-X later, a message per
	 * vector). Without it the core sends an edge on irq.
	 */
	void (*interrupt)(struct virtio_dev *vd, unsigned int q);
	void *transport;

	/* The driver's state: core and transport only. */
	pthread_mutex_t lock;		/* status, features, queue set-up */
	uint8_t status;
	uint64_t guest_features;
	atomic_uint isr;
	/*
	 * ISR bits no InterruptACK clears: the queue bit while a queue's
	 * interrupt comes straight from the host kernel (vhost's call as
	 * KVM's irqfd, virtio_dev_direct_irqfd()); 0 after a reset.
	 */
	atomic_uint isr_keep;
	/* For lkvm stat: read by any thread, relaxed. */
	atomic_ulong exits;		/* register accesses that exited */
	atomic_ulong irqs;		/* interrupts sent */
	uint32_t config_gen;
	struct virtq vqs[VIRTIO_MAX_QUEUES];

	/*
	 * Queues the host kernel serves (vhost, devices/virtio/vhost.h),
	 * set by the model before the I/O thread starts: the thread never
	 * serves them nor reads their queue_fd (vhost's kick), but waits
	 * on call_fd[q] (vhost's call) and interrupts the driver for q.
	 */
	uint32_t vhost_queues;
	int call_fd[VIRTIO_MAX_QUEUES];

	/* The I/O thread: core only. */
	int queue_fd[VIRTIO_MAX_QUEUES];	/* eventfds; KVM's ioeventfds */
	int kick_fd;			/* virtio_dev_kick(), stop */
	/*
	 * Written by KVM when the driver acknowledges the queue bit
	 * (InterruptACK of VIRTIO_ISR_QUEUE) where the transport bound it
	 * (an ioeventfd): no exit; taken before the next interrupt.
	 */
	int ack_fd;
	pthread_t thread;
	bool thread_started;
	atomic_bool stopping;
	pthread_mutex_t io_lock;	/* held by the I/O thread while it serves */
	bool snap_held;			/* io_lock held for a snapshot (its thread's) */
};

enum virtio_transport {
	VIRTIO_TRANSPORT_MMIO,		/* virtio-mmio version 2 */
	VIRTIO_TRANSPORT_MMIO_LEGACY,	/* virtio-mmio version 1 */
	VIRTIO_TRANSPORT_PCI,		/* virtio-pci, modern (virtio 1.x, 4.1) */
	VIRTIO_TRANSPORT_PCI_LEGACY,	/* virtio-pci's legacy interface (0.9.5) */
};

/*
 * Put vd (initialised with virtio_dev_init()) behind a transport: the
 * transport takes its window and interrupt through ctx and returns the
 * device the board lists. Its destroy ends with virtio_dev_destroy(),
 * which calls vd->ops->destroy: the model frees its own state there.
 */
int virtio_transport_create(struct virtio_dev *vd, const struct device_ctx *ctx,
			    enum virtio_transport t, struct device **dev);

/*
 * Set up the core's state and eventfds; the model has filled in
 * ops..nr_queues (and index). Returns 0, -EINVAL or -errno.
 */
int virtio_dev_init(struct virtio_dev *vd);
/*
 * Start and stop the I/O thread (device start/stop). The thread first
 * calls host_ops->thread_enter(host, "virtio", index) when there is
 * one; stop returns once it has ended. Both may be called again.
 */
int virtio_dev_start(struct virtio_dev *vd);
void virtio_dev_stop(struct virtio_dev *vd);
/* Stops the thread if needed, closes the eventfds, then ops->destroy. */
void virtio_dev_destroy(struct virtio_dev *vd);
/*
 * One round of the I/O thread, without waiting: serves the queues whose
 * eventfds were written, then the kick. The thread calls it when poll()
 * wakes it; unit tests and fuzzers call it instead of starting one.
 */
void virtio_dev_serve(struct virtio_dev *vd);

/* For transports, on the vCPU thread that took the access. */
/* Offered: the model's bits, INDIRECT_DESC, EVENT_IDX, VERSION_1 unless legacy. */
uint64_t virtio_dev_features(const struct virtio_dev *vd);
/*
 * The driver's features. Ignored once FEATURES_OK (or DRIVER_OK) is
 * set. Legacy devices keep only offered bits (there is no FEATURES_OK
 * to refuse with); others keep them all and refuse FEATURES_OK.
 */
void virtio_dev_set_features(struct virtio_dev *vd, uint64_t features);
/*
 * Status writes: 0 resets the device (waiting for the I/O thread).
 * Bits only accumulate until then; NEEDS_RESET and undefined bits
 * written by the driver are ignored. FEATURES_OK is not set when the
 * driver asked for bits that were not offered or, unless legacy,
 * without VERSION_1; DRIVER_OK is not set without FEATURES_OK unless
 * legacy. Setting DRIVER_OK wakes the I/O thread for every ready queue.
 */
void virtio_dev_set_status(struct virtio_dev *vd, uint8_t status);
uint8_t virtio_dev_status(const struct virtio_dev *vd);
/*
 * The queue's size and ring addresses, before it is made ready:
 * ignored while it is ready, and the size also once DRIVER_OK is set.
 * A size above VIRTQ_MAX_SIZE is kept as 0, which QueueReady refuses.
 * set_addr replaces the bits of mask (a 32-bit half, or all).
 */
enum virtq_area {
	VIRTQ_AREA_DESC,		/* QueueDesc */
	VIRTQ_AREA_DRIVER,		/* QueueDriver: avail */
	VIRTQ_AREA_DEVICE,		/* QueueDevice: used */
};
void virtio_dev_queue_set_num(struct virtio_dev *vd, unsigned int q,
			      uint32_t num);
void virtio_dev_queue_set_addr(struct virtio_dev *vd, unsigned int q,
			       enum virtq_area area, uint64_t gpa,
			       uint64_t mask);
/*
 * QueueReady written: 1 checks and maps the rings (bad ones set
 * DEVICE_NEEDS_RESET), 0 stops using them. Waits for the I/O thread.
 */
void virtio_dev_queue_ready(struct virtio_dev *vd, unsigned int q, bool ready);
/* QueueNotify written (when no ioeventfd took it): wakes the I/O thread. */
void virtio_dev_queue_notify(struct virtio_dev *vd, unsigned int q);
/* InterruptACK written. */
void virtio_dev_isr_ack(struct virtio_dev *vd, uint32_t bits);
/*
 * For a vhost queue whose interrupt the host kernel may raise itself:
 * the transport's irqfd (an in-kernel GIC's SPI on virtio-mmio), with
 * InterruptStatus's queue bit set from now until a reset (the call no
 * longer passes through lkvm to set it; a driver that finds it set
 * with nothing new looks at its queues for nothing). -1 where the
 * interrupt needs lkvm (lkvm's own GIC, virtio-pci's messages and
 * line): the call then goes to the I/O thread as before.
 */
int virtio_dev_direct_irqfd(struct virtio_dev *vd);
/* Config space, bounds-checked; bytes past it read as zero. */
void virtio_dev_config_read(struct virtio_dev *vd, uint32_t off, void *buf,
			    uint32_t len);
void virtio_dev_config_write(struct virtio_dev *vd, uint32_t off,
			     const void *buf, uint32_t len);

/* For device models. */
/*
 * After pushes on queue q, on the I/O thread: interrupt the driver if
 * it wants one (the ISR bit, then irq_line_trigger()).
 */
void virtio_dev_signal(struct virtio_dev *vd, unsigned int q);
/*
 * A queue_notify's usual body, on the I/O thread: every chain the
 * driver made available, popped into e, answered by serve() (the bytes
 * it wrote), pushed and signalled, until none comes while the driver's
 * notifications are off; a malformed chain breaks the queue.
 */
void virtio_queue_serve(struct virtio_dev *vd, unsigned int q, struct virtq_elem *e,
		      uint32_t (*serve)(struct virtio_dev *vd, struct virtq_elem *e));
/* The config space changed (capacity, console size). */
void virtio_dev_config_changed(struct virtio_dev *vd);
/*
 * Snapshots, for transports (devices/virtio/virtio-snap.c). The
 * transport holds the I/O thread off around its whole save with
 * virtio_dev_quiesce()/virtio_dev_resume(), writes its own state, then
 * calls virtio_dev_save() for the core's and the model's. A restore
 * (before the I/O thread starts) reads it all back and checks it
 * against the device set-up made: another device, queue count, offered
 * features, a ring outside RAM, an index past the queue, are -EINVAL.
 */
void virtio_dev_quiesce(struct virtio_dev *vd);
void virtio_dev_resume(struct virtio_dev *vd);
bool virtio_dev_can_save(const struct virtio_dev *vd);
int virtio_dev_save(struct virtio_dev *vd, struct snapshot *s);
int virtio_dev_restore(struct virtio_dev *vd, struct snapshot *s);
/*
 * A snapshot's bracket (struct device_ops): begin holds the I/O thread
 * off (io_lock; virtio_dev_quiesce()/resume() do nothing meanwhile) and
 * calls the model's begin; done lets go, after the model's done when
 * the VM runs on. From the thread that takes the snapshot.
 */
void virtio_dev_snapshot_begin(struct virtio_dev *vd);
void virtio_dev_snapshot_done(struct virtio_dev *vd, bool runs_on);

/* Wake the I/O thread to call ops->kick; any thread. */
void virtio_dev_kick(struct virtio_dev *vd);
/* A malformed ring: DEVICE_NEEDS_RESET, and a config interrupt. */
void virtio_dev_broken(struct virtio_dev *vd, unsigned int q);
/* True once the driver set DRIVER_OK and until a reset. */
bool virtio_dev_running(const struct virtio_dev *vd);

/* A negotiated feature bit; stable while the device is running. */
static inline bool virtio_dev_has_feature(const struct virtio_dev *vd,
					  unsigned int bit)
{
	return bit < 64 && (vd->guest_features >> bit) & 1;
}

#endif
