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
echo "BENCH-GUEST-UP cpus=$(/bin/busybox nproc) pci=$(count /sys/bus/pci/devices)" \
	"virtio=$(count /sys/bus/virtio/devices) uptime=$up cmdline=$cmdline"
exec /bin/busybox poweroff -f
