# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034,SC2154	# sourced: its variables are bench-host-init.sh's
#
# The block I/O rows of "make bench" (blkio, blkboot), sourced by
# tests/bench/bench-host-init.sh (busybox, POSIX sh): blk_phase.
#
# Uses the init's HOST, RR, WORK, KERNEL, PTYRUN, BLK_SLEEP, BLK_PARAMS,
# BLK_BOOT_PARAMS, rotate, CMD_<variant>, noted and failures; run_one,
# run_result, run_report and drop_caches (bench-run.sh); from
# /bench/config the BLK_* knobs, BOOT_LIMIT and DISK_INITRD.

# wait_line FILE PATTERN PID DEADLINE: until a line of FILE matches
# PATTERN (grep -E, the whole line but its \r), PID ended or /proc/uptime
# passed DEADLINE (s). 0 when the line is there.
wait_line() {
	while :; do
		grep -Eq "^$2[[:space:]]*\$" "$1" && return 0
		kill -0 "$3" 2>/dev/null || return 1
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$4" ] || return 1
		sleep 0.1
	done
}

# counts_delta "READING1" "READING2": x_KEY=N for each counter of two
# "VMM stat" replies (uptime_ms becomes window_ms); empty when either
# is not one.
counts_delta() {
	awk -v a="$1" -v b="$2" '
	function parse(s, v,    n, w, i, eq) {
		n = split(s, w, " ")
		for (i = 1; i <= n; i++) {
			eq = index(w[i], "=")
			if (eq && substr(w[i], eq + 1) ~ /^[0-9]+$/)
				v[substr(w[i], 1, eq - 1)] = substr(w[i], eq + 1)
		}
	}
	BEGIN {
		parse(a, x); parse(b, y)
		if (!("uptime_ms" in x) || !("uptime_ms" in y))
			exit
		for (k in y)
			if (k != "uptime_ms" && (k in x))
				printf "x_%s=%d ", k, y[k] - x[k]
		printf "window_ms=%d\n", y["uptime_ms"] - x["uptime_ms"]
	}'
}

# blk_slice VARIANT JOB LETTER N: one job of one VM, its N+1st command.
# Its counters are read while the guest waits (READY n=N), the host's
# caches dropped, the job's letter typed; once the guest waits again
# (READY n=N+1) the counters are read again. The BENCH-BLK line goes to
# WORK/blk-VARIANT.blk, printed when the VM's run is over and did its job.
blk_slice() {
	o=$WORK/blk-$1
	fd='' pid='' stat='' s1='' s2=''
	eval "fd=\$fd_$1 pid=\$pid_$1 stat=\$stat_$1"
	[ -n "$stat" ] && s1=$($stat 2>/dev/null)
	drop_caches
	echo "$3" >&"$fd"
	# Not a look at the output while the job runs: under -icount every
	# instruction of this host takes the guests' time too.
	sleep "$BLK_SLEEP"
	if ! wait_line "$o.out" "BENCH-BLK-READY n=$(($4 + 1))" "$pid" \
			$(($(cut -d. -f1 /proc/uptime) + BLK_MS / 1000 + 120)); then
		echo "no 'BENCH-BLK-READY n=$(($4 + 1))' line after job $2" >"$o.why"
		return 1
	fi
	[ -n "$stat" ] && s2=$($stat 2>/dev/null)
	if grep -q '^BENCH-BLK-FAIL' "$o.out"; then
		grep '^BENCH-BLK-FAIL' "$o.out" | head -n 1 | tr -d '\r' >"$o.why"
		return 1
	fi
	r=$(grep "^BLKBENCH name=$2 " "$o.out" | tail -n 1 | tr -d '\r')
	echo "BENCH-BLK host=$HOST variant=$1 round=$round slice=$slice ${r#BLKBENCH }" \
		"$(counts_delta "$s1" "$s2")" >>"$o.blk"
}

# blk_round ROUND: one block I/O guest (blk-init.sh) per variant, all
# booted together, each on its own copy of the raw image (lkvm, as
# QEMU, locks an image it writes), 1 vCPU, 256 MiB, on a pseudo-terminal
# (ptyrun): kvmtool reads its standard input only from a terminal. The
# host types each job's letter to one VM at a time: every job runs
# BLK_SLICES times on each VM, the VMs taking turns in a rotated order,
# so that what drifts over the phase falls on every variant alike. Each
# VM's run is then reported as metric blkio, and its jobs as BENCH-BLK
# lines. Sets round, slice, nc (commands typed so far to each VM) and,
# per variant V, fd_V (its console's FIFO), pid_V and stat_V (its
# "VMM stat" command, empty without counters).
blk_round() {
	round=$1 k=0 failed_v=
	for v in $BLK_VARIANTS; do
		k=$((k + 1))
		o=$WORK/blk-$v
		rm -f "$o".*
		mkfifo "$o.in"
		eval "fd_$v=$((4 + k))"
		eval "exec $((4 + k))<>\"$o.in\""
		cp "$BLK_IMG" "$o.img"
		eval "cmd=\$CMD_$v"
		# shellcheck disable=SC2086	# the command is words on purpose
		set -- "$PTYRUN" $cmd --name "bench-$v" -d "$o.img" -k "$KERNEL" \
			-i "$BLK_INITRD" -c 1 -m 256 -p "$BLK_PARAMS"
		echo "$*" >"$o.cmd"
		"$RR" -o "$o.res" -t "$BLK_LIMIT" "$@" <"$o.in" >"$o.out" 2>"$o.err" \
			5>&- 6>&- 7>&- 8>&- 9>&- &
		eval "pid_$v=$!"
		eval "stat_$v="
	done
	deadline=$(($(cut -d. -f1 /proc/uptime) + BOOT_LIMIT))
	for v in $BLK_VARIANTS; do
		o=$WORK/blk-$v
		eval "pid=\$pid_$v"
		if ! wait_line "$o.out" "BENCH-BLK-READY n=0" "$pid" "$deadline"; then
			echo "no 'BENCH-BLK-READY n=0' line: the guest did not come up" >"$o.why"
			failed_v="$failed_v $v"
			continue
		fi
		eval "cmd=\$CMD_$v"
		# Counters where the VMM has them (lkvm stat); kvmtool has none.
		case "$(${cmd%% *} stat -n "bench-$v" 2>/dev/null)" in
		*exits=*)	eval "stat_$v=\"${cmd%% *} stat -n bench-$v\"" ;;
		esac
	done
	nc=0 i=0
	[ -n "$failed_v" ] || for j in $BLK_JOBS; do
		i=$((i + 1))
		letter=$(echo abcdefghijklmnopqrstuvwxyz | cut -c"$i")
		echo "BENCH-PHASE blk round=$round job=$j: $BLK_SLICES slice(s) of $BLK_MS ms on each of $BLK_VARIANTS"
		slice=1
		while [ "$slice" -le "$BLK_SLICES" ] && [ -z "$failed_v" ]; do
			# shellcheck disable=SC2086
			for v in $(rotate $((round + slice)) $BLK_VARIANTS); do
				blk_slice "$v" "$j" "$letter" "$nc" || { failed_v=$v; break; }
			done
			nc=$((nc + 1)) slice=$((slice + 1))
		done
		[ -z "$failed_v" ] || break
	done
	for v in $BLK_VARIANTS; do
		eval "fd=\$fd_$v"
		echo q >&"$fd"
	done
	# A VM that failed may not take its q: stop it.
	for v in $failed_v; do
		eval "cmd=\$CMD_$v"
		${cmd%% *} stop -n "bench-$v" >/dev/null 2>&1
	done
	for v in $BLK_VARIANTS; do
		eval "pid=\$pid_$v fd=\$fd_$v"
		wait "$pid"
		eval "exec $fd>&-"
		blk_report "$v"
	done
}

# blk_report VARIANT: the BENCH-RUN line of one VM's run in this round
# and, when it did its job, its BENCH-BLK lines.
blk_report() {
	o=$WORK/blk-$1
	metric=blkio variant=$1 cpus=1 mem=256 limit=$BLK_LIMIT
	out=$o.out err=$o.err res=$o.res
	run_result
	why=
	[ -s "$o.why" ] && why=$(cat "$o.why")
	if [ -z "$why" ]; then
		case "$r" in
		*timedout=1*)	why="killed after the $limit s limit" ;;
		*)		[ "$status" = 0 ] || why="exit status $status" ;;
		esac
	fi
	if [ -z "$why" ] && ! grep -q '^BENCH-BLK-DONE .* failed=0' "$out"; then
		why="no 'BENCH-BLK-DONE failed=0' line from the guest"
	fi
	# shellcheck disable=SC2046	# the command's words, as run_report shows them
	run_report $(cat "$o.cmd")
	if [ "$ok" = 1 ]; then
		cat "$o.blk" 2>/dev/null
		case "$noted" in
		*" $1-blk "*) ;;
		*)
			noted="$noted$1-blk "
			echo "BENCH-NOTE variant=$1 $(grep '^BENCH-BLK-UP' "$out" | tr -d '\r' | head -n 1)"
			;;
		esac
	fi
	rm -f "$o".*
}

# blk_phase: the block I/O rows. The raw image is made once, in tmpfs,
# with every block allocated (a hole reads as zeros without a page);
# BLK_ROUNDS rounds of blk_round, then BLK_BOOT_ROUNDS boots with the
# root file system on a disk (a fresh copy of the image each time,
# read-write as a user boots it), one VMM after the other.
blk_phase() {
	[ -n "$BLK_VARIANTS" ] || return 0
	# shellcheck disable=SC2086
	if [ "$(echo $BLK_VARIANTS | wc -w)" -gt 5 ]; then
		echo "BENCH-FAIL blk: at most 5 variants side by side (file descriptors 5 to 9)"
		failures=$((failures + 1))
		return 0
	fi
	# The guests' consoles are pseudo-terminals.
	if ! grep -q ' /dev/pts ' /proc/mounts; then
		mkdir -p /dev/pts
		mount -t devpts devpts /dev/pts
	fi
	echo "BENCH-PHASE blk: $BLK_ROUNDS round(s) of $BLK_VARIANTS side by side, jobs $BLK_JOBS, $BLK_SLICES x $BLK_MS ms each, a $BLK_MB MiB image"
	dd if=/dev/zero of="$BLK_IMG" bs=1M count="$BLK_MB" 2>/dev/null
	n=1
	while [ "$n" -le "$BLK_ROUNDS" ]; do
		blk_round "$n"
		n=$((n + 1))
	done
	rm -f "$BLK_IMG"
	[ "$BLK_BOOT_ROUNDS" -gt 0 ] || return 0
	echo "BENCH-PHASE blkboot cpus=2 mem=512: $BLK_BOOT_ROUNDS round(s) of $BLK_VARIANTS, the root on a disk"
	root=$WORK/root.img
	gunzip -c "$BLK_ROOTFS" >"$WORK/root.pristine"
	RUN_EXTRA="-d $root"
	n=1
	while [ "$n" -le "$BLK_BOOT_ROUNDS" ]; do
		# shellcheck disable=SC2086
		for v in $(rotate "$n" $BLK_VARIANTS); do
			cp "$WORK/root.pristine" "$root"
			drop_caches
			run_one blkboot "$v" "$n" 2 512 "$BOOT_LIMIT" "$KERNEL" \
				"$DISK_INITRD" "$BLK_BOOT_PARAMS"
		done
		n=$((n + 1))
	done
	RUN_EXTRA=
	rm -f "$root" "$WORK/root.pristine"
}
