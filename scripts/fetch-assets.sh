#!/bin/bash
# Download the arm64 guest/host kernel, the kernel modules the disk tests need
# and a static busybox into the asset cache (build/assets/, or $LKVM_ASSETS).
# Nothing is downloaded when the files are already there; delete the
# directory (or set LKVM_REFETCH=1) to refresh.
#
# Usage: scripts/fetch-assets.sh                 fill the cache
#        scripts/fetch-assets.sh --modules M...  fill the cache, then print the
#                                                .ko files that loading the
#                                                modules M needs, dependencies
#                                                first (one path a line)
#
# Produces:
#   $LKVM_ASSETS/Image              uncompressed arm64 Linux Image (Debian 6.1)
#   $LKVM_ASSETS/Image.version      the package it came from
#   $LKVM_ASSETS/busybox            static arm64 busybox
#   $LKVM_ASSETS/modules/NAME.ko    the modules of $MODULES and what they need,
#                                   uncompressed, from the same package
#   $LKVM_ASSETS/modules/modules.dep   "NAME: DEP..." with every dependency of
#                                   NAME (hard and soft), in load order
#   $LKVM_ASSETS/modules/load-order every module, dependencies first
#   $LKVM_ASSETS/modules/release    the kernel release they were built for
#
# Env: LKVM_ASSETS=dir, LKVM_KERNEL_PKG=linux-image-6.1.0-NN-arm64-unsigned
#      (pin a kernel package instead of taking the newest), LKVM_REFETCH=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ASSETS=${LKVM_ASSETS:-$ROOT/build/assets}

# Debian builds these as modules (=m in /boot/config-*); the kernel has
# virtio, virtio_ring, PCI and the hw_random core built in.
#   virtio_mmio, virtio_pci   the two transports a VMM may offer
#   virtio_blk, ext4          a root file system on a disk
#   virtio_console, virtio-rng  hvc0 and /dev/hwrng
#   loop                      the emulated host mounts a guest's image
#   crc32c_generic            ext4 and jbd2 need the "crc32c" hash, a soft
#                             dependency that is resolved by alias anyway
#   9p, 9pnet_virtio          a virtio-9p share (--9p), and the 9p root
#   virtio_net                a NIC (-n)
#   vmw_vsock_virtio_transport  the guest's side of --vsock
#   tun, vhost_net, vhost_vsock, bridge, veth
#                             the emulated host's side of tap and vhost
#                             networking and of vhost-vsock
MODULES="virtio_mmio virtio_pci virtio_blk virtio_console virtio-rng ext4 crc32c_generic loop
	9p 9pnet_virtio virtio_net vmw_vsock_virtio_transport
	tun vhost_net vhost_vsock bridge veth"

die() { echo "fetch-assets: $*" >&2; exit 1; }

list_modules=0
if [ "${1:-}" = --modules ]; then
	list_modules=1
	shift
	# The listing goes to stdout; progress messages must not mix with it.
	exec 3>&1 1>&2
fi

mkdir -p "$ASSETS"
ASSETS=$(cd "$ASSETS" && pwd)
MODDIR=$ASSETS/modules

if [ "${LKVM_REFETCH:-0}" = 1 ]; then
	rm -rf "$ASSETS/Image" "$ASSETS/Image.version" "$ASSETS/busybox" "$MODDIR"
fi

# modules.dep is written last: it marks a complete set.
# A cache made before MODULES grew is refetched (from the Image's package).
modules_ready() {
	local m
	[ -s "$MODDIR/modules.dep" ] && [ -s "$MODDIR/load-order" ] || return 1
	for m in $MODULES; do
		m=${m//-/_}
		grep -qx -- "$m" "$MODDIR/load-order" || return 1
	done
}

# Print the .ko files for modules "$@" and their dependencies, in load order.
print_modules() {
	local want=" " m deps
	for m in "$@"; do
		m=${m//-/_}
		deps=$(awk -v m="$m" -F': *' '$1 == m { print $2 }' "$MODDIR/modules.dep")
		grep -qx -- "$m" "$MODDIR/load-order" || die "module '$m' is not in the asset cache (fetch-assets.sh MODULES)"
		want="$want$m $deps "
	done
	while read -r m; do
		case "$want" in
		*" $m "*) echo "$MODDIR/$m.ko" ;;
		esac
	done <"$MODDIR/load-order"
}

finish() {
	if [ "$list_modules" = 1 ]; then
		print_modules "$@" >&3
	fi
	exit 0
}

if [ -s "$ASSETS/Image" ] && [ -s "$ASSETS/busybox" ] && modules_ready; then
	echo "fetch-assets: cached in $ASSETS ($(cat "$ASSETS/Image.version" 2>/dev/null || echo 'unknown kernel'))"
	finish "$@"
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

# The kernel package to download. When only the modules are missing, the
# package the cached Image came from, so that the modules match it.
kernel_pkg() {
	local pkg=${LKVM_KERNEL_PKG:-}
	if [ -z "$pkg" ] && [ -s "$ASSETS/Image" ] && [ -s "$ASSETS/Image.version" ]; then
		pkg=$(sed -n 's/^\(linux-image-[^_]*\)_.*/\1/p' "$ASSETS/Image.version")
	fi
	if [ -z "$pkg" ]; then
		pkg=$(newest_kernel_pkg)
		if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
			echo "fetch-assets: no arm64 kernel in the package lists; running apt-get update" >&2
			apt-get update -q >/dev/null
			pkg=$(newest_kernel_pkg)
		fi
		[ -n "$pkg" ] || die "no linux-image-6.1.0-*-arm64-unsigned package found; run scripts/setup-deps.sh (it enables the arm64 architecture)"
	fi
	echo "$pkg"
}

# One field ("depends", "softdep", "alias", "vermagic") of a module's
# .modinfo section: NUL-separated key=value strings.
modinfo_field() {	# modinfo_field FIELD FILE.ko
	tr '\0' '\n' <"$2" | sed -n "s/^$1=//p"
}

# The .ko of a module name ('-' and '_' are the same) or of an alias.
find_module() {		# find_module NAME  (in $tmp/k/lib/modules/*/kernel)
	local n=${1//-/_} f
	f=$(find "$tmp"/k/lib/modules/*/kernel -name '*.ko*' \
		| awk -v n="$n" '{ b = $0; sub(/.*\//, "", b); sub(/\.ko.*/, "", b); gsub(/-/, "_", b); if (b == n) { print; exit } }')
	if [ -z "$f" ]; then
		# A soft dependency is often an alias such as crypto-crc32c.
		f=$(grep -rlaxz -F "alias=$1" "$tmp"/k/lib/modules/*/kernel | LC_ALL=C sort | head -n 1)
	fi
	echo "$f"
}

# Copy module $1 (a name) and, first, everything it depends on into
# $MODDIR.new; append it to load-order after its dependencies. The package
# has no modules.dep (depmod writes it on installation), so the dependencies
# come from each module's own .modinfo: "depends=" and "softdep=pre:".
declare -A seen=() deps_of=()
add_module() {
	local name=$1 f base deps d
	f=$(find_module "$name")
	[ -n "$f" ] || die "module '$name' not found in $pkg"
	base=$(basename "$f")
	base=${base%%.ko*}
	base=${base//-/_}
	[ -z "${seen[$base]:-}" ] || return 0
	seen[$base]=visiting
	case "$f" in
	*.ko)	cp "$f" "$MODDIR.new/$base.ko" ;;
	*.ko.xz) xz -dc "$f" >"$MODDIR.new/$base.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$MODDIR.new/$base.ko" ;;
	*.ko.gz) gzip -dc "$f" >"$MODDIR.new/$base.ko" ;;
	*)	die "$f: unknown module compression" ;;
	esac
	deps=$(modinfo_field depends "$MODDIR.new/$base.ko" | tr ',' ' ')
	deps="$deps $(modinfo_field softdep "$MODDIR.new/$base.ko" | sed -n 's/^pre: *//p')"
	local all=
	for d in $deps; do
		add_module "$d"
		d=$(basename "$(find_module "$d")")
		d=${d%%.ko*}
		d=${d//-/_}
		all="$all ${deps_of[$d]:-} $d"
	done
	# Every dependency once, in load order (load-order has them all by now).
	deps_of[$base]=$(for d in $all; do echo "$d"; done \
		| { grep -Fxf - "$MODDIR.new/load-order" || true; } | tr '\n' ' ' | sed 's/ $//')
	echo "$base" >>"$MODDIR.new/load-order"
	seen[$base]=loaded
}

fetch_kernel() {
	pkg=$(kernel_pkg)
	echo "fetch-assets: downloading $pkg:arm64"
	if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg:arm64"); then
		# Only the modules were missing, and the Image's package is gone
		# from the archive: the newest one replaces both.
		[ -z "${LKVM_KERNEL_PKG:-}" ] && [ -s "$ASSETS/Image" ] || die "apt-get download $pkg:arm64 failed"
		pkg=$(newest_kernel_pkg)
		[ -n "$pkg" ] || die "no linux-image-6.1.0-*-arm64-unsigned package found"
		echo "fetch-assets: downloading $pkg:arm64 instead (Image and modules together)"
		apt_download "$pkg:arm64"
	fi
	deb=$(ls "$tmp"/linux-image-*.deb)
	mkdir "$tmp/k"
	# The kernel image and the modules; the rest of /boot is not needed.
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/k" --wildcards './boot/vmlinuz-*' './lib/modules/*'
	img=$(ls "$tmp"/k/boot/vmlinuz-* | head -n 1)
	[ -s "$img" ] || die "no /boot/vmlinuz-* in $deb"
	# An arm64 Image carries "ARM\x64" at offset 0x38.
	magic=$(od -An -tx1 -j 56 -N 4 "$img" | tr -d ' \n')
	[ "$magic" = 41524d64 ] || die "$img is not an uncompressed arm64 Image (magic $magic)"
	release=$(basename "$(ls -d "$tmp"/k/lib/modules/*/)")

	rm -rf "$MODDIR.new"
	mkdir -p "$MODDIR.new"
	: >"$MODDIR.new/load-order"
	for m in $MODULES; do
		add_module "$m"
	done
	# A module loads only into the kernel release it was built for.
	for f in "$MODDIR.new"/*.ko; do
		v=$(modinfo_field vermagic "$f" | awk '{ print $1 }')
		[ "$v" = "$release" ] || die "$(basename "$f") is for kernel '$v', the Image is '$release'"
	done
	while read -r m; do
		echo "$m: ${deps_of[$m]}"
	done <"$MODDIR.new/load-order" >"$MODDIR.new/modules.dep.tmp"
	echo "$release" >"$MODDIR.new/release"
	mv "$MODDIR.new/modules.dep.tmp" "$MODDIR.new/modules.dep"

	# Image and modules are replaced together: they must come from one package.
	rm -rf "$MODDIR"
	mv "$MODDIR.new" "$MODDIR"
	mv "$img" "$ASSETS/Image"
	basename "$deb" >"$ASSETS/Image.version"
	echo "fetch-assets: modules for $release: $(tr '\n' ' ' <"$MODDIR/load-order")"
	rm -rf "$tmp/k" "$deb"
}

if [ ! -s "$ASSETS/Image" ] || ! modules_ready; then
	fetch_kernel
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
finish "$@"
