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

noted=" "
failures=0

# The phases, each in a file of its own beside this one.
# shellcheck source=tests/bench/bench-run.sh
. "$B/bench-run.sh"
# shellcheck source=tests/bench/rate-bench.sh
. "$B/rate-bench.sh"
# shellcheck source=tests/bench/blk-bench.sh
. "$B/blk-bench.sh"

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
rate_phase
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
# shellcheck source=tests/bench/share-threads.sh
. "$B/share-threads.sh"
. "$B/share-bench.sh"
share_phase

t1=$(cut -d' ' -f1 /proc/uptime)
echo "BENCH-INFO measured_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') failures=$failures"
finish 0
