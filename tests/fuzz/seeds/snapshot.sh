# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The seeds of fuzz-snapshot: snapshot files as lkvm snapshot writes them.
#
# Sourced by tests/fuzz/mk-seeds.sh, which calls each seeds_* function
# with its byte writers (u8, le16, le32, le64) and seed defined.

# ---- fuzz-snapshot: u32 extra file size (odd first byte: the CRC is
# made right), then a header and state as lkvm snapshot writes them ----

zeros() { head -c "$1" /dev/zero; }
sec() { le32 "$1"; le32 "$2"; le64 "$3"; }	# type id length

# A virtio device section (devices/virtio/*-snap.c): a virtio-rng of two
# queues of 16 at DRIVER_OK, behind the transport given, in a file of
# a config, a device list and RAM sections.
vcore() {
	le32 4; le32 2; le32 15; le64 0x100000000; le32 0; le32 0
	for q in 0 1; do
		le32 16; le32 3; le64 $((0x80001000 + q * 0x3000))
		le64 $((0x80002000 + q * 0x3000)); le64 $((0x80003000 + q * 0x3000))
		le32 0; le32 0
	done
}

# The transport's part (devices/virtio/mmio-snap.c): tag, version, legacy,
# the selectors, the driver's features, page size, each queue's align and PFN.
vmmio_head() {
	le32 0x4f494d56; le32 1; le32 0; le32 0; le32 0; le32 0; le64 0; le32 4096
	for q in 0 1 2 3 4 5 6 7; do le32 4096; le32 0; done
}

vmmio() {
	vmmio_head
	vcore
}

vpci() {
	le32 0x49435056; le32 1; le32 0; le32 0; le32 0; le32 0; le64 0; le32 0
	for q in 0 1 2 3 4 5 6 7; do le32 $((q < 2 ? q + 1 : 0xffff)); le32 0; done
	zeros 4; u8 6; zeros 251; le32 0		# command: memory, master
	le32 33; for v in $(seq 0 32); do le32 0x08090040; le32 0; le32 $((0x20 + v)); le32 0; done
	vcore
}

vsnap() {	# vsnap mmio|pci|9p|vsock
	local body len pad
	body=$(mktemp)
	"v$1" >"$body"
	len=$(stat -c %s "$body")
	pad=$(((8 - len % 8) % 8))
	le32 0x2001
	printf LKVMSNAP; le32 1; le32 256; printf 'seed'; zeros 28
	le32 2; le32 1; le64 0x80000000; le64 4096; le32 32; le32 0; le32 0; le32 0
	le64 $((24 + 24 + 16 + len + pad + 32)); le64 4096; le32 0; zeros 148
	sec 1 0 5; printf -- '-c\0001\000'; zeros 3
	sec 2 0 5; printf 'vdev\000'; zeros 3
	sec 5 0 "$len"; cat "$body"; zeros "$pad"
	sec 6 0 16; le64 4096; le64 4096
	rm -f "$body"
}

# virtio-9p over virtio-mmio (tests/fuzz/snapshot-9p-fz.c's share): one
# queue, then msize and three fids: the root, "f" opened read-write and
# "d/g" by name (devices/9p/p9-snap.c: id, flags, open flags, path).
v9p() {
	vmmio_head
	le32 9; le32 1; le32 15; le64 0x100000001; le32 0; le32 0
	le32 16; le32 3; le64 0x80001000; le64 0x80002000; le64 0x80003000; le32 0; le32 0
	le32 65536; le32 3
	le32 1; le32 0; le32 0; le32 0
	le32 2; le32 5; le32 2; le32 1; printf f
	le32 3; le32 4; le32 0; le32 3; printf d/g
}

# virtio-vsock over virtio-mmio (devices/virtio/vsock.c): three queues of
# 16 at DRIVER_OK, then its version, CID 3, the mask of vhost's rings
# (rx, tx) and their bases (devices/virtio/vhost-snap.c).
vvsock() {
	le32 0x4f494d56; le32 1; le32 0; le32 0; le32 0; le32 0; le64 0; le32 4096
	for q in 0 1 2 3 4 5 6 7; do le32 4096; le32 0; done
	le32 19; le32 3; le32 15; le64 0x100000000; le32 0; le32 0
	for q in 0 1 2; do
		le32 16; le32 3; le64 $((0x80001000 + q * 0x3000))
		le64 $((0x80002000 + q * 0x3000)); le64 $((0x80003000 + q * 0x3000))
		le32 0; le32 0
	done
	le32 1; le64 3; le32 3; le32 0; le32 0
}

# The PCI test device (devices/pci/pci-testdev.c): mmio-datamatch-eventfd
# selected with 3 writes counted, BAR 0 at 0x50020000, memory decoding on.
vptd() {
	le32 0x44545450; le32 1; le32 2; le32 3
	zeros 4; u8 2; zeros 11; le32 0x50020000; zeros 236; le32 0
}

# seeds_snapshot: the seeds of fuzz-snapshot.
seeds_snapshot() {
	{
		le32 0x2001
		printf LKVMSNAP; le32 1; le32 256; printf 'seed'; zeros 28
		le32 2; le32 1; le64 0x80000000; le64 4096; le32 32; le32 0; le32 0; le32 0
		le64 112; le64 4096; le32 0; zeros 148
		sec 1 0 5; printf -- '-c\0001\000'; zeros 3
		sec 2 0 5; printf 'UART\000'; zeros 3
		sec 5 0 16; zeros 7; u8 8; u8 0; le32 3; printf abc
		sec 6 0 16; le64 4096; le64 4096
	} | seed fuzz-snapshot one-cpu
	vsnap mmio | seed fuzz-snapshot virtio-mmio
	vsnap 9p | seed fuzz-snapshot virtio-9p
	vsnap vsock | seed fuzz-snapshot virtio-vsock
	vsnap pci | seed fuzz-snapshot virtio-pci
	vsnap ptd | seed fuzz-snapshot pci-testdev
	# A GICv2's architectural record (gic/gicv2-state.c): 1 vCPU, 64 INTIDs,
	# SPI 32 enabled and pending at priority 0x80, the CPU interface on.
	{
		le32 0x2001
		printf LKVMSNAP; le32 1; le32 256; printf 'seed'; zeros 28
		le32 1; le32 1; le64 0x80000000; le64 4096; le32 32; le32 0; le32 0; le32 0
		le64 320; le64 4096; le32 0; zeros 148
		sec 1 0 5; printf -- '-c\0001\000'; zeros 3
		sec 2 0 5; printf 'UART\000'; zeros 3
		sec 4 0 224
		printf GIC2; le32 1; le32 1; le32 64; le32 0; le32 0; le32 0; le32 1
		le32 1; le32 1; le32 0; le32 0; le32 0; le32 0; u8 0x80; zeros 31; u8 1; zeros 31
		le32 0xffff; le32 0; le32 0; le32 0; le32 0; le32 0xffff
		le32 1; le32 0xf8; le32 2; le32 3; le32 0; le32 0; le32 0; le32 0
		zeros 48
		sec 6 0 16; le64 4096; le64 4096
	} | seed fuzz-snapshot gicv2
	# A VM with MTE (format version 2, flag bit 0): 4 pages of RAM, the tags
	# of pages 1 and 3 (lib/snapshot.h: u64 page, 256 tag bytes each).
	{
		le32 0x5001
		printf LKVMSNAP; le32 2; le32 256; printf 'seed'; zeros 28
		le32 2; le32 1; le64 0x80000000; le64 16384; le32 32; le32 0; le32 0; le32 1
		le64 624; le64 4096; le32 0; zeros 148
		sec 1 0 5; printf -- '-c\0001\000'; zeros 3
		sec 2 0 5; printf 'UART\000'; zeros 3
		sec 7 0 528
		le64 1; for i in $(seq 0 255); do u8 $((1 + i % 15)); done
		le64 3; for i in $(seq 0 255); do u8 $((15 - i % 15)); done
		sec 6 0 16; le64 4096; le64 16384
	} | seed fuzz-snapshot mte-tags
}
