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

# --- the Linux guest's initramfs: the system tests' one plus /bench-init -----
stage=$(mktemp -d "${TMPDIR:-/tmp}/lkvm-bench.XXXXXX")
trap 'rm -rf "$stage"' EXIT

cpio_of() {	# cpio_of DIR: a newc archive of DIR's contents on stdout
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0)
}

"$ROOT/scripts/mk-guest-initramfs.sh" "$DIR/guest-initramfs-base.cpio.gz" >/dev/null
mkdir -p "$stage/guest"
install -m 0755 tests/bench/guest-init.sh "$stage/guest/bench-init"
# The kernel unpacks concatenated archives one after the other.
{ cat "$DIR/guest-initramfs-base.cpio.gz"; cpio_of "$stage/guest" | gzip -n -9; } \
	>"$DIR/guest-initramfs.cpio.gz"

# --- the block I/O guests: the disk tests' images plus /bench-blk-init --------
# The disk initramfs (Debian's virtio and ext4 modules, its /init mounts
# root= and switches to it) boots the root file system image; with
# /bench-blk-init and blkbench appended, rdinit= runs the I/O jobs on a
# raw disk instead.
if on blk; then
	"$ROOT/scripts/mk-rootfs.sh" "$DIR/disk" >/dev/null || die "scripts/mk-rootfs.sh failed"
	"$ROOT/scripts/mk-disk-initramfs.sh" "$DIR/disk-initramfs.cpio.gz" >/dev/null ||
		die "scripts/mk-disk-initramfs.sh failed"
	mkdir -p "$stage/blk/bin"
	install -m 0755 tests/bench/blk-init.sh "$stage/blk/bench-blk-init"
	install -m 0644 tests/bench/init-mounts.sh "$stage/blk/bench-init-mounts.sh"
	install -m 0755 build/bench/blkbench "$stage/blk/bin/blkbench"
	{ cat "$DIR/disk-initramfs.cpio.gz"; cpio_of "$stage/blk" | gzip -n -9; } \
		>"$DIR/blk-initramfs.cpio.gz"
fi

# --- the 9p and network guests: the disk initramfs plus /bench-share-init ------
if on p9 || on net; then
	on blk || "$ROOT/scripts/mk-disk-initramfs.sh" "$DIR/disk-initramfs.cpio.gz" >/dev/null ||
		die "scripts/mk-disk-initramfs.sh failed"
	mkdir -p "$stage/share/bin"
	install -m 0755 tests/bench/share-init.sh "$stage/share/bench-share-init"
	install -m 0644 tests/bench/init-mounts.sh "$stage/share/bench-init-mounts.sh"
	install -m 0755 build/bench/sharebench "$stage/share/bin/sharebench"
	{ cat "$DIR/disk-initramfs.cpio.gz"; cpio_of "$stage/share" | gzip -n -9; } \
		>"$DIR/share-initramfs.cpio.gz"
fi

# --- the host's initramfs: the system tests' one plus /bench ------------------
VMM="$VMM" GUEST_INITRD="$DIR/guest-initramfs.cpio.gz" \
	"$ROOT/scripts/mk-host-initramfs.sh" "$DIR/host-base.cpio" >/dev/null
vmm_in_host=/lkvm-test/bin/$(basename "$VMM")

# Each guest's count is the 64-bit word at file offset 64 (bench-guest.h).
patch_count() {	# patch_count FILE VALUE
	local hex i bytes=''
	hex=$(printf '%016x' "$2")
	for i in 14 12 10 8 6 4 2 0; do
		bytes+="\\x${hex:$i:2}"
	done
	printf '%b' "$bytes" | dd of="$1" bs=1 seek=64 count=8 conv=notrunc status=none
}

o=$stage/host/bench
mkdir -p "$o/bin" "$o/guests"
install -m 0755 tests/bench/bench-host-init.sh "$o/init"
install -m 0644 tests/bench/init-mounts.sh "$o/init-mounts.sh"
# The init's phases, sourced from /bench.
install -m 0644 tests/bench/bench-run.sh tests/bench/rate-bench.sh tests/bench/blk-bench.sh \
	tests/bench/share-bench.sh "$o/"
install -m 0755 build/bench/sharebench "$o/bin/"
install -m 0755 build/bench/rusage-run build/bench/noop build/bench/bare-vm "$o/bin/"
if on snap; then
	install -m 0755 build/bench/snap-probe "$o/bin/"
	install -m 0644 tests/bench/snap-bench.sh "$o/snap-bench.sh"
fi
[ -n "$PEER" ] && install -m 0755 "$PEER" "$o/bin/kvmtool"
install -m 0644 build/guest-tests/poweroff.bin build/guest-tests/irqcost.bin \
	build/bench/console.bin build/bench/mmio-null.bin build/bench/idle.bin "$o/guests/"
patch_count "$o/guests/console.bin" "$CONSOLE_BYTES"
patch_count "$o/guests/mmio-null.bin" "$NULL_EXITS"
# The busy sample: console output that does not end before the sample.
cp "$o/guests/console.bin" "$o/guests/console-long.bin"
patch_count "$o/guests/console-long.bin" $((1 << 40))
if on p9 || on net; then
	install -m 0644 "$DIR/share-initramfs.cpio.gz" "$o/"
fi
if on blk; then
	mkdir -p "$o/blk"
	install -m 0644 "$DIR/blk-initramfs.cpio.gz" "$DIR/disk-initramfs.cpio.gz" \
		"$DIR/disk/rootfs.img.gz" "$o/blk/"
fi

# --- one emulated host per GIC version -----------------------------------------
# Variants are VMM + irqchip (+ options); CMD_<variant> is the command.
# KIND: core (every phase but blk), blk (blk alone) or all.
# only_modes "MODES": those of MODES that BENCH_SHARE_MODES names.
only_modes() {
	local m out=''
	for m in $1; do
		case " $SHARE_MODES_ONLY " in *" $m "*) out+=" $m" ;; esac
	done
	printf '%s' "$out"
}

write_config() {	# write_config GIC KIND
	local g=$1 kind=$2 ic lk kt all boot ss rss con scale irq rate blk warm sample busy trace null
	local snap='' snap_peers=''
	ic=gicv$g
	lk=lkvm_$ic kt=kvmtool_$ic
	if [ "$g" = 3 ]; then
		boot=$lk con=$lk scale=$lk rss=$lk
		ss="noop bare $lk"
	else
		# The GICv2 host is for the per-irqchip rows: no scaling there.
		boot=$lk con=$lk scale='' rss=''
		ss="noop bare $lk"
	fi
	# The userspace GIC's costs: irqcost.bin for every variant, the
	# exits per second for lkvm only (kvmtool does not count them).
	irq=$lk rate=$lk
	# MSI delivery, irqcost.bin's msi mode, through each backend's MSI
	# frame: the in-kernel ITS (GICv3; lkvm's messages from its test
	# device, kvmtool's run only finds and sets up the ITS), the gicv2m
	# frame (GICv2), lkvm's own GIC's v2m frame (either host).
	mic=gicv2m
	[ "$g" = 3 ] && mic=gicv3-its
	msi=lkvm_${mic/-/}
	# The frame's own cost against the device's hop: on GICv2 the test
	# device's messages through gicv2m's frame too.
	[ "$g" = 2 ] && msi+=" lkvm_gicv2m_td"
	if [ "$USER_GIC" = 1 ]; then
		boot+=" lkvm_user" con+=" lkvm_user" ss+=" lkvm_user"
		irq+=" lkvm_user" rate+=" lkvm_user" msi+=" lkvm_user"
	fi
	if [ -n "$PEER" ]; then
		boot+=" $kt" con+=" $kt" ss+=" $kt" irq+=" $kt" msi+=" kvmtool_${mic/-/}"
		[ -n "$scale" ] && scale+=" $kt"
		[ -n "$rss" ] && rss+=" $kt"
		if [ "$NONET" = 1 ] && [ "$g" = 3 ]; then
			ss+=" ${kt}_nonet" rss+=" ${kt}_nonet"
		fi
	fi
	# The block I/O rows: lkvm and kvmtool with their virtio devices on
	# BLK_TRANSPORT (kvmtool's default is PCI), in BLK_GIC's host only;
	# on GICv2 lkvm's own GIC too, its v2m frame taking the MSI-X.
	blk=
	if on blk && [ "$g" = "$BLK_GIC" ] && [ "$kind" != core ]; then
		blk=lkvm_blk
		[ "$g" = 2 ] && [ "$USER_GIC" = 1 ] && blk+=" lkvm_user_blk"
		[ -n "$PEER" ] && blk+=" kvmtool_blk"
	fi
	# The snapshot rows: lkvm's restore and cold boot, kvmtool's cold
	# boot, GICv3 host only.
	if on snap && [ "$g" = 3 ] && [ "$kind" != blk ]; then
		snap=$lk
		[ -n "$PEER" ] && snap_peers=$kt
	fi
	# shellcheck disable=SC2086	# lists of words
	all=$(printf '%s\n' $boot $ss $rss $blk $snap $snap_peers | grep -vx 'noop\|bare' | awk '!seen[$0]++' | tr '\n' ' ')
	# The start/stop warm-up runs whatever is selected: it warms the host.
	warm=$ss sample=$all busy=$con trace=$boot
	on startstop || ss=''
	on rss || rss=''
	on trace || trace=''
	on sample || sample='' busy=''
	null=''
	on null && null=$con
	on console || con=''
	on irq || irq='' msi=''
	on rate || rate=''
	on boot || boot=''
	on scale || scale=''
	# The 9p and network rows: GICv3 host, lkvm and kvmtool on virtio-mmio.
	share='' share_vmms=lkvm
	[ -n "$PEER" ] && share_vmms+=" kvmtool"
	if [ "$g" = 3 ] && [ "$kind" != core ]; then
		on p9 && share="p9 dboot dbooti"
		on net && share+=" user tap vhost"
		[ -n "$SHARE_MODES_ONLY" ] && share=$(only_modes "$share")
	fi
	if [ "$kind" = blk ]; then
		ss='' rss='' trace='' sample='' busy='' null='' con='' irq='' rate='' msi=''
		boot='' scale='' warm=''
		all=$blk
	fi
	cat <<-EOF
	# written by scripts/bench.sh
	HOST=v$g
	VARIANTS='$all'
	CMD_$lk='$vmm_in_host run --irqchip=$ic'
	CMD_lkvm_user='$vmm_in_host run --irqchip=user'
	CMD_$kt='/bench/bin/kvmtool run --irqchip=$ic'
	CMD_${kt}_nonet='/bench/bin/kvmtool run --irqchip=$ic --network mode=none'
	CMD_lkvm_${mic/-/}='$vmm_in_host run --irqchip=$mic$( [ "$g" = 3 ] && echo ' --test-device')'
	CMD_kvmtool_${mic/-/}='/bench/bin/kvmtool run --irqchip=$mic'
	CMD_lkvm_gicv2m_td='$vmm_in_host run --irqchip=gicv2m --test-device'
	ROUNDS=$ROUNDS
	SS_ROUNDS=$SS_ROUNDS
	WARM_ROUNDS=$( [ -n "$warm" ] && echo "$WARM_ROUNDS" || echo 0)
	RSS_ROUNDS=$RSS_ROUNDS
	SCALE_ROUNDS=$SCALE_ROUNDS
	RSS_MEMS='$( [ -n "$rss" ] && echo "$RSS_MEMS")'
	SCALE_CPUS='$( [ -n "$scale" ] && echo "$SCALE_CPUS")'
	BOOT_VARIANTS='$boot'
	SS_VARIANTS='$ss'
	RSS_VARIANTS='$rss'
	NULL_VARIANTS='$null'
	CONSOLE_VARIANTS='$con'
	SCALE_VARIANTS='$scale'
	SAMPLE_VARIANTS='$sample'
	BUSY_VARIANTS='$busy'
	TRACE_VARIANTS='$trace'
	WARM_VARIANTS='$warm'
	BLK_VARIANTS='$blk'
	SNAP_LKVM='$snap'
	SNAP_PEERS='$snap_peers'
	SNAP_ROUNDS=$SNAP_ROUNDS
	SNAP_MEMS='$SNAP_MEMS'
	SNAP_FILL_MB=$SNAP_FILL
	SNAP_VMS=$SNAP_VMS
	CMD_lkvm_blk='$vmm_in_host run --irqchip=$blk_ic --virtio-transport=$BLK_TRANSPORT'
	CMD_lkvm_user_blk='$vmm_in_host run --irqchip=user --virtio-transport=$BLK_TRANSPORT'
	CMD_kvmtool_blk='/bench/bin/kvmtool run --irqchip=$blk_ic --virtio-transport=$BLK_TRANSPORT'
	BLK_ROUNDS=$BLK_ROUNDS
	BLK_SLICES=$BLK_SLICES
	BLK_MS=$BLK_MS
	BLK_JOBS='$BLK_JOBS'
	BLK_MB=$BLK_MB
	BLK_BOOT_ROUNDS=$BLK_BOOT_ROUNDS
	BLK_LIMIT=$((BOOT_LIMIT + $(wc -w <<<"$BLK_JOBS") * BLK_SLICES * $(wc -w <<<"$blk") * (BLK_MS / 1000 + 15)))
	BLK_IMG=/tmp/bench/blk.img
	BLK_INITRD=/bench/blk/blk-initramfs.cpio.gz
	DISK_INITRD=/bench/blk/disk-initramfs.cpio.gz
	BLK_ROOTFS=/bench/blk/rootfs.img.gz
	TRACE_LINES=60
	SAMPLE_SECONDS=$SAMPLE_SECONDS
	IRQ_VARIANTS='$irq'
	IRQ_MSI_VARIANTS='$msi'
	IRQ_ROUNDS=$IRQ_ROUNDS
	IRQ_N=$IRQ_N
	IRQ_LIMIT=120
	RATE_VARIANTS='$rate'
	RATE_ROUNDS=$RATE_ROUNDS
	RATE_SECONDS=$RATE_SECONDS
	BOOT_LIMIT=$BOOT_LIMIT
	SCALE_LIMIT=$SCALE_LIMIT
	SHORT_LIMIT=300
	CONSOLE_BYTES=$CONSOLE_BYTES
	NULL_EXITS=$NULL_EXITS
	GUEST_PARAMS='$GUEST_PARAMS'
	SHARE_MODES='$share'
	SHARE_VMMS='$share_vmms'
	SHARE_CMD_lkvm='$vmm_in_host run --irqchip=gicv3 --virtio-transport=mmio'
	SHARE_CMD_kvmtool='/bench/bin/kvmtool run --irqchip=gicv3 --virtio-transport=mmio'
	SHARE_BIN_lkvm='$vmm_in_host'
	SHARE_BIN_kvmtool='$( [ -n "$PEER" ] && echo /bench/bin/kvmtool)'
	SHARE_ROUNDS=$SHARE_ROUNDS
	SHARE_FILES=$SHARE_FILES
	SHARE_MB=$SHARE_MB
	SHARE_MS=$SHARE_MS
	SHARE_P9_JOBS=$SHARE_P9_JOBS
	SHARE_NET_JOBS=$SHARE_NET_JOBS
	SHARE_INITRD=/bench/share-initramfs.cpio.gz
	SHARE_LIMIT=$BOOT_LIMIT
	EOF
	[ -z "${BENCH_CONFIG_EXTRA:-}" ] || printf '%s\n' "$BENCH_CONFIG_EXTRA"
}

# One line of progress per run, from its BENCH-RUN line.
show_run() {
	awk '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		printf "  %-9s %-22s c%-2s m%-5s r%-2s %8.2f s %8d KiB%s\n", f["metric"],
			f["variant"], f["cpus"], f["mem"], f["round"], f["wall_us"] / 1e6,
			f["maxrss_kb"], f["ok"] == 1 ? "" : "  FAILED"
	}' <<<"$1"
}

# One line of progress per block I/O job, from its BENCH-BLK line.
show_blk() {
	awk '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		printf "  blk       %-22s r%-2s s%-2s %-12s %8s IOPS %8s MB/s%s\n", f["variant"],
			f["round"], f["slice"], f["name"], f["iops"], f["mbps"],
			("x_exits" in f) ? "  exits " f["x_exits"] : ""
	}' <<<"$1"
}

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
{
	echo "# lkvm benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Emulated arm64 host: QEMU $(qemu-system-aarch64 --version | head -n 1 | awk '{ print $4 }') TCG," \
		"-cpu $QEMU_CPU -smp $QEMU_SMP -m $QEMU_MEM${HOST_ICOUNT:+ -icount $HOST_ICOUNT}, on $(uname -m) ($(nproc) CPUs)," \
		"kernel $(cat "$ASSETS/Image.version" 2>/dev/null || echo unknown) as host and guest."
	echo "lkvm: $(git describe --always --dirty 2>/dev/null || echo unknown) ($VMM);" \
		"peer: ${PEER:-none}."
	echo "Rounds: boot/console/floor $ROUNDS, start/stop $SS_ROUNDS, RSS $RSS_ROUNDS," \
		"scaling $SCALE_ROUNDS; console $CONSOLE_BYTES bytes, floor $NULL_EXITS exits;" \
		"irqcost.bin $IRQ_ROUNDS x $IRQ_N interrupts; exit rates $RATE_ROUNDS x $RATE_SECONDS s;" \
		"block I/O $BLK_ROUNDS x $BLK_SLICES x $BLK_MS ms per job (--irqchip=$blk_ic, virtio-$BLK_TRANSPORT${BLK_ICOUNT:+, -icount $BLK_ICOUNT}), boot on a disk $BLK_BOOT_ROUNDS. Phases: $PHASES."
	echo
	cat "${logs[@]}" 2>/dev/null | tr -d '\r' | grep -E '^BENCH-(RUN|RATE|IRQ|BLK|INFO|NOTE|SAMPLE|TASK|TRACE) ' \
	| awk -v peer="${PEER:+1}" -v cbytes="$CONSOLE_BYTES" -v nexits="$NULL_EXITS" \
	      -v blk_ms="$BLK_MS" -v blk_slices="$BLK_SLICES" -v blk_mb="$BLK_MB" \
	      -v blk_icount="$BLK_ICOUNT" -v blk_gic="$BLK_GIC" -v blk_ic="$blk_ic" \
	      -v blk_transport="$BLK_TRANSPORT" \
	      -v cpus_list="$SCALE_CPUS" -v mems_list="$RSS_MEMS" -v gics="$GICS" \
	      -f tests/bench/report.awk
	if on snap; then
		cat "${logs[@]}" 2>/dev/null | tr -d '\r' | grep -E '^BENCH-SNAP ' |
			awk -v peer="${PEER:+1}" -v rounds="$SNAP_ROUNDS" -f tests/bench/snap-report.awk
	fi
	if on p9 || on net; then
		cat "${logs[@]}" 2>/dev/null | tr -d '\r' | grep -E '^BENCH-SHARE ' \
		| awk -v peer="${PEER:+1}" -v files="$SHARE_FILES" -v mb="$SHARE_MB" -v ms="$SHARE_MS" \
		      -f tests/bench/share-report.awk
	fi
} >"$report"
echo
cat "$report"
echo
echo "bench: report in $report; wall time $(since "$t_start") s"
[ "$peer_failed" = 0 ] || echo "bench: $peer_failed run(s) of the peer failed (BENCH-FAIL above) and are left out of its figures"
[ "$failed" = 0 ] || { echo "bench: $failed failure(s)"; exit 1; }
