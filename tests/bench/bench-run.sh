# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2154	# sourced: its variables are bench-host-init.sh's
#
# One measured VM run of "make bench" and the phases made of such runs,
# sourced by tests/bench/bench-host-init.sh (busybox, POSIX sh): run_one
# runs a VMM (or a start/stop helper) under rusage-run and prints its
# BENCH-RUN line; phase runs it for every variant of a phase, the order
# rotated each round; trace prints one start/stop's debug log as a
# timeline. run_result, run_report and drop_caches serve the other
# phases too (blk-bench.sh, share-bench.sh).
#
# Uses the init's HOST, B, RR, WORK, RUN_EXTRA, rotate, CMD_<variant>,
# noted and failures, and from /bench/config CONSOLE_BYTES and
# TRACE_LINES.

# Lines of the console guest's output that are intact: 62 characters
# from '0' upwards, then "\r" (the "\n" ends the line for awk).
console_lines() {
	awk 'BEGIN {
		for (i = 0; i < 62; i++)
			want = want sprintf("%c", 48 + i)
		want = want "\r"
	}
	$0 == want { n++ }
	END { print n + 0 }' "$1"
}

# The start/stop phase's two helpers, which are not VMMs: no VMM options.
is_helper() { [ "$1" = noop ] || [ "$1" = bare ]; }

# helper_run VARIANT IMAGE RUSAGE-RUN-OPTIONS...
helper_run() {
	_v=$1 _img=$2
	shift 2
	if [ "$_v" = noop ]; then
		"$RR" "$@" "$B/bin/noop"
	else
		"$RR" "$@" "$B/bin/bare-vm" "$_img"
	fi
}

# run_result: r, status and bytes of the run whose files are $res, $out.
run_result() {
	r=
	[ -s "$res" ] && read -r r <"$res"
	[ -n "$r" ] || r="wall_us=0 maxrss_kb=0 utime_us=0 stime_us=0 status=125 timedout=0"
	status=${r#*status=}
	status=${status%% *}
	bytes=$(($(wc -c <"$out")))
}

# run_report CMD...: the BENCH-RUN line of a run (metric, variant,
# round, cpus, mem, limit, r, bytes set; why empty when it did its job),
# and when it failed, why with the tails of its output.
run_report() {
	ok=0
	[ -z "$why" ] && ok=1
	echo "BENCH-RUN host=$HOST metric=$metric variant=$variant cpus=$cpus mem=$mem round=$round $r out_bytes=$bytes limit=$limit ok=$ok"
	[ "$ok" = 1 ] && return 0
	failures=$((failures + 1))
	echo "BENCH-FAIL $metric $variant cpus=$cpus mem=$mem round=$round: $why"
	echo "  | cmd: $*"
	tail -n 5 "$err" | sed 's/^/  | stderr: /'
	tail -n 8 "$out" | tr -d '\r' | sed 's/^/  | stdout: /'
}

# run_one METRIC VARIANT ROUND CPUS MEM LIMIT KERNEL INITRD PARAMS
run_one() {
	metric=$1 variant=$2 round=$3 cpus=$4 mem=$5 limit=$6
	kernel=$7 initrd=$8 params=$9
	out=$WORK/out err=$WORK/err res=$WORK/res
	rm -f "$out" "$err" "$res"
	st=$WORK/status dbg=
	rm -f "$st"
	if is_helper "$variant"; then
		helper_run "$variant" "$kernel" -o "$res" -i -t "$limit" >"$out" 2>"$err"
	else
		eval "cmd=\$CMD_$variant"
		# lkvm counts its exits and prints them at the end with
		# --loglevel=debug; kvmtool has no such counter.
		dbg=
		case "$metric:$variant" in
		irq*:lkvm_*)	dbg=--loglevel=debug ;;
		esac
		# RUN_EXTRA: more options for this run (the disk of a disk boot).
		# shellcheck disable=SC2086	# the command is words on purpose
		set -- $cmd $dbg $RUN_EXTRA -k "$kernel" -c "$cpus" -m "$mem"
		[ -n "$initrd" ] && set -- "$@" -i "$initrd"
		[ -n "$params" ] && set -- "$@" -p "$params"
		"$RR" -o "$res" -s "$st" -i -t "$limit" "$@" >"$out" 2>"$err"
	fi
	run_result
	ok=0 why=
	case "$metric:$r" in
	idle:*timedout=1*|busy:*timedout=1*)
				[ -s "$st" ] || why="no /proc/PID/status sample" ;;
	idle:*|busy:*)		why="stopped before the $limit s it should run, exit status $status" ;;
	*timedout=1*)		why="killed after the $limit s limit" ;;
	*)			[ "$status" = 0 ] || why="exit status $status" ;;
	esac
	if [ -z "$why" ]; then
		case "$metric" in
		boot)
			if ! grep -q "^BENCH-GUEST-UP cpus=$cpus " "$out"; then
				why="no 'BENCH-GUEST-UP cpus=$cpus' line from the guest"
			fi ;;
		blkboot)
			if ! grep -q '^GUEST-DONE passed=0 failed=0' "$out"; then
				why="no 'GUEST-DONE' line from the disk's init"
			fi ;;
		console)
			want=$((CONSOLE_BYTES / 64))
			got=$(console_lines "$out")
			[ "$got" = "$want" ] || why="$got of $want console lines intact"
			;;
		irq*)
			if ! grep -q '^IRQCOST ' "$out"; then
				why="no IRQCOST line from irqcost.bin"
			elif ! grep -q '^TEST-RESULT PASS' "$out"; then
				why="irqcost.bin did not pass (an interrupt lost or late)"
			elif [ -n "$dbg" ] && ! grep -q 'exits to lkvm: ' "$err"; then
				why="no 'exits to lkvm' line from lkvm --loglevel=debug"
			fi ;;
		esac
	fi
	run_report "$@"
	if { [ "$metric" = idle ] || [ "$metric" = busy ]; } && [ "$ok" = 1 ]; then
		sed -n "s/^Task: /BENCH-TASK host=$HOST metric=$metric variant=$variant /p" "$st"
		awk -v head="BENCH-SAMPLE host=$HOST metric=$metric variant=$variant seconds=$limit" -v r="$r" '
			/^Threads:/ { t = $2 }
			/^Rss:/ { rss = $2 }
			/^Anonymous:/ { anon = $2 }
			/^VmSize:/ { size = $2 }
			END {
				n = split(r, f, " ")
				for (i = 1; i <= n; i++) {
					split(f[i], kv, "=")
					v[kv[1]] = kv[2]
				}
				printf "%s threads=%d rss_kb=%d anon_kb=%d vmsize_kb=%d cpu_us=%d\n",
					head, t, rss, anon, size, v["utime_us"] + v["stime_us"]
			}' "$st"
	fi
	case "$metric:$ok" in
	irq*:1)
		echo "BENCH-IRQ host=$HOST metric=$metric variant=$variant round=$round" \
			"$(grep '^IRQCOST ' "$out" | head -n 1 | tr -d '\r' | cut -d' ' -f2-)" \
			"$(sed -n 's/.*exits to lkvm: //p' "$err" | head -n 1)"
		;;
	esac
	# What each variant's Linux guest saw, once: command line, devices.
	if [ "$metric" = boot ] && [ "$ok" = 1 ]; then
		case "$noted" in
		*" $variant "*) ;;
		*)
			noted="$noted$variant "
			echo "BENCH-NOTE variant=$variant console_lines=$(wc -l <"$out")" \
				"$(grep '^BENCH-GUEST-UP' "$out" | tr -d '\r' | head -n 1)"
			;;
		esac
	fi
	rm -f "$out" "$err" "$res" "$st"
}

# phase METRIC ROUNDS "VARIANTS" CPUS MEM LIMIT KERNEL INITRD PARAMS
phase() {
	p_metric=$1 p_rounds=$2 p_variants=$3 p_cpus=$4 p_mem=$5 p_limit=$6
	p_kernel=$7 p_initrd=$8 p_params=$9
	[ -n "$p_variants" ] && [ "$p_rounds" -gt 0 ] || return 0
	echo "BENCH-PHASE $p_metric cpus=$p_cpus mem=$p_mem: $p_rounds round(s) of $p_variants"
	n=1
	while [ "$n" -le "$p_rounds" ]; do
		# shellcheck disable=SC2086
		for v in $(rotate "$n" $p_variants); do
			run_one "$p_metric" "$v" "$n" "$p_cpus" "$p_mem" "$p_limit" \
				"$p_kernel" "$p_initrd" "$p_params"
		done
		n=$((n + 1))
	done
}

# trace VARIANT: one start/stop with the VMM's debug log, as a timeline.
trace() {
	eval "cmd=\$CMD_$1"
	tl=$WORK/trace
	# shellcheck disable=SC2086	# the command is words on purpose
	"$RR" -o "$WORK/res" -i -t 60 -e "$tl" $cmd --loglevel=debug \
		-k "$B/guests/poweroff.bin" -c 1 -m 64 >/dev/null 2>&1
	head -n "$TRACE_LINES" "$tl" | tr -d '\r' |
		awk -v p="BENCH-TRACE host=$HOST variant=$1" '{ t = $1; $1 = ""; print p " t_us=" t $0 }'
	r=
	[ -s "$WORK/res" ] && read -r r <"$WORK/res"
	echo "BENCH-TRACE host=$HOST variant=$1 t_us=$(echo "$r" | sed -n 's/.*wall_us=\([0-9]*\).*/\1/p') (wait4 returned: $r)"
	rm -f "$tl" "$WORK/res"
}

# The host's page cache, dropped between block I/O runs and jobs. The
# image lives in tmpfs (this host has no disk), whose pages are the file
# itself and stay: what is dropped is every other cached page.
drop_caches() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}
