#!/bin/bash
# Build the disk tests' images on this machine (not in the emulated host):
#   rootfs.img.gz  an ext4 root file system: static busybox and
#                  tests/system/rootfs-init.sh as /init (the guest's checks)
#   disk2.img.gz   a raw second disk holding a known pattern; the rootfs's
#                  /etc/lkvm-disk2 names its size and md5, so that the guest
#                  can check what it reads
# Both are gzip'd: they are mostly zeros, and the runner unpacks a fresh copy
# for every scenario.
#
# Usage: scripts/mk-rootfs.sh [OUTDIR]   (default build/disk-images)
# Env:   LKVM_ASSETS=dir (where fetch-assets.sh put busybox)
#        ROOTFS_MB=32 (the ext4 image's size), DISK2_SECTORS=18432 (9 MiB)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ASSETS=${LKVM_ASSETS:-$ROOT/build/assets}
OUTDIR=${1:-$ROOT/build/disk-images}
ROOTFS_MB=${ROOTFS_MB:-32}
DISK2_SECTORS=${DISK2_SECTORS:-18432}

die() { echo "mk-rootfs: $*" >&2; exit 1; }

[ -s "$ASSETS/busybox" ] || die "$ASSETS/busybox missing; run scripts/fetch-assets.sh"
MKFS=$(PATH=$PATH:/sbin:/usr/sbin command -v mkfs.ext4) \
	|| die "mkfs.ext4 not found (package e2fsprogs)"

mkdir -p "$OUTDIR"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkvm-rootfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Every 512-byte sector says which one it is, so that a read from the wrong
# offset, a short read or a zeroed range changes the md5.
make_disk2() {	# make_disk2 FILE
	awk -v n="$DISK2_SECTORS" 'BEGIN {
		# 27 bytes of label, 484 of filler, a newline: 512.
		fill = sprintf("%0484d", 0); gsub(/0/, ".", fill)
		for (s = 0; s < n; s++)
			printf "lkvm-disk2 sector %08d %s\n", s, fill
	}' >"$1"
	[ "$(stat -c %s "$1")" = $((DISK2_SECTORS * 512)) ] || die "disk2 pattern has the wrong size"
}

make_disk2 "$tmp/disk2.img"
disk2_md5=$(md5sum <"$tmp/disk2.img" | cut -d' ' -f1)

stage=$tmp/root
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,mnt,etc}
install -m 0755 "$ASSETS/busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$ROOT/tests/system/rootfs-init.sh" "$stage/init"
ln -s ../init "$stage/sbin/init"
install -m 0644 "$ROOT/tests/system/rootfs-net.sh" "$stage/rootfs-net.sh"
install -m 0644 "$ROOT/tests/system/rootfs-ptd.sh" "$stage/rootfs-ptd.sh"
echo "lkvm test root file system" >"$stage/etc/lkvm-rootfs"
# The vsock scenario's guest side (tests/system/ctl-vsock.sh).
VSOCK_CC=${VSOCK_CC:-$(case "$(uname -m)" in aarch64|arm64) echo gcc ;; *) echo aarch64-linux-gnu-gcc ;; esac)}
"$VSOCK_CC" -static -O2 -Wall -o "$stage/bin/vsock-echo" "$ROOT/tests/system/vsock-echo.c" \
	|| die "building tests/system/vsock-echo.c failed"
install -m 0755 "$ROOT/tests/system/vsock-guest.sh" "$stage/vsock-guest.sh"
echo "size=$((DISK2_SECTORS * 512)) md5=$disk2_md5" >"$stage/etc/lkvm-disk2"

# -d fills the new file system from the staging directory; root_owner keeps
# / owned by root whoever runs this.
truncate -s "${ROOTFS_MB}M" "$tmp/rootfs.img"
"$MKFS" -q -F -t ext4 -b 4096 -L lkvm-root -E root_owner=0:0 -d "$stage" "$tmp/rootfs.img" \
	|| die "mkfs.ext4 failed"

gzip -n -1 <"$tmp/rootfs.img" >"$OUTDIR/rootfs.img.gz.tmp"
gzip -n -1 <"$tmp/disk2.img" >"$OUTDIR/disk2.img.gz.tmp"
mv "$OUTDIR/rootfs.img.gz.tmp" "$OUTDIR/rootfs.img.gz"
mv "$OUTDIR/disk2.img.gz.tmp" "$OUTDIR/disk2.img.gz"
echo "mk-rootfs: $OUTDIR/rootfs.img.gz (ext4, ${ROOTFS_MB} MiB, $(stat -c %s "$OUTDIR/rootfs.img.gz") bytes gzip'd), disk2.img.gz ($((DISK2_SECTORS * 512)) bytes, md5 $disk2_md5)"
