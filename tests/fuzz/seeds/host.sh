# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The seeds of the targets fed by the user and the host rather than by
# the guest's MMIO: the kernel loader, the command line, the control
# socket, the -d argument and the panic watch on the guest's console.
#
# Sourced by tests/fuzz/mk-seeds.sh, which calls each seeds_* function
# with its byte writers (u8, le16, le32, le64) and seed defined.

# ---- fuzz-loader: an Image header, then the plan's parameters ----

# code0 code1 text_offset image_size flags magic res5(PE offset)
image_header() {
	le32 0xfa405a4d; le32 0x14c9ffff
	le64 "$1"; le64 "$2"; le64 "$3"
	le64 0; le64 0; le64 0
	printf 'ARM\x64'; le32 0x40
}

# mode ram kernel-file initrd base
plan() { u8 "$1"; le64 "$2"; le64 "$3"; le64 "$4"; le64 "${5:-0}"; }

# seeds_loader: the seeds of fuzz-loader.
seeds_loader() {
	local MiB=$((1 << 20))
	# Debian 12's arm64 kernel: text_offset 0, 32.06 MiB, 4K pages, LE.
	image_header 0 0x2010000 0xa | seed fuzz-loader debian-image
	{ image_header 0 0x2010000 0xa; plan 1 512 $((31 * MiB)) $((30 * MiB)); } |
		seed fuzz-loader debian-image-initrd
	{ image_header 0 0x2010000 0xa; plan 1 64 $((31 * MiB)) $((24 * MiB)); } |
		seed fuzz-loader debian-image-64m
	# Pre-3.17: image_size 0 means text_offset 0x80000.
	{ image_header 0x80000 0 0; plan 1 128 $((8 * MiB)) $((4 * MiB)); } |
		seed fuzz-loader old-image
	image_header 0 0x2010000 0xb | seed fuzz-loader big-endian
	image_header 0x1000 0x1000000 0x2 | seed fuzz-loader text-offset
	printf '\x00\x00\x00\x14bare-metal test' | seed fuzz-loader raw-binary
	printf '\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03' | seed fuzz-loader gzip
	printf '#!/bin/sh\nexec lkvm run -k Image\n' | seed fuzz-loader script
}

# ---- fuzz-options: NUL-separated arguments after "run" ----

args() { printf '%s\0' "$@"; }

# seeds_options: the seeds of fuzz-options.
seeds_options() {
	args -k Image -i initrd.img -p "console=ttyS0 earlycon" -c 2 -m 512 |
		seed fuzz-options short
	args --kernel=Image --cpus=4 --mem=2G --irqchip=gicv3 --name=guest --debug |
		seed fuzz-options long
	args Image --irqchip user --nodefaults -p root=/dev/vda --loglevel=info |
		seed fuzz-options positional
	args -k Image --network mode=none --console serial --dump-dtb out.dtb -v |
		seed fuzz-options kvmtool
	args --help | seed fuzz-options help
	args -- -Image | seed fuzz-options dashdash
	args -k Image -c 0 | seed fuzz-options bad-cpus
	args -k Image -m 1T | seed fuzz-options bad-mem
	args -k Image --irqchip=gicv3-its | seed fuzz-options bad-irqchip
	args -kImage -m64M -c512 | seed fuzz-options attached
	args -k Image --test-device --name=.hidden | seed fuzz-options bad-name
	args -k Image -m 262144K --mem=1GB | seed fuzz-options mem-units
}

# ---- fuzz-control: one request line as the socket delivers it ----

# kvmtool's binary messages (host/control-kvmtool.h): type, length, body.
ipc() { le32 "$1"; le32 "${2:-0}"; }

# seeds_control: the seeds of fuzz-control.
seeds_control() {
	printf 'STATUS\n' | seed fuzz-control status
	printf 'IRQ 3 pulse\n' | seed fuzz-control irq-pulse
	printf 'IRQ 987 1' | seed fuzz-control irq-last
	printf '  PAUSE \r\n' | seed fuzz-control pause-blanks
	printf 'RESUME\n' | seed fuzz-control resume
	printf 'STATS\n' | seed fuzz-control stats
	printf 'STOP now\n' | seed fuzz-control stop-extra
	printf 'IRQ 988 0\n' | seed fuzz-control irq-range
	printf 'IRQ\t12\t0\tx\n' | seed fuzz-control irq-tabs
	{ ipc 7; ipc 8; } | seed fuzz-control kvmtool-list
	{ ipc 8; ipc 4; ipc 8; u8 3; } | seed fuzz-control kvmtool-pause
	{ ipc 6; u8 1; } | seed fuzz-control kvmtool-stop
	{ ipc 7; ipc 3; ipc 7; } | seed fuzz-control kvmtool-stat
	{ ipc 2 12; le32 1; le32 0; le32 0x70; ipc 7; } | seed fuzz-control kvmtool-debug
	{ ipc 1 4; le32 16; } | seed fuzz-control kvmtool-balloon
	{ ipc 7; ipc 1 65; } | seed fuzz-control kvmtool-oversized
	{ ipc 5 4; le32 0; u8 17; } | seed fuzz-control kvmtool-resume-body
}

# ---- fuzz-disk-spec: a control byte, then the -d argument ----

spec() { u8 "${2:-0}"; printf '%s' "$1"; }

# seeds_disk_spec: the seeds of fuzz-disk-spec.
seeds_disk_spec() {
	spec disk.img | seed fuzz-disk-spec plain
	spec /var/lib/lkvm/root.img,ro | seed fuzz-disk-spec ro
	spec 'd.img,direct,ro' | seed fuzz-disk-spec both
	spec 'd.img,,direct,' | seed fuzz-disk-spec empty-items
	spec ',ro' | seed fuzz-disk-spec no-path
	spec 'd.img,rw' | seed fuzz-disk-spec unknown
	spec ',direct' 1 | seed fuzz-disk-spec path-limit	# 4092 bytes of path
	spec 'x,ro' 7 | seed fuzz-disk-spec path-too-long	# 4096 + 1
}

# ---- fuzz-panic-watch: the guest's console bytes, as they come ----

# seeds_panic_watch: the seeds of fuzz-panic-watch.
seeds_panic_watch() {
	printf 'Booting Linux on physical CPU 0x0000000000 [0x000f0510]\r\n[    2.345678] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\r\n[    2.345901] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0-18-arm64 #1\r\n[    2.350000] Kernel Offset: disabled\r\n[    2.350100] ---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---\r\n' |
		seed fuzz-panic-watch vfs
	printf '/ # [   12.300000][    T1] Kernel panic - not syncing: sysrq triggered crash\n' |
		seed fuzz-panic-watch sysrq-after-prompt
	printf 'echo Kernel panic - not syncing\nKernel panic - not syncin\n[1.0]Kernel panic - not syncing\n--[ end Kernel panic - not syncing ]---\n' |
		seed fuzz-panic-watch near-misses
}
