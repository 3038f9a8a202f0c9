#!/bin/bash
# Build the disk-boot initramfs: static busybox, the kernel modules a root
# file system on a virtio disk needs (with their dependencies, in load order)
# and tests/system/disk-initramfs-init.sh as /init, which mounts root= and
# switch_root's into it.
#
# Usage: scripts/mk-disk-initramfs.sh [OUTPUT]   (default build/disk-initramfs.cpio.gz)
# Env:   LKVM_ASSETS=dir (where fetch-assets.sh put busybox and the modules)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ASSETS=${LKVM_ASSETS:-$ROOT/build/assets}
OUT=${1:-$ROOT/build/disk-initramfs.cpio.gz}

# Both virtio transports (MMIO and PCI: the VMM picks one), the disk and its
# file system, and the console and rng drivers for the devices that may be
# there. fetch-assets.sh adds what each needs.
MODULES="virtio_mmio virtio_pci virtio_blk ext4 virtio_console virtio_rng"
# Loaded only when a boot asks (disk-initramfs-init.sh: lkvm.modules=, or
# a 9p root), so a disk boot pays for none of them: the sets by name.
EXTRA_SETS="9p net vsock"
set_9p="9p 9pnet_virtio"
set_net="virtio_net"
set_vsock="vmw_vsock_virtio_transport"

die() { echo "mk-disk-initramfs: $*" >&2; exit 1; }

[ -s "$ASSETS/busybox" ] || die "$ASSETS/busybox missing; run scripts/fetch-assets.sh"
command -v cpio >/dev/null || die "cpio not found; run scripts/setup-deps.sh"
# shellcheck disable=SC2086
kos=$("$ROOT/scripts/fetch-assets.sh" --modules $MODULES) || die "the modules are not in the asset cache"

mkdir -p "$(dirname "$OUT")"
stage=$(mktemp -d "${TMPDIR:-/tmp}/lkvm-disk-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,root,lib/modules}
install -m 0755 "$ASSETS/busybox" "$stage/bin/busybox"
install -m 0755 "$ROOT/tests/system/disk-initramfs-init.sh" "$stage/init"
ln -s busybox "$stage/bin/sh"
for ko in $kos; do
	install -m 0644 "$ko" "$stage/lib/modules/"
	basename "$ko" >>"$stage/lib/modules/load-order"
done
# Each extra set's own list holds only what the base list has not loaded.
for set in $EXTRA_SETS; do
	var=set_$set
	# shellcheck disable=SC2086
	kos=$("$ROOT/scripts/fetch-assets.sh" --modules ${!var}) || die "the modules of set $set are not in the asset cache"
	: >"$stage/lib/modules/load-order.$set"
	for ko in $kos; do
		grep -qx "$(basename "$ko")" "$stage/lib/modules/load-order" && continue
		install -m 0644 "$ko" "$stage/lib/modules/"
		basename "$ko" >>"$stage/lib/modules/load-order.$set"
	done
done
# The kernel opens /dev/console for init before /init mounts devtmpfs.
# Creating the node needs root; without it /init attaches the console itself.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
fi

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort \
	| cpio --quiet -o -H newc --owner=0:0) | gzip -n -9 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mk-disk-initramfs: $OUT ($(stat -c %s "$OUT") bytes; modules: $(tr '\n' ' ' <"$stage/lib/modules/load-order"); on request: $(cat "$stage"/lib/modules/load-order.* | tr '\n' ' '))"
