#!/bin/bash
# Install the Debian packages that building lkvm and running its system tests
# need. Idempotent: when everything is already there it only checks and exits.
#
# Usage (as root): scripts/setup-deps.sh [--fuzz]
#   --fuzz  also clang and its runtime, for make fuzz (libFuzzer, sanitizers)
set -euo pipefail

die() { echo "setup-deps: $*" >&2; exit 1; }

machine=$(uname -m)
case "$machine" in
x86_64|amd64)
	# Cross toolchain for lkvm, QEMU for the emulated arm64 host.
	# libslirp-dev (user-mode networking, docs/network.md) and the glib
	# its .pc file requires, read by pkg-config for arm64; libc6:arm64
	# is the loader qemu-user and the emulated host run lkvm with.
	pkgs=(qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	      libfdt-dev:arm64 libseccomp-dev:arm64 libslirp-dev:arm64 zlib1g-dev:arm64 zlib1g-dev:amd64
	      libglib2.0-dev:arm64 libc6:arm64 pkgconf:amd64 device-tree-compiler cpio
	      qemu-user-static dt-schema xz-utils gcc make e2fsprogs python3)
	need_arm64_arch=1
	;;
aarch64|arm64)
	# Native build; scenarios run directly against /dev/kvm.
	pkgs=(gcc libc6-dev libfdt-dev libseccomp-dev libslirp-dev zlib1g-dev libglib2.0-dev pkgconf device-tree-compiler cpio dt-schema xz-utils make
	      e2fsprogs python3)
	need_arm64_arch=0
	;;
*)
	die "unsupported machine type '$machine' (want x86_64 or aarch64)"
	;;
esac
# make package-test: the Debian package (dpkg-buildpackage with debhelper;
# build-essential is every package's implicit build dependency; lintian
# checks the result) and the man page's rendering check (man-db,
# groff-base). docs/packaging.md says why.
pkgs+=(build-essential dpkg-dev debhelper lintian man-db groff-base)
if [ "${1:-}" = --fuzz ]; then
	pkgs+=(clang libclang-rt-14-dev)
fi

installed() {
	# dpkg-query prints "install ok installed" for a fully installed
	# package, once per installed architecture of a Multi-Arch: same
	# package named without one (zlib1g-dev for both amd64 and arm64):
	# every line must say so.
	local status
	status=$(dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null) || return 1
	[ -n "$status" ] && ! grep -vqx 'install ok installed' <<<"$status"
}

missing=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done

arch_ok=1
if [ "$need_arm64_arch" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
	arch_ok=0
fi

if [ "${#missing[@]}" -eq 0 ] && [ "$arch_ok" = 1 ]; then
	echo "setup-deps: all packages present: ${pkgs[*]}"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root to install: ${missing[*]:-arm64 architecture}"

export DEBIAN_FRONTEND=noninteractive
if [ "$arch_ok" = 0 ]; then
	echo "setup-deps: enabling the arm64 architecture"
	dpkg --add-architecture arm64
fi

# The host (amd64) libfdt-dev conflicts with libfdt-dev:arm64; only the arm64
# one is wanted on x86. apt removes the amd64 one when asked for the other.
if [ "$need_arm64_arch" = 1 ] && installed libfdt-dev:amd64; then
	echo "setup-deps: note: libfdt-dev:amd64 will be replaced by libfdt-dev:arm64"
fi

echo "setup-deps: installing: ${missing[*]}"
apt-get update -q
apt-get install -y -q --no-install-recommends "${pkgs[@]}"

for p in "${pkgs[@]}"; do
	installed "$p" || die "package $p did not install"
done
echo "setup-deps: done"
