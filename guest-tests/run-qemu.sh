#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run a guest test under QEMU TCG, for development without KVM.
#
#   run-qemu.sh [-g 2|3] [-c CPUS] [-m MiB] [-t SECONDS] [-a BOOTARGS]
#               [-M MACHINE-OPTS] [-q] TEST|FILE.bin
#
# -g GIC version (default 3), -c CPU count (default 2; GICv2 allows 8),
# -t timeout (default 120), -a kernel command line (/chosen/bootargs;
# default "timer.tolerance-us=500000": TCG is not real time, and on a
# loaded host a vCPU thread waits for a time slice, so interrupts come
# tens of milliseconds late), -q print only the machine-readable lines
# (CHECK, TEST, TEST-RESULT), -M more virt machine options (e.g.
# "virtualization=on" to check the EL2 entry path).
# TEST is a name from build/guest-tests/ (e.g. "sgi").
#
# Exit status: 0 TEST-RESULT PASS, 1 TEST-RESULT FAIL, 2 no result
# (timeout, crash, or a guest such as poweroff that prints nothing:
# for that one, a clean exit within the timeout is reported as 0).

gic=3
cpus=2
mem=256
timeout=120
bootargs=timer.tolerance-us=500000
quiet=
machine=
here=$(cd "$(dirname "$0")" && pwd)

usage() {
	sed -n '4,21p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

while getopts g:c:m:t:a:M:qh opt; do
	case $opt in
	g) gic=$OPTARG ;;
	c) cpus=$OPTARG ;;
	m) mem=$OPTARG ;;
	t) timeout=$OPTARG ;;
	a) bootargs=$OPTARG ;;
	M) machine=,$OPTARG ;;
	q) quiet=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage

bin=$1
[ -f "$bin" ] || bin=${O:-$here/../build/guest-tests}/$1.bin
[ -f "$bin" ] || { echo "run-qemu.sh: no such test image: $1" >&2; exit 2; }
qemu=${QEMU:-qemu-system-aarch64}

log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM

# -no-reboot: a guest that resets instead of powering off still ends.
timeout --foreground -k 5 "$timeout" "$qemu" \
	-M "virt,gic-version=$gic$machine" -cpu max -smp "$cpus" -m "$mem" \
	-display none -monitor none -serial stdio -no-reboot \
	-kernel "$bin" ${bootargs:+-append "$bootargs"} \
	</dev/null >"$log" 2>&1
rc=$?

tr -d '\r' <"$log" | if [ -n "$quiet" ]; then
	grep -E '^(CHECK|TEST|TEST-RESULT) '
else
	cat
fi

if grep -q '^TEST-RESULT PASS' "$log"; then
	exit 0
elif grep -q '^TEST-RESULT FAIL' "$log"; then
	exit 1
elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "run-qemu.sh: timed out after ${timeout}s" >&2
	exit 2
elif [ ! -s "$log" ] && [ $rc -eq 0 ]; then
	exit 0
fi
echo "run-qemu.sh: no TEST-RESULT (qemu exit status $rc)" >&2
exit 2
