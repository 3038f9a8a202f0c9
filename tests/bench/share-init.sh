#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /bench-share-init of the benchmark's 9p and network guest (busybox,
# POSIX sh): the p9 and net phases (tests/bench/share-bench.sh).
#
# scripts/bench.sh appends it and sharebench (tests/bench/sharebench.c)
# to the disk initramfs (scripts/mk-disk-initramfs.sh: busybox and
# Debian's virtio, 9p and virtio-net modules), booted with
# rdinit=/bench-share-init. It loads the modules, mounts the share or
# sets eth0 up, runs the jobs one after the other and powers off:
#
#   BENCH-SHARE-UP what=p9|net uptime=S
#   SHAREBENCH name=JOB ...        a job's result (sharebench.c)
#   BENCH-SHARE-FAIL job=JOB <why>
#   BENCH-SHARE-DONE jobs=N failed=N
#
# Kernel command line:
#   lkvm.share=p9|net        what to measure
#   lkvm.share_jobs=J,J,...  p9: create write read tarc tarx;
#                            net: tx rx rr crr
#   lkvm.share_tag=TAG       p9: the share's tag (mounted at /mnt)
#   lkvm.share_files=N       p9: files of the tree at /mnt/tree (tarc, tarx)
#   lkvm.share_mb=MB         p9: the big file's size
#   lkvm.share_host=IP       net: the host's address (its server's port
#                            5201); the guest is 192.168.33.15/24
#   lkvm.share_ms=MS         milliseconds of create and of each net job

# shellcheck source=tests/bench/init-mounts.sh
. /bench-init-mounts.sh

what='' jobs='' tag=benchshare files=2000 mb=64 host=192.168.33.1 ms=2000
# shellcheck disable=SC2013	# words, not lines
for w in $(cat /proc/cmdline); do
	case "$w" in
	lkvm.share=*)		what=${w#*=} ;;
	lkvm.share_jobs=*)	jobs=$(echo "${w#*=}" | tr ',' ' ') ;;
	lkvm.share_tag=*)	tag=${w#*=} ;;
	lkvm.share_files=*)	files=${w#*=} ;;
	lkvm.share_mb=*)	mb=${w#*=} ;;
	lkvm.share_host=*)	host=${w#*=} ;;
	lkvm.share_ms=*)	ms=${w#*=} ;;
	esac
done
SB=/bin/sharebench
PORT=5201

finish() {
	poweroff -f
	while :; do sleep 60; done
}

# The base set (the transports; ext4 and its helpers load for nothing
# but cost only the loading) and the set of this measurement: "9p" or
# "net" (mk-disk-initramfs.sh).
set=$what
[ "$what" = p9 ] && set=9p
cat /lib/modules/load-order "/lib/modules/load-order.$set" 2>/dev/null |
while read -r ko; do
	insmod "/lib/modules/$ko" 2>/dev/null
done

setup_p9() {
	# The device may still be probing when its driver's insmod returns.
	i=0
	until mount -t 9p -o trans=virtio,version=9p2000.L "$tag" /mnt 2>/tmp/err; do
		i=$((i + 1))
		[ "$i" -lt 50 ] || break
		sleep 0.1
	done
	[ "$i" -lt 50 ] && return 0
	echo "BENCH-SHARE-FAIL job=setup mount of 9p tag $tag: $(head -n 1 /tmp/err)"
	return 1
}

setup_net() {
	i=0
	while [ ! -e /sys/class/net/eth0 ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	ip link set lo up
	if ! ip addr add 192.168.33.15/24 dev eth0 2>/tmp/err || ! ip link set eth0 up 2>>/tmp/err; then
		echo "BENCH-SHARE-FAIL job=setup eth0: $(head -n 1 /tmp/err)"
		return 1
	fi
	# The first packets wait for ARP; a connection proves the path.
	i=0
	until nc -z -w 2 "$host" "$PORT" 2>/dev/null || [ "$i" -ge 20 ]; do
		sleep 0.5
		i=$((i + 1))
	done
}

run_job() {
	case "$1" in
	create)	mkdir -p /mnt/c && $SB create /mnt/c "$ms" ;;
	write)	$SB write /mnt/big "$mb" ;;
	read)	echo 3 >/proc/sys/vm/drop_caches && $SB read /mnt/big ;;
	tarc)	$SB time tarc "$files" tar cf /tmp/tree.tar -C /mnt tree ;;
	tarx)	mkdir -p /mnt/x && $SB time tarx "$files" tar xf /tmp/tree.tar -C /mnt/x ;;
	tx|rx|rr|crr)	$SB "$1" "$host" "$PORT" "$ms" ;;
	*)	echo "unknown job" >&2; false ;;
	esac
}

failed=0 n=0
case "$what" in
p9)	setup_p9 || failed=1 ;;
net)	setup_net || failed=1 ;;
*)	echo "BENCH-SHARE-FAIL job=setup lkvm.share='$what': p9 or net"; failed=1 ;;
esac
read -r up _ </proc/uptime
echo "BENCH-SHARE-UP what=$what uptime=$up"
# The host samples the VMM's threads once it sees that line
# (tests/bench/share-threads.sh): the first job waits for it.
[ "$what" = net ] && sleep 1
[ "$failed" = 0 ] && for j in $jobs; do
	n=$((n + 1))
	if ! run_job "$j" 2>/tmp/err; then
		echo "BENCH-SHARE-FAIL job=$j $(head -n 1 /tmp/err)"
		failed=$((failed + 1))
	fi
	# ... and its second sample once the first job ended, before the
	# poweroff ends the VMM's threads.
	[ "$what:$n" = net:1 ] && sleep 1
done
echo "BENCH-SHARE-DONE jobs=$n failed=$failed"
finish
