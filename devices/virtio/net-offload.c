// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's offloads (devices/virtio/net-offload.h): what the card
 * offers of its backend's, and the virtio-net headers that cross it
 * checked against what the driver took.
 */
#include "devices/virtio/net-offload.h"

/*
 * What the card offers of a backend's offloads: segmentation only with
 * the checksum it depends on (5.1.3.1).
 */
uint64_t virtio_net_offered(uint64_t off)
{
	off &= VIRTIO_NET_OFFLOAD_F;
	if (!(off & 1ULL << VIRTIO_NET_F_CSUM))
		off &= ~(1ULL << VIRTIO_NET_F_HOST_TSO4 | 1ULL << VIRTIO_NET_F_HOST_TSO6);
	if (!(off & 1ULL << VIRTIO_NET_F_GUEST_CSUM))
		off &= ~(1ULL << VIRTIO_NET_F_GUEST_TSO4 | 1ULL << VIRTIO_NET_F_GUEST_TSO6);
	return off;
}

/*
 * A header for the guest, made fit for the driver: false when the
 * frame needs an offload it did not take (a checksum left to it,
 * segments larger than it asked for), which is then dropped.
 */
bool virtio_net_rx_hdr_fits(const struct virtio_dev *vd, struct virtio_net_hdr *h)
{
	bool csum = virtio_dev_has_feature(vd, VIRTIO_NET_F_GUEST_CSUM);

	h->flags &= VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID;
	if (!csum)
		h->flags &= ~VIRTIO_NET_HDR_F_DATA_VALID;
	if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !csum)
		return false;
	switch (h->gso_type) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return virtio_dev_has_feature(vd, VIRTIO_NET_F_GUEST_TSO4);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return virtio_dev_has_feature(vd, VIRTIO_NET_F_GUEST_TSO6);
	default:
		return false;
	}
}

/*
 * A header from the guest, checked before anything acts on it: only
 * NEEDS_CSUM among the flags, with CSUM taken and the checksum's field
 * within the frame; a gso_type the driver took (TCP over IPv4 or IPv6,
 * no ECN), a segment size and its checksum left to the device; hdr_len
 * within the frame.
 */
bool virtio_net_tx_hdr_ok(const struct virtio_dev *vd, const struct virtio_net_hdr *h,
			  size_t len)
{
	bool csum = h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;

	if (h->flags & ~VIRTIO_NET_HDR_F_NEEDS_CSUM || h->hdr_len > len)
		return false;
	if (csum && (!virtio_dev_has_feature(vd, VIRTIO_NET_F_CSUM) ||
		     (size_t)h->csum_start + h->csum_offset + 2 > len))
		return false;
	switch (h->gso_type) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		if (!virtio_dev_has_feature(vd, VIRTIO_NET_F_HOST_TSO4))
			return false;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		if (!virtio_dev_has_feature(vd, VIRTIO_NET_F_HOST_TSO6))
			return false;
		break;
	default:
		return false;
	}
	return csum && h->gso_size;
}
