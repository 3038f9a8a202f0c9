#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the emulated arm64 host for "make bench" (busybox, POSIX sh).
#
# scripts/bench.sh appends this, the helpers, the benchmark guests and
# /bench/config to the system tests' host initramfs and boots it with
# rdinit=/bench/init. Every measurement of one report is made here, in
# this one boot: the VMM variants are interleaved and the order is
# rotated each round, so a slow spell of the machine falls on all of
# them alike.
#
# Console protocol (parsed by scripts/bench.sh):
#
#   BENCH-INFO key=value ...                 the host, the VMM versions
#   BENCH-PHASE <phase> <what>               progress
#   BENCH-RUN host=.. metric=.. variant=.. cpus=N mem=MiB round=N
#             wall_us=N maxrss_kb=N utime_us=N stime_us=N status=N
#             timedout=0|1 out_bytes=N limit=S ok=0|1   one per VMM run
#   BENCH-NOTE variant=.. ...                what a variant's guest saw
#   BENCH-TRACE host=.. variant=.. t_us=N <stderr line>
#                                            poweroff.bin with --loglevel=debug:
#                                            when each line arrived (µs from fork)
#   BENCH-RATE host=.. metric=.. variant=.. cpus=N mem=MiB round=N
#             window_ms=N exits=N mmio=N signal=N ok=0|1
#                                            exits to lkvm over a window of a
#                                            running VM ("lkvm stat" twice)
#   BENCH-IRQ host=.. metric=.. variant=.. round=N mode=self|pingpong cpus=N
#             gic=vN irqs=N ticks=N freq=HZ ns_per_irq=N [uptime_ms=N
#             exits=N mmio=N signal=N]   irqcost.bin's result, and for lkvm
#                                            its exit counts (--loglevel=debug)
#   BENCH-FAIL <why>, then "  | " lines      a run that did not do its job
#   BENCH-DONE rc=N                          last line before poweroff
#
# Metrics (the "metric" field):
#   boot       Linux + busybox initramfs with rdinit=/bench-init, exec to
#              exit; ok when the guest printed BENCH-GUEST-UP cpus=<-c>
#   startstop  poweroff.bin (SYSTEM_OFF at the first instruction), 1 vCPU;
#              variant "noop" is a static binary that does nothing,
#              "bare" the floor (bare-vm runs the image itself)
#   console    console.bin, 1 vCPU, 64 MiB: CONSOLE_BYTES through the 8250,
#              ok when all of its lines arrived intact
#   null       mmio-null.bin, 1 vCPU, 64 MiB: NULL_EXITS writes to an
#              address no device claims
#   idle       idle.bin (WFI forever), 1 vCPU, 64 MiB, stopped with SIGTERM
#              after SAMPLE_SECONDS
#   busy       console-long.bin (console output without end), the same way
#   irqself    irqcost.bin, 1 vCPU, 64 MiB, irqcost.n=IRQ_N: self-SGIs, each
#              raised, taken, acknowledged and EOIed; irqself0 the same with
#              irqcost.n=0 (the exits that are not the interrupts')
#   irqpp      irqcost.bin, 2 vCPUs: SGI ping-pong between two vCPUs that
#              wait in WFI; irqpp0 its baseline
#   rate-*     lkvm only, RATE_SECONDS between two "lkvm stat" readings of a
#              running VM, then "lkvm stop": rate-idle idle.bin, rate-console
#              console-long.bin (1 vCPU, 64 MiB, from 1 s after start);
#              rate-linux-idle and rate-linux-busy the Linux guest with
#              lkvm.bench=idle|busy (2 vCPUs, 512 MiB, from 1 s after its
#              BENCH-GUEST-READY line)
#   For idle and busy, /proc/PID/status just before SIGTERM gives:
#   BENCH-SAMPLE host=.. metric=.. variant=.. seconds=S threads=N rss_kb=N
#             anon_kb=N vmsize_kb=N cpu_us=N     (sizes from smaps_rollup)
#   BENCH-TASK host=.. metric=.. variant=.. tid=N comm=.. utime_ticks=N
#             stime_ticks=N vcsw=N nvcsw=N          one per thread
#
# /bench/config sets: HOST (v3|v2), the phase lists and rounds, and for
# each variant V the command CMD_V (see scripts/bench.sh).

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox mount -t tmpfs tmpfs /tmp
/bin/busybox --install -s

if [ ! -e /proc/self/fd/1 ]; then
	exec </dev/console >/dev/console 2>&1
fi
echo 4 >/proc/sys/kernel/printk 2>/dev/null

# kvmtool wants HOME; both VMMs put their control sockets under it.
export HOME=/tmp
B=/bench
RR=$B/bin/rusage-run
# From the system tests' host initramfs; scripts/bench.sh put /bench-init
# into the guest initramfs.
KERNEL=/lkvm-test/Image
GUEST_INITRD=/lkvm-test/guest-initramfs.cpio.gz
WORK=/tmp/bench
mkdir -p "$WORK"

shell=0
# shellcheck disable=SC2013	# words, not lines
for w in $(cat /proc/cmdline); do
	case "$w" in
	lkvm.shell=*)	shell=${w#*=} ;;
	esac
done

finish() {
	echo "BENCH-DONE rc=$1"
	if [ "$shell" = 1 ]; then
		setsid cttyhack sh
	fi
	poweroff -f
	while :; do sleep 60; done
}

if [ ! -r "$B/config" ]; then
	echo "BENCH-FAIL $B/config missing"
	finish 2
fi
# shellcheck source=/dev/null
. "$B/config"
WARM_ROUNDS=${WARM_ROUNDS:-1}

# The chip column of /proc/interrupts: "GICv3", or "GICv2" / "GIC-N".
detected=unknown
if grep -q ' GICv3 ' /proc/interrupts; then
	detected=v3
elif grep -Eq ' (GICv2|GIC-[0-9]+) ' /proc/interrupts; then
	detected=v2
fi
if [ ! -c /dev/kvm ]; then
	echo "BENCH-FAIL /dev/kvm is missing: the host kernel did not bring up KVM"
	finish 2
fi
if [ "$detected" != "$HOST" ]; then
	echo "BENCH-FAIL asked for a GIC$HOST host, /proc/interrupts shows '$detected'"
	finish 2
fi

version_of() {	# version_of CMD...: the first line of "CMD version"
	"$@" version 2>&1 | head -n 1 | tr -s ' \t' '__'
}
mem_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
echo "BENCH-INFO host=$HOST kernel=$(uname -r) cpus=$(nproc) mem_mib=$mem_mib gic=$detected"
cmd=
for v in $VARIANTS; do
	eval "cmd=\$CMD_$v"
	# shellcheck disable=SC2086	# the command is words on purpose
	echo "BENCH-INFO variant=$v version=$(version_of ${cmd%% *}) cmd=$cmd"
done

# rotate N WORD...: the words, starting with the (N mod count)th one.
rotate() {
	k=$(($1 % ($# - 1)))
	shift
	i=0 front='' back=''
	for w; do
		if [ $i -lt "$k" ]; then
			back="$back $w"
		else
			front="$front $w"
		fi
		i=$((i + 1))
	done
	# shellcheck disable=SC2086	# words out, one blank between
	echo $front $back
}

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

noted=" "
failures=0

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
		# shellcheck disable=SC2086	# the command is words on purpose
		set -- $cmd $dbg -k "$kernel" -c "$cpus" -m "$mem"
		[ -n "$initrd" ] && set -- "$@" -i "$initrd"
		[ -n "$params" ] && set -- "$@" -p "$params"
		"$RR" -o "$res" -s "$st" -i -t "$limit" "$@" >"$out" 2>"$err"
	fi
	r=
	[ -s "$res" ] && read -r r <"$res"
	[ -n "$r" ] || r="wall_us=0 maxrss_kb=0 utime_us=0 stime_us=0 status=125 timedout=0"
	status=${r#*status=}
	status=${status%% *}
	bytes=$(($(wc -c <"$out")))
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
	[ -z "$why" ] && ok=1
	echo "BENCH-RUN host=$HOST metric=$metric variant=$variant cpus=$cpus mem=$mem round=$round $r out_bytes=$bytes limit=$limit ok=$ok"
	if [ "$ok" = 0 ]; then
		failures=$((failures + 1))
		echo "BENCH-FAIL $metric $variant cpus=$cpus mem=$mem round=$round: $why"
		echo "  | cmd: $*"
		tail -n 5 "$err" | sed 's/^/  | stderr: /'
		tail -n 8 "$out" | tr -d '\r' | sed 's/^/  | stdout: /'
	fi
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

LINUX_PARAMS="rdinit=/bench-init panic=-1${GUEST_PARAMS:+ $GUEST_PARAMS}"
t0=$(cut -d' ' -f1 /proc/uptime)

# Warm-up, not reported: the first VM of a boot and the first exec of
# each binary pay for caches the later runs find filled, and the host's
# own work just after its boot lands on the first rounds (they ran 2 to 3
# times slower than the rest, for every variant alike, when there was
# one warm-up round).
echo "BENCH-PHASE warm-up: $WARM_ROUNDS unreported start/stop round(s) of $SS_VARIANTS"
n=1
while [ "$n" -le "$WARM_ROUNDS" ]; do
	# shellcheck disable=SC2086
	for v in $(rotate "$n" $SS_VARIANTS); do
		if is_helper "$v"; then
			helper_run "$v" "$B/guests/poweroff.bin" -o /dev/null -i -t 60 >/dev/null 2>&1
		else
			eval "cmd=\$CMD_$v"
			# shellcheck disable=SC2086	# the command is words on purpose
			"$RR" -o /dev/null -i -t 60 $cmd -k "$B/guests/poweroff.bin" -c 1 -m 64 >/dev/null 2>&1
		fi
	done
	n=$((n + 1))
done

phase startstop "$SS_ROUNDS" "$SS_VARIANTS" 1 64 60 "$B/guests/poweroff.bin" "" ""
for m in $RSS_MEMS; do
	[ "$m" = 64 ] && continue	# the start/stop rounds have it
	phase startstop "$RSS_ROUNDS" "$RSS_VARIANTS" 1 "$m" 60 "$B/guests/poweroff.bin" "" ""
done
# The VMM's own memory per vCPU: the same guest with 8 vCPUs (the
# secondaries never start, so no guest memory comes with them).
phase startstop "$RSS_ROUNDS" "$RSS_VARIANTS" 8 64 60 "$B/guests/poweroff.bin" "" ""
if [ -n "$TRACE_VARIANTS" ]; then
	echo "BENCH-PHASE trace: one start/stop with --loglevel=debug each of $TRACE_VARIANTS"
	for v in $TRACE_VARIANTS; do
		trace "$v"
	done
fi
phase idle 1 "$SAMPLE_VARIANTS" 1 64 "$SAMPLE_SECONDS" "$B/guests/idle.bin" "" ""
phase busy 1 "$CONSOLE_VARIANTS" 1 64 "$SAMPLE_SECONDS" "$B/guests/console-long.bin" "" ""
phase null "$ROUNDS" "$NULL_VARIANTS" 1 64 "$SHORT_LIMIT" "$B/guests/mmio-null.bin" "" ""
phase console "$ROUNDS" "$CONSOLE_VARIANTS" 1 64 "$SHORT_LIMIT" "$B/guests/console.bin" "" ""
if [ -n "$IRQ_VARIANTS" ] && [ "$IRQ_ROUNDS" -gt 0 ]; then
	echo "BENCH-PHASE irq: $IRQ_ROUNDS round(s) of $IRQ_VARIANTS, irqcost.bin with $IRQ_N interrupts and with none"
	n=1
	while [ "$n" -le "$IRQ_ROUNDS" ]; do
		# shellcheck disable=SC2086
		for v in $(rotate "$n" $IRQ_VARIANTS); do
			for c in 1 2; do
				m=irqself
				[ "$c" = 2 ] && m=irqpp
				run_one "$m" "$v" "$n" "$c" 64 "$IRQ_LIMIT" "$B/guests/irqcost.bin" "" "irqcost.n=$IRQ_N"
				run_one "${m}0" "$v" "$n" "$c" 64 "$IRQ_LIMIT" "$B/guests/irqcost.bin" "" "irqcost.n=0"
			done
		done
		n=$((n + 1))
	done
fi
if [ -n "$RATE_VARIANTS" ] && [ "$RATE_ROUNDS" -gt 0 ]; then
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
fi
phase boot "$ROUNDS" "$BOOT_VARIANTS" 2 512 "$BOOT_LIMIT" "$KERNEL" "$GUEST_INITRD" "$LINUX_PARAMS"
# The scaling boots: every round goes through the vCPU counts (and each
# count through the variants) in a rotated order, so that the host's
# drift over the phase falls on every count alike instead of on the
# counts measured last.
scale_cpus=
for c in $SCALE_CPUS; do
	[ "$c" = 2 ] && [ "$ROUNDS" -gt 0 ] && [ -n "$BOOT_VARIANTS" ] && continue
	scale_cpus="$scale_cpus $c"
done
if [ -n "$SCALE_VARIANTS" ] && [ -n "$scale_cpus" ] && [ "$SCALE_ROUNDS" -gt 0 ]; then
	echo "BENCH-PHASE boot scaling cpus=$(echo $scale_cpus | tr ' ' ,) mem=512: $SCALE_ROUNDS round(s) of $SCALE_VARIANTS"
	n=1
	while [ "$n" -le "$SCALE_ROUNDS" ]; do
		# shellcheck disable=SC2086
		for c in $(rotate "$n" $scale_cpus); do
			for v in $(rotate "$n" $SCALE_VARIANTS); do
				run_one boot "$v" "$n" "$c" 512 "$SCALE_LIMIT" \
					"$KERNEL" "$GUEST_INITRD" "$LINUX_PARAMS"
			done
		done
		n=$((n + 1))
	done
fi

t1=$(cut -d' ' -f1 /proc/uptime)
echo "BENCH-INFO measured_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') failures=$failures"
finish 0
