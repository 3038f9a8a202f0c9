# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034,SC2153,SC2154	# sourced: its variables are bench-host-init.sh's
#
# The p9 and net phases of make bench, sourced by bench-host-init.sh
# (busybox, POSIX sh) after its other phases: share_phase.
#
# Each run boots the share guest (the disk initramfs plus
# tests/bench/share-init.sh as /bench-share-init and sharebench), 1 vCPU,
# 256 MiB, the in-kernel GICv3, virtio-mmio for both VMMs, one VM at a
# time, lkvm and kvmtool in turns, the order rotated each round:
#
#   p9     --9p WORK/share,benchshare: empty files made for SHARE_MS ms,
#          a SHARE_MB MiB file written and read back, a tree of
#          SHARE_FILES files (sharebench mktree) tarred from the share to
#          the guest's tmpfs and the archive unpacked into the share
#   user   -n mode=user: lkvm's libslirp helper, kvmtool's own stack;
#          the host at 192.168.33.1 (its 127.0.0.1)
#   tap    -n mode=tap,tapif=bnt0,script=none: one persistent tap with
#          192.168.33.1/24, made here and used by each VM in turn
#   vhost  the same with vhost=1
#   dboot  the default guest to its shell's prompt: "VMM run -k Image -c 1
#          -m 256" alone, each VMM's own root from its own "setup"
#          (lkvm makes its module initramfs from the host's
#          /lib/modules/RELEASE, put there from the disk initramfs'
#          modules); a command typed every 0.5 s until its answer
#          arrives: the time to it is the row (BENCH-SHARE name=prompt)
#   dbooti the same root with the disk initramfs for both (-i, --9p
#          ROOT,/dev/root --9p /,hostfs, root=/dev/root rootfstype=9p
#          init=/virt/init): kvmtool cannot boot Debian's kernel on a 9p
#          root without it (9p is a module there)
#   For the net modes the guest's sharebench talks to "sharebench serve"
#   on the host's port 5201: tx (guest to host), rx (host to guest), rr
#   (64-byte ping-pong over one connection), crr (a connection for each
#   exchange), SHARE_MS ms each.
#
# Config (scripts/bench.sh): SHARE_MODES (of p9 user tap vhost),
# SHARE_VMMS (lkvm, kvmtool), SHARE_CMD_lkvm, SHARE_CMD_kvmtool (run
# and its options), SHARE_BIN_lkvm, SHARE_BIN_kvmtool (the binaries),
# SHARE_ROUNDS, SHARE_FILES, SHARE_MB, SHARE_MS, SHARE_INITRD, SHARE_LIMIT,
# SHARE_P9_JOBS and SHARE_NET_JOBS (the guest's jobs, comma lists).
#
# Lines: BENCH-RUN metric=share-MODE variant=VMM (one per VM), and per
# job of a run that did its job:
#   BENCH-SHARE host=.. vmm=.. mode=.. round=N name=JOB units=N us=N rate=R unit=U
# and for a net run, its threads' context switches in its first job
# (share-threads.sh): BENCH-SHARE-CS lines.

SHARE_NET=192.168.33.1
SHARE_TAP=bnt0

# share_net_setup: the loopback, the host's modules, the tap, the server.
share_net_setup() {
	ip link set lo up
	for set in tap vhost-net; do
		while read -r ko; do
			insmod "/lkvm-test/host-modules/$ko" 2>/dev/null
		done <"/lkvm-test/host-modules/load-order.$set"
	done
	case " $SHARE_MODES " in
	*" tap "*|*" vhost "*)
		busybox tunctl -t "$SHARE_TAP" >/dev/null 2>&1 &&
		ip addr add "$SHARE_NET/24" dev "$SHARE_TAP" &&
		ip link set "$SHARE_TAP" up || return 1 ;;
	esac
	"$B/bin/sharebench" serve 5201 &
	share_server=$!
}

# share_net_args MODE: the VMM's network options for a run.
share_net_args() {
	case "$1" in
	p9)	echo "--network mode=none --9p $WORK/share,benchshare" ;;
	user)	echo "--network mode=user" ;;
	tap)	echo "--network mode=tap,tapif=$SHARE_TAP,script=none" ;;
	vhost)	echo "--network mode=tap,tapif=$SHARE_TAP,script=none,vhost=1" ;;
	esac
}

# share_params MODE: the guest's command line.
share_params() {
	p="rdinit=/bench-share-init panic=-1 quiet"
	if [ "$1" = p9 ]; then
		echo "$p lkvm.share=p9 lkvm.share_jobs=${SHARE_P9_JOBS:-create,write,read,tarc,tarx} lkvm.share_files=$SHARE_FILES lkvm.share_mb=$SHARE_MB lkvm.share_ms=$SHARE_MS"
	else
		echo "$p lkvm.share=net lkvm.share_jobs=${SHARE_NET_JOBS:-tx,rx,rr,crr} lkvm.share_host=$SHARE_NET lkvm.share_ms=$SHARE_MS"
	fi
}

# share_modtree: /lib/modules/RELEASE for lkvm's default guest, the
# modules and their dependencies from the disk initramfs.
share_modtree() {
	m=/lib/modules/$(uname -r)
	[ -e "$m/modules.dep" ] && return 0
	mkdir -p "$WORK/dmods" && (cd "$WORK/dmods" && zcat "$SHARE_INITRD" | cpio -id 'lib/modules/*' 2>/dev/null)
	for p in drivers/virtio:virtio_mmio drivers/virtio:virtio_pci \
		drivers/virtio:virtio_pci_modern_dev drivers/virtio:virtio_pci_legacy_dev \
		net/9p:9pnet net/9p:9pnet_virtio fs/9p:9p fs/netfs:netfs fs/fscache:fscache \
		net/core:failover drivers/net:net_failover drivers/net:virtio_net; do
		mkdir -p "$m/kernel/${p%%:*}"
		cp "$WORK/dmods/lib/modules/${p#*:}.ko" "$m/kernel/${p%%:*}/" || return 1
	done
	k=kernel
	cat >"$m/modules.dep" <<-DEP
	$k/drivers/virtio/virtio_mmio.ko:
	$k/drivers/virtio/virtio_pci.ko: $k/drivers/virtio/virtio_pci_modern_dev.ko $k/drivers/virtio/virtio_pci_legacy_dev.ko
	$k/drivers/virtio/virtio_pci_modern_dev.ko:
	$k/drivers/virtio/virtio_pci_legacy_dev.ko:
	$k/fs/9p/9p.ko: $k/fs/fscache/fscache.ko $k/net/9p/9pnet.ko $k/fs/netfs/netfs.ko
	$k/fs/fscache/fscache.ko: $k/fs/netfs/netfs.ko
	$k/fs/netfs/netfs.ko:
	$k/net/9p/9pnet_virtio.ko: $k/net/9p/9pnet.ko
	$k/net/9p/9pnet.ko:
	$k/drivers/net/virtio_net.ko: $k/drivers/net/net_failover.ko $k/net/core/failover.ko
	$k/drivers/net/net_failover.ko: $k/net/core/failover.ko
	$k/net/core/failover.ko:
	DEP
	printf '%s\n' $k/drivers/virtio/virtio.ko $k/drivers/virtio/virtio_ring.ko >"$m/modules.builtin"
	rm -rf "$WORK/dmods"
}

# share_dboot VMM MODE ROUND: the default guest to its prompt, on a
# pseudo-terminal (kvmtool reads its console from a terminal only).
share_dboot() {
	vmm=$1 mode=$2 round=$3
	metric=share-$mode variant=$vmm cpus=1 mem=256 limit=$SHARE_LIMIT
	out=$WORK/out err=$WORK/err res=$WORK/res
	rm -f "$out" "$err" "$res" "$WORK/dboot.in"
	eval "cmd=\$SHARE_BIN_$vmm"
	# Each VMM its own home: kvmtool writes its init into the default
	# root it boots, which would replace lkvm's.
	home=$WORK/home-$vmm
	rootdir=$home/.lkvm/default
	# shellcheck disable=SC2086	# the command is words on purpose
	set -- "$PTYRUN" env HOME="$home" $cmd run -k "$KERNEL" -c 1 -m 256
	[ "$mode" = dbooti ] && set -- "$@" -i "$SHARE_INITRD" --9p "$rootdir,/dev/root" --9p /,hostfs \
		-p "root=/dev/root rootfstype=9p init=/virt/init panic=-1"
	[ "$mode" = dboot ] && set -- "$@" -p panic=-1
	mkfifo "$WORK/dboot.in"
	exec 4<>"$WORK/dboot.in"
	start_cs=$(awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime)
	"$RR" -o "$res" -t "$limit" "$@" <&4 >"$out" 2>"$err" &
	rpid=$!
	i=0 cs=
	while kill -0 "$rpid" 2>/dev/null && [ "$i" -lt $((limit * 10)) ]; do
		if grep -q '^dboot-42' "$out"; then
			cs=$(($(awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime) - start_cs))
			break
		fi
		# shellcheck disable=SC2016	# the guest's shell expands it
		[ $((i % 5)) = 0 ] && echo 'echo dboot-$((6*7))' >&4
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$cs" ] && echo 'poweroff -f' >&4
	j=0
	while kill -0 "$rpid" 2>/dev/null && [ "$j" -lt 60 ]; do
		sleep 0.5
		j=$((j + 1))
	done
	kill -0 "$rpid" 2>/dev/null && HOME=$home $cmd stop --all >/dev/null 2>&1
	wait "$rpid"
	exec 4>&-
	run_result
	why=
	[ -n "$cs" ] || why="no shell answer (dboot-42) on the console"
	[ -z "$why" ] && [ "$status" != 0 ] && why="exit status $status after poweroff -f"
	run_report "$@"
	if [ "$ok" != 1 ]; then
		echo "BENCH-SHARE host=$HOST vmm=$vmm mode=$mode round=$round name=prompt failed=1"
		return 0
	fi
	echo "BENCH-SHARE host=$HOST vmm=$vmm mode=$mode round=$round name=prompt units=1" \
		"us=$((cs * 10000)) rate=$((cs / 100)).$(printf '%02d' $((cs % 100))) unit=s"
}

# share_run VMM MODE ROUND: one VM, its BENCH-RUN and BENCH-SHARE lines.
share_run() {
	case "$2" in dboot*) share_dboot "$@"; return ;; esac
	vmm=$1 mode=$2 round=$3
	metric=share-$mode variant=$vmm cpus=1 mem=256 limit=$SHARE_LIMIT
	out=$WORK/out err=$WORK/err res=$WORK/res
	rm -f "$out" "$err" "$res"
	if [ "$mode" = p9 ]; then
		rm -rf "$WORK/share/c" "$WORK/share/x" "$WORK/share/big"
		drop_caches
	fi
	eval "cmd=\$SHARE_CMD_$vmm"
	# shellcheck disable=SC2046,SC2086	# the command and options are words
	set -- $cmd $(share_net_args "$mode") -k "$KERNEL" -i "$SHARE_INITRD" \
		-c 1 -m 256 -p "$(share_params "$mode")"
	"$RR" -o "$res" -t "$limit" "$@" </dev/null >"$out" 2>"$err" &
	rpid=$!
	# The guest powers off after its last job; a VMM still there 30 s
	# later is stopped (kvmtool, now and then, after user mode).
	i=0 cs=
	rm -f "$WORK/cs.a" "$WORK/cs.b"
	while kill -0 "$rpid" 2>/dev/null && ! grep -q '^BENCH-SHARE-DONE' "$out"; do
		case "$mode:$cs" in
		p9:*)	;;
		*:)	grep -q '^BENCH-SHARE-UP' "$out" &&
			share_cs_sample "$rpid" >"$WORK/cs.a" && cs=a ;;
		*:a)	grep -q '^SHAREBENCH' "$out" &&
			share_cs_sample "$rpid" >"$WORK/cs.b" && cs=b ;;
		esac
		sleep 0.2
	done
	# The job's line and the last one come together.
	[ "$cs" = a ] && grep -q '^SHAREBENCH' "$out" &&
		share_cs_sample "$rpid" >"$WORK/cs.b" && cs=b
	while kill -0 "$rpid" 2>/dev/null && [ "$i" -lt 60 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	kill -0 "$rpid" 2>/dev/null && ${cmd%% *} stop --all >/dev/null 2>&1
	wait "$rpid"
	run_result
	why=
	case "$r" in
	*timedout=1*)	why="killed after the $limit s limit" ;;
	*)		[ "$status" = 0 ] || why="exit status $status" ;;
	esac
	if [ -z "$why" ] && ! grep -q '^BENCH-SHARE-DONE .* failed=0' "$out"; then
		why="no 'BENCH-SHARE-DONE failed=0' line: $(grep '^BENCH-SHARE-FAIL' "$out" | head -n 1 | tr -d '\r')"
	fi
	run_report "$@"
	[ "$cs" = b ] && share_cs_report "$WORK/cs.a" "$WORK/cs.b" "$out"
	# Each job that ran to its end counts, whichever failed; one that
	# failed is said so (the table shows it).
	tr -d '\r' <"$out" | while read -r w rest; do
		case "$w" in
		SHAREBENCH)	echo "BENCH-SHARE host=$HOST vmm=$vmm mode=$mode round=$round $rest" ;;
		BENCH-SHARE-FAIL)
			j=${rest%% *}
			[ "$j" = job=setup ] ||
				echo "BENCH-SHARE host=$HOST vmm=$vmm mode=$mode round=$round name=${j#job=} failed=1" ;;
		esac
	done
}

share_phase() {
	[ -n "$SHARE_MODES" ] && [ -n "$SHARE_VMMS" ] || return 0
	echo "BENCH-PHASE share: $SHARE_ROUNDS round(s) of $SHARE_VMMS, modes $SHARE_MODES"
	mkdir -p "$WORK/share/tree"
	"$B/bin/sharebench" mktree "$WORK/share/tree" "$SHARE_FILES"
	share_server=
	case "$SHARE_MODES" in
	*user*|*tap*|*vhost*)
		if ! share_net_setup; then
			echo "BENCH-FAIL share: cannot set up tap $SHARE_TAP or the server"
			failures=$((failures + 1))
			return 0
		fi ;;
	esac
	case " $SHARE_MODES " in
	*" dboot"*)
		# The default guests' consoles are pseudo-terminals.
		if ! grep -q ' /dev/pts ' /proc/mounts; then
			mkdir -p /dev/pts
			mount -t devpts devpts /dev/pts
		fi
		share_modtree || echo "BENCH-FAIL share: no module tree for lkvm's default guest"
		mkdir -p "$WORK/home-lkvm" "$WORK/home-kvmtool"
		HOME=$WORK/home-lkvm $SHARE_BIN_lkvm setup >/dev/null 2>&1
		# kvmtool writes its init into the root when it boots it
		# (dboot, before dbooti).
		[ -n "$SHARE_BIN_kvmtool" ] && HOME=$WORK/home-kvmtool $SHARE_BIN_kvmtool setup default >/dev/null 2>&1 ;;
	esac
	n=1
	while [ "$n" -le "$SHARE_ROUNDS" ]; do
		for mode in $SHARE_MODES; do
			# shellcheck disable=SC2086
			for v in $(rotate "$n" $SHARE_VMMS); do
				share_run "$v" "$mode" "$n"
			done
		done
		n=$((n + 1))
	done
	[ -n "$share_server" ] && kill "$share_server" 2>/dev/null
	rm -rf "$WORK/share"
}
