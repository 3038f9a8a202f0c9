# SPDX-License-Identifier: GPL-2.0
#
# The snapshot rows of "make bench" (BENCH_PHASES=snap), sourced by
# tests/bench/bench-host-init.sh in the GICv3 host (busybox, POSIX sh);
# docs/performance.md, "Snapshot and restore", says what each figure is.
#
# Uses the init's HOST, B, RR, WORK, KERNEL, GUEST_INITRD, LINUX_PARAMS,
# BOOT_LIMIT, CMD_<variant> and failures, and from /bench/config:
#   SNAP_LKVM      the lkvm variant (snapshotted, restored, cold booted)
#   SNAP_PEERS     variants only cold booted (kvmtool), may be empty
#   SNAP_ROUNDS    rounds of each timing
#   SNAP_MEMS      -m (MiB) of the guests whose snapshot is written
#   SNAP_FILL_MB   MiB the filled 512 MiB guest writes before its snapshot
#                  (0: no such guest)
#   SNAP_VMS       VMs restored from one snapshot at once
#
# The functions' variables are global (POSIX sh): each starts with "_"
# and is set before use; snap_phase's own start with "sp_".
#
# Each figure is one line:
#
#   BENCH-SNAP host=.. metric=.. variant=.. round=N KEY=VALUE ... ok=0|1
#
# metric first:    console.bin, 1 vCPU, 64 MiB: first_us, the guest's
#                  first console byte from the VMM's start (a cold boot,
#                  or a restore of a snapshot taken while it wrote);
#                  setup_us, a restore's "restored from" line
#                  BENCH-SNAPTRACE lines: one more restore's debug log,
#                  each line with its time (not in the tables); the same
#                  for the prompt's snapshot, with its last console lines
# metric prompt:   the Linux guest at its shell prompt (lkvm.bench=prompt),
#                  2 vCPUs, 512 MiB: answer_us, from the VMM's start to
#                  the answer of "echo ready-N" typed once it is ready
#                  (cold: its BENCH-GUEST-READY line; restore: lkvm's
#                  "restored from" line); setup_us as above; ready_us,
#                  when the line was typed (answer_us - ready_us: the
#                  guest's own time to answer, cold or restored)
# metric write:    "lkvm snapshot --stop" of the guest at its prompt:
#                  mem=MiB fill=MiB write_us apparent_kb disk_kb, and
#                  the cold-booted lkvm's rss_kb pss_kb anon_kb just before
#                  (smaps_rollup)
# metric many:     vms=N restored at once from one file, each answering
#                  its line: pss_kb rss_kb anon_kb (sums of smaps_rollup),
#                  avail_drop_kb (MemAvailable before less after),
#                  all_us (start to the last answer)

SNAP_PROBE=$B/bin/snap-probe
SNAP_READY="BENCH-GUEST-READY mode=prompt"
SNAP_QUIT="/bin/busybox poweroff -f"
# Guest RAM of a snapshot is a file mapping, which cannot hold MTE tags:
# every run of this phase (both VMMs, to compare like with like) is
# without MTE, and without a network card (not covered by snapshots).
SNAP_OPTS="--disable-mte"

# snap_line METRIC VARIANT ROUND OK FIELDS...: the BENCH-SNAP line.
snap_line() {
	_m=$1 _v=$2 _r=$3 _ok=$4
	shift 4
	echo "BENCH-SNAP host=$HOST metric=$_m variant=$_v round=$_r $* ok=$_ok"
	[ "$_ok" = 1 ] || failures=$((failures + 1))
}

# snap_fail WHAT OUT ERR: why a run did not do its job, with its tails.
snap_fail() {
	echo "BENCH-FAIL snap $1"
	[ -n "$3" ] && [ -f "$3" ] && tail -n 5 "$3" | tr -d '\r' | sed 's/^/  | stderr: /'
	[ -n "$2" ] && [ -f "$2" ] && tail -n 8 "$2" | tr -d '\r' | sed 's/^/  | stdout: /'
	return 0
}

# field NAME "LINE": the value of NAME=VALUE in LINE.
field() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

# smaps_kb PID: "rss_kb=N pss_kb=N anon_kb=N" of a running process.
smaps_kb() {
	awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } /^Anonymous:/ { a = $2 }
	END { printf "rss_kb=%d pss_kb=%d anon_kb=%d", r, p, a }' "/proc/$1/smaps_rollup"
}

mem_avail_kb() {
	awk '/^MemAvailable:/ { print $2 }' /proc/meminfo
}

# snap_cmd VARIANT: the command of a cold boot, less guest and size.
snap_cmd() {
	_c=
	eval "_c=\$CMD_$1"
	case "$1" in
	lkvm*)	echo "$_c $SNAP_OPTS -n mode=none" ;;
	*)	echo "$_c $SNAP_OPTS --network mode=none" ;;
	esac
}

snap_lkvm() {
	eval "_c=\$CMD_$SNAP_LKVM"
	echo "${_c%% *}"
}

# snap_take NAME FILE: "lkvm snapshot --stop" of a running VM, timed;
# sets snap_us and snap_why (empty when it worked).
snap_take() {
	snap_why='' snap_us=0
	rm -f "$WORK/snap.res"
	"$RR" -o "$WORK/snap.res" -t 300 "$(snap_lkvm)" snapshot -n "$1" "$2" --stop \
		>"$WORK/snap.msg" 2>&1
	_r=$(cat "$WORK/snap.res" 2>/dev/null)
	snap_us=$(field wall_us "$_r")
	[ "$(field status "$_r")" = 0 ] || snap_why="lkvm snapshot: $(head -n 2 "$WORK/snap.msg" | tr '\n' ' ')"
}

# snap_wait_file FILE PID SECONDS: until FILE exists; 1 when PID ended
# or the time ran out first.
snap_wait_file() {
	_end=$(($(cut -d. -f1 /proc/uptime) + $3))
	while [ ! -e "$1" ]; do
		kill -0 "$2" 2>/dev/null || { [ -e "$1" ]; return; }
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$_end" ] || return 1
		sleep 0.1
	done
}

# snap_source MEM FILE FILL: the Linux guest booted to its prompt with
# lkvm (it answers "echo ready-0"), FILL MiB written into its RAM when
# not 0, then snapshotted with --stop to FILE; one "write" line.
snap_source() {
	_mem=$1 _file=$2 _fill=$3 _why=
	_o=$WORK/src
	rm -f "$_o".* "$_file"
	_send="echo ready-0"
	# The fill: a file in the guest's root (tmpfs: RAM, at most half of
	# it) of bytes that are not zero, so that its pages are in the
	# snapshot, not holes; 1 MiB made once, then copied.
	if [ "$_fill" != 0 ]; then
		_mk="/bin/busybox yes snapshot-fill | /bin/busybox head -c 1048576 >/c"
		_cp="i=0; while [ \$i -lt $_fill ]; do /bin/busybox cat /c; i=\$((i + 1)); done >/fill"
		_send="$_mk; $_cp; echo ready-0"
	fi
	# shellcheck disable=SC2046	# the command is words on purpose
	"$SNAP_PROBE" -t $((BOOT_LIMIT + 300)) -o "$_o.out" -e "$_o.err" -w "$SNAP_READY" \
		-s "$_send" -a ready-0 -m "$_o.mark" -- \
		$(snap_cmd "$SNAP_LKVM") --name bench-snapsrc -k "$KERNEL" -i "$GUEST_INITRD" \
		-c 2 -m "$_mem" -p "$LINUX_PARAMS lkvm.bench=prompt" >"$_o.res" &
	_pid=$!
	if ! snap_wait_file "$_o.mark" "$_pid" $((BOOT_LIMIT + 300)); then
		_why="the guest did not answer 'echo ready-0' at its prompt"
		"$(snap_lkvm)" stop -n bench-snapsrc >/dev/null 2>&1
	else
		# The shell prints its prompt and waits in read().
		sleep 1
		_sm=$(smaps_kb "$(field pid "$(cat "$_o.mark")")")
		snap_take bench-snapsrc "$_file"
		_why=$snap_why
	fi
	wait "$_pid"
	_st=$(field status "$(cat "$_o.res")")
	[ -z "$_why" ] && [ "$_st" != 0 ] && _why="lkvm exited $_st after snapshot --stop"
	_sz=0 _blk=0
	[ -n "$_why" ] && _sm="rss_kb=0 pss_kb=0 anon_kb=0"
	if [ -f "$_file" ]; then
		_sz=$(($(stat -c %s "$_file") / 1024))
		_blk=$(($(stat -c %b "$_file") * $(stat -c %B "$_file") / 1024))
	fi
	if [ -n "$_why" ]; then
		snap_fail "write mem=$_mem fill=$_fill: $_why" "$_o.out" "$_o.err"
		snap_line write "$SNAP_LKVM" 1 0 "mem=$_mem fill=$_fill write_us=0 apparent_kb=0 disk_kb=0 $_sm"
		rm -f "$_file"
	else
		snap_line write "$SNAP_LKVM" 1 1 "mem=$_mem fill=$_fill write_us=$snap_us apparent_kb=$_sz disk_kb=$_blk $_sm"
	fi
	rm -f "$_o".*
	[ -z "$_why" ]
}

# snap_first_source FILE: console-long.bin snapshotted while it writes.
snap_first_source() {
	_o=$WORK/fsrc
	rm -f "$_o".* "$1"
	# shellcheck disable=SC2046
	"$SNAP_PROBE" -t 120 -o /dev/null -e "$_o.err" -- \
		$(snap_cmd "$SNAP_LKVM") --name bench-snapfirst -k "$B/guests/console-long.bin" \
		-c 1 -m 64 >"$_o.res" &
	_pid=$!
	_why=
	# Running for a second: well inside its loop of writes.
	_tries=0
	while ! "$(snap_lkvm)" stat -n bench-snapfirst >/dev/null 2>&1; do
		_tries=$((_tries + 1))
		if [ "$_tries" -gt 600 ] || ! kill -0 "$_pid" 2>/dev/null; then
			_why="console-long.bin never ran"
			break
		fi
		sleep 0.1
	done
	if [ -z "$_why" ]; then
		sleep 1
		snap_take bench-snapfirst "$1"
		_why=$snap_why
	fi
	[ -n "$_why" ] && "$(snap_lkvm)" stop -n bench-snapfirst >/dev/null 2>&1
	wait "$_pid"
	if [ -n "$_why" ]; then
		snap_fail "first: the snapshot of console-long.bin: $_why" "" "$_o.err"
		snap_line first "${SNAP_LKVM}_restore" 0 0 "first_us=0 setup_us=0"
	fi
	rm -f "$_o".*
	[ -z "$_why" ]
}

# snap_first_run VARIANT ROUND FILE: the first guest byte, cold or restored.
snap_first_run() {
	_v=$1 _n=$2 _o=$WORK/first
	rm -f "$_o".*
	case "$_v" in
	*_restore)
		"$SNAP_PROBE" -k -t 60 -o "$_o.out" -e "$_o.err" -x '  # ' -W "restored from" -- \
			"$(snap_lkvm)" run --restore "$3" --name bench-snapfirst -v >"$_o.res" ;;
	*)
		# shellcheck disable=SC2046
		"$SNAP_PROBE" -k -t 60 -o "$_o.out" -e "$_o.err" -x '  # ' -- \
			$(snap_cmd "$_v") -k "$B/guests/console.bin" -c 1 -m 64 >"$_o.res" ;;
	esac
	_r=$(cat "$_o.res")
	_f=$(field first_us "$_r") _s=$(field ready_us "$_r")
	case "$_v" in *_restore) ;; *) _s=0 ;; esac
	if [ "${_f:--1}" -lt 0 ] || [ "${_s:--1}" -lt 0 ]; then
		snap_fail "first $_v round=$_n: no guest output${_s:+ (restored from: $_s)}: $_r" "$_o.out" "$_o.err"
		snap_line first "$_v" "$_n" 0 "first_us=0 setup_us=0"
	else
		snap_line first "$_v" "$_n" 1 "first_us=$_f setup_us=$_s"
	fi
	rm -f "$_o".*
}

# snap_trace WHAT FILE [PROBE OPTIONS]: one more restore of FILE, with
# lkvm's debug log as a timeline (not in the tables): where the time
# from the start to the guest's first byte (console.bin) or to its
# answer (the Linux guest: the probe's options type the line) goes.
snap_trace() {
	_w=$1 _f=$2 _o=$WORK/strace
	shift 2
	rm -f "$_o".*
	"$SNAP_PROBE" -k -t 60 -o "$_o.out" -e "$_o.err" "$@" -- \
		"$(snap_lkvm)" run --restore "$_f" --name bench-snaptrace --loglevel=debug >"$_o.res"
	head -n 80 "$_o.err" | tr -d '\r' | sed "s/^/BENCH-SNAPTRACE host=$HOST what=$_w t_us=/"
	tail -n 4 "$_o.out" | tr -d '\r' | sed "s/^/BENCH-SNAPTRACE host=$HOST what=$_w console t_us=/"
	echo "BENCH-SNAPTRACE host=$HOST what=$_w result: $(cat "$_o.res")"
	rm -f "$_o".*
}

# snap_prompt_run VARIANT ROUND FILE: start to "echo ready-ROUND" answered.
snap_prompt_run() {
	_v=$1 _n=$2 _o=$WORK/prompt
	rm -f "$_o".*
	case "$_v" in
	*_restore)
		"$SNAP_PROBE" -t 120 -o "$_o.out" -e "$_o.err" -W "restored from" \
			-s "echo ready-$_n" -a "ready-$_n" -q "$SNAP_QUIT" -- \
			"$(snap_lkvm)" run --restore "$3" --name bench-snapprompt -v >"$_o.res" ;;
	*)
		# shellcheck disable=SC2046
		"$SNAP_PROBE" -t "$BOOT_LIMIT" -o "$_o.out" -e "$_o.err" -x '  # ' -w "$SNAP_READY" \
			-s "echo ready-$_n" -a "ready-$_n" -q "$SNAP_QUIT" -- \
			$(snap_cmd "$_v") -k "$KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 \
			-p "$LINUX_PARAMS lkvm.bench=prompt" >"$_o.res" ;;
	esac
	_r=$(cat "$_o.res")
	_a=$(field answer_us "$_r") _s=$(field ready_us "$_r") _y=$(field ready_us "$_r")
	case "$_v" in *_restore) ;; *) _s=0 ;; esac
	if [ "${_a:--1}" -lt 0 ] || [ "$(field status "$_r")" != 0 ]; then
		snap_fail "prompt $_v round=$_n: no answer to 'echo ready-$_n' or no clean poweroff: $_r" \
			"$_o.out" "$_o.err"
		snap_line prompt "$_v" "$_n" 0 "answer_us=0 setup_us=0"
	else
		snap_line prompt "$_v" "$_n" 1 "answer_us=$_a setup_us=$_s ready_us=$_y"
	fi
	rm -f "$_o".*
}


# snap_many N FILE: N VMs restored from FILE at once, each answering its
# line; their memory once all answered; then stopped.
snap_many() {
	_count=$1 _why='' _pss=0 _rss=0 _anon=0
	sync
	echo 3 >/proc/sys/vm/drop_caches
	_before=$(mem_avail_kb)
	_i=1
	while [ "$_i" -le "$_count" ]; do
		_o=$WORK/many-$_i
		rm -f "$_o".*
		"$SNAP_PROBE" -t 300 -o "$_o.out" -e "$_o.err" -W "restored from" \
			-s "echo ready-$_i" -a "ready-$_i" -m "$_o.mark" -- \
			"$(snap_lkvm)" run --restore "$2" --name "bench-snapmany-$_i" -v >"$_o.res" &
		eval "_pid_$_i=$!"
		_i=$((_i + 1))
	done
	_i=1
	while [ "$_i" -le "$_count" ]; do
		_p=
		eval "_p=\$_pid_$_i"
		if ! snap_wait_file "$WORK/many-$_i.mark" "$_p" 300; then
			_why="VM $_i of $_count did not answer"
			break
		fi
		_i=$((_i + 1))
	done
	_all=0
	if [ -z "$_why" ]; then
		_i=1
		while [ "$_i" -le "$_count" ]; do
			_m=$(cat "$WORK/many-$_i.mark")
			_a=$(field answer_us "$_m")
			[ "$_a" -gt "$_all" ] && _all=$_a
			_sm=$(smaps_kb "$(field pid "$_m")")
			_pss=$((_pss + $(field pss_kb "$_sm")))
			_rss=$((_rss + $(field rss_kb "$_sm")))
			_anon=$((_anon + $(field anon_kb "$_sm")))
			_i=$((_i + 1))
		done
	fi
	_after=$(mem_avail_kb)
	_i=1
	while [ "$_i" -le "$_count" ]; do
		"$(snap_lkvm)" stop -n "bench-snapmany-$_i" >/dev/null 2>&1
		_i=$((_i + 1))
	done
	_i=1
	while [ "$_i" -le "$_count" ]; do
		_p=
		eval "_p=\$_pid_$_i"
		wait "$_p"
		_i=$((_i + 1))
	done
	if [ -n "$_why" ]; then
		snap_fail "many vms=$_count: $_why" "$WORK/many-$_i.out" "$WORK/many-$_i.err"
		snap_line many "$SNAP_LKVM" 1 0 "vms=$_count pss_kb=0 rss_kb=0 anon_kb=0 avail_drop_kb=0 all_us=0"
	else
		snap_line many "$SNAP_LKVM" 1 1 "vms=$_count pss_kb=$_pss rss_kb=$_rss anon_kb=$_anon avail_drop_kb=$((_before - _after)) all_us=$_all"
	fi
	rm -f "$WORK"/many-*
}

# snap_rounds <run function> <snapshot file>: $SNAP_ROUNDS rounds, each
# running every variant once in an order rotated from round to round.
snap_rounds() {
	sp_n=1
	while [ "$sp_n" -le "$SNAP_ROUNDS" ]; do
		# shellcheck disable=SC2086
		for sp_v in $(rotate "$sp_n" "$sp_lk" "$SNAP_LKVM" $SNAP_PEERS); do
			"$1" "$sp_v" "$sp_n" "$2"
		done
		sp_n=$((sp_n + 1))
	done
}

snap_phase() {
	[ -n "$SNAP_LKVM" ] || return 0
	if ! grep -q ' /dev/pts ' /proc/mounts; then
		mkdir -p /dev/pts
		mount -t devpts devpts /dev/pts
	fi
	sp_lk=${SNAP_LKVM}_restore
	echo "BENCH-PHASE snap first: $SNAP_ROUNDS round(s) of $sp_lk $SNAP_LKVM $SNAP_PEERS, console.bin's first byte"
	sp_first=$WORK/snapfile-console
	if snap_first_source "$sp_first"; then
		snap_rounds snap_first_run "$sp_first"
		snap_trace first "$sp_first"
	fi
	rm -f "$sp_first"
	echo "BENCH-PHASE snap prompt: the Linux guest at its prompt, snapshotted; $SNAP_ROUNDS round(s) of $sp_lk $SNAP_LKVM $SNAP_PEERS, start to 'echo ready-N' answered"
	sp_snap=$WORK/snapfile-prompt
	if snap_source 512 "$sp_snap" 0; then
		snap_rounds snap_prompt_run "$sp_snap"
		snap_trace prompt "$sp_snap" -W "restored from" -s "echo ready-trace" -a "ready-trace"
		echo "BENCH-PHASE snap many: 1, then $SNAP_VMS VMs restored at once from that snapshot"
		snap_many 1 "$sp_snap"
		snap_many "$SNAP_VMS" "$sp_snap"
	fi
	rm -f "$sp_snap"
	echo "BENCH-PHASE snap write: the Linux guest at its prompt, -m $SNAP_MEMS, and 512 MiB with $SNAP_FILL_MB MiB written"
	for sp_m in $SNAP_MEMS; do
		[ "$sp_m" = 512 ] && continue
		snap_source "$sp_m" "$WORK/snapfile-big" 0
		rm -f "$WORK/snapfile-big"
	done
	if [ "${SNAP_FILL_MB:-0}" != 0 ]; then
		snap_source 512 "$WORK/snapfile-fill" "$SNAP_FILL_MB"
		rm -f "$WORK/snapfile-fill"
	fi
}
