#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: lkvm and kvmtool side by side, measured in one emulated
# arm64 host per GIC version (docs/performance.md).
#
# Builds the helpers and guests (tests/bench.mk), reuses the system
# tests' assets and initramfs builders, appends the benchmark's /init
# (tests/bench/bench-host-init.sh) and files to the host initramfs, boots
# the host in QEMU (TCG, virtualization=on, so KVM works inside) and
# prints the tables from what that one boot measured. Figures from
# different boots are never compared with each other.
#
# Usage: scripts/bench.sh
# Env:
#   VMM=path              lkvm, static arm64 (default ./lkvm)
#   PEER=path             kvmtool, static arm64, to compare with; unset or
#                         empty: lkvm's figures alone
#   BENCH_GICS="3 2"      emulated hosts: 3 = the comparison and the scaling,
#                         2 = the per-irqchip rows (lkvm gicv2 and user)
#   BENCH_QUICK=1         a short run: smaller defaults for what follows
#   BENCH_ROUNDS=5        rounds of Linux boot, console and exit floor
#   BENCH_SS_ROUNDS=40    rounds of start/stop (and the no-op and bare-vm binaries)
#   BENCH_WARM_ROUNDS=5   unreported start/stop rounds before them
#   BENCH_RSS_MEMS="64 256 1024 4096"   -m (MiB) for the RSS scaling
#   BENCH_RSS_ROUNDS=3    rounds per -m other than 64
#   BENCH_SCALE_CPUS="1 2 4 8"  vCPUs of the boot scaling
#   BENCH_SCALE_ROUNDS=5  rounds per vCPU count (2 vCPUs: BENCH_ROUNDS)
#   BENCH_BOOT_LIMIT=300  seconds before a 2-vCPU boot is killed
#   BENCH_SCALE_LIMIT=240 seconds before a scaling boot is killed
#   BENCH_CONSOLE_BYTES=65536   bytes the console guest writes (multiple of 64)
#   BENCH_NULL_EXITS=20000      MMIO writes of the exit-floor guest
#   BENCH_SAMPLE_SECONDS=3  how long the idle and the busy VM run before
#                         their threads and memory are sampled
#   BENCH_IRQ_N=2000      interrupts per run of irqcost.bin (even)
#   BENCH_IRQ_ROUNDS=3    rounds of irqcost.bin (self, ping-pong and MSI,
#                         each with BENCH_IRQ_N interrupts and with none)
#   BENCH_RATE_ROUNDS=2   rounds of the exits-per-second windows (lkvm only)
#   BENCH_RATE_SECONDS=3  the window between the two "lkvm stat" readings
#   BENCH_PHASES=all      what to measure: all, or some of startstop rss trace
#                         sample null console irq rate boot scale blk snap p9 net
#                         (BENCH_PHASES=blk: the block I/O rows alone, in
#                         their own host; BENCH_PHASES=snap: the snapshot
#                         rows alone, GICv3 host; console and null need
#                         startstop)
#   BENCH_SNAP_ROUNDS=3   rounds of the snapshot rows' timings (restore,
#                         lkvm and kvmtool cold boots)
#   BENCH_SNAP_MEMS="512 4096"  -m (MiB) of the guests whose snapshot
#                         write time and size are measured
#   BENCH_SNAP_FILL=200   MiB a 512 MiB guest writes into its tmpfs root
#                         before its snapshot (most of the RAM it can
#                         fill; 0: not measured)
#   BENCH_SNAP_VMS=10     VMs restored from one snapshot at once
#   BENCH_BLK_ROUNDS=2    rounds of the block I/O guests: one VM per VMM, side
#                         by side, fresh in each round
#   BENCH_BLK_SLICES=2    each job's runs per VM and round, the VMs taking turns
#   BENCH_BLK_MS=250      milliseconds per run of a job, by the guest's clock
#   BENCH_BLK_ICOUNT=shift=0,sleep=off   the block I/O rows in an emulated
#                         host of their own, QEMU with -icount and these
#                         options: time is instructions executed (1 ns each),
#                         the same from run to run whatever else the machine
#                         does; empty: in the GICv3 host, in real time
#   BENCH_HOST_ICOUNT=    the other hosts (every phase but the block I/O,
#                         9p and network rows) with -icount and these
#                         options too (e.g. shift=0,sleep=off): the figures
#                         are instructions, not real time, but a loaded
#                         machine does not move them; empty: real time
#   BENCH_BLK_GIC=3       the block I/O rows' GIC: 3 (gicv3, gicv3-its over
#                         PCI) or 2 (gicv2, gicv2m over PCI; lkvm user too
#                         with BENCH_USER=1); its host, -icount or not
#   BENCH_BLK_TRANSPORT=mmio  the block I/O variants' virtio transport:
#                         mmio or pci (MSI-X through the ITS or the v2m frame)
#   BENCH_BLK_JOBS="..."  the jobs (tests/bench/blk-init.sh); default: idle,
#                         the floor, flush, sequential and random read and
#                         write at queue depth 1 and 16
#   BENCH_BLK_MB=128      size of the raw image the jobs run on
#   BENCH_BLK_BOOT_ROUNDS=3  rounds of the boot with the root on a disk
#   BENCH_SHARE_ROUNDS=1  rounds of the p9 and net guests (tests/bench/share-bench.sh;
#                         one: under -icount the figures do not follow the load)
#   BENCH_SHARE_FILES=1000  p9: files of the tarred tree
#   BENCH_SHARE_MB=32     p9: the big file written and read
#   BENCH_SHARE_MS=2000   milliseconds of p9 create and of each net job
#   BENCH_SHARE_MODES=    the 9p and network runs to make, of p9 dboot
#                         dbooti user tap vhost (default: all those of
#                         the phases chosen)
#   BENCH_SHARE_P9_JOBS=create,write,read,tarc,tarx  the p9 guest's jobs
#                         (read needs write)
#   BENCH_SHARE_NET_JOBS=tx,rx,rr,crr  the network guest's jobs
#   BENCH_CONFIG_EXTRA=   lines appended to each host's /bench/config (for
#                         experiments: more variants, other commands)
#   BENCH_USER=1          also lkvm --irqchip=user (0: not)
#   BENCH_NONET=1         also kvmtool --network mode=none for start/stop and
#                         RSS (kvmtool adds a virtio-net device by default)
#   BENCH_GUEST_PARAMS=   extra Linux guest parameters (never "quiet":
#                         the boot log through the 8250 is measured)
#   BENCH_HOST_TIMEOUT=s  limit per emulated host (default 2700)
#   QEMU_CPU=max,pauth-impdef=on  QEMU_SMP=2  QEMU_MEM=6144
#   BENCH_DIR=dir         work files, console logs, report (build/bench)
#   VERBOSE=1             stream the emulated hosts' consoles
#   BENCH_DRY_RUN=1       build everything, print each host's plan, boot nothing
#
# Output: progress, then the tables (also in $BENCH_DIR/report.md); raw
# figures stay in $BENCH_DIR/host-v3.log and host-v2.log (BENCH-RUN lines).
# Exit status 0 when every host finished and every run did its job.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

die() { echo "bench: $*" >&2; exit 2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }
abspath() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s' "$PWD/$1" ;; esac; }

quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
	q_rounds=1 q_scale=1 q_ss=5 q_warm=1 q_mems="64 4096" q_rss=1 q_cpus="1 2" q_console=16384 q_null=5000
	q_irq=500 q_irq_rounds=1 q_rate_rounds=1 q_blk_rounds=1 q_blk_slices=2 q_blk_ms=250 q_blk_boot=1
	q_snap=1
	q_share_rounds=1 q_share_files=300 q_share_mb=16 q_share_ms=1000
else
	q_rounds=5 q_scale=5 q_ss=40 q_warm=5 q_mems="64 256 1024 4096" q_rss=3 q_cpus="1 2 4 8" q_console=65536 q_null=20000
	q_irq=2000 q_irq_rounds=3 q_rate_rounds=2 q_blk_rounds=2 q_blk_slices=2 q_blk_ms=250 q_blk_boot=3
	q_snap=3
	q_share_rounds=1 q_share_files=1000 q_share_mb=32 q_share_ms=2000
fi
ALL_PHASES="startstop rss trace sample null console irq rate boot scale blk snap p9 net"
PHASES=${BENCH_PHASES:-all}
[ "$PHASES" = all ] && PHASES=$ALL_PHASES
for p in $PHASES; do
	case " $ALL_PHASES " in
	*" $p "*) ;;
	*) echo "bench: BENCH_PHASES: no phase '$p' (all, or of: $ALL_PHASES)" >&2; exit 2 ;;
	esac
done
on() { case " $PHASES " in *" $1 "*) return 0 ;; esac; return 1; }
# The block I/O, 9p and network rows are the GICv3 host's (or their own
# host's, with -icount); alone, they need no GICv2 host.
io_only=1
for p in $PHASES; do
	case "$p" in blk|p9|net) ;; *) io_only=0 ;; esac
done
on_io() { on blk || on p9 || on net; }
gics_default="3 2"
[ "$io_only" = 1 ] && gics_default=3
# So are the snapshot rows.
[ "$PHASES" = snap ] && gics_default=3
VMM=$(abspath "${VMM:-./lkvm}")
PEER=${PEER:-}
GICS=${BENCH_GICS:-$gics_default}
ROUNDS=${BENCH_ROUNDS:-$q_rounds}
SS_ROUNDS=${BENCH_SS_ROUNDS:-$q_ss}
WARM_ROUNDS=${BENCH_WARM_ROUNDS:-$q_warm}
RSS_MEMS=${BENCH_RSS_MEMS:-$q_mems}
RSS_ROUNDS=${BENCH_RSS_ROUNDS:-$q_rss}
SCALE_CPUS=${BENCH_SCALE_CPUS:-$q_cpus}
SCALE_ROUNDS=${BENCH_SCALE_ROUNDS:-$q_scale}
BOOT_LIMIT=${BENCH_BOOT_LIMIT:-300}
SCALE_LIMIT=${BENCH_SCALE_LIMIT:-240}
CONSOLE_BYTES=${BENCH_CONSOLE_BYTES:-$q_console}
NULL_EXITS=${BENCH_NULL_EXITS:-$q_null}
SAMPLE_SECONDS=${BENCH_SAMPLE_SECONDS:-3}
IRQ_N=${BENCH_IRQ_N:-$q_irq}
IRQ_ROUNDS=${BENCH_IRQ_ROUNDS:-$q_irq_rounds}
RATE_ROUNDS=${BENCH_RATE_ROUNDS:-$q_rate_rounds}
RATE_SECONDS=${BENCH_RATE_SECONDS:-3}
BLK_ROUNDS=${BENCH_BLK_ROUNDS:-$q_blk_rounds}
BLK_SLICES=${BENCH_BLK_SLICES:-$q_blk_slices}
BLK_MS=${BENCH_BLK_MS:-$q_blk_ms}
BLK_ICOUNT=${BENCH_BLK_ICOUNT-shift=0,sleep=off}
HOST_ICOUNT=${BENCH_HOST_ICOUNT:-}
BLK_GIC=${BENCH_BLK_GIC:-3}
BLK_TRANSPORT=${BENCH_BLK_TRANSPORT:-mmio}
BLK_JOBS=${BENCH_BLK_JOBS:-idle floor flush seqread1 seqread16 seqwrite1 seqwrite16 randread1 randread16 randwrite1 randwrite16}
BLK_MB=${BENCH_BLK_MB:-128}
BLK_BOOT_ROUNDS=${BENCH_BLK_BOOT_ROUNDS:-$q_blk_boot}
SNAP_ROUNDS=${BENCH_SNAP_ROUNDS:-$q_snap}
SNAP_MEMS=${BENCH_SNAP_MEMS:-512 4096}
SNAP_FILL=${BENCH_SNAP_FILL:-200}
SNAP_VMS=${BENCH_SNAP_VMS:-10}
SHARE_ROUNDS=${BENCH_SHARE_ROUNDS:-$q_share_rounds}
SHARE_FILES=${BENCH_SHARE_FILES:-$q_share_files}
SHARE_MB=${BENCH_SHARE_MB:-$q_share_mb}
SHARE_MS=${BENCH_SHARE_MS:-$q_share_ms}
SHARE_MODES_ONLY=${BENCH_SHARE_MODES:-}
SHARE_P9_JOBS=${BENCH_SHARE_P9_JOBS:-create,write,read,tarc,tarx}
SHARE_NET_JOBS=${BENCH_SHARE_NET_JOBS:-tx,rx,rr,crr}
USER_GIC=${BENCH_USER:-1}
NONET=${BENCH_NONET:-1}
GUEST_PARAMS=${BENCH_GUEST_PARAMS:-}
HOST_TIMEOUT=${BENCH_HOST_TIMEOUT:-2700}
QEMU_CPU=${QEMU_CPU:-max,pauth-impdef=on}
QEMU_SMP=${QEMU_SMP:-2}
QEMU_MEM=${QEMU_MEM:-6144}
DIR=$(abspath "${BENCH_DIR:-build/bench}")
VERBOSE=${VERBOSE:-0}
DRY_RUN=${BENCH_DRY_RUN:-0}
ASSETS=${LKVM_ASSETS:-$ROOT/build/assets}
export LKVM_ASSETS=$ASSETS

isnum() { [[ "$1" =~ ^[0-9]+$ ]]; }
for v in ROUNDS SS_ROUNDS WARM_ROUNDS RSS_ROUNDS SCALE_ROUNDS BOOT_LIMIT SCALE_LIMIT \
	 CONSOLE_BYTES NULL_EXITS SAMPLE_SECONDS IRQ_N IRQ_ROUNDS RATE_ROUNDS \
	 RATE_SECONDS HOST_TIMEOUT BLK_ROUNDS BLK_SLICES BLK_MS BLK_MB BLK_BOOT_ROUNDS \
	 SNAP_ROUNDS SNAP_FILL SNAP_VMS SHARE_ROUNDS SHARE_FILES SHARE_MB SHARE_MS; do
	isnum "${!v}" || die "BENCH_$v must be a number, not '${!v}'"
done
for w in $RSS_MEMS $SCALE_CPUS $SNAP_MEMS; do
	if ! isnum "$w" || [ "$w" -eq 0 ]; then
		die "BENCH_RSS_MEMS, BENCH_SCALE_CPUS and BENCH_SNAP_MEMS take positive numbers, not '$w'"
	fi
done
for m in $SHARE_MODES_ONLY; do
	case " p9 dboot dbooti user tap vhost " in
	*" $m "*) ;;
	*) die "BENCH_SHARE_MODES: no mode '$m' (of p9 dboot dbooti user tap vhost)" ;;
	esac
done
[[ "$SHARE_P9_JOBS" =~ ^(create|write|read|tarc|tarx)(,(create|write|read|tarc|tarx))*$ ]] ||
	die "BENCH_SHARE_P9_JOBS: a comma list of create write read tarc tarx, not '$SHARE_P9_JOBS'"
[[ "$SHARE_NET_JOBS" =~ ^(tx|rx|rr|crr)(,(tx|rx|rr|crr))*$ ]] ||
	die "BENCH_SHARE_NET_JOBS: a comma list of tx rx rr crr, not '$SHARE_NET_JOBS'"
[ $((CONSOLE_BYTES % 64)) = 0 ] || die "BENCH_CONSOLE_BYTES must be a multiple of 64 (whole lines)"
if [ $((IRQ_N % 2)) != 0 ] || [ "$IRQ_N" = 0 ]; then
	die "BENCH_IRQ_N must be even and positive (ping-pong round trips)"
fi
[ "$RATE_SECONDS" -gt 0 ] || die "BENCH_RATE_SECONDS must be positive"
[ "$BLK_MS" -gt 0 ] || die "BENCH_BLK_MS must be positive"
[ "$BLK_SLICES" -gt 0 ] || die "BENCH_BLK_SLICES must be positive"
[ "$SNAP_VMS" -gt 0 ] || die "BENCH_SNAP_VMS must be positive"
[ "$SNAP_FILL" -le 240 ] || die "BENCH_SNAP_FILL: at most 240 (MiB): the 512 MiB guest's tmpfs root holds half its RAM"
# shellcheck disable=SC2086	# counted as words
[ "$(echo $BLK_JOBS | wc -w)" -le 26 ] || die "BENCH_BLK_JOBS: at most 26 jobs (one letter each)"
[ "$BLK_MB" -gt 0 ] || die "BENCH_BLK_MB must be positive"
if [ "$BLK_GIC" = 2 ] && { on p9 || on net; }; then
	die "BENCH_BLK_GIC=2: the 9p and network rows run on GICv3; measure them apart (BENCH_PHASES)"
fi
case "$BLK_GIC:$BLK_TRANSPORT" in
3:mmio) blk_ic=gicv3 ;;
3:pci) blk_ic=gicv3-its ;;
2:mmio) blk_ic=gicv2 ;;
2:pci) blk_ic=gicv2m ;;
*) die "BENCH_BLK_GIC takes 3 or 2, BENCH_BLK_TRANSPORT mmio or pci, not '$BLK_GIC' and '$BLK_TRANSPORT'" ;;
esac
for j in $BLK_JOBS; do
	grep -q "^	$j)" tests/bench/blk-init.sh || [ "$j" = idle ] || [ "$j" = dd4k ] ||
		die "BENCH_BLK_JOBS: no job '$j' in tests/bench/blk-init.sh"
done
for g in $GICS; do
	case "$g" in 2|3) ;; *) die "BENCH_GICS: '$g' is not a GIC version (2 or 3)" ;; esac
done
case "$GUEST_PARAMS" in
*quiet*) die "BENCH_GUEST_PARAMS: no 'quiet': the boot log through the 8250 is part of the measurement" ;;
esac

# A static arm64 ELF: the emulated host's initramfs has no C library.
check_static_arm64() {	# check_static_arm64 WHAT PATH
	if [ ! -f "$2" ] || [ ! -x "$2" ]; then
		die "$1 '$2' is not an executable file"
	fi
	[ "$(od -An -c -N 4 "$2" | tr -d ' ')" = '177ELF' ] || die "$1 '$2' is not an ELF file"
	[ "$(od -An -tx1 -j 18 -N 2 "$2" | tr -d ' \n')" = b700 ] || die "$1 '$2' is not an arm64 binary"
	if command -v aarch64-linux-gnu-readelf >/dev/null &&
	   aarch64-linux-gnu-readelf -l "$2" 2>/dev/null | grep -q 'program interpreter'; then
		die "$1 '$2' is dynamically linked; the emulated host has no C library"
	fi
}
if [ -n "$PEER" ]; then
	PEER=$(abspath "$PEER")
	check_static_arm64 PEER "$PEER"
fi

machine=$(uname -m)
if { [ "$machine" = aarch64 ] || [ "$machine" = arm64 ]; } && [ -c /dev/kvm ]; then
	die "this is an arm64 KVM host: the benchmark runs in an emulated host only (run it on an x86_64 machine)"
fi
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 not found; run scripts/setup-deps.sh"
command -v cpio >/dev/null || die "cpio not found; run scripts/setup-deps.sh"

t_start=$(now)
mkdir -p "$DIR"

# --- build --------------------------------------------------------------------
# The top-level Makefile includes tests/bench.mk; if it does not, name it here.
mk=(make -C "$ROOT" -s)
grep -q '^include tests/bench.mk' Makefile || mk+=(-f Makefile -f tests/bench.mk)
targets=(bench-tools guest-tests)
[ "$VMM" = "$ROOT/lkvm" ] && targets+=(lkvm)
"${mk[@]}" "${targets[@]}" >/dev/null || die "building ${targets[*]} failed"
check_static_arm64 VMM "$VMM"
for f in poweroff irqcost; do
	[ -s "build/guest-tests/$f.bin" ] || die "build/guest-tests/$f.bin missing after make guest-tests"
done

"$ROOT/scripts/fetch-assets.sh" >/dev/null

# shellcheck source=scripts/bench/initramfs.sh
. "$ROOT/scripts/bench/initramfs.sh"
# shellcheck source=scripts/bench/host-config.sh
. "$ROOT/scripts/bench/host-config.sh"
# shellcheck source=scripts/bench/report.sh
. "$ROOT/scripts/bench/report.sh"

# --- the initramfs archives: the guests', then the host's ----------------------
stage=$(mktemp -d "${TMPDIR:-/tmp}/lkvm-bench.XXXXXX")
trap 'rm -rf "$stage"' EXIT
initramfs_guest
if on blk; then
	initramfs_blk
fi
if on p9 || on net; then
	initramfs_share
fi
vmm_in_host=/lkvm-test/bin/$(basename "$VMM")
o=$stage/host/bench
initramfs_host

# --- one emulated host per GIC version -----------------------------------------
# The emulated hosts to boot: one per GIC version for the other phases;
# with -icount, one more for the block I/O, 9p and network rows (GICv3),
# as "blk".
boots=
for g in $GICS; do
	[ "$io_only" = 1 ] && [ -n "$BLK_ICOUNT" ] && continue
	boots+=" $g"
done
if on_io && [ -n "$BLK_ICOUNT" ]; then
	boots+=" blk"
elif on blk && [[ " $GICS " != *" $BLK_GIC "* ]]; then
	die "the block I/O rows run on the GICv$BLK_GIC host: BENCH_GICS must have $BLK_GIC, or BENCH_BLK_ICOUNT a value"
elif { on p9 || on net; } && [[ " $GICS " != *" 3 "* ]]; then
	die "the block I/O, 9p and network rows run on the GICv3 host: BENCH_GICS must have 3, or BENCH_BLK_ICOUNT a value"
fi

failed=0
peer_failed=0
logs=()
for b in $boots; do
	g=$b kind=all icount=() what="GICv$b host"
	[ -n "$HOST_ICOUNT" ] && icount=(-icount "$HOST_ICOUNT") what="GICv$b host (-icount $HOST_ICOUNT)"
	[ -n "$BLK_ICOUNT" ] && kind=core
	if [ "$b" = blk ]; then
		g=$BLK_GIC kind=blk icount=(-icount "$BLK_ICOUNT")
		what="GICv$g host for the block I/O, 9p and network rows (-icount $BLK_ICOUNT)"
	fi
	host=v$b
	[ "$b" = blk ] && host=blk
	log=$DIR/host-$host.log
	logs+=("$log")
	write_config "$g" "$kind" >"$o/config"
	{ cat "$DIR/host-base.cpio"; cpio_of "$stage/host"; } >"$DIR/host-$host.cpio"
	if [ "$DRY_RUN" = 1 ]; then
		echo "bench: $what: $DIR/host-$host.cpio, /bench/config:"
		sed 's/^/  | /' "$o/config"
		continue
	fi
	echo "bench: booting the $what (QEMU -smp $QEMU_SMP -m $QEMU_MEM), limit $HOST_TIMEOUT s, console log $log"
	rm -f "$log.tmp"
	t0=$(now)
	set +e
	timeout -k 10 "$HOST_TIMEOUT" qemu-system-aarch64 \
		-M "virt,virtualization=on,gic-version=$g" -cpu "$QEMU_CPU" \
		-smp "$QEMU_SMP" -m "$QEMU_MEM" "${icount[@]}" \
		-kernel "$ASSETS/Image" -initrd "$DIR/host-$host.cpio" \
		-append "console=ttyAMA0 quiet rdinit=/bench/init" \
		-nodefaults -display none -monitor none -serial stdio -no-reboot \
		</dev/null 2>&1 \
	| while IFS= read -r line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$log.tmp"
		if [ "$VERBOSE" = 1 ]; then
			printf '%s\n' "$line"
			continue
		fi
		case "$line" in
		BENCH-RUN*)	show_run "$line" ;;
		BENCH-RATE*|BENCH-IRQ*|BENCH-SNAP*)	printf '  %s\n' "${line#BENCH-}" ;;
		BENCH-BLK*)	show_blk "$line" ;;
		BENCH-SHARE*)	printf '  %s\n' "${line#BENCH-}" ;;
		BENCH-PHASE*|BENCH-INFO*|BENCH-NOTE*|BENCH-FAIL*|BENCH-DONE*|"  | "*|*"Kernel panic"*|qemu-system-*)
				printf '%s\n' "$line" ;;
		esac
	done
	qrc=${PIPESTATUS[0]}
	set -e
	mv "$log.tmp" "$log"
	if grep -q '^BENCH-DONE rc=0' "$log"; then
		echo "bench: $what done in $(since "$t0") s"
	else
		why="qemu exit $qrc"
		[ "$qrc" = 124 ] && why="killed after the $HOST_TIMEOUT s limit"
		echo "bench: $what FAILED, no BENCH-DONE ($why) after $(since "$t0") s; last console lines:"
		tail -n 20 "$log" | sed 's/^/  | /'
		failed=$((failed + 1))
	fi
	# The peer's own failures (kvmtool now and then hangs at -c 8 on
	# poweroff) drop that run from its figures; they are not lkvm's.
	n=$(grep -E '^BENCH-(RUN|RATE|SNAP) .* ok=0' "$log" | grep -Evc ' variant=kvmtool' || true)
	p=$(grep -E '^BENCH-(RUN|RATE|SNAP) .* ok=0' "$log" | grep -Ec ' variant=kvmtool' || true)
	failed=$((failed + n))
	peer_failed=$((peer_failed + p))
done

[ "$DRY_RUN" = 1 ] && exit 0

# --- the report -----------------------------------------------------------------
report=$DIR/report.md
report_write "${logs[@]}" >"$report"
echo
cat "$report"
echo
echo "bench: report in $report; wall time $(since "$t_start") s"
[ "$peer_failed" = 0 ] || echo "bench: $peer_failed run(s) of the peer failed (BENCH-FAIL above) and are left out of its figures"
[ "$failed" = 0 ] || { echo "bench: $failed failure(s)"; exit 1; }
