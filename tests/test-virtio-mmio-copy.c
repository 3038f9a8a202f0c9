// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio with its reads served from a copy of the registers (the
 * region's render() and mirror, as machine/reg-mirror.c keeps a
 * read-only page over the window) and InterruptACK taken by an
 * ioeventfd: what Linux's driver reads from the copy is what the
 * register model would have answered at every step, and a late ACK
 * never hides a used buffer.
 */
#include <string.h>
#include <unistd.h>

#include "tests/virtio-linux.h"

/* A fresh render of the whole window against the copy. */
static void check_copy_fresh(struct unit *u, struct rig *r)
{
	uint8_t fresh[VIRTIO_MMIO_SIZE];

	r->vm->region.render(&r->vm->region, 0, VIRTIO_MMIO_SIZE, fresh);
	CHECK(u, !memcmp(fresh, r->h.copy, sizeof(fresh)));
}

/* Every register and config word, read from the copy and from the model. */
static void check_all_words(struct unit *u, struct rig *r)
{
	uint64_t off;

	for (off = 0; off < VIRTIO_MMIO_SIZE; off += 4)
		mmio_rd(r->vm, off);
	CHECK_EQ(u, r->h.copy_mismatches, 0);
	check_copy_fresh(u, r);
}

/* Linux's whole life with the device, every read from the copy. */
static void test_copy_follows(struct unit *u, bool legacy)
{
	uint64_t want = F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_EVENT_IDX) |
			F(VIRTIO_F_INDIRECT_DESC) | F(TOY_FEATURE);
	struct rig r;

	CHECK_EQ(u, rig_up(&r, legacy, false), 0);
	memcpy(r.t.config, "0123456789abcdefghijklmn", TOY_CONFIG_SIZE);
	fake_host_copy(&r.h, r.vm);
	check_all_words(u, &r);
	linux_up(u, &r, want);
	check_all_words(u, &r);
	/* Each queue selected in turn: QueueNumMax, QueueReady, QueuePFN follow. */
	mmio_wr(r.vm, R_QUEUE_SEL, 1);
	check_all_words(u, &r);
	mmio_wr(r.vm, R_QUEUE_SEL, 7);
	check_all_words(u, &r);
	mmio_wr(r.vm, R_DEV_FEATURES_SEL, 1);
	check_all_words(u, &r);

	virtio_dev_serve(&r.t.vd);
	linux_send(&r, 0, "copy");
	virtio_dev_serve(&r.t.vd);
	check_echo(u, &r, 0, "copy");
	CHECK(u, rig_irqs(&r) >= 1);
	/* Raised on the I/O thread: the copy showed it before the interrupt. */
	CHECK_EQ(u, linux_irq(&r), VIRTIO_ISR_QUEUE);
	check_all_words(u, &r);

	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, linux_irq(&r), VIRTIO_ISR_CONFIG);
	check_all_words(u, &r);

	/* A broken ring: NEEDS_RESET reaches the copy with the interrupt. */
	virtio_dev_broken(&r.t.vd, 0);
	CHECK(u, mmio_rd(r.vm, R_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	check_all_words(u, &r);
	mmio_wr(r.vm, R_STATUS, 0);
	CHECK_EQ(u, mmio_rd(r.vm, R_STATUS), 0);
	check_all_words(u, &r);
	linux_up(u, &r, want);
	check_all_words(u, &r);
	rig_down(&r);
}

/*
 * The ACK of the queue bit goes to an ioeventfd and acts late: the bit
 * still shows until the next interrupt, which takes the ACK first.
 */
static void test_late_ack(struct unit *u)
{
	struct rig r;
	unsigned long exits;

	CHECK_EQ(u, rig_up(&r, false, true), 0);
	fake_host_copy(&r.h, r.vm);
	CHECK_EQ(u, r.h.acks_on, 1);
	linux_up(u, &r, F(VIRTIO_F_VERSION_1));
	virtio_dev_serve(&r.t.vd);
	rig_irqs(&r);

	linux_send(&r, 0, "one");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, rig_irqs(&r), 1);
	exits = atomic_load(&r.t.vd.exits);
	CHECK_EQ(u, linux_irq(&r), VIRTIO_ISR_QUEUE);
	/* The read and the ACK: neither reached the model (no exit). */
	CHECK_EQ(u, atomic_load(&r.t.vd.exits), exits + 1);	/* the read, in mmio_rd's check */
	CHECK_EQ(u, mmio_rd(r.vm, R_INTERRUPT_STATUS), VIRTIO_ISR_QUEUE);

	/* The next queue interrupt: the ACK first, then the new bit. */
	linux_send(&r, 0, "two");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, rig_irqs(&r), 1);
	check_echo(u, &r, 0, "two");
	CHECK_EQ(u, linux_irq(&r), VIRTIO_ISR_QUEUE);

	/*
	 * A config interrupt (raised on any thread) leaves the late ACK be:
	 * the queue bit still shows. The driver's ACK of both (3) is not
	 * the ioeventfd's: it exits and clears both at once.
	 */
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, mmio_rd(r.vm, R_INTERRUPT_STATUS),
		 VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
	exits = atomic_load(&r.t.vd.exits);
	CHECK_EQ(u, linux_irq(&r), VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
	CHECK_EQ(u, atomic_load(&r.t.vd.exits), exits + 2);
	CHECK_EQ(u, mmio_rd(r.vm, R_INTERRUPT_STATUS), 0);
	/* A config interrupt alone, acknowledged with 2: at once too. */
	virtio_dev_config_changed(&r.t.vd);
	CHECK_EQ(u, linux_irq(&r), VIRTIO_ISR_CONFIG);
	CHECK_EQ(u, mmio_rd(r.vm, R_INTERRUPT_STATUS), 0);
	CHECK_EQ(u, r.h.copy_mismatches, 0);

	/* A late ACK from before a reset clears nothing set after it. */
	linux_send(&r, 1, "three");
	virtio_dev_serve(&r.t.vd);
	linux_irq(&r);
	mmio_wr(r.vm, R_STATUS, 0);
	linux_up(u, &r, F(VIRTIO_F_VERSION_1));
	virtio_dev_serve(&r.t.vd);
	linux_send(&r, 0, "four");
	virtio_dev_serve(&r.t.vd);
	CHECK_EQ(u, mmio_rd(r.vm, R_INTERRUPT_STATUS), VIRTIO_ISR_QUEUE);
	check_echo(u, &r, 0, "four");
	check_all_words(u, &r);
	rig_down(&r);
}

int main(void)
{
	struct unit u = { 0 };

	test_copy_follows(&u, false);
	test_copy_follows(&u, true);
	test_late_ack(&u);
	return unit_done(&u, "virtio-mmio-copy");
}
