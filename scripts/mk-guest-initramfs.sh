#!/bin/bash
# Build the nested test guest's initramfs: static busybox plus
# tests/system/guest-init.sh as /init.
#
# Usage: scripts/mk-guest-initramfs.sh [OUTPUT]   (default build/guest-initramfs.cpio.gz)
# Env:   LKVM_ASSETS=dir (where fetch-assets.sh put busybox)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ASSETS=${LKVM_ASSETS:-$ROOT/build/assets}
OUT=${1:-$ROOT/build/guest-initramfs.cpio.gz}

die() { echo "mk-guest-initramfs: $*" >&2; exit 1; }

[ -s "$ASSETS/busybox" ] || die "$ASSETS/busybox missing; run scripts/fetch-assets.sh"
command -v cpio >/dev/null || die "cpio not found; run scripts/setup-deps.sh"

mkdir -p "$(dirname "$OUT")"
stage=$(mktemp -d "${TMPDIR:-/tmp}/lkvm-guest-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp}
install -m 0755 "$ASSETS/busybox" "$stage/bin/busybox"
install -m 0755 "$ROOT/tests/system/guest-init.sh" "$stage/init"
ln -s busybox "$stage/bin/sh"
# The guest programs (make guest-bin): the MTE one of ctl-snapshot-mte.sh.
make -s -C "$ROOT" guest-bin >/dev/null || die "make guest-bin failed"
install -m 0755 "$ROOT/build/guest-bin/mte-tags" "$stage/bin/mte-tags"
# The kernel opens /dev/console for init before /init mounts devtmpfs.
# Creating the node needs root; without it /init attaches the console itself.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
fi

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort \
	| cpio --quiet -o -H newc --owner=0:0) | gzip -n -9 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mk-guest-initramfs: $OUT ($(stat -c %s "$OUT") bytes)"
