// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-hostile's sanity rounds: the well-behaved driver of
 * lib/virtio.c, on rings and buffers in the guest's own memory, checks
 * that each device still does its job after whatever was done to it:
 * a virtio-rng gives random bytes, a virtio-blk writes a sector and
 * reads it back, a virtio-net on the user-mode network has its ARP
 * request for the gateway answered, and each completion comes with its
 * interrupt.
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
static u8 san_ring2[2 * SZ_4K] __aligned(SZ_4K);	/* a NIC's transmit queue */
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

/* The user-mode network's addresses (lkvm's -n defaults). */
static const u8 san_mac[6] = { 0x02, 0x15, 0x15, 0x15, 0x15, 0x15 };
static const u8 san_guest_ip[4] = { 192, 168, 33, 15 };
static const u8 san_gw_ip[4] = { 192, 168, 33, 1 };
#define SAN_NET_RXBUF	2048

/* Who has the gateway's address? Broadcast, from the guest's. */
static u32 san_arp_request(u8 *f)
{
	static const u8 arp_hdr[8] = { 0, 1, 8, 0, 6, 4, 0, 1 };

	memset(f, 0xff, 6);
	memcpy(f + 6, san_mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, arp_hdr, 8);
	memcpy(f + 22, san_mac, 6);
	memcpy(f + 28, san_guest_ip, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, san_gw_ip, 4);
	return 42;
}

static bool san_is_arp_reply(const u8 *f, u32 len)
{
	return len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 &&
	       f[21] == 2 && !memcmp(f + 28, san_gw_ip, 4);
}

/*
 * Two receive buffers and an ARP request for the gateway: the reply
 * must come back within the time of a request; other frames (slirp's
 * router advertisements, say) are put back for the next.
 */
static void san_net(struct hdev *h, u64 timeout_us)
{
	u32 hlen = virtio_is_legacy(&h->d) ? 10 : 12, len, id, i;
	u8 *rx = san_buf, *tx = san_buf + SZ_4K;
	struct vring r[2], *rings[2] = { &r[0], &r[1] };
	u64 features = virtio_is_legacy(&h->d) ? 0 : BIT(VIRTIO_F_VERSION_1);
	u64 deadline = timer_deadline_us(timeout_us);
	const char *err;

	vring_init(&r[0], san_ring, SAN_NUM);
	vring_init(&r[1], san_ring2, SAN_NUM);
	err = virtio_start_n(&h->d, features, rings, 2);
	if (err) {
		san_say(h, &san.net_bad, "set-up: %s (status %#x)", err,
			readl(h->d.base + VM_STATUS));
		return;
	}
	for (i = 0; i < 2; i++) {
		vring_set_desc(&r[0], i, (u64)rx + i * SAN_NET_RXBUF, SAN_NET_RXBUF,
			       VRING_DESC_F_WRITE, 0);
		vring_publish(&r[0], i);
	}
	virtio_notify(&h->d, 0);
	memset(tx, 0, hlen);
	len = hlen + san_arp_request(tx + hlen);
	vring_set_desc(&r[1], 0, (u64)tx, len, 0, 0);
	vring_publish(&r[1], 0);
	virtio_notify(&h->d, 1);
	if (!vring_wait(&r[1], deadline, &id, &len)) {
		san_say(h, &san.net_bad, "the ARP request not sent within %lu ms",
			timeout_us / 1000);
		h->unanswered++;
		return;
	}
	while (vring_wait(&r[0], deadline, &id, &len)) {
		if (id < 2 && len > hlen && san_is_arp_reply(rx + id * SAN_NET_RXBUF + hlen, len - hlen)) {
			san.net_ok++;
			return;
		}
		if (id >= 2) {
			san_say(h, &san.net_bad, "used id %u, posted 0 and 1", id);
			return;
		}
		vring_publish(&r[0], id);
		virtio_notify(&h->d, 0);
	}
	san_say(h, &san.net_bad, "no ARP reply from the gateway within %lu ms",
		timeout_us / 1000);
	h->unanswered++;
}

static u32 *san_bad_of(const struct hdev *h)
{
	if (h->d.device_id == VIRTIO_ID_RNG)
		return &san.rng_bad;
	if (h->d.device_id == VIRTIO_ID_NET)
		return &san.net_bad;
	return &san.blk_bad;
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
			san_say(h, san_bad_of(h), "stopped answering: not asked again");
			continue;
		}
		if (h->d.device_id == VIRTIO_ID_RNG)
			san_rng(h, timeout_us);
		else if (h->d.device_id == VIRTIO_ID_BLOCK)
			san_blk(h, timeout_us);
		else if (h->d.device_id == VIRTIO_ID_NET)
			san_net(h, timeout_us);
		else
			continue;
		/* Leave no ring of the guest's own in the device's hands. */
		virtio_reset(&h->d);
	}
	san.rounds++;
}
