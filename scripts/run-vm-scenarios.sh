#!/bin/sh
# Run the VM scenarios of tests/system/scenarios.txt against a VMM on a
# machine with /dev/kvm: inside the emulated arm64 host (host-init.sh) or
# directly on an arm64 KVM host. POSIX sh; runs under busybox ash.
#
# Usage: run-vm-scenarios.sh [--list]
#   --list            only print the names of the scenarios that would run
#
# Env:
#   VMM=path            VMM binary (default ./lkvm)
#   KERNEL=path         guest Image (default build/assets/Image)
#   GUEST_INITRD=path   guest initramfs (default build/guest-initramfs.cpio.gz)
#   SCENARIOS=file      scenario list (default tests/system/scenarios.txt)
#   HOST_GIC=v3|v2      host GIC version (default: detected from /proc/interrupts)
#   FILTER=regex        run only scenarios whose name matches (grep -E)
#   WORKDIR=dir         scratch dir with per-scenario logs (default /tmp/lkvm-scenarios)
#   INPUT_MODE=ready|early|none
#                       override every scenario's input= setting
#   STDIN_MODE=pipe|pty override every scenario's stdin= setting
#   PTYRUN=path         the pty helper (default $WORKDIR/ptyrun, compiled with
#                       cc from $SYSTEM_DIR/ptyrun.c when missing and cc exists)
#   NOBODY=path         the helper that runs "@NOBODY@" scenarios as user 65534
#                       (default $WORKDIR/nobody, compiled with cc from
#                       $SYSTEM_DIR/nobody.c when missing and cc exists)
#   GUEST_CMDLINE=...   base guest command line (default "console=ttyS0 quiet panic=-1")
#   ROOTFS=path         the disk tests' ext4 root image, plain or .gz (default
#                       build/disk-images/rootfs.img.gz, scripts/mk-rootfs.sh);
#                       @ROOTFS@ is a fresh copy of it in the scenario's dir
#   DISK2=path          their second, raw image (default build/disk-images/disk2.img.gz)
#   DISK_INITRD=path    the disk-boot initramfs (default build/disk-initramfs.cpio.gz)
#   HOST_MODULES=file   .ko files (one a line, in load order) that let this host
#                       mount an ext4 image through a loop device, for host_file=;
#                       without it the modules must be there or come by modprobe
#   KEEP_IMAGES=1       keep the disk images of the scenarios that passed too
#   VERBOSE=1           print the full VMM stderr and console of every scenario
#
# Output: one line per scenario,
#   SCENARIO <name> PASS|FAIL <reason>
# followed, for failures, by the tails of the VMM's stderr and console
# indented with "  | ", and at the end
#   SCENARIOS-SUMMARY passed=N failed=M
# and, before it, a line on where the time went (run-vm-scenarios: ... s in all).
# Exit status: 0 if every scenario passed, 1 if any failed, 2 on setup errors.
#
# The work is split by job into files sourced from beside this one:
# vm-scenarios-lib.sh (text helpers, the list), vm-scenarios-run.sh (one
# scenario's run), vm-scenarios-images.sh (disk images), and
# vm-scenarios-check.sh (the verdicts).

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

VMM=${VMM:-./lkvm}
KERNEL=${KERNEL:-$root/build/assets/Image}
GUEST_INITRD=${GUEST_INITRD:-$root/build/guest-initramfs.cpio.gz}
GUEST_TESTS=${GUEST_TESTS:-$root/build/guest-tests}
SYSTEM_DIR=${SYSTEM_DIR:-$root/tests/system}
SCENARIOS=${SCENARIOS:-$root/tests/system/scenarios.txt}
HOST_GIC=${HOST_GIC:-}
FILTER=${FILTER:-}
WORKDIR=${WORKDIR:-/tmp/lkvm-scenarios}
INPUT_MODE=${INPUT_MODE:-}
STDIN_MODE=${STDIN_MODE:-}
PTYRUN=${PTYRUN:-}
NOBODY=${NOBODY:-}
GUEST_CMDLINE=${GUEST_CMDLINE:-console=ttyS0 quiet panic=-1}
ROOTFS=${ROOTFS:-$root/build/disk-images/rootfs.img.gz}
DISK2=${DISK2:-$root/build/disk-images/disk2.img.gz}
DISK_INITRD=${DISK_INITRD:-$root/build/disk-initramfs.cpio.gz}
HOST_MODULES=${HOST_MODULES:-}
KEEP_IMAGES=${KEEP_IMAGES:-0}
VERBOSE=${VERBOSE:-0}

for part in lib run images check; do
	[ -r "$here/vm-scenarios-$part.sh" ] || die "$here/vm-scenarios-$part.sh missing"
	. "$here/vm-scenarios-$part.sh"
done

list_only=0
case "${1:-}" in
--list)	list_only=1 ;;
"")	;;
-h|--help)
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
	exit 0 ;;
*)	die "unknown argument '$1' (see --help)" ;;
esac

[ -r "$SCENARIOS" ] || die "cannot read scenario list '$SCENARIOS'"
[ -n "$HOST_GIC" ] || HOST_GIC=$(detect_gic)
case "$HOST_GIC" in
v2|v3) ;;
*) die "cannot tell the host GIC version (HOST_GIC='$HOST_GIC'); set HOST_GIC=v2 or v3" ;;
esac

if [ "$list_only" = 1 ]; then
	select_scenarios | cut -d';' -f1
	exit 0
fi

t_start=$(now_cs)

case "$VMM" in
/*) ;;
*) VMM=$(pwd)/$VMM ;;
esac
[ -f "$VMM" ] && [ -x "$VMM" ] || die "VMM '$VMM' is not an executable file (set VMM=path)"
[ -c /dev/kvm ] || die "/dev/kvm does not exist: KVM is not available on this machine"
[ -r "$KERNEL" ] || die "guest kernel '$KERNEL' not readable (scripts/fetch-assets.sh)"
[ -r "$GUEST_INITRD" ] || die "guest initramfs '$GUEST_INITRD' not readable (scripts/mk-guest-initramfs.sh)"

mkdir -p "$WORKDIR" || die "cannot create '$WORKDIR'"
WORKDIR=$(cd "$WORKDIR" && pwd)
export HOME=${HOME:-/tmp}

if [ -z "$PTYRUN" ]; then
	PTYRUN=$WORKDIR/ptyrun
	if [ ! -x "$PTYRUN" ] && [ -r "$SYSTEM_DIR/ptyrun.c" ] && command -v cc >/dev/null 2>&1; then
		cc -O2 -o "$PTYRUN" "$SYSTEM_DIR/ptyrun.c" 2>"$WORKDIR/ptyrun.log" \
			|| echo "run-vm-scenarios: building the pty helper failed (see $WORKDIR/ptyrun.log)" >&2
	fi
fi

if [ -z "$NOBODY" ]; then
	NOBODY=$WORKDIR/nobody
	if [ ! -x "$NOBODY" ] && [ -r "$SYSTEM_DIR/nobody.c" ] && command -v cc >/dev/null 2>&1; then
		cc -O2 -o "$NOBODY" "$SYSTEM_DIR/nobody.c" 2>"$WORKDIR/nobody.log" \
			|| echo "run-vm-scenarios: building the nobody helper failed (see $WORKDIR/nobody.log)" >&2
	fi
fi

# The disk images, unpacked once per run (vm-scenarios-images.sh): a
# cache left by an earlier run may hold other images.
IMAGE_CACHE=$WORKDIR/.images
rm -rf "$IMAGE_CACHE"

passed=0
failed=0
vm_cs=0
t_list=$(now_cs)
selected=$WORKDIR/selected
select_scenarios >"$selected"
total=$(grep -c . "$selected")
t_list=$(($(now_cs) - t_list))

GARBAGE=$WORKDIR/garbage-Image
# Only for the lists that use it (a FILTER often leaves it out): 2 MiB of
# random bytes compressed by an emulated CPU are no instant work.
if [ ! -s "$GARBAGE" ] && grep -q '@GARBAGE@' "$selected"; then
	# A kernel in the wrong form: the usual mistake is a compressed Image.
	head -c 2097152 /dev/urandom | gzip -1 >"$GARBAGE" || die "cannot write $GARBAGE"
fi

echo "run-vm-scenarios: $total scenario(s), host GIC $HOST_GIC, VMM $VMM; up $(fmt_cs "$t_start") s, list read in $(fmt_cs "$t_list") s, set-up $(fmt_cs $(($(now_cs) - t_start - t_list))) s"

t_loop=$(now_cs)
# The list is read on fd 4 so that nothing in the loop can consume it.
while IFS=';' read -r name gic expect limit detail args <&4; do
	run_one "$name" "$gic" "$expect" "$limit" "$detail" "$args"
	# Its result is printed: its files (disk images, snapshots) go, or
	# the emulated host's RAM, which holds them, runs out part way.
	[ "$VERBOSE" = 1 ] || rm -rf "$d"
done 4<"$selected"
rm -rf "$IMAGE_CACHE"

# Where the time went: in the VMMs and scripts, or around them (set-up,
# images, checks).
loop_cs=$(($(now_cs) - t_loop))
echo "run-vm-scenarios: $(fmt_cs $(($(now_cs) - t_start))) s in all: scenarios $(fmt_cs "$loop_cs") s, of which VMMs and scripts $(fmt_cs "$vm_cs") s, around them $(fmt_cs $((loop_cs - vm_cs))) s"
echo "SCENARIOS-SUMMARY passed=$passed failed=$failed"
[ "$failed" = 0 ]
