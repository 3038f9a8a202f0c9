// SPDX-License-Identifier: GPL-2.0
/*
 * MSI-X (devices/pci/msix.c) against a reference model: any table size
 * and any placement of the table and the PBA in the BAR (those
 * pci_msix_init() refuses are checked refused), any access to the BAR,
 * any write to config space, messages asked for at any moment, and an
 * MSI frame whose routes and signal fail when the input says so.
 *
 * Input: u8 table size - 1 (modulo 64), u16 table offset, u16 PBA
 * offset (both modulo the 8 KiB BAR, aligned down to 8 bytes unless
 * bit 15 is set), then
 * operations, each an opcode byte (modulo 5):
 *   0 BAR access: u16 offset, u8 len, u8 write, u64 data
 *   1 table entry dword write: u8 vector, u8 dword, u32 value
 *   2 a message asked for: u8 vector (any)
 *   3 config write: u8 which (the control word, its high byte, the
 *     capability's first dword, or anywhere), u8 offset, u8 len, u32 data
 *   4 the frame: u8 (bit 0: routes fail, bit 1: signal fails)
 *
 * Checked after every operation, against the model (PCI Local Bus 3.0,
 * 6.8.2): each entry reads back as written (the address's low two bits
 * and the control word's reserved bits zero), the PBA holds exactly the
 * pending bits; Enable and Function Mask follow the capability; exactly
 * the messages the model sends go out (a vector that is enabled and
 * unmasked sends at once, a masked one sets its pending bit and sends
 * once when unmasked, a disabled function sends nothing), each with the
 * entry's address and data as they are when it is sent, whether it goes
 * through the frame's signal or a route's eventfd: never a stale route.
 */
#include <errno.h>
#include <unistd.h>

#include "devices/pci/host.h"
#include "devices/pci/msix.h"
#include "tests/fuzz/fuzz.h"

#define BAR		2
#define BAR_SIZE	0x2000
#define MAX_FD		1024
#define MAX_MSGS	256

struct msg {
	uint64_t addr;
	uint32_t data;
};

struct model {
	uint32_t lo[PCI_MSIX_MAX_VECTORS], hi[PCI_MSIX_MAX_VECTORS];
	uint32_t data[PCI_MSIX_MAX_VECTORS], ctrl[PCI_MSIX_MAX_VECTORS];
	bool pending[PCI_MSIX_MAX_VECTORS];
	bool en, fm;
};

struct fz {
	struct pci_host h;
	struct pci_dev pdev;
	struct pci_msix m;
	struct model md;
	unsigned int nr;
	uint32_t t_off, p_off;
	bool route_fail, signal_fail;
	struct msg route[MAX_FD];	/* what each eventfd was bound to */
	struct msg want[MAX_MSGS], got[MAX_MSGS];
	unsigned int nr_want, nr_got;
	unsigned long total;
};

static struct fz *cur;

/* ---- the frame ---- */

static void got(uint64_t addr, uint32_t data)
{
	FUZZ_CHECK(cur->nr_got < MAX_MSGS);
	cur->got[cur->nr_got++] = (struct msg) { addr, data };
}

static int frame_msi(void *opaque, uint32_t devid, uint64_t addr, uint32_t data)
{
	FUZZ_CHECK_EQ(devid, 0);
	got(addr, data);
	return cur->signal_fail ? -EIO : 0;
}

static int frame_route(void *opaque, struct msi_route *r, uint32_t devid,
		       uint64_t addr, uint32_t data)
{
	FUZZ_CHECK_EQ(devid, 0);
	FUZZ_CHECK(r->fd >= 0 && r->fd < MAX_FD);
	if (cur->route_fail)
		return -ENOSPC;	/* an old binding stays, as KVM's would */
	cur->route[r->fd] = (struct msg) { addr, data };
	r->gsi = r->fd;
	r->bound = true;
	return 0;
}

/* The messages that went through eventfds: each as its route carries it. */
static void drain_routes(struct fz *z)
{
	unsigned int v;
	uint64_t n;

	for (v = 0; v < z->nr; v++) {
		int fd = z->m.vec[v].route.fd;

		if (fd < 0 || read(fd, &n, sizeof(n)) != sizeof(n))
			continue;
		while (n--)
			got(z->route[fd].addr, z->route[fd].data);
	}
}

/* ---- the model ---- */

static bool md_masked(const struct model *md, unsigned int v)
{
	return md->fm || (md->ctrl[v] & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

static void md_send(struct fz *z, unsigned int v)
{
	FUZZ_CHECK(z->nr_want < MAX_MSGS);
	z->want[z->nr_want++] = (struct msg) {
		(uint64_t)z->md.hi[v] << 32 | z->md.lo[v], z->md.data[v],
	};
}

static void md_flush(struct fz *z, unsigned int v)
{
	if (z->md.en && !md_masked(&z->md, v) && z->md.pending[v]) {
		z->md.pending[v] = false;
		md_send(z, v);
	}
}

static void md_write(struct fz *z, unsigned int v, unsigned int dw, uint32_t val)
{
	struct model *md = &z->md;

	if (dw == 0)
		md->lo[v] = val & ~3u;
	else if (dw == 1)
		md->hi[v] = val;
	else if (dw == 2)
		md->data[v] = val;
	else
		md->ctrl[v] = val & PCI_MSIX_ENTRY_CTRL_MASKBIT;
	md_flush(z, v);
}

static uint32_t md_read(const struct fz *z, uint32_t off)
{
	const struct model *md = &z->md;
	uint32_t t = off - z->t_off, bits = 0;
	unsigned int v, first;

	if (off >= z->p_off && off - z->p_off < pci_msix_pba_size(z->nr)) {
		first = (off - z->p_off) * 8;
		for (v = first; v < z->nr && v < first + 32; v++)
			bits |= (uint32_t)md->pending[v] << (v - first);
		return bits;
	}
	v = t / PCI_MSIX_ENTRY_SIZE;
	switch (t % PCI_MSIX_ENTRY_SIZE) {
	case 0:	return md->lo[v];
	case 4:	return md->hi[v];
	case 8:	return md->data[v];
	}
	return md->ctrl[v];
}

/* ---- checks ---- */

static int msg_cmp(const void *a, const void *b)
{
	const struct msg *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->data < y->data ? -1 : x->data > y->data;
}

static void check_msgs(struct fz *z)
{
	unsigned int i;

	drain_routes(z);
	FUZZ_CHECK_EQ(z->nr_got, z->nr_want);
	qsort(z->got, z->nr_got, sizeof(z->got[0]), msg_cmp);
	qsort(z->want, z->nr_want, sizeof(z->want[0]), msg_cmp);
	for (i = 0; i < z->nr_got; i++) {
		FUZZ_CHECK_EQ(z->got[i].addr, z->want[i].addr);
		FUZZ_CHECK_EQ(z->got[i].data, z->want[i].data);
	}
	z->total += z->nr_got;
	FUZZ_CHECK_EQ(z->m.sent, z->total);
	z->nr_got = z->nr_want = 0;
}

static void check_state(struct fz *z)
{
	struct pci_msix *m = &z->m;
	uint64_t ctrl;
	unsigned int v;

	FUZZ_CHECK_EQ(pci_cfg_read(&z->pdev, m->cap + PCI_MSIX_FLAGS, 2, &ctrl), 0);
	FUZZ_CHECK_EQ(ctrl & PCI_MSIX_FLAGS_QSIZE, z->nr - 1);
	FUZZ_CHECK_EQ(m->enabled, z->md.en);
	FUZZ_CHECK_EQ(m->fmasked, z->md.fm);
	for (v = 0; v < z->nr; v++) {
		FUZZ_CHECK_EQ(m->vec[v].addr_lo, z->md.lo[v]);
		FUZZ_CHECK_EQ(m->vec[v].addr_hi, z->md.hi[v]);
		FUZZ_CHECK_EQ(m->vec[v].data, z->md.data[v]);
		FUZZ_CHECK_EQ(m->vec[v].ctrl, z->md.ctrl[v]);
		FUZZ_CHECK_EQ(m->vec[v].pending, z->md.pending[v]);
	}
}

/* ---- operations ---- */

static bool in_region(const struct fz *z, uint64_t off, int *which)
{
	uint64_t ts = pci_msix_table_size(z->nr), ps = pci_msix_pba_size(z->nr);

	*which = off >= z->t_off && off - z->t_off < ts ? 1 :
		 off >= z->p_off && off - z->p_off < ps ? 2 : 0;
	return *which;
}

static void md_access(struct fz *z, struct mmio_access *acc, uint64_t *want)
{
	unsigned int i;

	*want = 0;
	for (i = 0; i < acc->len / 4; i++) {
		uint32_t off = acc->offset + 4 * i;

		if (acc->is_write && off - z->t_off < pci_msix_table_size(z->nr) &&
		    off >= z->t_off)
			md_write(z, (off - z->t_off) / 16, (off - z->t_off) % 16 / 4,
				 acc->data >> (32 * i));
		*want |= (uint64_t)md_read(z, off) << (32 * i);
	}
}

static void fz_bar(struct fz *z, uint64_t off, uint32_t len, bool write,
		   uint64_t data)
{
	struct mmio_access acc = { .offset = off, .len = len, .is_write = write,
				   .data = data };
	int which, end_which, ret = 1;
	bool hit = in_region(z, off, &which), valid;
	uint64_t want, got_data;

	FUZZ_CHECK_EQ(pci_msix_bar_access(&z->m, &acc, &ret), hit);
	if (!hit) {
		FUZZ_CHECK_EQ(ret, 1);
		FUZZ_CHECK_EQ(acc.data, data);
		return;
	}
	in_region(z, off + len - 1, &end_which);
	valid = (len == 4 || len == 8) && !(off % len) &&
		((which == 1) == (end_which == 1));
	FUZZ_CHECK_EQ(ret, valid ? 0 : -EINVAL);
	if (!valid) {
		if (!write)
			FUZZ_CHECK_EQ(acc.data, 0);
		return;
	}
	got_data = acc.data;
	acc.data = data;
	md_access(z, &acc, &want);
	if (!write)
		FUZZ_CHECK_EQ(got_data, want);
}

static void fz_notify(struct fz *z, unsigned int v)
{
	int ret = pci_msix_notify(&z->m, v), want = 0;

	if (v >= z->nr) {
		FUZZ_CHECK_EQ(ret, -EINVAL);
		return;
	}
	if (!z->md.en) {
		want = -ENODEV;
	} else if (md_masked(&z->md, v)) {
		z->md.pending[v] = true;
	} else {
		md_send(z, v);
		/* A routed message cannot fail; one the frame signals may. */
		if (z->signal_fail && ret)
			want = -EIO;
	}
	FUZZ_CHECK_EQ(ret, want);
}

static void fz_config(struct fz *z, struct fuzz_input *in)
{
	unsigned int which = fuzz_u8(in) % 4, changed, v;
	uint32_t off = fuzz_u8(in), len = 1 + fuzz_u8(in) % 8;
	uint64_t data = fuzz_u32(in), ctrl;

	if (which == 0) {
		off = z->m.cap + PCI_MSIX_FLAGS;
		len = 2;
	} else if (which == 1) {
		off = z->m.cap + PCI_MSIX_FLAGS + 1;
		len = 1;
	} else if (which == 2) {
		off = z->m.cap;
		len = 4;
	}
	if (pci_cfg_write(&z->pdev, off, len, data, &changed))
		return;
	pci_msix_config_written(&z->m, off, len);
	FUZZ_CHECK_EQ(pci_cfg_read(&z->pdev, z->m.cap + PCI_MSIX_FLAGS, 2, &ctrl), 0);
	z->md.en = ctrl & PCI_MSIX_FLAGS_ENABLE;
	z->md.fm = ctrl & PCI_MSIX_FLAGS_MASKALL;
	for (v = 0; v < z->nr; v++)
		md_flush(z, v);
}

static void fz_op(struct fz *z, unsigned int op, struct fuzz_input *in)
{
	uint64_t off;
	uint32_t len, v;
	bool write;

	switch (op) {
	case 0:
		off = fuzz_u16(in) % (BAR_SIZE + 16);
		len = fuzz_u8(in) % 10;
		write = fuzz_u8(in) & 1;
		fz_bar(z, off, len, write, fuzz_u64(in));
		break;
	case 1:
		v = fuzz_u8(in) % z->nr;
		off = z->t_off + 16 * v + 4 * (fuzz_u8(in) % 4);
		fz_bar(z, off, 4, true, fuzz_u32(in));
		break;
	case 2:
		fz_notify(z, fuzz_u8(in));
		break;
	case 3:
		fz_config(z, in);
		break;
	default:
		v = fuzz_u8(in);
		z->route_fail = v & 1;
		z->signal_fail = v & 2;
	}
}

/* ---- set-up ---- */

static const struct pci_dev_ops fdev_ops;

static bool layout_ok(unsigned int nr, uint32_t t, uint32_t p)
{
	uint32_t t_end = t + pci_msix_table_size(nr), p_end = p + pci_msix_pba_size(nr);

	return !((t | p) & 7) && t_end <= BAR_SIZE && p_end <= BAR_SIZE &&
	       (p >= t_end || t >= p_end);
}

/* An offset in the BAR: 8-byte aligned unless bit 15 says otherwise. */
static uint32_t fz_off(uint16_t raw)
{
	uint32_t off = raw % BAR_SIZE;

	return raw & 0x8000 ? off : off & ~7u;
}

static int fz_setup(struct fz *z, struct fuzz_input *in)
{
	struct pci_host_map map = {
		.mem_base = 0x50000000, .mem_size = 0x30000000,
	};
	struct pci_dev_id id = { .vendor = 0x1af4, .device = 0x1044 };
	unsigned int v;
	int ret;

	z->nr = 1 + fuzz_u8(in) % PCI_MSIX_MAX_VECTORS;
	z->t_off = fz_off(fuzz_u16(in));
	z->p_off = fz_off(fuzz_u16(in));
	FUZZ_CHECK_EQ(pci_host_init(&z->h, &map, 1, 0), 0);
	z->h.msi = frame_msi;
	z->h.msi_route = frame_route;
	FUZZ_CHECK_EQ(pci_dev_init(&z->pdev, &id, &fdev_ops, z), 0);
	FUZZ_CHECK_EQ(pci_dev_add_bar(&z->pdev, BAR, BAR_SIZE), 0);
	ret = pci_msix_init(&z->m, &z->pdev, z->nr, BAR, z->t_off, z->p_off);
	FUZZ_CHECK_EQ(ret, layout_ok(z->nr, z->t_off, z->p_off) ? 0 : -EINVAL);
	FUZZ_CHECK_EQ(pci_host_add(&z->h, &z->pdev), 0);
	for (v = 0; v < z->nr; v++)
		z->md.ctrl[v] = PCI_MSIX_ENTRY_CTRL_MASKBIT;
	return ret;
}

static int fdev_bar(struct pci_dev *pdev, unsigned int bar, struct mmio_access *acc)
{
	return 0;
}

static const struct pci_dev_ops fdev_ops = { .bar_access = fdev_bar };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz *z = calloc(1, sizeof(*z));
	struct fuzz_input in;

	if (!z)
		return 0;
	cur = z;
	fuzz_input_init(&in, data, size);
	if (!fz_setup(z, &in)) {
		while (!fuzz_input_done(&in)) {
			fz_op(z, fuzz_u8(&in) % 5, &in);
			check_msgs(z);
			check_state(z);
		}
		pci_msix_destroy(&z->m);
	}
	pci_dev_destroy(&z->pdev);
	pci_host_destroy(&z->h);
	free(z);
	return 0;
}
