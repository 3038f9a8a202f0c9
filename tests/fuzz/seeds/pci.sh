# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The seeds of the PCI targets: the host bridge, virtio-pci (modern and
# legacy), the PCI test device and MSI-X.
#
# Sourced by tests/fuzz/mk-seeds.sh, which calls each seeds_* function
# with its byte writers (u8, le16, le32, le64) and seed defined.

# ---- fuzz-pci: ECAM and window accesses, INTx (tests/fuzz/fuzz-pci.c) ----

ecam() { u8 1; u8 "$1"; u8 "$2"; u8 "$3"; u8 "$4"; le32 "$5"; u8 0; }	# slot reg len write data
win() { u8 2; le32 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }

# pci-host-generic's scan of a slot: IDs, decoding off, each BAR sized
# and placed, decoding on, then an access to it.
pci_scan() {	# slot bar-address
	local b
	ecam "$1" 0 4 0 0; ecam "$1" 4 2 1 0
	for b in 0x10 0x14 0x18 0x1c 0x20 0x24; do
		ecam "$1" $b 4 1 0xffffffff; ecam "$1" $b 4 0 0
	done
	ecam "$1" 0x14 4 1 "$2"; ecam "$1" 4 2 1 6
	win $(($2 - 0x50000000)) 4 0 0
}

# seeds_pci: the seeds of fuzz-pci.
seeds_pci() {
	{ pci_scan 0 0x50100000; pci_scan 1 0x50200000; pci_scan 2 0x50300000; } |
		seed fuzz-pci linux-scan
	# Two BARs onto one address, then apart; INTx with INTx Disable.
	{
		pci_scan 0 0x50100000; ecam 2 0x10 4 1 0x50100000; win 0x100000 4 0 0
		ecam 2 0x10 4 1 0x50400000; u8 3; u8 0; u8 1; ecam 0 4 2 1 0x406
		ecam 0 4 2 1 6; u8 3; u8 0; u8 0
		ecam 0 0x10 1 1 0xff; ecam 0 0x13 1 1 0x7f; ecam 0 0x3c 8 0 0
	} | seed fuzz-pci clash-intx
}

# ---- fuzz-virtio-pci: config, then guest steps (tests/fuzz/fuzz-virtio-pci.c) ----

vp_probe() { u8 4; le64 "$1"; u8 "$2"; }
vp_req() { u8 5; u8 "$1"; u8 "$2"; u8 "$3"; }
vp_bar() { u8 1; le16 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }

# seeds_virtio_pci: the seeds of fuzz-virtio-pci.
seeds_virtio_pci() {
	{ u8 1; vp_probe 0 4; vp_req 0 16 16; vp_req 1 8 8; u8 3; u8 7; u8 6; u8 7; } |
		seed fuzz-virtio-pci linux
	# BAR 1 moved and decoding toggled while requests are in flight, a KVM
	# notify, INTx Disable, a reset, odd widths.
	{
		u8 0; vp_probe 0x7fffffffffffffff 3; vp_req 0 4 4
		u8 8; le32 0x60000000; u8 3; u8 0; u8 9; u8 0; u8 3
		u8 8; le32 0x80000000; u8 1; u8 1; u8 6; u8 7
		u8 8; le32 0x50000000; u8 1; u8 0; u8 7
		vp_bar 0x14 1 1 0; vp_bar 0x14 4 0 0; vp_bar 0x22 4 0 0; vp_bar 0x3c 4 0 0
		vp_bar 0x40 8 0 0; vp_bar 0xfc 8 0 0; vp_bar 0x38 2 1 0
	} | seed fuzz-virtio-pci move-in-flight
}

# ---- fuzz-virtio-pci-legacy: config, then guest steps (tests/fuzz/fuzz-virtio-pci-legacy.c) ----

vl_probe() { u8 4; le32 "$1"; }
vl_req() { u8 5; u8 "$1"; u8 "$2"; u8 "$3"; }
vl_bar() { u8 1; le16 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }
vl_pfn() { u8 12; le16 "$1"; le32 "$2"; }

# seeds_virtio_pci_legacy: the seeds of fuzz-virtio-pci-legacy.
seeds_virtio_pci_legacy() {
	{ u8 1; vl_probe 0; vl_req 0 16 16; vl_req 1 8 8; u8 3; u8 7; u8 6; u8 7; } |
		seed fuzz-virtio-pci-legacy linux
	# MSI-X on (the config moves to 0x18, vectors at 0x14 and 0x16), a
	# request on a vector, MSI-X off again, a reset.
	{
		u8 1; vl_probe 0; u8 11; u8 1; u8 1; u8 2; u8 0
		vl_req 1 4 4; u8 3; vl_bar 0x18 1 0 0; vl_bar 0x14 2 0 0
		u8 11; u8 0; u8 0xff; u8 0xff; u8 0xff; vl_req 0 4 4; u8 3; u8 7
		vl_bar 0x12 1 1 0
	} | seed fuzz-virtio-pci-legacy msix
	# BAR 0 moved to port 0 and off while requests are in flight, a KVM
	# notify, PFNs out of RAM and for queues that do not exist, odd widths.
	{
		u8 3; vl_probe 0xffffffff; vl_req 2 4 4
		u8 8; le32 0; u8 3; u8 0; u8 9; u8 2; u8 3
		u8 8; le32 0x10000; u8 1; u8 1; u8 6; u8 7
		u8 8; le32 0x2000; u8 1; u8 0; u8 7
		vl_pfn 3 0; vl_pfn 3 0xffffffff; vl_pfn 9 0x80004; vl_pfn 0 1
		vl_bar 0x0c 2 1 16; vl_bar 0x10 4 1 0; vl_bar 0x13 4 0 0
		vl_bar 0x14 8 0 0; vl_bar 0xfc 8 0 0; vl_bar 0x10 2 1 0xffff
	} | seed fuzz-virtio-pci-legacy move-in-flight
}

# ---- fuzz-pci-testdev: config, BAR accesses, tests (tests/fuzz/fuzz-pci-testdev.c) ----

ptd_cfg() { u8 0; u8 "$1"; le32 "$2"; }		# 0 command, 1 BAR 0, 2 BAR 1
ptd_mem() { u8 2; le16 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }	# off len write data
ptd_io() { u8 3; le16 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }	# port len write data

# kvm-unit-tests' pci-test: BARs placed (BAR 1 at port 0), decoding on,
# then each BAR's tests as lib/pci-testdev.c runs them, and one more.
ptd_one() {	# bar n data
	u8 4; u8 "$1"; u8 "$2"
	if [ "$1" = 0 ]; then ptd_mem 12 4 0 0; ptd_mem 1 1 0 0; ptd_mem 8 4 0 0; ptd_mem 4 4 0 0
	else ptd_io 12 4 0 0; ptd_io 1 1 0 0; ptd_io 8 4 0 0; ptd_io 4 4 0 0; fi
	for _ in $(seq 16); do u8 5; u8 "$1"; u8 1; le64 "$3"; done
	if [ "$1" = 0 ]; then ptd_mem 12 4 0 0; ptd_mem 16 8 0 0
	else ptd_io 12 4 0 0; ptd_io 16 8 0 0; fi
}

# seeds_pci_testdev: the seeds of fuzz-pci-testdev.
seeds_pci_testdev() {
	{
		ptd_cfg 1 0x50000000; ptd_cfg 2 0; ptd_cfg 0 3
		ptd_one 0 0 0xfa; ptd_one 0 1 0xce; ptd_one 0 2 0xfa; ptd_one 0 3 0
		ptd_one 1 0 0xfa; ptd_one 1 1 0xce; ptd_one 1 2 0xfa; ptd_one 1 3 0
	} | seed fuzz-pci-testdev kut-pci-test
	# BAR 1 moved and I/O decoding toggled under a selected test, wider and
	# wrong-data writes, the test selected through the other BAR.
	{
		ptd_cfg 2 0; ptd_cfg 0 3; u8 4; u8 1; u8 2
		u8 5; u8 1; u8 4; le64 0x123456fa; u8 5; u8 1; u8 1; le64 0xce
		ptd_cfg 2 0xff00; u8 5; u8 1; u8 1; le64 0xfa; ptd_cfg 0 2
		u8 5; u8 1; u8 1; le64 0xfa; ptd_cfg 0 3; ptd_io 0xff0c 4 0 0
		ptd_mem 0 1 1 1; ptd_io 0xff00 8 0 0; ptd_io 0xff00 1 1 7
	} | seed fuzz-pci-testdev moves
}

# ---- fuzz-msix: table size and layout, then operations (tests/fuzz/fuzz-msix.c) ----

mx_bar() { u8 0; le16 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }
mx_entry() { u8 1; u8 "$1"; u8 "$2"; le32 "$3"; }

mx_vector() {	# vector address data: programmed as Linux does, unmasked last
	mx_entry "$1" 0 "$2"; mx_entry "$1" 1 0; mx_entry "$1" 2 "$3"; mx_entry "$1" 3 0
}

mx_notify() { u8 2; u8 "$1"; }
mx_ctrl() { u8 3; u8 0; u8 0; u8 0; le32 "$1"; }
mx_frame() { u8 4; u8 "$1"; }

# seeds_msix: the seeds of fuzz-msix.
seeds_msix() {
	# virtio-pci's layout (33 vectors, the PBA after the table): Linux's
	# set-up, messages, Function Mask holding them, the PBA read, released.
	{
		u8 32; le16 0; le16 0x210
		mx_ctrl 0xc000; mx_vector 0 0x3ffb0040 0; mx_vector 1 0x3ffb0040 1
		mx_vector 2 0x3ffb0040 2; mx_ctrl 0x8000
		mx_notify 0; mx_notify 1; mx_notify 2; mx_ctrl 0xc000; mx_notify 1
		mx_notify 2; mx_bar 0x210 4 0 0; mx_bar 0x210 8 0 0; mx_ctrl 0x8000
		mx_bar 0 8 0 0; mx_bar 8 8 1 0x100000005; mx_notify 0
	} | seed fuzz-msix linux
	# The PBA before the table, an entry changed while unmasked (a new
	# route), routes and then the signal failing, a vector's mask bit.
	{
		u8 63; le16 0x1000; le16 0x800
		mx_ctrl 0x8000; mx_vector 63 0x3ffcf040 96; mx_notify 63
		mx_entry 63 2 97; mx_notify 63; mx_frame 1; mx_entry 63 2 98
		mx_notify 63; mx_frame 3; mx_notify 63; mx_frame 0
		mx_entry 63 3 1; mx_notify 63; mx_bar 0x800 4 0 0; mx_entry 63 3 0
		mx_bar 0x13f0 4 1 7; mx_bar 0x13f2 2 0 0; mx_bar 0x1400 4 0 0
	} | seed fuzz-msix reroute-fail
}
