// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-hostile's sanity rounds: the well-behaved driver of
 * lib/virtio.c, on rings and buffers in the guest's own memory, checks
 * that each device still does its job after whatever was done to it:
 * a virtio-rng gives random bytes, a virtio-blk writes a sector and
 * reads it back, and each completion comes with its interrupt.
 */
#include "guest.h"
#include "virtio-hostile.h"

#define SAN_NUM		8
#define SAN_PRINT_MAX	20
/* Requests a device may leave unanswered before the rounds stop asking. */
#define SAN_GIVE_UP	3
#define VIRTIO_BLK_SECTOR	512

struct sanity san;
static u8 san_ring[3 * SZ_4K] __aligned(SZ_4K);
static u8 san_buf[4 * SZ_4K] __aligned(SZ_4K);

static void __printf(3, 4) san_say(struct hdev *h, u32 *bad, const char *fmt, ...)
{
	char msg[120];
	va_list ap;

	(*bad)++;
	if (san.printed++ >= SAN_PRINT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_info("sanity round %u, device %d (ID %u): %s", san.rounds, h->index,
		h->d.device_id, msg);
}

/* Publish head, notify, and wait for it to come back with an interrupt. */
static bool san_request(struct hdev *h, struct vring *r, u16 head,
			u64 timeout_us, u32 *bad, u32 *len)
{
	u64 deadline = timer_deadline_us(timeout_us);
	u32 before = h->irq_queue, id;

	vring_publish(r, head);
	virtio_notify(&h->d, 0);
	if (!vring_wait(r, deadline, &id, len)) {
		san_say(h, bad, "request %u not used within %lu ms", head,
			timeout_us / 1000);
		h->unanswered++;
		return false;
	}
	if (id != head) {
		san_say(h, bad, "used id %u, posted %u", id, head);
		return false;
	}
	if (!h->d.intid)
		return true;
	while (h->irq_queue == before && !timer_expired(deadline))
		cpu_relax();
	if (h->irq_queue == before)
		san_say(h, &san.irq_bad, "no interrupt with the used-buffer bit for request %u",
			head);
	else
		san.irq_ok++;
	return true;
}

static bool san_start(struct hdev *h, struct vring *r, u64 features, u32 *bad)
{
	const char *err;

	if (!virtio_is_legacy(&h->d))
		features |= BIT(VIRTIO_F_VERSION_1);
	vring_init(r, san_ring, SAN_NUM);
	err = virtio_start(&h->d, features, 0, r);
	if (err)
		san_say(h, bad, "set-up: %s (status %#x)", err,
			readl(h->d.base + VM_STATUS));
	return !err;
}

/* 64 random bytes; every other round through an indirect table. */
static void san_rng(struct hdev *h, u64 timeout_us)
{
	bool ind = san.rounds & 1;
	u64 buf = (u64)san_buf, table = buf + SZ_4K;
	struct vring r;
	u32 len, i, nonzero = 0;
	bool ok;

	if (!san_start(h, &r, ind ? BIT(VIRTIO_F_INDIRECT_DESC) | BIT(VIRTIO_F_EVENT_IDX) : 0,
		       &san.rng_bad))
		return;
	memset(san_buf, 0, 64);
	if (ind) {
		vring_set_desc(&r, 0, table, 2 * VRING_DESC_SIZE,
			       VRING_DESC_F_INDIRECT, 0);
		put_desc(table, 0, buf, 32, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
		put_desc(table, 1, buf + 32, 32, VRING_DESC_F_WRITE, 0);
	} else {
		vring_set_desc(&r, 0, buf, 64, VRING_DESC_F_WRITE, 0);
	}
	ok = san_request(h, &r, 0, timeout_us, &san.rng_bad, &len);
	for (i = 0; i < 64; i++)
		nonzero += san_buf[i] != 0;
	if (ok && (len != 64 || nonzero < 32))
		san_say(h, &san.rng_bad, "%u bytes back, %u of 64 not zero%s", len,
			nonzero, ind ? " (indirect)" : "");
	else if (ok)
		san.rng_ok++;
}

static bool san_blk_req(struct hdev *h, struct vring *r, u16 head, u32 type,
			u64 sector, u64 data, u64 timeout_us)
{
	u64 hdr = (u64)san_buf + 2 * SZ_4K + head * 32, status = hdr + 16;
	u16 dflags = type == VIRTIO_BLK_T_IN ? VRING_DESC_F_WRITE : 0;
	u32 len;

	*(volatile u32 *)hdr = type;
	*(volatile u32 *)(hdr + 4) = 0;
	*(volatile u64 *)(hdr + 8) = sector;
	*(volatile u8 *)status = 0xff;
	vring_set_desc(r, head, hdr, 16, VRING_DESC_F_NEXT, head + 1);
	vring_set_desc(r, head + 1, data, VIRTIO_BLK_SECTOR,
		       dflags | VRING_DESC_F_NEXT, head + 2);
	vring_set_desc(r, head + 2, status, 1, VRING_DESC_F_WRITE, 0);
	if (!san_request(h, r, head, timeout_us, &san.blk_bad, &len))
		return false;
	if (*(volatile u8 *)status != VIRTIO_BLK_S_OK) {
		san_say(h, &san.blk_bad, "%s of sector %lu: status %u",
			type ? "write" : "read", sector, *(volatile u8 *)status);
		return false;
	}
	return true;
}

/* The last sector written with a pattern of this round and read back. */
static void san_blk(struct hdev *h, u64 timeout_us)
{
	u8 *out = san_buf, *in = san_buf + SZ_4K;
	u64 cap = readq(h->d.base + VM_CONFIG);
	struct vring r;
	u32 i;

	if (cap != h->capacity || !cap) {
		san_say(h, &san.blk_bad, "capacity %lu, was %lu", cap, h->capacity);
		return;
	}
	if (!san_start(h, &r, 0, &san.blk_bad))
		return;
	for (i = 0; i < VIRTIO_BLK_SECTOR; i++) {
		out[i] = san.rounds * 131 + i * 7;
		in[i] = ~out[i];
	}
	if (!h->ro && !san_blk_req(h, &r, 0, VIRTIO_BLK_T_OUT, cap - 1, (u64)out,
				   timeout_us))
		return;
	if (!san_blk_req(h, &r, 3, VIRTIO_BLK_T_IN, cap - 1, (u64)in, timeout_us))
		return;
	if (!h->ro && memcmp(in, out, VIRTIO_BLK_SECTOR))
		san_say(h, &san.blk_bad, "sector %lu read back differs", cap - 1);
	else
		san.blk_ok++;
}

void sanity_round(struct hdev *devs, int n, u64 timeout_us)
{
	struct hdev *h;
	int i;

	for (i = 0; i < n; i++) {
		h = &devs[i];
		if (readl(h->d.base + VM_MAGIC) != VIRTIO_MMIO_MAGIC_VALUE ||
		    readl(h->d.base + VM_VERSION) != h->d.version ||
		    readl(h->d.base + VM_DEVICE_ID) != h->d.device_id ||
		    readl(h->d.base + VM_VENDOR_ID) != h->vendor) {
			san_say(h, &san.magic_bad, "identity registers read wrong");
			continue;
		}
		/* A device that stopped answering fails each round at once. */
		if (h->unanswered >= SAN_GIVE_UP) {
			san_say(h, h->d.device_id == VIRTIO_ID_RNG ? &san.rng_bad :
				&san.blk_bad, "stopped answering: not asked again");
			continue;
		}
		if (h->d.device_id == VIRTIO_ID_RNG)
			san_rng(h, timeout_us);
		else if (h->d.device_id == VIRTIO_ID_BLOCK)
			san_blk(h, timeout_us);
		else
			continue;
		/* Leave no ring of the guest's own in the device's hands. */
		virtio_reset(&h->d);
	}
	san.rounds++;
}
