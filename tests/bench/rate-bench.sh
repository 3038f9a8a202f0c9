# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2153,SC2154	# sourced: its variables are bench-host-init.sh's
#
# The exit rate rows of "make bench" (rate-*, lkvm only), sourced by
# tests/bench/bench-host-init.sh (busybox, POSIX sh): rate_phase.
#
# Uses the init's HOST, B, RR, WORK, KERNEL, GUEST_INITRD, LINUX_PARAMS,
# rotate, CMD_<variant> and failures, and from /bench/config
# RATE_VARIANTS, RATE_ROUNDS, RATE_SECONDS and BOOT_LIMIT.

# rate_one METRIC VARIANT ROUND CPUS MEM KERNEL INITRD PARAMS READY
# An lkvm VM in the background, named for its control socket: once it
# is in the state to measure (READY: the line the guest prints then;
# empty for the bare-metal guests, there from their first instruction)
# and 1 s more, "lkvm stat" twice RATE_SECONDS apart, then "lkvm stop".
rate_one() {
	metric=$1 variant=$2 round=$3 cpus=$4 mem=$5
	kernel=$6 initrd=$7 params=$8 ready=$9
	out=$WORK/out err=$WORK/err res=$WORK/res name=bench-rate
	rm -f "$out" "$err" "$res"
	eval "cmd=\$CMD_$variant"
	vmm=${cmd%% *}
	limit=$((BOOT_LIMIT + RATE_SECONDS + 30))
	# shellcheck disable=SC2086	# the command is words on purpose
	set -- $cmd --name "$name" -k "$kernel" -c "$cpus" -m "$mem"
	[ -n "$initrd" ] && set -- "$@" -i "$initrd"
	[ -n "$params" ] && set -- "$@" -p "$params"
	"$RR" -o "$res" -i -t "$limit" "$@" >"$out" 2>"$err" &
	rpid=$!
	why='' s1='' s2=''
	t_end=$(($(cut -d. -f1 /proc/uptime) + BOOT_LIMIT))
	while :; do
		if ! kill -0 "$rpid" 2>/dev/null; then
			why="the VMM ended before the measurement"
			break
		fi
		if [ -n "$ready" ]; then
			grep -q "^$ready" "$out" && break
		elif "$vmm" stat -n "$name" >/dev/null 2>&1; then
			break
		fi
		if [ "$(cut -d. -f1 /proc/uptime)" -ge "$t_end" ]; then
			why="not ready after $BOOT_LIMIT s"
			[ -n "$ready" ] && why="$why: no $ready line"
			break
		fi
		sleep 0.5
	done
	if [ -z "$why" ]; then
		sleep 1
		s1=$("$vmm" stat -n "$name" 2>&1) || why="lkvm stat: $s1"
	fi
	if [ -z "$why" ]; then
		sleep "$RATE_SECONDS"
		s2=$("$vmm" stat -n "$name" 2>&1) || why="lkvm stat: $s2"
	fi
	kill -0 "$rpid" 2>/dev/null && "$vmm" stop -n "$name" >/dev/null 2>&1
	wait "$rpid"
	r=
	[ -s "$res" ] && read -r r <"$res"
	if [ -z "$why" ]; then
		case "$r" in
		*" status=0 timedout=0"*) ;;
		*) why="lkvm did not exit 0 after lkvm stop: ${r:-no result}" ;;
		esac
	fi
	d=
	if [ -z "$why" ]; then
		d=$(awk -v a="$s1" -v b="$s2" '
		function parse(s, v,    n, w, i, kv) {
			n = split(s, w, " ")
			for (i = 1; i <= n; i++) {
				split(w[i], kv, "=")
				v[kv[1]] = kv[2]
			}
		}
		BEGIN {
			parse(a, x); parse(b, y)
			if (!("uptime_ms" in x) || !("exits" in y) || y["uptime_ms"] <= x["uptime_ms"])
				exit 1
			printf "window_ms=%d exits=%d mmio=%d signal=%d",
				y["uptime_ms"] - x["uptime_ms"], y["exits"] - x["exits"],
				y["mmio"] - x["mmio"], y["signal"] - x["signal"]
		}') || why="unexpected lkvm stat replies: '$s1', '$s2'"
	fi
	ok=1
	[ -n "$why" ] && ok=0 d="window_ms=0 exits=0 mmio=0 signal=0"
	echo "BENCH-RATE host=$HOST metric=$metric variant=$variant cpus=$cpus mem=$mem round=$round $d ok=$ok"
	if [ "$ok" = 0 ]; then
		failures=$((failures + 1))
		echo "BENCH-FAIL $metric $variant cpus=$cpus mem=$mem round=$round: $why"
		echo "  | cmd: $*"
		tail -n 5 "$err" | sed 's/^/  | stderr: /'
		tail -n 8 "$out" | tr -d '\r' | sed 's/^/  | stdout: /'
	fi
	rm -f "$out" "$err" "$res"
}

# rate_phase: RATE_ROUNDS rounds of the four rate metrics, each over
# every variant in an order rotated from round to round.
rate_phase() {
	[ -n "$RATE_VARIANTS" ] && [ "$RATE_ROUNDS" -gt 0 ] || return 0
	echo "BENCH-PHASE rate: $RATE_ROUNDS round(s) of $RATE_VARIANTS, exits per second over $RATE_SECONDS s"
	n=1
	while [ "$n" -le "$RATE_ROUNDS" ]; do
		for m in rate-idle rate-console rate-linux-idle rate-linux-busy; do
			# shellcheck disable=SC2086
			for v in $(rotate "$n" $RATE_VARIANTS); do
				case "$m" in
				rate-idle)	rate_one "$m" "$v" "$n" 1 64 "$B/guests/idle.bin" "" "" "" ;;
				rate-console)	rate_one "$m" "$v" "$n" 1 64 "$B/guests/console-long.bin" "" "" "" ;;
				rate-linux-*)	rate_one "$m" "$v" "$n" 2 512 "$KERNEL" "$GUEST_INITRD" \
						"$LINUX_PARAMS lkvm.bench=${m#rate-linux-}" BENCH-GUEST-READY ;;
				esac
			done
		done
		n=$((n + 1))
	done
}
