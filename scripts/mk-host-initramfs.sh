#!/bin/bash
# Build the emulated arm64 host's initramfs: busybox, the VMM under test, the
# guest Image and initramfs, the scenario list and the runner, with
# tests/system/host-init.sh as /init.
#
# Usage: scripts/mk-host-initramfs.sh [OUTPUT]   (default build/host-initramfs.cpio)
# Env:
#   VMM=path            the VMM binary (static arm64; default ./lkvm)
#   SCENARIOS=file      scenario list (default tests/system/scenarios.txt)
#   GUEST_INITRD=file   guest initramfs (default build/guest-initramfs.cpio.gz,
#                       rebuilt by scripts/mk-guest-initramfs.sh when missing)
#   FILTER, INPUT_MODE, STDIN_MODE, VERBOSE   passed on to run-vm-scenarios.sh
#   PTYRUN_CC=compiler  for the pty helper (default aarch64-linux-gnu-gcc on x86)
#   ROOTFS, DISK2, DISK_INITRD   the disk tests' images and initramfs
#                       (scripts/mk-rootfs.sh, mk-disk-initramfs.sh); when set,
#                       they go in with the modules that let the host mount
#                       an ext4 image (loop, ext4 and what they need)
#   LKVM_ASSETS=dir     asset cache (kernel Image, busybox)
#   PEER=path           kvmtool, static arm64, put beside the VMM as
#                       /lkvm-test/bin/kvmtool for the scenarios that run
#                       both (default ../shared/peers/kvmtool, when there)
#
# The archive is left uncompressed: QEMU loads it directly and the emulated
# kernel does not have to inflate ~35 MB.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ASSETS=${LKVM_ASSETS:-$ROOT/build/assets}
OUT=${1:-$ROOT/build/host-initramfs.cpio}
VMM=${VMM:-./lkvm}
SCENARIOS=${SCENARIOS:-$ROOT/tests/system/scenarios.txt}
GUEST_INITRD=${GUEST_INITRD:-$ROOT/build/guest-initramfs.cpio.gz}

die() { echo "mk-host-initramfs: $*" >&2; exit 1; }

[ -s "$ASSETS/busybox" ] || die "$ASSETS/busybox missing; run scripts/fetch-assets.sh"
[ -s "$ASSETS/Image" ] || die "$ASSETS/Image missing; run scripts/fetch-assets.sh"
[ -r "$SCENARIOS" ] || die "scenario list '$SCENARIOS' not readable"
[ -f "$VMM" ] || die "VMM '$VMM' not found (build lkvm, or set VMM=path)"
[ -x "$VMM" ] || die "VMM '$VMM' is not executable"
command -v cpio >/dev/null || die "cpio not found; run scripts/setup-deps.sh"

# The VMM runs in a busybox initramfs with no C library: it must be a static
# arm64 ELF. e_machine (offset 18) is 0xb7 for AArch64.
[ "$(head -c 4 "$VMM" | od -An -c | tr -d ' ')" = '177ELF' ] || die "VMM '$VMM' is not an ELF file"
[ "$(od -An -tx1 -j 18 -N 2 "$VMM" | tr -d ' \n')" = b700 ] || die "VMM '$VMM' is not an arm64 (AArch64) binary"
for re in aarch64-linux-gnu-readelf readelf; do
	if command -v "$re" >/dev/null; then
		if "$re" -l "$VMM" 2>/dev/null | grep -q 'program interpreter'; then
			die "VMM '$VMM' is dynamically linked; the emulated host has no C library (link it statically)"
		fi
		break
	fi
done
# lkvm's user-mode network runs in lkvm-net-user (docs/network.md), the
# one dynamically linked program here: its loader and shared libraries
# (libslirp, glib) go with it (scripts/copy-libs.sh), beside the VMM.
NET_HELPER=${NET_HELPER:-$(dirname "$VMM")/lkvm-net-user}
. "$ROOT/scripts/copy-libs.sh"

# The pty helper (for stdin=pty scenarios), a static arm64 binary.
case "$(uname -m)" in
aarch64|arm64) cc_default=gcc ;;
*) cc_default=aarch64-linux-gnu-gcc ;;
esac
PTYRUN_CC=${PTYRUN_CC:-$cc_default}
ptyrun_dir=$ROOT/build/ptyrun
if [ ! -x "$ptyrun_dir/ptyrun" ] || [ "$ROOT/tests/system/ptyrun.c" -nt "$ptyrun_dir/ptyrun" ]; then
	command -v "$PTYRUN_CC" >/dev/null || die "$PTYRUN_CC not found; run scripts/setup-deps.sh"
	mkdir -p "$ptyrun_dir"
	"$PTYRUN_CC" -static -O2 -Wall -o "$ptyrun_dir/ptyrun" "$ROOT/tests/system/ptyrun.c" \
		|| die "building the pty helper failed"
fi

# The helper of "@NOBODY@" scenarios: runs the VMM as an unprivileged user.
nobody=$ROOT/build/host-helpers/nobody
if [ ! -x "$nobody" ] || [ "$ROOT/tests/system/nobody.c" -nt "$nobody" ]; then
	mkdir -p "$(dirname "$nobody")"
	"$PTYRUN_CC" -static -O2 -Wall -o "$nobody" "$ROOT/tests/system/nobody.c" \
		|| die "building the nobody helper failed"
fi

# The helper of the signal and resource scripts (tests/system/st-helper.c,
# its run command in st-run.c, what both use in st-util.c).
helper=$ROOT/build/st-helper/st-helper
st=$ROOT/tests/system
helper_stale=
for f in st-helper.c st-run.c st-util.c st-helper.h; do
	[ "$st/$f" -nt "$helper" ] && helper_stale=1
done
if [ ! -x "$helper" ] || [ -n "$helper_stale" ]; then
	mkdir -p "$(dirname "$helper")"
	"$PTYRUN_CC" -static -O2 -Wall -o "$helper" \
		"$st/st-helper.c" "$st/st-run.c" "$st/st-util.c" \
		|| die "building tests/system/st-helper.c failed"
fi
# The host's side of the vsock scenario (tests/system/vsock-echo.c).
vsock_echo=$ROOT/build/st-helper/vsock-echo
if [ ! -x "$vsock_echo" ] || [ "$ROOT/tests/system/vsock-echo.c" -nt "$vsock_echo" ]; then
	"$PTYRUN_CC" -static -O2 -Wall -o "$vsock_echo" "$ROOT/tests/system/vsock-echo.c" \
		|| die "building tests/system/vsock-echo.c failed"
fi

# The network scenarios' DNS server (tests/system/st-dns.c, ctl-net.sh).
dns=$ROOT/build/st-helper/st-dns
if [ ! -x "$dns" ] || [ "$ROOT/tests/system/st-dns.c" -nt "$dns" ]; then
	mkdir -p "$(dirname "$dns")"
	"$PTYRUN_CC" -static -O2 -Wall -o "$dns" "$ROOT/tests/system/st-dns.c" \
		|| die "building tests/system/st-dns.c failed"
fi

if [ ! -s "$GUEST_INITRD" ]; then
	"$ROOT/scripts/mk-guest-initramfs.sh" "$GUEST_INITRD" >/dev/null
fi

mkdir -p "$(dirname "$OUT")"
stage=$(mktemp -d "${TMPDIR:-/tmp}/lkvm-host-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

vmm_name=$(basename "$VMM")
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,lkvm-test/bin}
install -m 0755 "$ASSETS/busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$ROOT/tests/system/host-init.sh" "$stage/init"
install -m 0755 "$ROOT/scripts/run-vm-scenarios.sh" "$stage/lkvm-test/run-vm-scenarios.sh"
install -m 0644 "$ROOT"/scripts/vm-scenarios-*.sh "$stage/lkvm-test/"
install -m 0755 "$VMM" "$stage/lkvm-test/bin/$vmm_name"
if [ -x "$NET_HELPER" ]; then
	install -m 0755 "$NET_HELPER" "$stage/lkvm-test/bin/lkvm-net-user"
	copy_libs "$NET_HELPER" "$stage" || die "cannot copy the shared libraries '$NET_HELPER' needs"
fi
PEER=${PEER:-$ROOT/../shared/peers/kvmtool}
if [ -f "$PEER" ]; then
	install -m 0755 "$PEER" "$stage/lkvm-test/bin/kvmtool"
fi
install -m 0755 "$ptyrun_dir/ptyrun" "$stage/lkvm-test/ptyrun"
install -m 0755 "$nobody" "$stage/lkvm-test/nobody"
install -m 0644 "$SCENARIOS" "$stage/lkvm-test/scenarios.txt"
install -m 0644 "$ASSETS/Image" "$stage/lkvm-test/Image"
install -m 0644 "$GUEST_INITRD" "$stage/lkvm-test/guest-initramfs.cpio.gz"
# Host-side scripts of the "script" scenarios.
mkdir -p "$stage/lkvm-test/system"
install -m 0644 "$ROOT"/tests/system/ctl-*.sh "$stage/lkvm-test/system/"
install -m 0644 "$ROOT"/tests/system/sig-*.sh "$ROOT"/tests/system/res-*.sh \
	"$ROOT/tests/system/st-common.sh" "$stage/lkvm-test/system/"
install -m 0755 "$helper" "$stage/lkvm-test/system/st-helper"
install -m 0755 "$dns" "$stage/lkvm-test/system/st-dns"
install -m 0755 "$vsock_echo" "$stage/lkvm-test/system/vsock-echo"
# The bare-metal test guests (make guest-tests), for the "test" scenarios.
mkdir -p "$stage/lkvm-test/guest-tests"
for t in "$ROOT"/build/guest-tests/*.bin; do
	[ -e "$t" ] && install -m 0644 "$t" "$stage/lkvm-test/guest-tests/"
done
# The test firmware's packer, for payloads only the host has (ctl-fw.sh).
install -m 0755 "$ROOT/guest-tests/fw-pack.sh" "$stage/lkvm-test/guest-tests/"
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
fi
# The disk tests' images, and the modules with which the host mounts a
# guest's ext4 image to look inside it (run-vm-scenarios.sh, host_file=).
disk_config=
if [ -n "${ROOTFS:-}" ] || [ -n "${DISK2:-}" ] || [ -n "${DISK_INITRD:-}" ]; then
	mkdir -p "$stage/lkvm-test/disk" "$stage/lkvm-test/modules"
	for v in ROOTFS DISK2 DISK_INITRD; do
		f=${!v:-}
		[ -n "$f" ] || continue
		[ -r "$f" ] || die "$v '$f' not readable"
		install -m 0644 "$f" "$stage/lkvm-test/disk/"
		disk_config="$disk_config$v=/lkvm-test/disk/$(basename "$f")"$'\n'
	done
	kos=$("$ROOT/scripts/fetch-assets.sh" --modules ext4 loop) || die "the host's modules are not in the asset cache"
	for ko in $kos; do
		install -m 0644 "$ko" "$stage/lkvm-test/modules/"
		echo "/lkvm-test/modules/$(basename "$ko")" >>"$stage/lkvm-test/modules/load-order"
	done
	disk_config="${disk_config}HOST_MODULES=/lkvm-test/modules/load-order"$'\n'
	keep=0
	[ "${KEEP_IMAGES:-0}" = 1 ] && keep=1
	disk_config="${disk_config}KEEP_IMAGES=$keep"$'\n'
fi

# The host's side of tap, vhost-net and vhost-vsock, loaded by the
# scripts that need them (st-common.sh: host_modules SET...), each set's
# modules in load order.
mkdir -p "$stage/lkvm-test/host-modules"
for set in tap:"tun bridge veth" vhost-net:"vhost_net" vhost-vsock:"vhost_vsock"; do
	# shellcheck disable=SC2086
	kos=$("$ROOT/scripts/fetch-assets.sh" --modules ${set#*:}) || die "the host's ${set%%:*} modules are not in the asset cache"
	: >"$stage/lkvm-test/host-modules/load-order.${set%%:*}"
	for ko in $kos; do
		install -m 0644 "$ko" "$stage/lkvm-test/host-modules/"
		basename "$ko" >>"$stage/lkvm-test/host-modules/load-order.${set%%:*}"
	done
done

# Values are single-quoted for the host's sh.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
	echo "# written by scripts/mk-host-initramfs.sh"
	echo "VMM=$(q "/lkvm-test/bin/$vmm_name")"
	echo "KERNEL=/lkvm-test/Image"
	echo "GUEST_INITRD=/lkvm-test/guest-initramfs.cpio.gz"
	echo "GUEST_TESTS=/lkvm-test/guest-tests"
	echo "SYSTEM_DIR=/lkvm-test/system"
	echo "SCENARIOS=/lkvm-test/scenarios.txt"
	echo "FILTER=$(q "${FILTER:-}")"
	echo "PTYRUN=/lkvm-test/ptyrun"
	echo "NOBODY=/lkvm-test/nobody"
	echo "INPUT_MODE=$(q "${INPUT_MODE:-}")"
	echo "STDIN_MODE=$(q "${STDIN_MODE:-}")"
	echo "VERBOSE=$(q "${VERBOSE:-0}")"
	printf '%s' "$disk_config"
} >"$stage/lkvm-test/config"

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort \
	| cpio --quiet -o -H newc --owner=0:0) >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mk-host-initramfs: $OUT ($(stat -c %s "$OUT") bytes, VMM $vmm_name)"
