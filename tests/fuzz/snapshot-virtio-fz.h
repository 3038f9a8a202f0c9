/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_FUZZ_SNAPSHOT_VIRTIO_FZ_H
#define LKVM_TESTS_FUZZ_SNAPSHOT_VIRTIO_FZ_H

#include <stdint.h>

#include "devices/irq-line.h"
#include "devices/virtio/virtio.h"
#include "lib/snapshot.h"

/* A device's interrupt line that goes nowhere. */
int fuzz_snapshot_alloc_irq(void *opaque, struct irq_line *line);

/* vd restored from sec through virtio-mmio over fresh RAM, then destroyed. */
void fuzz_snapshot_mmio_restore(struct virtio_dev *vd, const uint8_t *state,
				const struct snapshot_section *sec,
				void (*accepted)(struct virtio_dev *vd));
/* fuzz-snapshot: one section decoded as a virtio-mmio, a virtio-pci device's. */
void fuzz_snapshot_virtio_mmio(const uint8_t *state, const struct snapshot_section *sec);
void fuzz_snapshot_virtio_pci(const uint8_t *state, const struct snapshot_section *sec);
/* The same section as a virtio-mmio virtio-net card's, the model's part last. */
void fuzz_snapshot_virtio_net(const uint8_t *state, const struct snapshot_section *sec);
/* As a virtio-mmio virtio-vsock device's: its rings' bases for vhost last. */
void fuzz_snapshot_virtio_vsock(const uint8_t *state, const struct snapshot_section *sec);
/* As a virtio-mmio virtio-9p device's on a scratch share (snapshot-9p-fz.c). */
void fuzz_snapshot_virtio_9p(const uint8_t *state, const struct snapshot_section *sec);

#endif
