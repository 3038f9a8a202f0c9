#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks the device tree lkvm generates, without KVM. tests/test-fdt writes
# the DTB of each machine in a matrix (GIC version, vCPUs and their MPIDRs,
# initrd or not, PSCI version); each DTB is decompiled with dtc and its
# content asserted against the values below, which are written out here
# independently of lkvm's headers (the guest's view of the contract, see
# docs/device-tree.md). Then every DTB is validated with dt-validate
# against the Linux kernel's own bindings (from Debian's linux-source-6.1,
# extracted once into the asset cache). Finally a set of deliberately
# broken trees proves that the assertions and the validation can fail.
#
# Each assertion and each DTB validation counts as one check; the last
# line is "dt: N passed, N failed" and the exit status is non-zero when
# anything failed.
#
# Usage: scripts/dt-check.sh [--build DIR] [--test-fdt PATH] [--no-schema] [-v]
#   --build DIR      build directory (default: build); DTBs go to
#                    DIR/arm64-tests/dt, the processed schema to DIR/dt-schema
#   --test-fdt PATH  the test-fdt binary (default: DIR/arm64-tests/test-fdt)
#   --no-schema      skip the schema validation (reported as skipped)
#   -v               print every passing check too
# Env: LKVM_ASSETS (asset cache, default DIR/assets; the bindings go to
#      LKVM_ASSETS/bindings), DT_RUNNER (how to run the arm64 test-fdt;
#      default: directly on arm64, else qemu-aarch64-static).
set -euo pipefail
shopt -s lastpipe	# "... | count" adds up in this shell

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
TEST_FDT=
SCHEMA=1
VERBOSE=0

die() { echo "dt-check: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--build) BUILD=$2; shift 2 ;;
	--test-fdt) TEST_FDT=$2; shift 2 ;;
	--no-schema) SCHEMA=0; shift ;;
	-v) VERBOSE=1; shift ;;
	-h|--help) sed -n '3,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
case "$BUILD" in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
TEST_FDT=${TEST_FDT:-$BUILD/arm64-tests/test-fdt}
OUT=$BUILD/arm64-tests/dt
ASSETS=${LKVM_ASSETS:-$BUILD/assets}
BINDINGS=$ASSETS/bindings
SCHEMA_DIR=$BUILD/dt-schema
PROCESSED=$SCHEMA_DIR/processed-schema.json

# ---------------------------------------------------------------------------
# The contract: the guest's memory map and interrupt numbers (kvmtool's).

RAM_BASE=0x80000000	# the default; a "-rambase-" case has -m 256@0x100000000
RAM_BASE_MOVED=0x100000000
UART_BASE=0x1000000
UART_COUNT=4		# ttyS0 (the console) to ttyS3, one per 4 KiB
RTC_BASE=0x1010000	# the MC146818 CMOS RTC
VIRTIO_BASE=0x3000000
PCI_CFG=0x40000000		# ECAM, 256 MiB
PCI_CFG_SIZE=0x10000000
PCI_MEM=0x50000000		# the 32-bit memory window, up to RAM
PCI_MEM_SIZE=0x30000000
PCI_IO_SIZE=0x10000
UART_SIZE=0x8
UART_CLOCK=1843200
GIC_DIST=0x3fff0000
GIC_DIST_SIZE=0x10000
GICV3_REDIST_PER_CPU=0x20000	# RD_base + SGI_base frames
GICV2_CPU_SIZE=0x20000
GIC_PHANDLE=0x1
GICV3_ITS_SIZE=0x20000		# the ITS (gicv3-its), right below the redistributors
ITS_PHANDLE=0x2
GICV2M_SIZE=0x1000		# the GICv2m frame (gicv2m), right below the CPU interface
V2M_PHANDLE=0x2
V2M_SPIS=64			# kvmtool's: the first SPIs, before any device's
TIMER_PPIS=(13 14 11 10)	# secure phys, non-secure phys, virtual, hyp
CNTFRQ=62500000	# --override-bad-firmware-cntfrq in the *-cntfrq-* cases
GIC_PPI=1
GIC_SPI=0
IRQ_LEVEL_HIGH=4
IRQ_LEVEL_LOW=8

# ---------------------------------------------------------------------------
# The parts, each in scripts/dt-check/.

# shellcheck source=scripts/dt-check/results.sh
. "$ROOT/scripts/dt-check/results.sh"
# shellcheck source=scripts/dt-check/tree.sh
. "$ROOT/scripts/dt-check/tree.sh"
# shellcheck source=scripts/dt-check/matrix.sh
. "$ROOT/scripts/dt-check/matrix.sh"
# shellcheck source=scripts/dt-check/check-core.sh
. "$ROOT/scripts/dt-check/check-core.sh"
# shellcheck source=scripts/dt-check/check-gic.sh
. "$ROOT/scripts/dt-check/check-gic.sh"
# shellcheck source=scripts/dt-check/check-devices.sh
. "$ROOT/scripts/dt-check/check-devices.sh"
# shellcheck source=scripts/dt-check/mutants.sh
. "$ROOT/scripts/dt-check/mutants.sh"
# shellcheck source=scripts/dt-check/schema.sh
. "$ROOT/scripts/dt-check/schema.sh"

# All assertions on a decompiled tree: DTS, its dtc log, the expectations.
check_tree() {
	local dts=$1 log=$2 flat=${1%.dts}.flat k

	if ! flatten "$dts" > "$flat"; then
		notok dts.parse "cannot parse $dts"
		return
	fi
	load_tree "$flat"
	if [ -s "$log" ]; then
		notok dtc.warnings "dtc: $(sed "s|^$dts: ||" "$log" | tr '\n' ' ')"
	else
		ok dtc.warnings
	fi
	GIC_PATH="/(no node)@${GIC_DIST#0x}"
	children /
	for k in "${KIDS[@]}"; do
		[[ $k != *"@${GIC_DIST#0x}" ]] || GIC_PATH=/$k
	done
	check_root
	check_chosen
	check_memory
	check_cpus
	check_psci
	check_timer
	check_pmu
	check_gic
	check_uarts
	check_rtc
	check_virtio
	check_pci
}

# ---------------------------------------------------------------------------

need() { command -v "$1" > /dev/null || die "$1 not found (Debian package $2)"; }

need dtc device-tree-compiler
if [ -n "${DT_RUNNER:-}" ]; then
	RUNNER=$DT_RUNNER
elif [ "$(uname -m)" = aarch64 ]; then
	RUNNER=
else
	need qemu-aarch64-static qemu-user-static
	RUNNER=qemu-aarch64-static
fi
[ -x "$TEST_FDT" ] || die "$TEST_FDT not built (make dt-test builds it)"
if [ "$SCHEMA" = 1 ]; then
	need dt-validate dt-schema
	need dt-mk-schema dt-schema
fi
rm -rf "$OUT"
mkdir -p "$OUT" "$OUT/mutants"

T0=$SECONDS
echo "dt-check: $((${#CASES[@]})) machines, test-fdt: ${RUNNER:+$RUNNER }$TEST_FDT"
DTBS=()
for c in "${CASES[@]}"; do
	# shellcheck disable=SC2086
	set_case $c
	dtb=$OUT/$C_NAME.dtb
	if ! run_test_fdt "$dtb" > "$OUT/$C_NAME.log" 2>&1; then
		{ cat "$OUT/$C_NAME.log"; notok test-fdt "test-fdt ${TEST_FDT_ARGS[*]} failed"; } | count "$C_NAME"
		continue
	fi
	if ! decompile "$dtb"; then
		{ cat "${dtb%.dtb}.dtc.log"; notok dtc "dtc cannot decompile $dtb"; } | count "$C_NAME"
		continue
	fi
	DTBS+=("$dtb")
	check_tree "${dtb%.dtb}.dts" "${dtb%.dtb}.dtc.log" | count "$C_NAME"
done
T_MATRIX=$((SECONDS - T0))

# Each broken tree must fail the assertion it breaks.
T0=$SECONDS
for mu in "${MUTANTS[@]}"; do
	IFS='|' read -r tag base expr <<< "$mu"
	run_mutant "$tag" "$base" "$expr"
done | count "broken trees caught"
T_MUTANTS=$((SECONDS - T0))

T0=$SECONDS
if [ "$SCHEMA" = 1 ]; then
	ensure_bindings
	ensure_schema
	validate "${DTBS[@]}" | count "schema validation"
	n=0
	for mu in "${SCHEMA_MUTANTS[@]}"; do
		IFS='|' read -r tag base expr <<< "$mu"
		m=$OUT/mutants/schema.$((++n))
		run_schema_mutant "$m" "$tag" "$base" "$expr"
	done | count "broken trees caught by the schema"
else
	echo "dt-check: schema validation skipped (--no-schema)"
fi
T_SCHEMA=$((SECONDS - T0))

echo "dt-check: times: matrix ${T_MATRIX}s, broken trees ${T_MUTANTS}s, schema ${T_SCHEMA}s"
echo "dt: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
