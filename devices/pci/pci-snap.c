// SPDX-License-Identifier: GPL-2.0
/*
 * A PCI function's config space in a snapshot: the 256 bytes of its
 * header and capabilities, and its INTx state. A restore takes from
 * the file only the bits the guest may write (pdev->wmask: the BARs'
 * address bits, the command register, MSI-X Enable and Function Mask,
 * ...); everything else (IDs, sizes, the capability list) stays as
 * set-up made it, so a file cannot make a function claim to be
 * something it is not. Where the BARs then decode is the bridge's
 * business: pci_dev_restored() (devices/pci/host.c).
 */
#include <errno.h>

#include "devices/pci/config.h"
#include "lib/snapshot.h"

int pci_dev_save(struct pci_dev *pdev, struct snapshot *s)
{
	pthread_mutex_lock(&pdev->lock);
	snapshot_put(s, pdev->cfg, PCI_CFG_HDR_SIZE);
	snapshot_put_u32(s, pdev->intx_level | pdev->intx_out << 1);
	pthread_mutex_unlock(&pdev->lock);
	return snapshot_error(s);
}

/*
 * The line is not driven: the GIC's own state holds its level, and the
 * model's record of it comes back to match.
 */
int pci_dev_restore(struct pci_dev *pdev, struct snapshot *s)
{
	uint8_t cfg[PCI_CFG_HDR_SIZE];
	uint32_t intx;
	unsigned int i;

	snapshot_get(s, cfg, sizeof(cfg));
	intx = snapshot_get_u32(s);
	if (s->err || intx > 3)
		return -EINVAL;
	pthread_mutex_lock(&pdev->lock);
	for (i = 0; i < PCI_CFG_HDR_SIZE; i++)
		pdev->cfg[i] = (pdev->cfg[i] & ~pdev->wmask[i]) |
			       (cfg[i] & pdev->wmask[i]);
	pdev->intx_level = intx & 1;
	pdev->intx_out = pdev->intx && (intx & 2);
	if (pdev->intx_level)
		pdev->cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		pdev->cfg[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
	pthread_mutex_unlock(&pdev->lock);
	return 0;
}
