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
#   BENCH-BLK host=.. variant=.. round=N slice=N name=JOB mode=.. bs=N qd=N
#             ios=N bytes=N us=N iops=N mbps=N lat_us=N [x_COUNTER=N ...
#             window_ms=N]               one run of a block I/O job
#                                            (blkbench's line, BLKBENCH in
#                                            blk-init.sh) and the VMM's
#                                            counters over it ("lkvm stat"
#                                            before and after: x_exits,
#                                            x_mmio, x_dev_requests, ...)
#   BENCH-SNAP host=.. metric=.. variant=.. round=N ... ok=0|1
#                                            the snapshot rows (snap-bench.sh)
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
#   irqmsi     irqcost.bin irqcost.mode=msi, 1 vCPU, for IRQ_MSI_VARIANTS:
#              MSIs through the GIC's MSI frame (ITS or v2m), each sent,
#              taken and EOIed; irqmsi0 its baseline
#   rate-*     lkvm only, RATE_SECONDS between two "lkvm stat" readings of a
#              running VM, then "lkvm stop": rate-idle idle.bin, rate-console
#              console-long.bin (1 vCPU, 64 MiB, from 1 s after start);
#              rate-linux-idle and rate-linux-busy the Linux guest with
#              lkvm.bench=idle|busy (2 vCPUs, 512 MiB, from 1 s after its
#              BENCH-GUEST-READY line)
#   blkio      the block I/O guests (blk-init.sh, blkbench), one per
#              variant of BLK_VARIANTS, side by side, 1 vCPU, 256 MiB, a
#              copy of a BLK_MB MiB raw image as /dev/vda: BLK_JOBS, each
#              BLK_SLICES times BLK_MS ms per VM and round, the VMs taking
#              turns; one BENCH-RUN per VM and round, BENCH-BLK per job run
#   blkboot    the root on a disk: the disk tests' ext4 image (a fresh copy
#              each run) and initramfs, root=/dev/vda rw, 2 vCPUs, 512 MiB,
#              exec to exit; ok when the disk's init printed GUEST-DONE
#   For idle and busy, /proc/PID/status just before SIGTERM gives:
#   BENCH-SAMPLE host=.. metric=.. variant=.. seconds=S threads=N rss_kb=N
#             anon_kb=N vmsize_kb=N cpu_us=N     (sizes from smaps_rollup)
#   BENCH-TASK host=.. metric=.. variant=.. tid=N comm=.. utime_ticks=N
#             stime_ticks=N vcsw=N nvcsw=N          one per thread
#
# /bench/config sets: HOST (v3|v2), the phase lists and rounds, and for
# each variant V the command CMD_V (see scripts/bench.sh). A phase whose
# list of variants is empty is not run (BENCH_PHASES).

# shellcheck source=tests/bench/init-mounts.sh
. /bench/init-mounts.sh
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
WARM_VARIANTS=${WARM_VARIANTS-$SS_VARIANTS}
BLK_VARIANTS=${BLK_VARIANTS:-}
BLK_SLICES=${BLK_SLICES:-1}
BLK_MS=${BLK_MS:-1000}
BLK_SLEEP=$((BLK_MS / 1000)).$(printf '%03d' $((BLK_MS % 1000)))
# The system tests' pseudo-terminal helper (scripts/mk-host-initramfs.sh).
PTYRUN=/lkvm-test/ptyrun
RUN_EXTRA=

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

# The host's page cache, dropped between block I/O runs and jobs. The
# image lives in tmpfs (this host has no disk), whose pages are the file
# itself and stay: what is dropped is every other cached page.
drop_caches() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
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

LINUX_PARAMS="rdinit=/bench-init panic=-1${GUEST_PARAMS:+ $GUEST_PARAMS}"
# The I/O guest's boot is not measured: quiet, so that a slow console
# does not make its runs long.
# shellcheck disable=SC2086	# the list of jobs, one blank between
BLK_PARAMS="rdinit=/bench-blk-init panic=-1 quiet lkvm.blk_ms=$BLK_MS lkvm.blk_jobs=$(echo $BLK_JOBS | tr ' ' ,)${GUEST_PARAMS:+ $GUEST_PARAMS}"
BLK_BOOT_PARAMS="root=/dev/vda rw panic=-1${GUEST_PARAMS:+ $GUEST_PARAMS}"
t0=$(cut -d' ' -f1 /proc/uptime)

# Warm-up, not reported: the first VM of a boot and the first exec of
# each binary pay for caches the later runs find filled, and the host's
# own work just after its boot lands on the first rounds (they ran 2 to 3
# times slower than the rest, for every variant alike, when there was
# one warm-up round).
[ "$WARM_ROUNDS" -gt 0 ] &&
	echo "BENCH-PHASE warm-up: $WARM_ROUNDS unreported start/stop round(s) of $WARM_VARIANTS"
n=1
while [ "$n" -le "$WARM_ROUNDS" ]; do
	# shellcheck disable=SC2086
	for v in $(rotate "$n" $WARM_VARIANTS); do
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
phase busy 1 "${BUSY_VARIANTS-$CONSOLE_VARIANTS}" 1 64 "$SAMPLE_SECONDS" "$B/guests/console-long.bin" "" ""
phase null "$ROUNDS" "$NULL_VARIANTS" 1 64 "$SHORT_LIMIT" "$B/guests/mmio-null.bin" "" ""
phase console "$ROUNDS" "$CONSOLE_VARIANTS" 1 64 "$SHORT_LIMIT" "$B/guests/console.bin" "" ""
IRQ_MSI_VARIANTS=${IRQ_MSI_VARIANTS:-}
if [ -n "$IRQ_VARIANTS$IRQ_MSI_VARIANTS" ] && [ "$IRQ_ROUNDS" -gt 0 ]; then
	echo "BENCH-PHASE irq: $IRQ_ROUNDS round(s) of $IRQ_VARIANTS (MSI: $IRQ_MSI_VARIANTS), irqcost.bin with $IRQ_N interrupts and with none"
	n=1
	while [ "$n" -le "$IRQ_ROUNDS" ]; do
		# shellcheck disable=SC2086
		for v in $([ -z "$IRQ_VARIANTS" ] || rotate "$n" $IRQ_VARIANTS); do
			for c in 1 2; do
				m=irqself
				[ "$c" = 2 ] && m=irqpp
				run_one "$m" "$v" "$n" "$c" 64 "$IRQ_LIMIT" "$B/guests/irqcost.bin" "" "irqcost.n=$IRQ_N"
				run_one "${m}0" "$v" "$n" "$c" 64 "$IRQ_LIMIT" "$B/guests/irqcost.bin" "" "irqcost.n=0"
			done
		done
		# shellcheck disable=SC2086
		for v in $([ -z "$IRQ_MSI_VARIANTS" ] || rotate "$n" $IRQ_MSI_VARIANTS); do
			run_one irqmsi "$v" "$n" 1 64 "$IRQ_LIMIT" "$B/guests/irqcost.bin" "" "irqcost.n=$IRQ_N irqcost.mode=msi"
			run_one irqmsi0 "$v" "$n" 1 64 "$IRQ_LIMIT" "$B/guests/irqcost.bin" "" "irqcost.n=0 irqcost.mode=msi"
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

# The snapshot rows: lkvm's restore against cold boots.
if [ -n "${SNAP_LKVM:-}" ]; then
	# shellcheck source=tests/bench/snap-bench.sh
	. "$B/snap-bench.sh"
	snap_phase
fi

blk_phase
# The 9p and network rows (tests/bench/share-bench.sh).
SHARE_MODES=${SHARE_MODES:-}
. "$B/share-bench.sh"
share_phase

t1=$(cut -d' ' -f1 /proc/uptime)
echo "BENCH-INFO measured_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') failures=$failures"
finish 0
