// SPDX-License-Identifier: GPL-2.0
/*
 * A PCI function's configuration space: the type 0 header, BAR sizing
 * and placement, the capability list, the command and status
 * registers and the INTx pin.
 *
 * The space is an image of 256 bytes and a mask of the bits the guest
 * may write, as hardware has it: an access of any width is done byte
 * by byte, a write changes only writable bits, and a BAR's low bits
 * below its size are not writable, so all-ones reads back as the size
 * (the sizing every driver does). Reads have no side effects.
 */
#include <errno.h>
#include <string.h>

#include "devices/pci/config.h"

/*
 * The command bits a guest may set. I/O Space only on a function with
 * an I/O BAR (pci_dev_add_io_bar() makes it writable): elsewhere it
 * reads 0, as the spec allows a function without I/O space.
 */
#define PCI_COMMAND_WRITABLE	(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
				 PCI_COMMAND_INTX_DISABLE)
#define PCI_BAR_MIN		16
#define PCI_BAR_MAX		(1u << 30)
#define PCI_IO_BAR_MIN		4
#define PCI_IO_BAR_MAX		256

static void cfg_put(uint8_t *p, unsigned int off, uint64_t val, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		p[off + i] = val >> (8 * i);
}

static uint64_t cfg_get(const uint8_t *p, unsigned int off, unsigned int len)
{
	uint64_t val = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		val |= (uint64_t)p[off + i] << (8 * i);
	return val;
}

int pci_dev_init(struct pci_dev *pdev, const struct pci_dev_id *id,
		 const struct pci_dev_ops *ops, void *priv)
{
	unsigned int b;
	int ret;

	memset(pdev, 0, sizeof(*pdev));
	ret = -pthread_mutex_init(&pdev->lock, NULL);
	if (ret)
		return ret;
	pdev->ops = ops;
	pdev->priv = priv;
	pdev->cap_end = PCI_CAP_START;
	for (b = 0; b < PCI_NR_BARS; b++)
		pdev->decode[b] = PCI_DECODE_NONE;
	cfg_put(pdev->cfg, PCI_VENDOR_ID, id->vendor, 2);
	cfg_put(pdev->cfg, PCI_DEVICE_ID, id->device, 2);
	cfg_put(pdev->cfg, PCI_REVISION_ID, id->revision, 1);
	cfg_put(pdev->cfg, PCI_CLASS_PROG, id->class, 3);
	cfg_put(pdev->cfg, PCI_SUBSYSTEM_VENDOR_ID, id->subsys_vendor, 2);
	cfg_put(pdev->cfg, PCI_SUBSYSTEM_ID, id->subsys, 2);
	/* Header type 0, single function: cfg[PCI_HEADER_TYPE] stays 0. */
	cfg_put(pdev->wmask, PCI_COMMAND, PCI_COMMAND_WRITABLE, 2);
	/* Interrupt Line: scratch for the OS, as on any device. */
	pdev->wmask[PCI_INTERRUPT_LINE] = 0xff;
	return 0;
}

void pci_dev_destroy(struct pci_dev *pdev)
{
	pthread_mutex_destroy(&pdev->lock);
}

int pci_dev_add_bar(struct pci_dev *pdev, unsigned int bar, uint32_t size)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;

	if (bar >= PCI_NR_BARS || size < PCI_BAR_MIN || size > PCI_BAR_MAX ||
	    (size & (size - 1)) || pdev->bar_size[bar])
		return -EINVAL;
	pdev->bar_size[bar] = size;
	/* Type bits 0: 32-bit, non-prefetchable memory; read-only. */
	cfg_put(pdev->wmask, off, ~(size - 1) & ~0xfu, 4);
	return 0;
}

int pci_dev_add_io_bar(struct pci_dev *pdev, unsigned int bar, uint32_t size)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;

	if (bar >= PCI_NR_BARS || size < PCI_IO_BAR_MIN || size > PCI_IO_BAR_MAX ||
	    (size & (size - 1)) || pdev->bar_size[bar])
		return -EINVAL;
	pdev->bar_size[bar] = size;
	pdev->bar_io |= 1u << bar;
	/* Bit 0 set: I/O space, read-only; bit 1 reserved, reads 0. */
	cfg_put(pdev->cfg, off, PCI_BASE_ADDRESS_SPACE_IO, 4);
	cfg_put(pdev->wmask, off, ~(size - 1) & ~0x3u, 4);
	pdev->wmask[PCI_COMMAND] |= PCI_COMMAND_IO;
	return 0;
}

int pci_dev_add_cap(struct pci_dev *pdev, uint8_t id, uint8_t len,
		    uint8_t *off)
{
	unsigned int at = pdev->cap_end;

	if (len < 2 || at + len > PCI_CFG_HDR_SIZE)
		return -ENOSPC;
	pdev->cfg[at] = id;
	pdev->cfg[at + 1] = 0;		/* the end of the list, for now */
	if (pdev->cap_last)
		pdev->cfg[pdev->cap_last + 1] = at;
	else
		pdev->cfg[PCI_CAPABILITY_LIST] = at;
	pdev->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	pdev->cap_last = at;
	/* The next one dword-aligned, as the list's pointers want. */
	pdev->cap_end = (at + len + 3) & ~3u;
	*off = at;
	return 0;
}

void pci_dev_set_pin(struct pci_dev *pdev, struct irq_line *line)
{
	pdev->intx = line;
	pdev->cfg[PCI_INTERRUPT_PIN] = line ? 1 : 0;	/* INTA */
}

/* lock held: the line follows the device's level and INTx Disable. */
static void pci_intx_update(struct pci_dev *pdev)
{
	uint16_t cmd = cfg_get(pdev->cfg, PCI_COMMAND, 2);
	bool out = pdev->intx_level && !(cmd & PCI_COMMAND_INTX_DISABLE);

	if (pdev->intx_level)
		pdev->cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		pdev->cfg[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
	if (!pdev->intx || out == pdev->intx_out)
		return;
	pdev->intx_out = out;
	/* A failure is reported by the irqchip, once for every device. */
	irq_line_set(pdev->intx, out);
}

void pci_dev_set_intx(struct pci_dev *pdev, bool level)
{
	pthread_mutex_lock(&pdev->lock);
	pdev->intx_level = level;
	pci_intx_update(pdev);
	pthread_mutex_unlock(&pdev->lock);
}

static bool pci_cfg_range(uint32_t off, uint32_t len)
{
	return len >= 1 && len <= 8 && off < PCI_CFG_SPACE_SIZE &&
	       len <= PCI_CFG_SPACE_SIZE - off;
}

int pci_cfg_read(struct pci_dev *pdev, uint32_t off, uint32_t len,
		 uint64_t *val)
{
	uint32_t i;

	*val = 0;
	if (!pci_cfg_range(off, len))
		return -EINVAL;
	pthread_mutex_lock(&pdev->lock);
	for (i = 0; i < len && off + i < PCI_CFG_HDR_SIZE; i++)
		*val |= (uint64_t)pdev->cfg[off + i] << (8 * i);
	pthread_mutex_unlock(&pdev->lock);
	return 0;
}

/* Which registers a write of [off, off + len) touched. */
static unsigned int pci_cfg_touched(uint32_t off, uint32_t len)
{
	uint32_t end = off + len;
	unsigned int changed = 0;

	if (off < PCI_COMMAND + 2 && end > PCI_COMMAND)
		changed |= PCI_CFG_CHANGED_DECODE;
	if (off < PCI_BASE_ADDRESS_0 + 4 * PCI_NR_BARS && end > PCI_BASE_ADDRESS_0)
		changed |= PCI_CFG_CHANGED_DECODE;
	return changed;
}

int pci_cfg_write(struct pci_dev *pdev, uint32_t off, uint32_t len,
		  uint64_t val, unsigned int *changed)
{
	uint32_t i;

	*changed = 0;
	if (!pci_cfg_range(off, len))
		return -EINVAL;
	if (off >= PCI_CFG_HDR_SIZE)
		return 0;		/* the extended space: nothing there */
	pthread_mutex_lock(&pdev->lock);
	for (i = 0; i < len && off + i < PCI_CFG_HDR_SIZE; i++) {
		uint8_t m = pdev->wmask[off + i], b = val >> (8 * i);

		pdev->cfg[off + i] = (pdev->cfg[off + i] & ~m) | (b & m);
	}
	*changed = pci_cfg_touched(off, len);
	/* INTx Disable may have changed: the line follows at once. */
	if (*changed)
		pci_intx_update(pdev);
	pthread_mutex_unlock(&pdev->lock);
	return 0;
}

/* The address bits of a BAR: above bit 1 for I/O, above bit 3 for memory. */
static uint32_t pci_bar_addr_mask(const struct pci_dev *pdev, unsigned int bar)
{
	return pci_dev_bar_is_io(pdev, bar) ? ~0x3u : ~0xfu;
}

uint32_t pci_dev_bar_addr(struct pci_dev *pdev, unsigned int bar)
{
	uint32_t v;

	if (bar >= PCI_NR_BARS)
		return 0;
	pthread_mutex_lock(&pdev->lock);
	v = cfg_get(pdev->cfg, PCI_BASE_ADDRESS_0 + 4 * bar, 4);
	pthread_mutex_unlock(&pdev->lock);
	return v & pci_bar_addr_mask(pdev, bar);
}

static uint16_t pci_dev_command(struct pci_dev *pdev)
{
	uint16_t cmd;

	pthread_mutex_lock(&pdev->lock);
	cmd = cfg_get(pdev->cfg, PCI_COMMAND, 2);
	pthread_mutex_unlock(&pdev->lock);
	return cmd;
}

bool pci_dev_mem_enabled(struct pci_dev *pdev)
{
	return pci_dev_command(pdev) & PCI_COMMAND_MEMORY;
}

bool pci_dev_io_enabled(struct pci_dev *pdev)
{
	return pci_dev_command(pdev) & PCI_COMMAND_IO;
}

void pci_dev_place_bar(struct pci_dev *pdev, unsigned int bar, uint32_t addr)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	uint32_t type;

	if (bar >= PCI_NR_BARS || !pdev->bar_size[bar])
		return;
	type = pci_dev_bar_is_io(pdev, bar) ? PCI_BASE_ADDRESS_SPACE_IO : 0;
	addr &= ~(pdev->bar_size[bar] - 1) & pci_bar_addr_mask(pdev, bar);
	pthread_mutex_lock(&pdev->lock);
	cfg_put(pdev->cfg, off, addr | type, 4);
	pthread_mutex_unlock(&pdev->lock);
}

void pci_dev_set_command(struct pci_dev *pdev, uint16_t bits)
{
	uint16_t writable = cfg_get(pdev->wmask, PCI_COMMAND, 2);

	pthread_mutex_lock(&pdev->lock);
	cfg_put(pdev->cfg, PCI_COMMAND, bits & writable, 2);
	pci_intx_update(pdev);
	pthread_mutex_unlock(&pdev->lock);
}
