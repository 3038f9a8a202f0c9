#!/bin/bash
# Download the arm64 guest/host kernel and a static busybox into the asset
# cache (build/assets/, or $LKVM_ASSETS). Nothing is downloaded when the files
# are already there; delete the directory (or set LKVM_REFETCH=1) to refresh.
#
# Produces:
#   $LKVM_ASSETS/Image          uncompressed arm64 Linux Image (Debian 6.1)
#   $LKVM_ASSETS/Image.version  the package it came from
#   $LKVM_ASSETS/busybox        static arm64 busybox
#
# Env: LKVM_ASSETS=dir, LKVM_KERNEL_PKG=linux-image-6.1.0-NN-arm64-unsigned
#      (pin a kernel package instead of taking the newest), LKVM_REFETCH=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ASSETS=${LKVM_ASSETS:-$ROOT/build/assets}

die() { echo "fetch-assets: $*" >&2; exit 1; }

mkdir -p "$ASSETS"
ASSETS=$(cd "$ASSETS" && pwd)

if [ "${LKVM_REFETCH:-0}" = 1 ]; then
	rm -f "$ASSETS/Image" "$ASSETS/Image.version" "$ASSETS/busybox"
fi

if [ -s "$ASSETS/Image" ] && [ -s "$ASSETS/busybox" ]; then
	echo "fetch-assets: cached in $ASSETS ($(cat "$ASSETS/Image.version" 2>/dev/null || echo 'unknown kernel'))"
	exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found (a Debian machine is needed)"

tmp=$(mktemp -d "$ASSETS/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# -o APT::Sandbox::User=root keeps apt from warning that the _apt user cannot
# write into the download directory when run as root.
apt_download() {
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$@") \
		|| die "apt-get download $* failed"
}

newest_kernel_pkg() {
	apt-cache search linux-image-6.1.0 2>/dev/null \
		| awk '{print $1}' \
		| grep -E '^linux-image-6\.1\.0-[0-9]+-arm64-unsigned$' \
		| sort -V | tail -n 1
}

if [ ! -s "$ASSETS/Image" ]; then
	pkg=${LKVM_KERNEL_PKG:-}
	if [ -z "$pkg" ]; then
		pkg=$(newest_kernel_pkg)
		if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
			echo "fetch-assets: no arm64 kernel in the package lists; running apt-get update"
			apt-get update -q >/dev/null
			pkg=$(newest_kernel_pkg)
		fi
		[ -n "$pkg" ] || die "no linux-image-6.1.0-*-arm64-unsigned package found; run scripts/setup-deps.sh (it enables the arm64 architecture)"
	fi
	echo "fetch-assets: downloading $pkg:arm64"
	apt_download "$pkg:arm64"
	deb=$(ls "$tmp"/linux-image-*.deb)
	mkdir "$tmp/k"
	# Only the kernel image is needed; skip unpacking the modules.
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/k" --wildcards './boot/vmlinuz-*'
	img=$(ls "$tmp"/k/boot/vmlinuz-* | head -n 1)
	[ -s "$img" ] || die "no /boot/vmlinuz-* in $deb"
	# An arm64 Image carries "ARM\x64" at offset 0x38.
	magic=$(od -An -tx1 -j 56 -N 4 "$img" | tr -d ' \n')
	[ "$magic" = 41524d64 ] || die "$img is not an uncompressed arm64 Image (magic $magic)"
	mv "$img" "$ASSETS/Image"
	basename "$deb" >"$ASSETS/Image.version"
	rm -rf "$tmp/k" "$deb"
fi

if [ ! -s "$ASSETS/busybox" ]; then
	echo "fetch-assets: downloading busybox-static:arm64"
	apt_download busybox-static:arm64
	deb=$(ls "$tmp"/busybox-static_*.deb)
	mkdir "$tmp/bb"
	dpkg-deb -x "$deb" "$tmp/bb"
	[ -s "$tmp/bb/bin/busybox" ] || die "no /bin/busybox in $deb"
	install -m 0755 "$tmp/bb/bin/busybox" "$ASSETS/busybox"
fi

echo "fetch-assets: ready in $ASSETS ($(cat "$ASSETS/Image.version"))"
