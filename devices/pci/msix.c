// SPDX-License-Identifier: GPL-2.0
/*
 * MSI-X: the capability's control bits, the vector table and the
 * Pending Bit Array (devices/pci/msix.h says what each does).
 *
 * Locking: lock guards the table, the pending bits and the copies of
 * the control bits. The device's I/O thread sends under it, vCPU
 * threads change the table and the control bits under it; the route
 * is made under it too, so a message never goes out on a route older
 * than the entry it was sent for. The frame's own lock nests inside.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/pci/msix.h"
#include "lib/snapshot.h"

static void msix_put32(uint8_t *p, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

int pci_msix_init(struct pci_msix *m, struct pci_dev *pdev, unsigned int nr,
		  unsigned int bar, uint32_t table_off, uint32_t pba_off)
{
	uint64_t bar_size = bar < PCI_NR_BARS ? pdev->bar_size[bar] : 0;
	uint64_t t_end = (uint64_t)table_off + pci_msix_table_size(nr);
	uint64_t p_end = (uint64_t)pba_off + pci_msix_pba_size(nr);
	unsigned int v;
	uint8_t at;
	int ret;

	memset(m, 0, sizeof(*m));
	if (!nr || nr > PCI_MSIX_MAX_VECTORS || !bar_size || (table_off | pba_off) & 7 ||
	    t_end > bar_size || p_end > bar_size ||
	    (pba_off < t_end && table_off < p_end))
		return -EINVAL;
	ret = pci_dev_add_cap(pdev, PCI_CAP_ID_MSIX, PCI_MSIX_CAP_LEN, &at);
	if (ret)
		return ret;
	ret = -pthread_mutex_init(&m->lock, NULL);
	if (ret)
		return ret;
	m->pdev = pdev;
	m->nr = nr;
	m->bar = bar;
	m->table_off = table_off;
	m->pba_off = pba_off;
	m->cap = at;
	pdev->cfg[at + PCI_MSIX_FLAGS] = (nr - 1) & 0xff;
	pdev->cfg[at + PCI_MSIX_FLAGS + 1] = (nr - 1) >> 8;
	/* Only Function Mask and MSI-X Enable are the guest's to write. */
	pdev->wmask[at + PCI_MSIX_FLAGS + 1] = (PCI_MSIX_FLAGS_MASKALL |
						PCI_MSIX_FLAGS_ENABLE) >> 8;
	msix_put32(pdev->cfg + at + PCI_MSIX_TABLE, table_off | bar);
	msix_put32(pdev->cfg + at + PCI_MSIX_PBA, pba_off | bar);
	for (v = 0; v < nr; v++) {
		m->vec[v].ctrl = PCI_MSIX_ENTRY_CTRL_MASKBIT;	/* 6.8.2.9 */
		m->vec[v].route = (struct msi_route) { .fd = -1, .gsi = -1 };
	}
	return 0;
}

void pci_msix_destroy(struct pci_msix *m)
{
	unsigned int v;

	if (!m->pdev)
		return;
	for (v = 0; v < m->nr; v++) {
		if (m->vec[v].route.fd >= 0)
			close(m->vec[v].route.fd);
		m->vec[v].route.fd = -1;
	}
	pthread_mutex_destroy(&m->lock);
	m->pdev = NULL;
}

/* ---- sending ---- */

static bool msix_masked(struct pci_msix *m, struct pci_msix_vector *vec)
{
	return m->fmasked || (vec->ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

static uint64_t msix_addr(const struct pci_msix_vector *vec)
{
	return (uint64_t)vec->addr_hi << 32 | vec->addr_lo;
}

/*
 * lock held: have the frame route the vector's message through its
 * eventfd. On failure the message goes through the frame's signal.
 */
static void msix_route(struct pci_msix *m, struct pci_msix_vector *vec)
{
	if (vec->routed)
		return;
	if (vec->route.fd < 0)
		vec->route.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vec->route.fd < 0)
		return;
	vec->routed = !pci_dev_route_msi(m->pdev, &vec->route, msix_addr(vec),
					 vec->data);
}

/* lock held: the vector is unmasked and MSI-X enabled. */
static int msix_send(struct pci_msix *m, struct pci_msix_vector *vec)
{
	uint64_t one = 1;

	m->sent++;
	if (vec->routed && vec->route.bound) {
		m->routed_sent++;
		/* Fails only when the counter is full: KVM has one to send. */
		if (write(vec->route.fd, &one, sizeof(one)) != sizeof(one) &&
		    errno != EAGAIN)
			return -errno;
		return 0;
	}
	return pci_dev_signal_msi(m->pdev, msix_addr(vec), vec->data);
}

int pci_msix_notify(struct pci_msix *m, unsigned int vector)
{
	struct pci_msix_vector *vec;
	int ret = 0;

	if (vector >= m->nr)
		return -EINVAL;
	vec = &m->vec[vector];
	pthread_mutex_lock(&m->lock);
	if (!m->enabled)
		ret = -ENODEV;
	else if (msix_masked(m, vec))
		vec->pending = true;
	else
		ret = msix_send(m, vec);
	pthread_mutex_unlock(&m->lock);
	return ret;
}

bool pci_msix_enabled(struct pci_msix *m)
{
	bool on;

	pthread_mutex_lock(&m->lock);
	on = m->enabled;
	pthread_mutex_unlock(&m->lock);
	return on;
}

/*
 * lock held, after a change that may unmask vec: route it, and send
 * what it held back (6.8.3.4). Masked vectors keep their old route:
 * nothing is sent on it until they are unmasked again.
 */
static void msix_update(struct pci_msix *m, struct pci_msix_vector *vec)
{
	if (!m->enabled || msix_masked(m, vec))
		return;
	msix_route(m, vec);
	if (vec->pending) {
		vec->pending = false;
		msix_send(m, vec);
	}
}

void pci_msix_config_written(struct pci_msix *m, uint32_t off, uint32_t len)
{
	uint32_t flags = m->cap + PCI_MSIX_FLAGS;
	unsigned int v;
	uint64_t ctrl;

	if (off > flags + 1 || off + len <= flags)
		return;
	pci_cfg_read(m->pdev, flags, 2, &ctrl);
	pthread_mutex_lock(&m->lock);
	m->enabled = ctrl & PCI_MSIX_FLAGS_ENABLE;
	m->fmasked = ctrl & PCI_MSIX_FLAGS_MASKALL;
	for (v = 0; v < m->nr; v++)
		msix_update(m, &m->vec[v]);
	pthread_mutex_unlock(&m->lock);
}

/* ---- the table and the PBA ---- */

static uint32_t msix_entry_read(struct pci_msix_vector *vec, uint32_t reg)
{
	switch (reg) {
	case PCI_MSIX_ENTRY_ADDR_LO:	return vec->addr_lo;
	case PCI_MSIX_ENTRY_ADDR_HI:	return vec->addr_hi;
	case PCI_MSIX_ENTRY_DATA:	return vec->data;
	}
	return vec->ctrl;
}

/* lock held: one dword of an entry. */
static void msix_entry_write(struct pci_msix *m, struct pci_msix_vector *vec,
			     uint32_t reg, uint32_t val)
{
	switch (reg) {
	case PCI_MSIX_ENTRY_ADDR_LO:
		/* The low two bits are zero: messages are dword writes. */
		vec->routed &= vec->addr_lo == (val & ~3u);
		vec->addr_lo = val & ~3u;
		break;
	case PCI_MSIX_ENTRY_ADDR_HI:
		vec->routed &= vec->addr_hi == val;
		vec->addr_hi = val;
		break;
	case PCI_MSIX_ENTRY_DATA:
		vec->routed &= vec->data == val;
		vec->data = val;
		break;
	default:
		/* Only the mask bit is defined; the rest reads as zero. */
		vec->ctrl = val & PCI_MSIX_ENTRY_CTRL_MASKBIT;
		break;
	}
	/* An unmasked vector changed under the driver: routed again now. */
	msix_update(m, vec);
}

static uint32_t msix_dword(struct pci_msix *m, uint32_t off, bool is_write,
			   uint32_t val)
{
	uint32_t pba = off - m->pba_off, t = off - m->table_off;
	uint32_t bits = 0;
	unsigned int v;

	if (off >= m->pba_off && pba < pci_msix_pba_size(m->nr)) {
		/* Read-only: a write to it is ignored. */
		for (v = pba * 8; v < m->nr && v < pba * 8 + 32; v++)
			bits |= (uint32_t)m->vec[v].pending << (v - pba * 8);
		return bits;
	}
	if (is_write)
		msix_entry_write(m, &m->vec[t / PCI_MSIX_ENTRY_SIZE], t % 16, val);
	return msix_entry_read(&m->vec[t / PCI_MSIX_ENTRY_SIZE], t % 16);
}

static bool msix_in(uint64_t off, uint64_t base, uint64_t size)
{
	return off >= base && off - base < size;
}

bool pci_msix_bar_access(struct pci_msix *m, struct mmio_access *acc, int *ret)
{
	uint64_t off = acc->offset, data = 0;
	unsigned int i, n = acc->len / 4;

	if (!msix_in(off, m->table_off, pci_msix_table_size(m->nr)) &&
	    !msix_in(off, m->pba_off, pci_msix_pba_size(m->nr)))
		return false;
	*ret = -EINVAL;
	if (!acc->is_write)
		acc->data = 0;
	/* Aligned dwords and qwords only (6.8.2), whole inside one region. */
	if ((acc->len != 4 && acc->len != 8) || off % acc->len ||
	    msix_in(off + acc->len - 1, m->table_off, pci_msix_table_size(m->nr)) !=
	    msix_in(off, m->table_off, pci_msix_table_size(m->nr)))
		return true;
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < n; i++) {
		uint32_t d = msix_dword(m, off + 4 * i, acc->is_write,
					acc->data >> (32 * i));

		data |= (uint64_t)d << (32 * i);
	}
	pthread_mutex_unlock(&m->lock);
	if (!acc->is_write)
		acc->data = data;
	*ret = 0;
	return true;
}

/* ---- snapshots ---- */

int pci_msix_save(struct pci_msix *m, struct snapshot *s)
{
	unsigned int v;

	pthread_mutex_lock(&m->lock);
	snapshot_put_u32(s, m->nr);
	for (v = 0; v < m->nr; v++) {
		struct pci_msix_vector *vec = &m->vec[v];

		snapshot_put_u32(s, vec->addr_lo);
		snapshot_put_u32(s, vec->addr_hi);
		snapshot_put_u32(s, vec->data);
		snapshot_put_u32(s, vec->ctrl | (uint32_t)vec->pending << 31);
	}
	pthread_mutex_unlock(&m->lock);
	return snapshot_error(s);
}

/*
 * After the config space (its Enable and Function Mask bits): the
 * table, and each unmasked vector's route made again, as an unmask
 * would make it. A pending bit on a vector that can send is dropped
 * (the device sets it only while the vector is masked); nothing is
 * sent here, before the guest runs.
 */
int pci_msix_restore(struct pci_msix *m, struct snapshot *s)
{
	uint32_t nr = snapshot_get_u32(s), ctrl;
	uint64_t flags;
	unsigned int v;

	if (s->err || nr != m->nr)
		return -EINVAL;
	pci_cfg_read(m->pdev, m->cap + PCI_MSIX_FLAGS, 2, &flags);
	pthread_mutex_lock(&m->lock);
	m->enabled = flags & PCI_MSIX_FLAGS_ENABLE;
	m->fmasked = flags & PCI_MSIX_FLAGS_MASKALL;
	for (v = 0; v < nr; v++) {
		struct pci_msix_vector *vec = &m->vec[v];

		vec->addr_lo = snapshot_get_u32(s) & ~3u;
		vec->addr_hi = snapshot_get_u32(s);
		vec->data = snapshot_get_u32(s);
		ctrl = snapshot_get_u32(s);
		vec->ctrl = ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT;
		vec->pending = ctrl >> 31;
		vec->routed = false;
		if (m->enabled && !msix_masked(m, vec)) {
			vec->pending = false;
			msix_route(m, vec);
		}
	}
	pthread_mutex_unlock(&m->lock);
	return s->err ? -EINVAL : 0;
}
