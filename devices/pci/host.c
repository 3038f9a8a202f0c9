// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI host bridge: ECAM config accesses to the functions' config
 * spaces, and accesses to the memory and I/O windows to the BAR that
 * decodes the address (devices/pci/host.h says which does).
 *
 * Locking: the bridge's lock guards its slots and decode table and
 * serialises config accesses, so a BAR moves (and its device's
 * bar_moved() rebinds what it had at the old address) while no other
 * config access runs. A window access takes the lock only to look the
 * address up, and calls the device without it: devices are never
 * removed while vCPUs run, and an access racing with a move goes to
 * where the BAR was when it was looked up, as a write already posted
 * on real hardware would.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci/host.h"
#include "lib/snapshot.h"
#include "lib/log.h"

#define ECAM_BUS_SHIFT		20
#define ECAM_DEV_SHIFT		15
#define ECAM_FN_SHIFT		12
/*
 * Where set-up places I/O BARs: above the ports legacy x86 devices
 * took, as firmware leaves them (guests reassign them anyway).
 */
#define PCI_HOST_IO_START	0x1000

/* A window of 32-bit addresses (or none, size 0). */
static bool pci_range_ok(uint64_t base, uint64_t size)
{
	return !size || (base + size > base && base + size - 1 <= UINT32_MAX);
}

int pci_host_init(struct pci_host *h, const struct pci_host_map *map,
		  uint32_t gic_phandle, int loglevel)
{
	memset(h, 0, sizeof(*h));
	/* 32-bit windows, as the BARs are; the I/O window may be absent. */
	if (!pci_range_ok(map->mem_base, map->mem_size) ||
	    !pci_range_ok(map->io_base, map->io_size))
		return -EINVAL;
	h->map = *map;
	h->gic_phandle = gic_phandle;
	h->loglevel = loglevel;
	h->next_bar = map->mem_base;
	h->next_io = map->io_size > PCI_HOST_IO_START ? PCI_HOST_IO_START : 0;
	h->ecam = (struct mmio_region) {
		.name = "pci-ecam", .base = map->cfg_base, .size = map->cfg_size,
		.handler = pci_host_ecam_access, .opaque = h,
	};
	h->window = (struct mmio_region) {
		.name = "pci-mem", .base = map->mem_base, .size = map->mem_size,
		.handler = pci_host_window_access, .opaque = h,
	};
	h->io = (struct mmio_region) {
		.name = "pci-io", .base = map->io_base, .size = map->io_size,
		.handler = pci_host_window_access, .opaque = h,
	};
	return -pthread_mutex_init(&h->lock, NULL);
}

void pci_host_destroy(struct pci_host *h)
{
	pthread_mutex_destroy(&h->lock);
}

/* ---- decoding ---- */

static bool pci_in_range(uint64_t base, uint64_t len, uint64_t addr,
			 uint64_t size)
{
	return addr >= base && addr - base < len && size <= len - (addr - base);
}

static bool pci_bar_in_window(struct pci_host *h, uint64_t addr, uint64_t size)
{
	return pci_in_range(h->map.mem_base, h->map.mem_size, addr, size);
}

/*
 * Where BAR b of pdev would decode (a CPU address), or PCI_DECODE_NONE:
 * its kind of decoding off, or not wholly inside its window. A port
 * is at io_base + port, as the DT's ranges map the I/O space.
 */
static uint64_t pci_bar_cpu_addr(struct pci_host *h, struct pci_dev *pdev,
				 unsigned int b, bool mem_on, bool io_on)
{
	uint64_t addr = pci_dev_bar_addr(pdev, b), size = pdev->bar_size[b];

	if (!size)
		return PCI_DECODE_NONE;
	if (pci_dev_bar_is_io(pdev, b)) {
		if (!io_on || !pci_in_range(0, h->map.io_size, addr, size))
			return PCI_DECODE_NONE;
		return h->map.io_base + addr;
	}
	return mem_on && pci_bar_in_window(h, addr, size) ? addr : PCI_DECODE_NONE;
}

/* Every BAR that could decode: its decoding on, wholly inside its window. */
static unsigned int pci_decode_candidates(struct pci_host *h,
					  struct pci_decode *c)
{
	unsigned int s, b, n = 0;

	for (s = 0; s < h->nr_slots; s++) {
		struct pci_dev *pdev = h->slots[s];
		bool mem_on = pci_dev_mem_enabled(pdev);
		bool io_on = pci_dev_io_enabled(pdev);

		for (b = 0; b < PCI_NR_BARS; b++) {
			uint64_t addr = pci_bar_cpu_addr(h, pdev, b, mem_on, io_on);
			uint64_t size = pdev->bar_size[b];

			if (addr == PCI_DECODE_NONE)
				continue;
			c[n++] = (struct pci_decode) {
				.base = addr, .end = addr + size, .pdev = pdev, .bar = b,
			};
		}
	}
	return n;
}

static void pci_decode_sort(struct pci_decode *c, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		struct pci_decode t = c[i];

		for (j = i; j > 0 && c[j - 1].base > t.base; j--)
			c[j] = c[j - 1];
		c[j] = t;
	}
}

/* Drops every candidate that overlaps another: neither decodes. */
static unsigned int pci_decode_drop_clashes(struct pci_decode *c, unsigned int n)
{
	bool clash[PCI_HOST_DECODE_MAX] = { false };
	unsigned int i, j, kept = 0;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n && c[j].base < c[i].end; j++)
			clash[i] = clash[j] = true;
	for (i = 0; i < n; i++)
		if (!clash[i])
			c[kept++] = c[i];
	return kept;
}

static uint64_t pci_decode_addr(const struct pci_decode *c, unsigned int n,
				struct pci_dev *pdev, unsigned int bar)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (c[i].pdev == pdev && c[i].bar == bar)
			return c[i].base;
	return PCI_DECODE_NONE;
}

/*
 * Tells each device whose BARs moved. Every BAR that leaves an address
 * is told first, so that a device taking over an address another just
 * left finds it free (KVM refuses a second ioeventfd on one address).
 */
static void pci_decode_notify(struct pci_host *h, bool leaving)
{
	unsigned int s, b;

	for (s = 0; s < h->nr_slots; s++) {
		struct pci_dev *pdev = h->slots[s];

		for (b = 0; b < PCI_NR_BARS; b++) {
			uint64_t now = pci_decode_addr(h->decode, h->nr_decode, pdev, b);

			if (now == pdev->decode[b] ||
			    (leaving && pdev->decode[b] == PCI_DECODE_NONE) ||
			    (!leaving && now == PCI_DECODE_NONE))
				continue;
			pdev->decode[b] = leaving ? PCI_DECODE_NONE : now;
			if (pdev->ops->bar_moved)
				pdev->ops->bar_moved(pdev, b, pdev->decode[b]);
		}
	}
}

/* lock held: after a command register or BAR write, or a new device. */
static void pci_host_redecode(struct pci_host *h)
{
	unsigned int n = pci_decode_candidates(h, h->decode);

	pci_decode_sort(h->decode, n);
	h->nr_decode = pci_decode_drop_clashes(h->decode, n);
	pci_decode_notify(h, true);
	pci_decode_notify(h, false);
}

/* ---- the functions ---- */

/* Placed as firmware would: in order, each aligned to its size. */
static void pci_host_place(struct pci_host *h, struct pci_dev *pdev,
			   unsigned int b)
{
	uint64_t size = pdev->bar_size[b], addr;

	if (!size)
		return;
	if (pci_dev_bar_is_io(pdev, b)) {
		addr = (h->next_io + size - 1) & ~(size - 1);
		if (!pci_in_range(0, h->map.io_size, addr, size))
			return;		/* left at 0 for the guest to place */
		pci_dev_place_bar(pdev, b, addr);
		h->next_io = addr + size;
		return;
	}
	addr = (h->next_bar + size - 1) & ~(size - 1);
	if (!pci_bar_in_window(h, addr, size))
		return;
	pci_dev_place_bar(pdev, b, addr);
	h->next_bar = addr + size;
}

int pci_host_add(struct pci_host *h, struct pci_dev *pdev)
{
	unsigned int b;

	pthread_mutex_lock(&h->lock);
	if (h->nr_slots == PCI_HOST_SLOTS) {
		pthread_mutex_unlock(&h->lock);
		return -ENOSPC;
	}
	for (b = 0; b < PCI_NR_BARS; b++)
		pci_host_place(h, pdev, b);
	/* I/O Space stays clear on a function without I/O BARs. */
	pci_dev_set_command(pdev, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	pdev->host = h;
	pdev->slot = h->nr_slots;
	h->slots[h->nr_slots++] = pdev;
	pci_host_redecode(h);
	pthread_mutex_unlock(&h->lock);
	return 0;
}

void pci_dev_restored(struct pci_dev *pdev)
{
	struct pci_host *h = pdev->host;

	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	pci_host_redecode(h);
	pthread_mutex_unlock(&h->lock);
}

int pci_dev_signal_msi(struct pci_dev *pdev, uint64_t addr, uint32_t data)
{
	struct pci_host *h = pdev->host;

	if (!h || !h->msi)
		return -EOPNOTSUPP;
	/* The requester ID: bus 0, the slot, function 0. */
	return h->msi(h->msi_opaque, pdev->slot << 3, addr, data);
}

int pci_dev_route_msi(struct pci_dev *pdev, struct msi_route *r,
		      uint64_t addr, uint32_t data)
{
	struct pci_host *h = pdev->host;

	if (!h || !h->msi_route)
		return -EOPNOTSUPP;
	return h->msi_route(h->msi_opaque, r, pdev->slot << 3, addr, data);
}

/* ---- the two regions ---- */

/* The function an ECAM offset names: bus 0, function 0 only. */
static struct pci_dev *pci_host_function(struct pci_host *h, uint64_t off)
{
	unsigned int slot = (off >> ECAM_DEV_SHIFT) & (PCI_HOST_SLOTS - 1);

	if (off >> ECAM_BUS_SHIFT || (off >> ECAM_FN_SHIFT) & 7)
		return NULL;
	return slot < h->nr_slots ? h->slots[slot] : NULL;
}

static void pci_host_cfg_write(struct pci_host *h, struct pci_dev *pdev,
			       uint32_t reg, struct mmio_access *acc)
{
	unsigned int changed;

	if (pci_cfg_write(pdev, reg, acc->len, acc->data, &changed))
		return;
	if (changed & PCI_CFG_CHANGED_DECODE)
		pci_host_redecode(h);
	if (pdev->ops->config_written)
		pdev->ops->config_written(pdev, reg, acc->len);
}

int pci_host_ecam_access(struct mmio_region *region, struct mmio_access *acc)
{
	struct pci_host *h = region->opaque;
	uint32_t reg = acc->offset & (PCI_CFG_SPACE_SIZE - 1);
	struct pci_dev *pdev;

	if (!acc->len || acc->len > 8 || acc->len > PCI_CFG_SPACE_SIZE - reg) {
		if (!acc->is_write)
			acc->data = 0;
		return -EINVAL;
	}
	pthread_mutex_lock(&h->lock);
	pdev = pci_host_function(h, acc->offset);
	if (!pdev) {
		/* No function: reads are all-ones (a master abort), writes go nowhere. */
		if (!acc->is_write)
			acc->data = acc->len == 8 ? ~0ULL : (1ULL << (8 * acc->len)) - 1;
	} else if (acc->is_write) {
		pci_host_cfg_write(h, pdev, reg, acc);
	} else {
		pci_cfg_read(pdev, reg, acc->len, &acc->data);
	}
	pthread_mutex_unlock(&h->lock);
	return 0;
}

/* lock held: the decoding BAR holding [addr, addr + len), or NULL. */
static const struct pci_decode *pci_host_lookup(struct pci_host *h,
						uint64_t addr, uint32_t len)
{
	unsigned int lo = 0, hi = h->nr_decode;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct pci_decode *d = &h->decode[mid];

		if (addr < d->base)
			hi = mid;
		else if (addr >= d->end)
			lo = mid + 1;
		else
			return len <= d->end - addr ? d : NULL;
	}
	return NULL;
}

int pci_host_window_access(struct mmio_region *region, struct mmio_access *acc)
{
	struct pci_host *h = region->opaque;
	uint64_t addr = region->base + acc->offset;
	const struct pci_decode *d;
	struct pci_dev *pdev = NULL;
	struct mmio_access sub = *acc;
	unsigned int bar = 0;

	pthread_mutex_lock(&h->lock);
	d = pci_host_lookup(h, addr, acc->len);
	if (d) {
		pdev = d->pdev;
		bar = d->bar;
		sub.offset = addr - d->base;
	}
	pthread_mutex_unlock(&h->lock);
	if (!pdev) {
		/* Nothing decodes here: read as zero, as the bus does elsewhere. */
		if (!acc->is_write)
			acc->data = 0;
		return -ENOENT;
	}
	if (acc->is_write)
		return pdev->ops->bar_access(pdev, bar, &sub);
	sub.data = 0;
	if (pdev->ops->bar_access(pdev, bar, &sub)) {
		acc->data = 0;
		return -EINVAL;
	}
	acc->data = sub.data;
	return 0;
}

/* ---- the device ---- */

static void pci_host_dev_destroy(struct device *dev)
{
	struct pci_host *h = dev->priv;

	/* Its functions went first: the board destroys in reverse. */
	pci_host_destroy(h);
	free(h);
}

/*
 * The bridge holds no state of the guest's own: where each BAR decodes
 * follows from its functions' config spaces, decoded again as each is
 * restored (pci_dev_restored()). Its section is a tag and a version.
 */
#define PCI_HOST_SNAP_TAG	0x54534f48	/* "HOST" */
#define PCI_HOST_SNAP_VERSION	1

static int pci_host_dev_save(struct device *dev, struct snapshot *s)
{
	struct pci_host *h = dev->priv;

	snapshot_put_u32(s, PCI_HOST_SNAP_TAG);
	snapshot_put_u32(s, PCI_HOST_SNAP_VERSION);
	snapshot_put_u32(s, h->nr_slots);
	return snapshot_error(s);
}

static int pci_host_dev_restore(struct device *dev, struct snapshot *s)
{
	struct pci_host *h = dev->priv;
	uint32_t tag = snapshot_get_u32(s), version = snapshot_get_u32(s);
	uint32_t slots = snapshot_get_u32(s);

	if (s->err || snapshot_left(s) || tag != PCI_HOST_SNAP_TAG ||
	    version != PCI_HOST_SNAP_VERSION || slots != h->nr_slots)
		return -EINVAL;
	return 0;
}

static const struct device_ops pci_host_dev_ops = {
	.name = "PCI host bridge",
	.fdt_node = pci_host_fdt_node,
	.save = pci_host_dev_save,
	.restore = pci_host_dev_restore,
	.destroy = pci_host_dev_destroy,
};

int pci_host_create(struct pci_host *h, const struct device_ctx *ctx,
		    const struct pci_host_map *map)
{
	int ret = pci_host_init(h, map, ctx->gic_phandle, ctx->loglevel);

	if (ret)
		return ret;
	/*
	 * Nothing takes a region off the bus again; a failure here fails
	 * the set-up, after which the bus is never used.
	 */
	ret = ctx->map_mmio(ctx->opaque, &h->ecam);
	ret = ret ?: ctx->map_mmio(ctx->opaque, &h->window);
	if (!ret && h->io.size)
		ret = ctx->map_mmio(ctx->opaque, &h->io);
	if (ret) {
		pci_host_destroy(h);
		return ret;
	}
	h->dev = (struct device) {
		.ops = &pci_host_dev_ops, .name = "PCI host bridge", .priv = h,
	};
	return 0;
}
