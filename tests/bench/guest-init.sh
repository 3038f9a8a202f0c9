#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /bench-init of the benchmark's Linux guest (busybox, POSIX sh).
#
# Added to the system tests' guest initramfs by scripts/bench.sh and
# chosen with rdinit=/bench-init: the guest boots, says so in one line
# and powers off at once, so that a boot measures the kernel, its
# console output and the VMM, not the test checks.
#
#   BENCH-GUEST-UP cpus=N pci=N virtio=N uptime=S cmdline=...
#
# lkvm.bench=idle or busy on the kernel command line keeps the guest
# running instead, for the exits-per-second rates: idle sits in
# "sleep"; busy runs one shell loop per CPU ("while :; do :; done",
# user-mode work and the timer tick). Both print
#
#   BENCH-GUEST-READY mode=idle|busy cpus=N
#
# once in that state, and stay there until the VMM stops them.
#
# lkvm.bench=prompt prints "BENCH-GUEST-READY mode=prompt cpus=N" and
# becomes busybox's interactive shell on the console: the snapshot rows
# (tests/bench/snap-bench.sh) type a command there and wait for its
# answer, on a cold boot and after a restore of a snapshot taken at this
# prompt.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
if [ ! -e /proc/self/fd/1 ]; then
	/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
	exec </dev/console >/dev/console 2>&1
fi

count() { set -- "$1"/*; [ -e "$1" ] && echo $# || echo 0; }

read -r up _ </proc/uptime
read -r cmdline </proc/cmdline
cpus=$(/bin/busybox nproc)
echo "BENCH-GUEST-UP cpus=$cpus pci=$(count /sys/bus/pci/devices)" \
	"virtio=$(count /sys/bus/virtio/devices) uptime=$up cmdline=$cmdline"

mode=
for w in $cmdline; do
	case "$w" in
	lkvm.bench=*)	mode=${w#*=} ;;
	esac
done
case "$mode" in
prompt)
	echo "BENCH-GUEST-READY mode=prompt cpus=$cpus"
	exec /bin/busybox sh -i
	;;
idle|busy)
	if [ "$mode" = busy ]; then
		# The shell gives a background job /dev/null as its input.
		[ -e /dev/null ] || /bin/busybox mount -t devtmpfs devtmpfs /dev
		i=0
		while [ "$i" -lt "$cpus" ]; do
			(while :; do :; done) &
			i=$((i + 1))
		done
	fi
	echo "BENCH-GUEST-READY mode=$mode cpus=$cpus"
	while :; do
		/bin/busybox sleep 3600
	done
	;;
esac
exec /bin/busybox poweroff -f
