// SPDX-License-Identifier: GPL-2.0
/* Puts a virtio device behind the transport the VM was asked for. */
#include <errno.h>
#include <stdlib.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/pci.h"
#include "devices/virtio/virtio.h"

static int virtio_transport_mmio(struct virtio_dev *vd,
				 const struct device_ctx *ctx, bool legacy,
				 struct device **dev)
{
	struct virtio_mmio *vm = malloc(sizeof(*vm));
	int ret;

	if (!vm)
		return -ENOMEM;
	ret = virtio_mmio_create(vm, vd, ctx, legacy);
	if (ret) {
		free(vm);
		return ret;
	}
	*dev = &vm->dev;
	return 0;
}

static int virtio_transport_pci(struct virtio_dev *vd,
				const struct device_ctx *ctx, bool legacy,
				struct device **dev)
{
	struct virtio_pci *vp = malloc(sizeof(*vp));
	int ret;

	if (!vp)
		return -ENOMEM;
	ret = virtio_pci_create(vp, vd, ctx, legacy);
	if (ret) {
		free(vp);
		return ret;
	}
	*dev = &vp->dev;
	return 0;
}

int virtio_transport_create(struct virtio_dev *vd, const struct device_ctx *ctx,
			    enum virtio_transport t, struct device **dev)
{
	switch (t) {
	case VIRTIO_TRANSPORT_MMIO:
		return virtio_transport_mmio(vd, ctx, false, dev);
	case VIRTIO_TRANSPORT_MMIO_LEGACY:
		return virtio_transport_mmio(vd, ctx, true, dev);
	case VIRTIO_TRANSPORT_PCI:
		return virtio_transport_pci(vd, ctx, false, dev);
	case VIRTIO_TRANSPORT_PCI_LEGACY:
		return virtio_transport_pci(vd, ctx, true, dev);
	}
	return -EINVAL;
}
