# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154	# sourced: its variables are bench.sh's
#
# The initramfs archives of "make bench", sourced by scripts/bench.sh:
# the system tests' archives with the benchmark's files appended. Each
# function stages its files under $stage and writes its archive to
# $DIR; initramfs_host fills $o, the emulated host's /bench (the init,
# the files it sources, the helpers and guests), which bench.sh archives
# once per host with that host's /bench/config.

cpio_of() {	# cpio_of DIR: a newc archive of DIR's contents on stdout
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0)
}

# The Linux guest's: the system tests' one plus /bench-init.
initramfs_guest() {
	"$ROOT/scripts/mk-guest-initramfs.sh" "$DIR/guest-initramfs-base.cpio.gz" >/dev/null
	mkdir -p "$stage/guest"
	install -m 0755 tests/bench/guest-init.sh "$stage/guest/bench-init"
	# The kernel unpacks concatenated archives one after the other.
	{ cat "$DIR/guest-initramfs-base.cpio.gz"; cpio_of "$stage/guest" | gzip -n -9; } \
		>"$DIR/guest-initramfs.cpio.gz"
}

# The block I/O guests': the disk tests' images plus /bench-blk-init.
# The disk initramfs (Debian's virtio and ext4 modules, its /init mounts
# root= and switches to it) boots the root file system image; with
# /bench-blk-init and blkbench appended, rdinit= runs the I/O jobs on a
# raw disk instead.
initramfs_blk() {
	"$ROOT/scripts/mk-rootfs.sh" "$DIR/disk" >/dev/null || die "scripts/mk-rootfs.sh failed"
	"$ROOT/scripts/mk-disk-initramfs.sh" "$DIR/disk-initramfs.cpio.gz" >/dev/null ||
		die "scripts/mk-disk-initramfs.sh failed"
	disk_initramfs_plus blk blkbench
}

# The 9p and network guests': the disk initramfs plus /bench-share-init.
initramfs_share() {
	on blk || "$ROOT/scripts/mk-disk-initramfs.sh" "$DIR/disk-initramfs.cpio.gz" >/dev/null ||
		die "scripts/mk-disk-initramfs.sh failed"
	disk_initramfs_plus share sharebench
}

# The disk initramfs with KIND's /bench-KIND-init (tests/bench/KIND-init.sh),
# the mounts it shares and its tool appended: DIR/KIND-initramfs.cpio.gz.
disk_initramfs_plus() {	# disk_initramfs_plus KIND TOOL
	mkdir -p "$stage/$1/bin"
	install -m 0755 "tests/bench/$1-init.sh" "$stage/$1/bench-$1-init"
	install -m 0644 tests/bench/init-mounts.sh "$stage/$1/bench-init-mounts.sh"
	install -m 0755 "build/bench/$2" "$stage/$1/bin/$2"
	{ cat "$DIR/disk-initramfs.cpio.gz"; cpio_of "$stage/$1" | gzip -n -9; } \
		>"$DIR/$1-initramfs.cpio.gz"
}

# Each guest's count is the 64-bit word at file offset 64 (bench-guest.h).
patch_count() {	# patch_count FILE VALUE
	local hex i bytes=''
	hex=$(printf '%016x' "$2")
	for i in 14 12 10 8 6 4 2 0; do
		bytes+="\\x${hex:$i:2}"
	done
	printf '%b' "$bytes" | dd of="$1" bs=1 seek=64 count=8 conv=notrunc status=none
}

# The host's: the system tests' one (the VMM under test, the guest's
# Image and initramfs) as host-base.cpio, and /bench in $o.
initramfs_host() {
	VMM="$VMM" GUEST_INITRD="$DIR/guest-initramfs.cpio.gz" \
		"$ROOT/scripts/mk-host-initramfs.sh" "$DIR/host-base.cpio" >/dev/null
	mkdir -p "$o/bin" "$o/guests"
	install -m 0755 tests/bench/bench-host-init.sh "$o/init"
	install -m 0644 tests/bench/init-mounts.sh "$o/init-mounts.sh"
	# The init's phases, sourced from /bench.
	install -m 0644 tests/bench/bench-run.sh tests/bench/rate-bench.sh tests/bench/blk-bench.sh \
		tests/bench/share-bench.sh tests/bench/share-threads.sh "$o/"
	install -m 0755 build/bench/sharebench "$o/bin/"
	install -m 0755 build/bench/rusage-run build/bench/noop build/bench/bare-vm "$o/bin/"
	if on snap; then
		install -m 0755 build/bench/snap-probe "$o/bin/"
		install -m 0644 tests/bench/snap-bench.sh "$o/snap-bench.sh"
	fi
	[ -n "$PEER" ] && install -m 0755 "$PEER" "$o/bin/kvmtool"
	install -m 0644 build/guest-tests/poweroff.bin build/guest-tests/irqcost.bin \
		build/bench/console.bin build/bench/mmio-null.bin build/bench/idle.bin "$o/guests/"
	patch_count "$o/guests/console.bin" "$CONSOLE_BYTES"
	patch_count "$o/guests/mmio-null.bin" "$NULL_EXITS"
	# The busy sample: console output that does not end before the sample.
	cp "$o/guests/console.bin" "$o/guests/console-long.bin"
	patch_count "$o/guests/console-long.bin" $((1 << 40))
	if on p9 || on net; then
		install -m 0644 "$DIR/share-initramfs.cpio.gz" "$o/"
	fi
	if on blk; then
		mkdir -p "$o/blk"
		install -m 0644 "$DIR/blk-initramfs.cpio.gz" "$DIR/disk-initramfs.cpio.gz" \
			"$DIR/disk/rootfs.img.gz" "$o/blk/"
	fi
}
