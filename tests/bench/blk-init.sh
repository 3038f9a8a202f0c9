#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /bench-blk-init of the benchmark's block I/O guest (busybox, POSIX sh).
#
# scripts/bench.sh appends it and blkbench (tests/bench/blkbench.c) to the
# disk initramfs (scripts/mk-disk-initramfs.sh: busybox and Debian's
# virtio and ext4 modules) and boots that with rdinit=/bench-blk-init and
# the benchmark's raw image as the only disk, /dev/vda: the initramfs is
# the root, nothing else touches the disk. It loads the virtio modules,
# waits for the disk, and then runs what the emulated host types on the
# console, one job at a time:
#
#   BENCH-BLK-UP dev=/dev/vda size=N transport=mmio|pci|.. cache=.. uptime=S
#   BENCH-BLK-READY n=K            waits for a command: a letter, the
#                                  job's place in lkvm.blk_jobs (a is the
#                                  first), or q to end
#   BLKBENCH name=NAME ...         the job's result (see blkbench.c)
#   BENCH-BLK-FAIL job=NAME <why>  a job that did not run to its end
#   BENCH-BLK-DONE jobs=N failed=N after q, then poweroff
#
# The host reads the VMM's counters ("lkvm stat") at each READY line,
# while the guest waits: a job's counts are the difference of the
# readings around it. The job "idle" does no I/O and prints a result
# line all the same: its counts are what a command and a result line
# cost. Every command is one letter and a newline, so that it costs
# every job the same.
#
# Kernel command line:
#   lkvm.blk_jobs=J,J,...   the jobs, of those in job_args below, and
#                           dd4k (busybox dd, to compare blkbench with)
#   lkvm.blk_ms=MS          milliseconds per job, by the guest's clock
#                           (default 1000)
#   lkvm.blk_dev=DEV        the disk (default /dev/vda)
#   lkvm.shell=1            a shell instead of poweroff at the end

# shellcheck source=tests/bench/init-mounts.sh
. /bench-init-mounts.sh

jobs=
ms=1000
dev=/dev/vda
shell=0
for w in $(cat /proc/cmdline); do
	case "$w" in
	lkvm.blk_jobs=*)	jobs=$(echo "${w#*=}" | tr ',' ' ') ;;
	lkvm.blk_ms=*)		ms=${w#*=} ;;
	lkvm.blk_dev=*)		dev=${w#*=} ;;
	lkvm.shell=*)		shell=${w#*=} ;;
	esac
done

finish() {
	if [ "$shell" = 1 ]; then
		setsid cttyhack sh
	fi
	poweroff -f
	while :; do sleep 60; done
}

# blkbench's options for each job. 128 KiB for the sequential jobs (the
# block layer's default largest request), 4 KiB for the random ones;
# QD 1 is pread/pwrite, QD 16 Linux AIO.
job_args() {
	case "$1" in
	floor)		echo "-m randread -b 4k -q 1 -s 4k" ;;	# one block, over and over
	flush)		echo "-m flush -b 4k -q 1" ;;
	seqread1)	echo "-m read -b 128k -q 1" ;;
	seqread16)	echo "-m read -b 128k -q 16" ;;
	seqwrite1)	echo "-m write -b 128k -q 1" ;;
	seqwrite16)	echo "-m write -b 128k -q 16" ;;
	randread1)	echo "-m randread -b 4k -q 1" ;;
	randread16)	echo "-m randread -b 4k -q 16" ;;
	randwrite1)	echo "-m randwrite -b 4k -q 1" ;;
	randwrite16)	echo "-m randwrite -b 4k -q 16" ;;
	seq4k1)		echo "-m read -b 4k -q 1" ;;	# blkbench against dd4k
	*)		return 1 ;;
	esac
}

# job_of LETTER: the job at that place in $jobs (a = 1).
job_of() {
	i=$(printf '%d' "'$1")
	i=$((i - 96))
	[ "$i" -ge 1 ] || return 1
	# shellcheck disable=SC2086	# the list is words
	set -- $jobs
	[ "$i" -le $# ] || return 1
	eval "echo \${$i}"
}

# The transports and the disk driver; the rest of the disk initramfs's
# modules (ext4 and its helpers) are not needed on a raw disk.
for m in virtio_mmio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk; do
	[ -e "/lib/modules/$m.ko" ] && insmod "/lib/modules/$m.ko" 2>/dev/null
done

# Uptime in centiseconds (busybox date has no %N).
uptime_cs() { awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }
end=$(($(uptime_cs) + 3000))
while [ ! -b "$dev" ] && [ "$(uptime_cs)" -lt "$end" ]; do
	sleep 0.1
done
if [ ! -b "$dev" ]; then
	echo "BENCH-BLK-FAIL job=setup no $dev after 30 s (modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' '))"
	finish
fi

b=${dev#/dev/}
case "$(readlink -f "/sys/block/$b")" in
*/pci*)		transport=pci ;;
*virtio*)	transport=mmio ;;
*)		transport=unknown ;;
esac
read -r up _ </proc/uptime
echo "BENCH-BLK-UP dev=$dev size=$(($(cat "/sys/block/$b/size") * 512))" \
	"transport=$transport cache=$(tr ' ' _ <"/sys/block/$b/queue/write_cache")" \
	"max_kb=$(cat "/sys/block/$b/queue/max_sectors_kb")" \
	"queues=$(ls "/sys/block/$b/mq" | wc -l) uptime=$up"

# dd4k: busybox dd reading 4 KiB blocks with O_DIRECT from the start of
# the disk, the job seq4k1 does with blkbench, timed by /proc/uptime
# (10 ms): a check of what blkbench itself costs per request. About as
# many blocks as seq4k1 reads in its time.
run_dd() {
	blocks=$((ms * 15))
	a=$(uptime_cs)
	if ! dd if="$dev" of=/dev/null bs=4k count="$blocks" iflag=direct 2>/tmp/err; then
		echo "BENCH-BLK-FAIL job=dd4k $(grep -v records /tmp/err | head -n 1)"
		return 1
	fi
	us=$((($(uptime_cs) - a) * 10000))
	[ "$us" -gt 0 ] || us=1
	echo "BLKBENCH name=dd4k mode=read bs=4096 qd=1 ios=$blocks bytes=$((blocks * 4096)) us=$us" \
		"iops=$((blocks * 1000000 / us)).0 mbps=$((blocks * 4096 / us)).0 lat_us=$((us / blocks)).0"
}

# run_job NAME: one job, its result line on the console.
run_job() {
	if [ "$1" = idle ]; then
		echo "BLKBENCH name=idle mode=idle bs=0 qd=0 ios=0 bytes=0 us=0 iops=0.0 mbps=0.0 lat_us=0.0"
		return 0
	fi
	[ "$1" = dd4k ] && { run_dd; return; }
	if ! args=$(job_args "$1"); then
		echo "BENCH-BLK-FAIL job=$1 unknown job"
		return 1
	fi
	# shellcheck disable=SC2086	# the options are words
	/bin/blkbench -f "$dev" -t "${ms}ms" -n "$1" $args 2>/tmp/err && return 0
	echo "BENCH-BLK-FAIL job=$1 $(head -n 1 /tmp/err)"
	return 1
}

# Commands are not echoed: the echo would be console output of its own.
stty -echo 2>/dev/null
n=0 failed=0
while :; do
	echo "BENCH-BLK-READY n=$n"
	read -r cmd || break
	[ "$cmd" = q ] && break
	if j=$(job_of "$cmd"); then
		run_job "$j" || failed=$((failed + 1))
	else
		echo "BENCH-BLK-FAIL job=? no job '$cmd' in lkvm.blk_jobs"
		failed=$((failed + 1))
	fi
	n=$((n + 1))
done
echo "BENCH-BLK-DONE jobs=$n failed=$failed"
finish
