#!/bin/bash
# Build the initramfs of the emulated arm64 host that runs kvm-unit-tests'
# runner (scripts/kut-run.sh): busybox, the VMMs, the test build from
# scripts/kut-build.sh, and what the runner needs that busybox lacks,
# from Debian's arm64 packages: bash (bash-static), GNU timeout
# (coreutils) and getconf (libc-bin), with the C library they link to
# (libc6). /init is tests/kut/kut-init.sh.
#
# Usage: scripts/mk-kut-initramfs.sh OUTPUT NAME=VMM...
#   each NAME=VMM puts the static arm64 binary VMM in /kut-vmm/NAME; the
#   runner runs once per VMM, in this order.
# Env:
#   KUT_DIR=dir        the test build (default build/kut, see kut-build.sh)
#   KUT_TESTS="a b"    only these tests (default: all of arm/unittests.cfg)
#   KUT_CAP_SMP_V2=N   on a GICv2 host, also run selftest-smp with MAX_SMP=N,
#                      above the 8 vCPUs KVM allows there (default 9; empty: no)
#   LKVM_ASSETS=dir    kernel and busybox (scripts/fetch-assets.sh)
#
# The Debian packages are downloaded once into $KUT_DIR/debs. The archive
# is not compressed: QEMU loads it as it is.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ASSETS=${LKVM_ASSETS:-$ROOT/build/assets}
KUT_DIR=${KUT_DIR:-$ROOT/build/kut}
KUT_CAP_SMP_V2=${KUT_CAP_SMP_V2-9}
DEBS=(bash-static coreutils libc-bin libc6)

die() { echo "mk-kut-initramfs: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 OUTPUT NAME=VMM..."
OUT=$1
shift
build=$KUT_DIR/arm64
[ -s "$build/config.mak" ] && ls "$build"/arm/*.flat >/dev/null 2>&1 \
	|| die "no test build in $build; run scripts/kut-build.sh"
[ -s "$ASSETS/busybox" ] || die "$ASSETS/busybox missing; run scripts/fetch-assets.sh"
command -v cpio >/dev/null || die "cpio not found; run scripts/setup-deps.sh"

# A static arm64 ELF: the host has no C library of its own for it. Only
# lkvm-net-user (user-mode networking, found beside lkvm) is dynamically
# linked; its loader and libraries go with it (scripts/copy-libs.sh).
. "$ROOT/scripts/copy-libs.sh"
check_vmm() {
	[ -f "$1" ] && [ -x "$1" ] || die "VMM '$1' not found or not executable"
	[ "$(od -An -tx1 -j 18 -N 2 "$1" | tr -d ' \n')" = b700 ] \
		|| die "VMM '$1' is not an arm64 ELF file"
	if aarch64-linux-gnu-readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'; then
		die "VMM '$1' is dynamically linked; link it statically"
	fi
}

fetch_debs() {
	local missing=() p

	mkdir -p "$KUT_DIR/debs"
	for p in "${DEBS[@]}"; do
		ls "$KUT_DIR/debs/${p}_"*_arm64.deb >/dev/null 2>&1 || missing+=("$p:arm64")
	done
	[ "${#missing[@]}" = 0 ] && return
	echo "mk-kut-initramfs: downloading ${missing[*]}"
	(cd "$KUT_DIR/debs" && apt-get download -q -o APT::Sandbox::User=root "${missing[@]}") \
		>/dev/null || die "apt-get download ${missing[*]} failed (is the arm64 architecture enabled? scripts/setup-deps.sh)"
}

stage=$(mktemp -d "${TMPDIR:-/tmp}/kut-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# The runner's tools: each file from its package, nothing else of it.
unpack_tools() {
	local x=$stage/.debs p

	mkdir -p "$x"
	for p in "${DEBS[@]}"; do
		dpkg-deb -x "$(ls "$KUT_DIR/debs/${p}_"*_arm64.deb | head -n 1)" "$x"
	done
	install -D -m 0755 "$x/bin/bash-static" "$stage/bin/bash"
	install -D -m 0755 "$x/usr/bin/timeout" "$stage/usr/local/bin/timeout"
	install -D -m 0755 "$x/usr/bin/getconf" "$stage/usr/local/bin/getconf"
	install -D -m 0755 "$x/lib/aarch64-linux-gnu/libc.so.6" \
		"$stage/lib/aarch64-linux-gnu/libc.so.6"
	install -D -m 0755 "$x/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1" \
		"$stage/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"
	ln -s aarch64-linux-gnu/ld-linux-aarch64.so.1 "$stage/lib/ld-linux-aarch64.so.1"
	rm -rf "$x"
}

# The test build as the runner sees it, links resolved, at /kut; the
# configuration names this host (HOST=aarch64: configure took the build
# machine's) and the paths in it.
stage_tests() {
	local k=$stage/kut src

	src=$(sed -n 's/^SRCDIR=//p' "$build/config.mak")
	mkdir -p "$k/arm"
	cp -L "$build/run_tests.sh" "$build/build-head" "$k/"
	cp -rL "$build/scripts" "$k/scripts"
	cp -L "$build/arm/run" "$build/arm/unittests.cfg" "$build"/arm/*.flat "$k/arm/"
	cp "$src/errata.txt" "$k/errata.txt"
	cp "$ROOT/tests/kut/expected-fail.txt" "$k/expected-fail.txt"
	sed -e 's|^HOST=.*|HOST=aarch64|' -e 's|^SRCDIR=.*|SRCDIR=/kut|' \
		-e 's|^ERRATATXT=.*|ERRATATXT=/kut/errata.txt|' \
		"$build/config.mak" >"$k/config.mak"
}

fetch_debs
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,kut-vmm}
install -m 0755 "$ASSETS/busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$ROOT/tests/kut/kut-init.sh" "$stage/init"
unpack_tools
stage_tests
names=
for nv in "$@"; do
	name=${nv%%=*}
	vmm=${nv#*=}
	[[ $name =~ ^[a-z0-9_-]+$ ]] && [ "$name" != "$nv" ] || die "'$nv' is not NAME=VMM"
	check_vmm "$vmm"
	install -m 0755 "$vmm" "$stage/kut-vmm/$name"
	if [ -x "$(dirname "$vmm")/lkvm-net-user" ]; then
		install -m 0755 "$(dirname "$vmm")/lkvm-net-user" "$stage/kut-vmm/"
		copy_libs "$stage/kut-vmm/lkvm-net-user" "$stage" \
			|| die "cannot copy the shared libraries lkvm-net-user needs"
	fi
	names="$names${names:+ }$name"
done
[ "$(id -u)" = 0 ] && mknod -m 600 "$stage/dev/console" c 5 1
{
	echo "# written by scripts/mk-kut-initramfs.sh"
	echo "VMMS='$names'"
	echo "KUT_TESTS='${KUT_TESTS:-}'"
	echo "KUT_CAP_SMP_V2='$KUT_CAP_SMP_V2'"
} >"$stage/kut/config"

mkdir -p "$(dirname "$OUT")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0) >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mk-kut-initramfs: $OUT ($(stat -c %s "$OUT") bytes; VMMs: $names)"
