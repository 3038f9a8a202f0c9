#!/bin/bash
# lkvm system tests: boot real Linux guests under real KVM with the VMM and
# check, from inside each guest, what the VMM gave it (see docs/testing.md).
#
# On an arm64 machine with /dev/kvm the scenarios run directly. Anywhere else
# an arm64 host with virtualization is emulated by QEMU (TCG), booted once
# per GIC version, and the scenarios run inside it.
#
# Usage: scripts/system-test.sh
# Env:
#   VMM=path          the VMM under test, static arm64 (default ./lkvm)
#   GICS="3 2"        GIC versions of the emulated hosts, in order
#   SCENARIOS=file    scenario list (default tests/system/scenarios.txt)
#   FILTER=regex      run only the scenarios whose name matches (grep -E)
#   VERBOSE=1         stream the whole console, full logs for every scenario
#   INPUT_MODE=, STDIN_MODE=   override the scenarios' input=/stdin= words
#   HOST_TIMEOUT=s    limit for one emulated host (default: the sum of the
#                     selected scenarios' limits plus 180 s)
#   QEMU_CPU=...      (default max,pauth-impdef=on), QEMU_SMP=2, QEMU_MEM=3072
#   QEMU_MACHINE_EXTRA=...  more -M properties (default mte=on: the CPU gets MTE,
#                     which the mte-* scenarios need; empty for a host without)
#   LOGDIR=dir        console logs (default build/system-test)
#   LKVM_ASSETS=dir   asset cache (default build/assets)
#   KEEP_IMAGES=1     keep the disk images of passed scenarios too (in the
#                     emulated host: until it powers off)
#
# A scenario list that names @ROOTFS@, @DISK2@ or @DISKINITRD@ (the disk
# tests) has its images and initramfs built
# first: scripts/mk-rootfs.sh and scripts/mk-disk-initramfs.sh.
#
# Prints one "SCENARIO <host>/<name> PASS|FAIL <reason>" line per scenario,
# the wall time of each host and of the whole run, and closes with exactly
# one line "N passed, N failed". Exit status 0 only if nothing failed; a host
# that does not reach HOST-DONE counts as a failure, and so does every
# scenario it did not report.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VMM=${VMM:-./lkvm}
GICS=${GICS:-3 2}
SCENARIOS=${SCENARIOS:-$ROOT/tests/system/scenarios.txt}
FILTER=${FILTER:-}
VERBOSE=${VERBOSE:-0}
INPUT_MODE=${INPUT_MODE:-}
STDIN_MODE=${STDIN_MODE:-}
HOST_TIMEOUT=${HOST_TIMEOUT:-}
QEMU_CPU=${QEMU_CPU:-max,pauth-impdef=on}
QEMU_SMP=${QEMU_SMP:-2}
QEMU_MEM=${QEMU_MEM:-3072}
QEMU_MACHINE_EXTRA=${QEMU_MACHINE_EXTRA-mte=on}
LOGDIR=${LOGDIR:-$ROOT/build/system-test}
ASSETS=${LKVM_ASSETS:-$ROOT/build/assets}
export LKVM_ASSETS=$ASSETS

die() { echo "system-test: $*" >&2; exit 2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

abspath() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s' "$PWD/$1" ;; esac; }
VMM=$(abspath "$VMM")
SCENARIOS=$(abspath "$SCENARIOS")
[ -f "$VMM" ] || die "VMM '$VMM' not found: build lkvm, or set VMM=path"
[ -x "$VMM" ] || die "VMM '$VMM' is not executable"
[ -r "$SCENARIOS" ] || die "scenario list '$SCENARIOS' not readable"
export VMM SCENARIOS FILTER VERBOSE INPUT_MODE STDIN_MODE

t_start=$(now)
mkdir -p "$LOGDIR"

"$ROOT/scripts/fetch-assets.sh"
"$ROOT/scripts/mk-guest-initramfs.sh" "$ROOT/build/guest-initramfs.cpio.gz"
export GUEST_INITRD=$ROOT/build/guest-initramfs.cpio.gz
# The disk tests' images only when the list uses them: the host initramfs of
# the other runs stays as it was.
if grep -Eq '^[^#]*@(ROOTFS|DISK2|DISKINITRD)@' "$SCENARIOS"; then
	"$ROOT/scripts/mk-rootfs.sh" "$ROOT/build/disk-images"
	"$ROOT/scripts/mk-disk-initramfs.sh" "$ROOT/build/disk-initramfs.cpio.gz"
	export ROOTFS=$ROOT/build/disk-images/rootfs.img.gz
	export DISK2=$ROOT/build/disk-images/disk2.img.gz
	export DISK_INITRD=$ROOT/build/disk-initramfs.cpio.gz
	export KEEP_IMAGES=${KEEP_IMAGES:-0}
fi

passed=0
failed=0

# --- direct: an arm64 machine with KVM ----------------------------------------
machine=$(uname -m)
if { [ "$machine" = aarch64 ] || [ "$machine" = arm64 ]; } && [ -c /dev/kvm ]; then
	echo "system-test: arm64 with /dev/kvm: running the scenarios directly"
	[ -n "$(sh "$ROOT/scripts/run-vm-scenarios.sh" --list)" ] \
		|| die "no scenario in $SCENARIOS for this host${FILTER:+ matches FILTER=/$FILTER/}"
	log=$LOGDIR/direct.log
	t0=$(now)
	set +e
	KERNEL=$ASSETS/Image WORKDIR=$LOGDIR/direct \
		sh "$ROOT/scripts/run-vm-scenarios.sh" 2>&1 | tee "$log" \
		| grep --line-buffered -E '^(SCENARIO |  \| |run-vm-scenarios:)'
	rc=${PIPESTATUS[0]}
	set -e
	passed=$(grep -c '^SCENARIO [^ ]* PASS' "$log" || true)
	failed=$(grep -c '^SCENARIO [^ ]* FAIL' "$log" || true)
	if ! grep -q '^SCENARIOS-SUMMARY' "$log"; then
		echo "RUN FAIL the runner stopped early (exit $rc); log: $log"
		failed=$((failed + 1))
	fi
	echo "system-test: wall time $(since "$t_start") s (scenarios $(since "$t0") s)"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
fi

# --- emulated: an arm64 host in QEMU, once per GIC version -----------------------
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 not found; run scripts/setup-deps.sh"
echo "system-test: no arm64 KVM here ($machine): emulating an arm64 host with QEMU"

any=
for g in $GICS; do
	any=$any$(HOST_GIC=v$g sh "$ROOT/scripts/run-vm-scenarios.sh" --list)
done
[ -n "$any" ] || die "no scenario in $SCENARIOS for GICS='$GICS'${FILTER:+ matches FILTER=/$FILTER/}"

host_cpio=$LOGDIR/host-initramfs.cpio
"$ROOT/scripts/mk-host-initramfs.sh" "$host_cpio"

for g in $GICS; do
	case "$g" in
	2|3) ;;
	*) die "GICS: '$g' is not a GIC version (2 or 3)" ;;
	esac
	host=v$g
	expected=$(HOST_GIC=$host sh "$ROOT/scripts/run-vm-scenarios.sh" --list)
	if [ -z "$expected" ]; then
		echo "system-test: no scenarios for a GIC$host host${FILTER:+ matching /$FILTER/}; not booting it"
		continue
	fi
	nexp=$(printf '%s\n' "$expected" | wc -l)
	limit=$HOST_TIMEOUT
	if [ -z "$limit" ]; then
		# Sum of the selected scenarios' limits, plus boot and slack.
		limit=$(awk -F';' -v host="$host" -v names="$expected" '
			BEGIN { n = split(names, a, "\n"); for (i = 1; i <= n; i++) want[a[i]] = 1 }
			/^[ \t]*(#|$)/ { next }
			{
				name = $1; gic = $2; lim = $4
				gsub(/[ \t]/, "", name); gsub(/[ \t]/, "", gic); gsub(/[ \t]/, "", lim)
				if ((gic == "any" || gic == host) && (name in want)) s += lim + 5
			}
			END { print s + 180 }' "$SCENARIOS")
	fi
	log=$LOGDIR/host-$host.log
	echo "system-test: booting the GIC$host host: $nexp scenario(s), limit $limit s, console log $log"
	rm -f "$log.tmp"
	t0=$(now)
	set +e
	timeout -k 10 "$limit" qemu-system-aarch64 \
		-M "virt,virtualization=on,gic-version=$g${QEMU_MACHINE_EXTRA:+,$QEMU_MACHINE_EXTRA}" -cpu "$QEMU_CPU" \
		-smp "$QEMU_SMP" -m "$QEMU_MEM" \
		-kernel "$ASSETS/Image" -initrd "$host_cpio" \
		-append "console=ttyAMA0 quiet lkvm.host_gic=$host" \
		-nodefaults -display none -monitor none -serial stdio -no-reboot \
		</dev/null 2>&1 \
	| while IFS= read -r line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$log.tmp"
		if [ "$VERBOSE" = 1 ]; then
			printf '%s\n' "$line"
			continue
		fi
		case "$line" in
		"SCENARIO "*)	printf 'SCENARIO %s/%s\n' "$host" "${line#SCENARIO }" ;;
		HOST-*|"  | "*|run-vm-scenarios:*|*"Kernel panic"*|qemu-system-*) printf '%s\n' "$line" ;;
		esac
	done
	qrc=${PIPESTATUS[0]}
	set -e
	mv "$log.tmp" "$log"
	wall=$(since "$t0")

	# Count from the log: every expected scenario must have reported.
	while IFS= read -r name; do
		r=$(awk -v n="$name" '$1 == "SCENARIO" && $2 == n { print $3; exit }' "$log")
		case "$r" in
		PASS) passed=$((passed + 1)) ;;
		FAIL) failed=$((failed + 1)) ;;
		*)
			echo "SCENARIO $host/$name FAIL not reported by the GIC$host host"
			failed=$((failed + 1)) ;;
		esac
	done <<<"$expected"

	if grep -q '^HOST-DONE' "$log"; then
		echo "HOST $host done in $wall s (qemu exit $qrc)"
	else
		why="qemu exit $qrc"
		[ "$qrc" = 124 ] && why="killed after the $limit s host limit"
		echo "HOST $host FAIL did not reach HOST-DONE ($why) after $wall s; last console lines:"
		tail -n 20 "$log" | sed 's/^/  | /'
		failed=$((failed + 1))
	fi
done

echo "system-test: wall time $(since "$t_start") s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
