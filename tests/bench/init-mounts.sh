# SPDX-License-Identifier: GPL-2.0
#
# Sourced first by the benchmark's init scripts (busybox, POSIX sh):
# bench-host-init.sh (/bench/init-mounts.sh in the emulated host),
# blk-init.sh and share-init.sh (/bench-init-mounts.sh in their guests;
# scripts/bench.sh puts it there). The kernel's file systems, busybox's
# applets, and the console as the standard streams.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

/bin/busybox mkdir -p /proc /sys /dev /tmp /mnt
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox mount -t tmpfs tmpfs /tmp
/bin/busybox --install -s

# Without a /dev/console node in the initramfs the kernel starts init
# with no standard streams: attach them to the console now.
if [ ! -e /proc/self/fd/1 ]; then
	exec </dev/console >/dev/console 2>&1
fi
