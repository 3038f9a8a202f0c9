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

# Kernel bindings the generated nodes fall under. What they $ref is found
# and extracted too (bindings_missing below).
# shellcheck disable=SC2054
BINDING_ROOTS=(
	arm/linux,dummy-virt.yaml	# the root node
	arm/cpus.yaml
	arm/psci.yaml
	timer/arm,arch_timer.yaml
	arm/pmu.yaml			# --pmu
	interrupt-controller/arm,gic.yaml
	interrupt-controller/arm,gic-v3.yaml
	serial/8250.yaml
	serial/serial.yaml		# $ref'd by 8250.yaml
	virtio/mmio.yaml		# -d, --rng, --console virtio
	virtio/virtio-device.yaml	# $ref'd by mmio.yaml
	pci/host-generic-pci.yaml	# --virtio-transport=pci
	power/power-domain.yaml		# $ref'd by psci.yaml
)
SOURCE_PKG=linux-source-6.1

# Compatibles no 6.1 binding documents that are accepted anyway
# (dt-validate -m reports them). Every other node lkvm writes has a
# binding, the CPU nodes included ("arm,armv8", arm/cpus.yaml). kvmtool's
# RTC is an MC146818, whose binding (rtc/motorola,mc146818.yaml) came
# after 6.1; check_rtc asserts its node instead.
UNDOCUMENTED_OK=(motorola,mc146818)

# ---------------------------------------------------------------------------
# Results: assertions print "ok TAG" or "not ok TAG: why" on stdout; the
# caller adds them up (so that a broken tree's failures can be captured).

PASSED=0
FAILED=0

count() {	# count NAME < ok/not-ok lines
	local name=$1 line p=0 f=0

	while IFS= read -r line; do
		case "$line" in
		"ok "*)
			p=$((p + 1))
			[ "$VERBOSE" = 0 ] || echo "  $name: $line"
			;;
		"not ok "*)
			f=$((f + 1))
			echo "  $name: FAIL: ${line#not ok }"
			;;
		"# "*)
			echo "    ${line#\# }"
			;;
		*)
			echo "  $name: $line"
			;;
		esac
	done
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	echo "dt-check: $name: $p of $((p + f)) checks passed"
}

ok() { echo "ok $1"; }
notok() { echo "not ok $1: $2"; }

expect() {	# expect TAG WHAT EXPECTED ACTUAL
	if [ "$3" == "$4" ]; then
		ok "$1"
	else
		notok "$1" "$2: expected $3, got ${4:-(absent)}"
	fi
}

# ---------------------------------------------------------------------------
# Reading a decompiled tree. dtc's output is regular: one node or property
# per line. flatten turns it into "PATH<tab>PROPERTY<tab>VALUE" lines, with
# "{}" as the property of a node's own line and an empty value for a
# boolean property; load_tree reads that into P. The helpers below return
# their result in REPLY (or an array), not on stdout: a command
# substitution per property would cost a fork each.

flatten() {
	awk '
	function cur(   p, i) {
		if (depth == 1)
			return "/"
		p = ""
		for (i = 2; i <= depth; i++)
			p = p "/" stack[i]
		return p
	}
	{
		line = $0
		sub(/^[ \t]+/, "", line)
		if (line == "" || line == "/dts-v1/;")
			next
		if (line == "};") {
			depth--
			next
		}
		if (match(line, / = /)) {
			val = substr(line, RSTART + 3)
			sub(/;$/, "", val)
			print cur() "\t" substr(line, 1, RSTART - 1) "\t" val
			next
		}
		if (line ~ / \{$/) {
			stack[++depth] = substr(line, 1, length(line) - 2)
			print cur() "\t{}\t"
			next
		}
		if (line ~ /^[^ ]+;$/) {
			print cur() "\t" substr(line, 1, length(line) - 1) "\t"
			next
		}
		print "dt-check: cannot parse: " $0 > "/dev/stderr"
		exit 1
	}' "$1"
}

declare -A P		# "PATH<tab>PROPERTY" -> value as dtc printed it
NODES=()		# node paths, in tree order
TAB=$'\t'

load_tree() {
	local path name val

	P=()
	NODES=()
	while IFS=$'\t' read -r path name val; do
		P["$path$TAB$name"]=$val
		[ "$name" != "{}" ] || NODES+=("$path")
	done < "$1"
}

prop() { REPLY=${P["$1$TAB$2"]-}; }
has_prop() { [ -n "${P["$1$TAB$2"]+x}" ]; }
has_node() { has_prop "$1" "{}"; }

children() {	# children PATH -> KIDS: the names of its direct children
	local pre=$1 n

	[ "$pre" = / ] || pre+=/
	KIDS=()
	for n in "${NODES[@]}"; do
		[[ $n == "$pre"?* ]] || continue
		n=${n#"$pre"}
		[[ $n == */* ]] || KIDS+=("$n")
	done
}

nodes_with() {	# nodes_with PROPERTY [VALUE] -> FOUND: nodes that have it
	local n

	FOUND=()
	for n in "${NODES[@]}"; do
		has_prop "$n" "$1" || continue
		[ $# -lt 2 ] || [ "${P["$n$TAB$1"]}" = "$2" ] || continue
		FOUND+=("$n")
	done
}

hex() { printf -v REPLY '0x%x' "$(($1))"; }

# "<0x00 0x10>" -> CELLS=(0x0 0x10) and REPLY="0x0 0x10": normalised hex.
cells() {
	local -a words
	local w h

	read -ra words <<< "${1//[<>,]/ }"
	CELLS=()
	for w in "${words[@]}"; do
		if [[ ! $w =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]]; then
			CELLS=("(not cells: $1)")
			break
		fi
		printf -v h '0x%x' "$w"
		CELLS+=("$h")
	done
	REPLY=${CELLS[*]}
}

prop_cells() { prop "$1" "$2"; cells "$REPLY"; }

# A one- or two-cell number property as hex, as a guest reads it.
number() {
	prop_cells "$1" "$2"
	case ${#CELLS[@]} in
	0) REPLY= ;;
	1) REPLY=${CELLS[0]} ;;
	2) hex "(${CELLS[0]} << 32) | ${CELLS[1]}" ;;
	*) REPLY="(${#CELLS[@]} cells: ${CELLS[*]})" ;;
	esac
}

# dtc prints a string list as "a\0b" from a DTB; newer versions may write
# "a", "b". Both become "a\0b".
strlist() {
	local sep='", "' nul='\0'

	prop "$1" "$2"
	REPLY=${REPLY//"$sep"/$nul}
}

# ---------------------------------------------------------------------------
# The expectations for one machine.

C_NAME='' C_GIC='' C_CPUS='' C_RAM='' C_INITRD='' C_PSCI='' C_CMDLINE=''
C_MPIDRS=()

set_case() {	# set_case NAME GIC CPUS RAM INITRD(ADDR,SIZE|-) PSCI [MPIDR...]
	local i

	C_NAME=$1 C_GIC=$2 C_CPUS=$3 C_RAM=$4 C_INITRD=$5 C_PSCI=$6
	shift 6
	C_MPIDRS=("$@")
	if [ ${#C_MPIDRS[@]} -eq 0 ]; then
		# What KVM reports: Aff0 = vCPU index [3:0], Aff1 = [11:4].
		for ((i = 0; i < C_CPUS; i++)); do
			hex "((i >> 4) << 8) | (i & 0xf)"
			C_MPIDRS+=("$REPLY")
		done
	fi
	C_CMDLINE="console=ttyS0 earlycon=uart8250,mmio,$UART_BASE rdinit=/init lkvm.case=$C_NAME"
}

test_fdt_args() {
	local IFS=,

	TEST_FDT_ARGS=(--gic="$C_GIC" --cpus="$C_CPUS" --ram="$C_RAM"
		       --psci="$C_PSCI" --cmdline="$C_CMDLINE"
		       --mpidr="${C_MPIDRS[*]}")
	[ "$C_INITRD" = - ] || TEST_FDT_ARGS+=(--initrd="$C_INITRD")
	[[ $C_NAME != *-pmu-* ]] || TEST_FDT_ARGS+=(--pmu)
	[[ $C_NAME != *-cntfrq-* ]] || TEST_FDT_ARGS+=(--cntfrq "$CNTFRQ")
	[[ $C_NAME != *-rambase-* ]] || TEST_FDT_ARGS+=(--ram-base="$RAM_BASE_MOVED")
	# Two disks and an rng: three virtio-mmio windows, made in that order.
	if [[ $C_NAME == *-virtio* ]]; then
		truncate -s 1M "$OUT/vda.img" "$OUT/vdb.img"
		TEST_FDT_ARGS+=(--disk="$OUT/vda.img" --disk="$OUT/vdb.img,ro" --rng)
	fi
	[[ $C_NAME != *-virtiolegacy-* ]] || TEST_FDT_ARGS+=(--virtio-transport=mmio-legacy)
	[[ $C_NAME != *-virtiopci-* ]] || TEST_FDT_ARGS+=(--virtio-transport=pci)
	[[ $C_NAME != *-pcitestdev-* ]] || TEST_FDT_ARGS+=(--pci-testdev)
	[[ $C_NAME != *-its-* ]] || TEST_FDT_ARGS[0]=--gic=v3-its
	[[ $C_NAME != *-v2m-* ]] || TEST_FDT_ARGS[0]=--gic=v2m
}

# The first device SPI: after the GICv2m frame's, with one.
spi0() {
	REPLY=0
	[[ $C_NAME != *-v2m-* ]] || REPLY=$V2M_SPIS
}

check_root() {
	local parent

	prop / compatible
	expect root.compatible "/ compatible" '"linux,dummy-virt"' "$REPLY"
	number / '#address-cells'
	expect root.address-cells "/ #address-cells" 0x2 "$REPLY"
	number / '#size-cells'
	expect root.size-cells "/ #size-cells" 0x2 "$REPLY"
	number / interrupt-parent
	parent=$REPLY
	expect root.interrupt-parent "/ interrupt-parent" "$GIC_PHANDLE" "$parent"
	number "$GIC_PATH" phandle
	expect root.interrupt-parent-gic "/ interrupt-parent is the GIC's phandle" \
		"$REPLY" "$parent"
}

check_initrd() {
	local addr size start end

	hex "${C_INITRD%,*}"
	addr=$REPLY
	hex "${C_INITRD#*,}"
	size=$REPLY
	number /chosen linux,initrd-start
	start=$REPLY
	number /chosen linux,initrd-end
	end=$REPLY
	expect chosen.initrd-start "/chosen linux,initrd-start" "$addr" "$start"
	if [[ $start == 0x* && $end == 0x* ]]; then
		hex "$end - $start"
		expect chosen.initrd-end "/chosen linux,initrd-end - start" "$size" "$REPLY"
	else
		notok chosen.initrd-end "/chosen linux,initrd-end ${end:-(absent)}, start ${start:-(absent)}"
	fi
}

check_chosen() {
	local out node

	prop /chosen bootargs
	expect chosen.bootargs "/chosen bootargs" "\"$C_CMDLINE\"" "$REPLY"
	prop /chosen stdout-path
	out=$REPLY
	node=${out//\"/}
	node=${node%%:*}
	if [[ $node == /* ]] && has_node "$node"; then
		ok chosen.stdout-path
	else
		notok chosen.stdout-path "/chosen stdout-path ${out:-(absent)} names no node"
	fi
	prop "$node" compatible
	expect chosen.stdout-path-uart "the stdout-path node's compatible" '"ns16550a"' "$REPLY"
	if [ "$C_INITRD" != - ]; then
		check_initrd
	elif has_prop /chosen linux,initrd-start || has_prop /chosen linux,initrd-end; then
		notok chosen.no-initrd "linux,initrd-start/end present without an initrd"
	else
		ok chosen.no-initrd
	fi
}

check_memory() {
	local want

	local base=$RAM_BASE

	[[ $C_NAME != *-rambase-* ]] || base=$RAM_BASE_MOVED
	nodes_with device_type '"memory"'
	expect memory.node "nodes with device_type \"memory\"" "/memory@${base#0x}" "${FOUND[*]}"
	hex "$base >> 32"
	want="$REPLY"
	hex "$base & 0xffffffff"
	want+=" $REPLY"
	hex "$C_RAM >> 32"
	want+=" $REPLY"
	hex "$C_RAM & 0xffffffff"
	want+=" $REPLY"
	prop_cells "/memory@${base#0x}" reg
	expect memory.reg "/memory@${base#0x} reg" "$want" "$REPLY"
}

check_cpu() {	# check_cpu INDEX MPIDR
	local path=/cpus/cpu@${2#0x} want

	number "$path" reg
	expect cpu.reg "$path reg (vCPU $1's MPIDR)" "$2" "$REPLY"
	hex "$2 >> 32"
	want=$REPLY
	hex "$2 & 0xffffffff"
	want+=" $REPLY"
	prop_cells "$path" reg
	expect cpu.reg-cells "$path reg cells (#address-cells 2)" "$want" "$REPLY"
	prop "$path" device_type
	expect cpu.device_type "$path device_type" '"cpu"' "$REPLY"
	prop "$path" enable-method
	expect cpu.enable-method "$path enable-method" '"psci"' "$REPLY"
}

check_cpus() {
	local names=() nodes=() m k i

	number /cpus '#address-cells'
	expect cpus.address-cells "/cpus #address-cells" 0x2 "$REPLY"
	number /cpus '#size-cells'
	expect cpus.size-cells "/cpus #size-cells" 0x0 "$REPLY"
	children /cpus
	for k in "${KIDS[@]}"; do
		[[ $k != cpu@* ]] || names+=("$k")
	done
	for m in "${C_MPIDRS[@]}"; do
		nodes+=("cpu@${m#0x}")
	done
	expect cpus.nodes "/cpus cpu@ nodes" "${nodes[*]}" "${names[*]}"
	for ((i = 0; i < ${#C_MPIDRS[@]}; i++)); do
		check_cpu "$i" "${C_MPIDRS[i]}"
	done
}

check_psci() {
	local want='"arm,psci-0.2"'

	[ $((C_PSCI >> 16)) -lt 1 ] || want='"arm,psci-1.0\0arm,psci-0.2"'
	strlist /psci compatible
	expect psci.compatible "/psci compatible (PSCI $((C_PSCI >> 16)).$((C_PSCI & 0xffff)))" \
		"$want" "$REPLY"
	prop /psci method
	expect psci.method "/psci method" '"hvc"' "$REPLY"
}

# GIC_PPI, number, flags for each timer PPI; on GICv2 the flags' bits
# [15:8] are the mask of CPUs the PPI reaches, on GICv3 they are zero.
check_timer() {
	local i flags type_bad="" num_bad="" level_bad="" mask_bad="" mask=0

	prop /timer compatible
	expect timer.compatible "/timer compatible" '"arm,armv8-timer"' "$REPLY"
	prop_cells /timer interrupts
	expect timer.interrupts-cells "/timer interrupts cell count" 12 "${#CELLS[@]}"
	[ "$C_GIC" != v2 ] || mask=$(((1 << C_CPUS) - 1))
	for ((i = 0; i < 4 && 3 * i + 2 < ${#CELLS[@]}; i++)); do
		flags=${CELLS[3 * i + 2]}
		[ $((CELLS[3 * i])) -eq $GIC_PPI ] || type_bad+=" ${CELLS[3 * i]}"
		[ $((CELLS[3 * i + 1])) -eq "${TIMER_PPIS[i]}" ] || num_bad+=" ${CELLS[3 * i + 1]}"
		case $((flags & 0xff)) in
		"$IRQ_LEVEL_HIGH"|"$IRQ_LEVEL_LOW") ;;
		*) level_bad+=" $flags" ;;
		esac
		[ $((flags >> 8)) -eq $mask ] || mask_bad+=" $flags"
	done
	expect timer.ppi-type "/timer interrupts: first cells not GIC_PPI ($GIC_PPI)" "" "$type_bad"
	expect timer.ppi-number "/timer interrupts: PPIs not ${TIMER_PPIS[*]} in order" "" "$num_bad"
	expect timer.level "/timer interrupts: flags not level-triggered" "" "$level_bad"
	hex $mask
	expect timer.cpumask "/timer interrupts: flags without CPU mask $REPLY in [15:8] (GIC$C_GIC)" "" "$mask_bad"
	# --override-bad-firmware-cntfrq (cases named *-cntfrq-*): one cell, the rate given
	if [[ $C_NAME == *-cntfrq-* ]]; then
		prop_cells /timer clock-frequency
		expect timer.clock-frequency "/timer clock-frequency (value, cells)" "$CNTFRQ 1" "$((CELLS[0])) ${#CELLS[@]}"
	else
		has_prop /timer clock-frequency && notok timer.no-clock-frequency \
			"/timer clock-frequency without --override-bad-firmware-cntfrq" ||
			ok timer.no-clock-frequency
	fi
}

# --pmu (cases named *-pmu-*): the PMUv3's overflow interrupt, PPI 23
# (DT number 7), level-high, with the GICv2 CPU mask. None without it.
check_pmu() {
	local mask=0 want

	if [[ $C_NAME != *-pmu-* ]]; then
		has_node /pmu && notok pmu.absent "/pmu without --pmu" || ok pmu.absent
		return
	fi
	prop /pmu compatible
	expect pmu.compatible "/pmu compatible" '"arm,armv8-pmuv3"' "$REPLY"
	[ "$C_GIC" != v2 ] || mask=$(((1 << C_CPUS) - 1))
	hex $GIC_PPI
	want="$REPLY 0x7"
	hex "($mask << 8) | $IRQ_LEVEL_HIGH"
	want+=" $REPLY"
	prop_cells /pmu interrupts
	expect pmu.interrupts "/pmu interrupts" "$want" "${CELLS[*]}"
}

# The expected GIC reg, in normalised cells.
gic_reg() {
	local want

	hex $GIC_DIST
	want="0x0 $REPLY"
	hex $GIC_DIST_SIZE
	want+=" 0x0 $REPLY"
	if [ "$C_GIC" = v3 ]; then
		hex "$GIC_DIST - C_CPUS * $GICV3_REDIST_PER_CPU"
		want+=" 0x0 $REPLY"
		hex "C_CPUS * $GICV3_REDIST_PER_CPU"
		want+=" 0x0 $REPLY"
	else
		hex "$GIC_DIST - $GICV2_CPU_SIZE"
		want+=" 0x0 $REPLY"
		hex $GICV2_CPU_SIZE
		want+=" 0x0 $REPLY"
	fi
	REPLY=$want
}

check_gic() {
	local want compat='"arm,cortex-a15-gic"'

	nodes_with interrupt-controller
	expect gic.controllers "nodes with interrupt-controller" "$GIC_PATH" "${FOUND[*]}"
	if has_node "$GIC_PATH"; then
		ok gic.node
	else
		notok gic.node "no root node at the distributor, *@${GIC_DIST#0x}"
	fi
	if [ "$C_GIC" = v3 ]; then
		compat='"arm,gic-v3"'
		number "$GIC_PATH" '#redistributor-regions'
		expect gic.redistributor-regions "$GIC_PATH #redistributor-regions" 0x1 "$REPLY"
	fi
	prop "$GIC_PATH" compatible
	expect gic.compatible "$GIC_PATH compatible" "$compat" "$REPLY"
	gic_reg
	want=$REPLY
	prop_cells "$GIC_PATH" reg
	expect gic.reg "$GIC_PATH reg" "$want" "$REPLY"
	number "$GIC_PATH" '#interrupt-cells'
	expect gic.interrupt-cells "$GIC_PATH #interrupt-cells" 0x3 "$REPLY"
	if has_prop "$GIC_PATH" interrupt-controller; then
		ok gic.interrupt-controller
	else
		notok gic.interrupt-controller "$GIC_PATH has no interrupt-controller property"
	fi
	number "$GIC_PATH" phandle
	expect gic.phandle "$GIC_PATH phandle" "$GIC_PHANDLE" "$REPLY"
	check_its
	check_v2m
}

# The GICv2m frame (gic/gicv2m.c), a child of the GICv2's node with the
# root's cells; none without --irqchip=gicv2m.
check_v2m() {
	local path base

	hex "$GIC_DIST - $GICV2_CPU_SIZE - $GICV2M_SIZE"
	base=$REPLY
	path=$GIC_PATH/v2m@${base#0x}
	if [[ $C_NAME != *-v2m-* ]]; then
		if has_node "$path"; then
			notok v2m.absent "$path without --irqchip=gicv2m"
		else
			ok v2m.absent
		fi
		return
	fi
	number "$GIC_PATH" '#address-cells'
	expect v2m.gic-address-cells "$GIC_PATH #address-cells" 0x2 "$REPLY"
	number "$GIC_PATH" '#size-cells'
	expect v2m.gic-size-cells "$GIC_PATH #size-cells" 0x2 "$REPLY"
	if has_prop "$GIC_PATH" ranges; then
		ok v2m.gic-ranges
	else
		notok v2m.gic-ranges "$GIC_PATH has no ranges"
	fi
	prop "$path" compatible
	expect v2m.compatible "$path compatible" '"arm,gic-v2m-frame"' "$REPLY"
	if has_prop "$path" msi-controller; then
		ok v2m.msi-controller
	else
		notok v2m.msi-controller "$path has no msi-controller property"
	fi
	prop_cells "$path" reg
	expect v2m.reg "$path reg" "0x0 $base 0x0 $GICV2M_SIZE" "$REPLY"
	number "$path" phandle
	expect v2m.phandle "$path phandle" "$V2M_PHANDLE" "$REPLY"
}

# The ITS (gic/kvm-its.c), a child of the GICv3's node with the root's
# cells; none without --irqchip=gicv3-its.
check_its() {
	local path base

	hex "$GIC_DIST - C_CPUS * $GICV3_REDIST_PER_CPU - $GICV3_ITS_SIZE"
	base=$REPLY
	path=$GIC_PATH/msi-controller@${base#0x}
	if [[ $C_NAME != *-its-* ]]; then
		if has_node "$path"; then
			notok its.absent "$path without --irqchip=gicv3-its"
		else
			ok its.absent
		fi
		return
	fi
	number "$GIC_PATH" '#address-cells'
	expect its.gic-address-cells "$GIC_PATH #address-cells" 0x2 "$REPLY"
	number "$GIC_PATH" '#size-cells'
	expect its.gic-size-cells "$GIC_PATH #size-cells" 0x2 "$REPLY"
	if has_prop "$GIC_PATH" ranges; then
		ok its.gic-ranges
	else
		notok its.gic-ranges "$GIC_PATH has no ranges"
	fi
	prop "$path" compatible
	expect its.compatible "$path compatible" '"arm,gic-v3-its"' "$REPLY"
	if has_prop "$path" msi-controller; then
		ok its.msi-controller
	else
		notok its.msi-controller "$path has no msi-controller property"
	fi
	number "$path" '#msi-cells'
	expect its.msi-cells "$path #msi-cells" 0x1 "$REPLY"
	prop_cells "$path" reg
	expect its.reg "$path reg" "0x0 $base 0x0 $GICV3_ITS_SIZE" "$REPLY"
	number "$path" phandle
	expect its.phandle "$path phandle" "$ITS_PHANDLE" "$REPLY"
}

# virtio-mmio nodes (devices/virtio/mmio-fdt.c): kvmtool's windows, one
# edge-triggered SPI each, after the four UARTs' (SPIs 0-3); none without devices.
check_virtio() {
	local n=0 nr=0 i k path base spi want

	[[ $C_NAME != *-virtio* || $C_NAME == *-virtiopci-* ]] || nr=3
	children /
	for k in "${KIDS[@]}"; do
		[[ $k == virtio_mmio@* ]] && n=$((n + 1))
	done
	expect virtio.nodes "virtio-mmio nodes" "$nr" "$n"
	for ((i = 0; i < nr; i++)); do
		hex "$VIRTIO_BASE + $i * 0x200"
		base=$REPLY
		path=/virtio_mmio@${base#0x}
		prop "$path" compatible
		expect virtio.compatible "$path compatible" '"virtio,mmio"' "$REPLY"
		prop_cells "$path" reg
		expect virtio.reg "$path reg" "0x0 $base 0x0 0x200" "$REPLY"
		spi0
		hex "$REPLY + $UART_COUNT + $i"
		spi=$REPLY
		hex $GIC_SPI
		want="$REPLY $spi 0x1"
		prop_cells "$path" interrupts
		expect virtio.interrupts "$path interrupts (SPI $((i + UART_COUNT)), edge rising)" \
			"$want" "$REPLY"
		if has_prop "$path" dma-coherent; then
			ok virtio.dma-coherent
		else
			notok virtio.dma-coherent "$path has no dma-coherent"
		fi
	done
}

# The PCI host bridge (devices/pci/host-fdt.c), only with virtio-pci
# devices or the PCI test device: kvmtool's ECAM and windows, and each
# virtio slot's INTA routed to its device's SPI (after the four
# UARTs'), level high; the test device has no pin, so with it alone
# there is no interrupt-map.
check_pci() {
	local path=/pci@${PCI_CFG#0x} i want= gic_addr=

	if [[ $C_NAME != *-virtiopci-* && $C_NAME != *-pcitestdev-* ]]; then
		if has_node "$path"; then
			notok pci.absent "$path without PCI devices"
		else
			ok pci.absent
		fi
		return
	fi
	prop "$path" compatible
	expect pci.compatible "$path compatible" '"pci-host-ecam-generic"' "$REPLY"
	prop "$path" device_type
	expect pci.device_type "$path device_type" '"pci"' "$REPLY"
	number "$path" '#address-cells'
	expect pci.address-cells "$path #address-cells" 0x3 "$REPLY"
	number "$path" '#size-cells'
	expect pci.size-cells "$path #size-cells" 0x2 "$REPLY"
	number "$path" '#interrupt-cells'
	expect pci.interrupt-cells "$path #interrupt-cells" 0x1 "$REPLY"
	prop_cells "$path" reg
	expect pci.reg "$path reg" "0x0 $PCI_CFG 0x0 $PCI_CFG_SIZE" "$REPLY"
	prop_cells "$path" bus-range
	expect pci.bus-range "$path bus-range" "0x0 0x0" "$REPLY"
	prop_cells "$path" ranges
	expect pci.ranges "$path ranges (I/O at 0, 32-bit memory)" \
		"0x1000000 0x0 0x0 0x0 0x0 0x0 $PCI_IO_SIZE 0x2000000 0x0 $PCI_MEM 0x0 $PCI_MEM 0x0 $PCI_MEM_SIZE" \
		"$REPLY"
	# With the ITS, the GIC's #address-cells is 2: two zero cells more.
	[[ $C_NAME != *-its-* && $C_NAME != *-v2m-* ]] || gic_addr=" 0x0 0x0"
	if [[ $C_NAME != *-virtiopci-* ]]; then
		for i in interrupt-map interrupt-map-mask; do
			if has_prop "$path" $i; then
				notok pci.no-$i "$path has $i; the test device has no pin"
			else
				ok pci.no-$i
			fi
		done
		check_pci_msi "$path"
		return
	fi
	for ((i = 0; i < 3; i++)); do
		hex "$i << 11"
		want+="${want:+ }$REPLY 0x0 0x0 0x1 $GIC_PHANDLE$gic_addr 0x0"
		spi0
		hex "$REPLY + $UART_COUNT + $i"
		want+=" $REPLY 0x$IRQ_LEVEL_HIGH"
	done
	prop_cells "$path" interrupt-map
	expect pci.interrupt-map "$path interrupt-map (slots 0-2: INTA to SPI 4-6, level high)" \
		"$want" "$REPLY"
	prop_cells "$path" interrupt-map-mask
	expect pci.interrupt-map-mask "$path interrupt-map-mask" "0xf800 0x0 0x0 0x7" "$REPLY"
	check_pci_msi "$path"
}

# The bridge's MSI frame and DMA coherence.
check_pci_msi() {
	local path=$1 want

	# MSIs to the ITS, the requester ID as device ID; none without one.
	want=
	[[ $C_NAME != *-its-* ]] || want="0x0 $ITS_PHANDLE 0x0 0x10000"
	prop_cells "$path" msi-map
	expect pci.msi-map "$path msi-map (every requester ID to the ITS, as is)" \
		"$want" "$REPLY"
	# A GICv2m frame takes no device ID: msi-parent names it.
	want=
	[[ $C_NAME != *-v2m-* ]] || want=$V2M_PHANDLE
	number "$path" msi-parent
	expect pci.msi-parent "$path msi-parent (the GICv2m frame)" "$want" "$REPLY"
	if has_prop "$path" dma-coherent; then
		ok pci.dma-coherent
	else
		notok pci.dma-coherent "$path has no dma-coherent"
	fi
}

# kvmtool's MC146818 RTC (devices/rtc-cmos-fdt.c): two byte registers, no interrupt.
check_rtc() {
	local path=/rtc@${RTC_BASE#0x}

	if has_node "$path"; then
		ok rtc.node
	else
		notok rtc.node "no node $path"
	fi
	prop "$path" compatible
	expect rtc.compatible "$path compatible" '"motorola,mc146818"' "$REPLY"
	prop_cells "$path" reg
	expect rtc.reg "$path reg" "0x0 $RTC_BASE 0x0 0x2" "$REPLY"
	if has_prop "$path" interrupts; then
		notok rtc.no-interrupts "$path has interrupts; kvmtool's RTC has none"
	else
		ok rtc.no-interrupts
	fi
}

# kvmtool's four 8250s: UART n at UART_BASE + n * 4 KiB, on the nth SPI.
check_uarts() {
	local n

	for ((n = 0; n < UART_COUNT; n++)); do
		check_uart "$n"
	done
}

check_uart() {
	local n=$1 base path want

	hex "$UART_BASE + $n * 0x1000"
	base=$REPLY
	path=/serial@${base#0x}

	if has_node "$path"; then
		ok uart.node
	else
		notok uart.node "no node $path"
	fi
	prop "$path" compatible
	expect uart.compatible "$path compatible" '"ns16550a"' "$REPLY"
	want="0x0 $base"
	hex $UART_SIZE
	want+=" 0x0 $REPLY"
	prop_cells "$path" reg
	expect uart.reg "$path reg" "$want" "$REPLY"
	spi0
	hex "$REPLY + $n"
	want=$REPLY
	hex $GIC_SPI
	want="$REPLY $want"
	hex $IRQ_LEVEL_HIGH
	want+=" $REPLY"
	prop_cells "$path" interrupts
	expect uart.interrupts "$path interrupts (SPI $n, level high)" "$want" "$REPLY"
	# Absent, the root's interrupt-parent applies.
	has_prop "$path" interrupt-parent || path=/
	number "$path" interrupt-parent
	expect uart.interrupt-parent "$path interrupt-parent (the UART's)" "$GIC_PHANDLE" "$REPLY"
	hex $UART_CLOCK
	want=$REPLY
	number "/serial@${base#0x}" clock-frequency
	expect uart.clock-frequency "/serial@${base#0x} clock-frequency" "$want" "$REPLY"
}

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

decompile() {	# decompile X.dtb -> X.dts, dtc's warnings in X.dtc.log
	local base=${1%.dtb}

	dtc -I dtb -O dts -o "$base.dts" "$1" 2> "$base.dtc.log"
}

run_test_fdt() {	# run_test_fdt OUT.dtb: the current case's DTB
	test_fdt_args
	$RUNNER "$TEST_FDT" "${TEST_FDT_ARGS[@]}" "$1"
}

# ---------------------------------------------------------------------------
# The matrix.

# NAME GIC CPUS RAM INITRD PSCI [MPIDR...]
CASES=()
add_cases() {
	local gic=$1 cpus=$2 ram=$3 initrd psci iname pname

	# Below the DTB at the top of the smallest RAM's lowmem, as boot/loader.c puts it.
	for initrd in 0x87c5e000,0x1a1235 -; do
		for psci in 0x2 0x10001; do
			iname=initrd
			[ "$initrd" = - ] && iname=noinitrd
			pname=psci$((psci >> 16)).$((psci & 0xffff))
			CASES+=("$gic-c$cpus-$iname-$pname $gic $cpus $ram $initrd $psci")
		done
	done
}
add_cases v3 1 0x8000000		# 128 MiB
add_cases v3 2 0x10000000		# 256 MiB
add_cases v3 4 0x40000000		# 1 GiB
add_cases v3 8 0x140000000		# 5 GiB: the size's high cell
add_cases v2 1 0x8000000
add_cases v2 2 0x10000000
add_cases v2 8 0x140000000
# A DTB larger than the page lkvm tries first (boot/fdt.c): built again in
# all of its room.
CASES+=("v3-c64-initrd-psci1.1 v3 64 0x40000000 0x87c5e000,0x1a1235 0x10001")
# Two disks and an rng over virtio-mmio, on both GICs, and the legacy transport.
CASES+=("v3-c2-virtio-initrd-psci1.1 v3 2 0x10000000 0x87c5e000,0x1a1235 0x10001")
CASES+=("v2-c2-virtio-initrd-psci1.1 v2 2 0x10000000 0x87c5e000,0x1a1235 0x10001")
CASES+=("v3-c1-virtiolegacy-noinitrd-psci1.1 v3 1 0x8000000 - 0x10001")
# The same devices over virtio-pci: the PCI host bridge's node, on both GICs.
CASES+=("v3-c2-virtiopci-initrd-psci1.1 v3 2 0x10000000 0x87c5e000,0x1a1235 0x10001")
CASES+=("v2-c2-virtiopci-initrd-psci1.1 v2 2 0x10000000 0x87c5e000,0x1a1235 0x10001")
# With the ITS (--irqchip=gicv3-its): its node under the GIC's, msi-map.
CASES+=("v3-c2-its-virtiopci-initrd-psci1.1 v3 2 0x10000000 0x87c5e000,0x1a1235 0x10001")
CASES+=("v3-c1-its-noinitrd-psci1.1 v3 1 0x8000000 - 0x10001")
# --pci-testdev alone (virtio over mmio): the bridge's node, no interrupt-map.
CASES+=("v3-c1-pcitestdev-noinitrd-psci1.1 v3 1 0x8000000 - 0x10001")
# With the GICv2m frame (--irqchip=gicv2m): its node under the GIC's,
# msi-parent, the devices' SPIs after the frame's 64.
CASES+=("v2-c2-v2m-virtiopci-initrd-psci1.1 v2 2 0x10000000 0x87c5e000,0x1a1235 0x10001")
CASES+=("v2-c2-v2m-virtio-initrd-psci1.1 v2 2 0x10000000 0x87c5e000,0x1a1235 0x10001")
CASES+=("v2-c1-v2m-noinitrd-psci1.1 v2 1 0x8000000 - 0x10001")
# --override-bad-firmware-cntfrq on both GICs.
CASES+=("v3-c2-cntfrq-initrd-psci1.1 v3 2 0x10000000 0x87c5e000,0x1a1235 0x10001")
CASES+=("v2-c1-cntfrq-noinitrd-psci1.1 v2 1 0x10000000 - 0x10001")
# --pmu on both GICs.
CASES+=("v3-c2-pmu-initrd-psci1.1 v3 2 0x10000000 0x87c5e000,0x1a1235 0x10001")
CASES+=("v2-c2-pmu-initrd-psci1.1 v2 2 0x10000000 0x87c5e000,0x1a1235 0x10001")
# RAM moved by -m SIZE@ADDR (4 GiB here): the memory node's name and reg
# follow it; nothing else moves.
CASES+=("v3-c2-rambase-noinitrd-psci1.1 v3 2 0x10000000 - 0x10001")
# reg comes from the MPIDR KVM reports, with Aff1, Aff2 and Aff3 set
# (Aff3 goes into the first of the two reg cells); PSCI 1.0 exactly.
CASES+=("v3-c4-aff-initrd-psci1.0 v3 4 0x20000000 0x8fe00000,0x1000 0x10000 0x0 0x100 0x10000 0x100000000")

# ---------------------------------------------------------------------------
# Deliberately broken trees: each takes a matrix case's DTS, applies a sed
# expression and must be caught by the named assertion.

# TAG CASE SED
MUTANTS=(
	"root.compatible|v3-c2-initrd-psci1.1|s/\"linux,dummy-virt\";/\"linux,other\";/"
	"root.address-cells|v3-c2-initrd-psci1.1|0,/#address-cells/s/#address-cells = <0x02>/#address-cells = <0x01>/"
	"root.interrupt-parent|v3-c2-initrd-psci1.1|0,/interrupt-parent/s/interrupt-parent = <0x01>/interrupt-parent = <0x02>/"
	"chosen.bootargs|v3-c2-initrd-psci1.1|s/bootargs = \"console=ttyS0 /bootargs = \"console=ttyAMA0 /"
	"chosen.stdout-path|v3-c2-initrd-psci1.1|s|stdout-path = \"/serial@1000000\"|stdout-path = \"/serial@1004000\"|"
	"chosen.initrd-start|v3-c2-initrd-psci1.1|/linux,initrd-start/d"
	"chosen.initrd-end|v3-c2-initrd-psci1.1|s/linux,initrd-end = <[^>]*>/linux,initrd-end = <0x00 0x87dff236>/"
	"chosen.no-initrd|v3-c2-noinitrd-psci1.1|s/\\(stdout-path = .*\\)/\\1\\n\\t\\tlinux,initrd-start = <0x00 0x8fd00000>;/"
	"memory.reg|v3-c8-initrd-psci1.1|/memory@/,/};/s/reg = .*/reg = <0x00 0x80000000 0x00 0x40000000>;/"
	"memory.node|v3-c2-initrd-psci1.1|s/device_type = \"memory\"/device_type = \"ram\"/"
	"cpus.nodes|v2-c8-initrd-psci1.1|s/cpu@7 {/cpu@8 {/"
	"cpu.reg|v3-c2-initrd-psci1.1|/cpu@1 {/,/};/s/reg = .*/reg = <0x00 0x02>;/"
	"cpu.reg-cells|v3-c4-aff-initrd-psci1.0|/cpu@100 {/,/};/s/reg = .*/reg = <0x100>;/"
	"cpu.enable-method|v3-c2-initrd-psci1.1|0,/enable-method/s/\"psci\"/\"spin-table\"/"
	"cpu.device_type|v3-c2-initrd-psci1.1|/cpu@0 {/,/};/s/device_type = \"cpu\"/device_type = \"cpus\"/"
	"psci.compatible|v3-c2-initrd-psci1.1|s/\"arm,psci-1.0\\\\0arm,psci-0.2\"/\"arm,psci-0.2\"/"
	"psci.compatible|v2-c2-initrd-psci0.2|s/\"arm,psci-0.2\"/\"arm,psci-1.0\\\\0arm,psci-0.2\"/"
	"psci.method|v3-c2-initrd-psci1.1|s/method = \"hvc\"/method = \"smc\"/"
	"timer.compatible|v3-c2-initrd-psci1.1|s/\"arm,armv8-timer\"/\"arm,armv7-timer\"/"
	"timer.ppi-type|v3-c2-initrd-psci1.1|s/interrupts = <0x01 0x0d/interrupts = <0x00 0x0d/"
	"timer.ppi-number|v3-c2-initrd-psci1.1|s/0x01 0x0e 0x08 0x01 0x0b/0x01 0x0b 0x08 0x01 0x0e/"
	"timer.level|v3-c2-initrd-psci1.1|s/0x01 0x0a 0x08>/0x01 0x0a 0x01>/"
	"timer.cpumask|v2-c2-initrd-psci1.1|s/0x01 0x0d 0x308/0x01 0x0d 0x108/"
	"timer.cpumask|v3-c2-initrd-psci1.1|s/0x01 0x0d 0x08/0x01 0x0d 0x308/"
	"gic.compatible|v3-c2-initrd-psci1.1|s/\"arm,gic-v3\"/\"arm,gic-v3-its\"/"
	"gic.reg|v3-c4-initrd-psci1.1|s/0x3ff70000 0x00 0x80000>/0x3ff70000 0x00 0x40000>/"
	"gic.reg|v2-c2-initrd-psci1.1|s/0x3ffd0000 0x00 0x20000>/0x3ffe0000 0x00 0x10000>/"
	"gic.interrupt-cells|v2-c2-initrd-psci1.1|s/#interrupt-cells = <0x03>/#interrupt-cells = <0x02>/"
	"gic.interrupt-controller|v3-c2-initrd-psci1.1|/^\\t\\tinterrupt-controller;/d"
	"gic.phandle|v3-c2-initrd-psci1.1|s/phandle = <0x01>/phandle = <0x02>/"
	"gic.node|v3-c2-initrd-psci1.1|s/@3fff0000 {/@3ffe0000 {/"
	"uart.compatible|v3-c2-initrd-psci1.1|s/\"ns16550a\"/\"ns16550\"/"
	"uart.reg|v3-c2-initrd-psci1.1|/serial@/,/};/s/reg = .*/reg = <0x00 0x1000000 0x00 0x1000>;/"
	"uart.interrupts|v3-c2-initrd-psci1.1|s/interrupts = <0x00 0x00 0x04>/interrupts = <0x00 0x01 0x04>/"
	"uart.interrupt-parent|v3-c2-initrd-psci1.1|/serial@/,/};/s/interrupt-parent = .*/interrupt-parent = <0x02>;/"
	"uart.clock-frequency|v3-c2-initrd-psci1.1|/clock-frequency/d"
	"dtc.warnings|v3-c2-initrd-psci1.1|s/#interrupt-cells = <0x03>;//"
	"pci.absent|v3-c2-virtio-initrd-psci1.1|0,/^\t};$/s/^\t};$/\t};\n\n\tpci@40000000 {\n\t};/"
	"pci.compatible|v3-c2-virtiopci-initrd-psci1.1|s/\"pci-host-ecam-generic\"/\"pci-host-cam-generic\"/"
	"pci.ranges|v3-c2-virtiopci-initrd-psci1.1|s/0x2000000 0x00 0x50000000 0x00 0x50000000/0x2000000 0x00 0x50000000 0x00 0x48000000/"
	"pci.interrupt-map|v3-c2-virtiopci-initrd-psci1.1|s/0x800 0x00 0x00 0x01 0x01 0x00 0x05 0x04/0x800 0x00 0x00 0x01 0x01 0x00 0x05 0x01/"
	"pci.bus-range|v2-c2-virtiopci-initrd-psci1.1|s/bus-range = <0x00 0x00>/bus-range = <0x00 0x01>/"
	"pci.msi-map|v3-c2-its-virtiopci-initrd-psci1.1|s/msi-map = <0x00 0x02 0x00 0x10000>/msi-map = <0x00 0x02 0x00 0x100>/"
	"its.msi-cells|v3-c2-its-virtiopci-initrd-psci1.1|s/#msi-cells = <0x01>/#msi-cells = <0x00>/"
	"its.reg|v3-c1-its-noinitrd-psci1.1|/msi-controller@/,/};/s/reg = .*/reg = <0x00 0x3ffd0000 0x00 0x20000>;/"
	"v2m.reg|v2-c1-v2m-noinitrd-psci1.1|/v2m@/,/};/s/reg = .*/reg = <0x00 0x3ffce000 0x00 0x1000>;/"
	"v2m.compatible|v2-c1-v2m-noinitrd-psci1.1|s/\"arm,gic-v2m-frame\"/\"arm,gic-v3-its\"/"
	"v2m.absent|v2-c2-initrd-psci1.1|s/phandle = <0x01>;/phandle = <0x01>;\n\n\t\tv2m@3ffcf000 {\n\t\t};/"
	"pci.msi-parent|v2-c2-v2m-virtiopci-initrd-psci1.1|s/msi-parent = <0x02>/msi-parent = <0x01>/"
	"uart.interrupts|v2-c1-v2m-noinitrd-psci1.1|s/interrupts = <0x00 0x40 0x04>/interrupts = <0x00 0x00 0x04>/"
)

# TAG CASE SED: the validation must fail, with a message containing TAG.
SCHEMA_MUTANTS=(
	"psci: method:0: 'svc' is not one of|v3-c2-initrd-psci1.1|s/method = \"hvc\"/method = \"svc\"/"
	"psci: 'lkvm,bogus' does not match|v3-c2-initrd-psci1.1|s/method = \"hvc\";/method = \"hvc\";\\n\\t\\tlkvm,bogus = <0x01>;/"
	"#interrupt-cells:0:0: 3 was expected|v2-c2-initrd-psci1.1|s/#interrupt-cells = <0x03>/#interrupt-cells = <0x02>/"
	"no binding matches compatible ['arm,armv8-timer-x']|v3-c2-initrd-psci1.1|s/\"arm,armv8-timer\"/\"arm,armv8-timer-x\"/"
	"device_type:0: 'pci' was expected|v3-c2-virtiopci-initrd-psci1.1|s/device_type = \"pci\"/device_type = \"pcie\"/"
)

# ---------------------------------------------------------------------------
# Bindings and schema.

# dt-schema's own schemas ($ref /schemas/types.yaml, ...), found with the
# Python that runs dt-validate.
dtschema_core() {
	local py

	py=$(sed -n '1s/^#! *//p' "$(command -v dt-validate)")
	${py:-python3} -c 'import dtschema, os; print(os.path.join(os.path.dirname(dtschema.__file__), "schemas"))'
}

# The binding files (relative to the bindings root) that the present ones
# $ref and that are neither present nor part of dt-schema's core schemas.
bindings_missing() {
	local core f ref dir

	core=$(dtschema_core)
	for f in "${BINDING_ROOTS[@]}"; do
		[ -f "$BINDINGS/$f" ] || echo "$f"
	done
	while IFS= read -r f; do
		dir=$(dirname "${f#"$BINDINGS"/}")
		# shellcheck disable=SC2016
		grep -ho '\$ref: *["'"'"']\{0,1\}[^"'"'"'#]*\.yaml' "$f" |
			sed 's/^\$ref: *["'"'"']\{0,1\}//' |
		while IFS= read -r ref; do
			case "$ref" in
			http*) continue ;;
			/schemas/*) ref=${ref#/schemas/}
				[ -f "$core/$ref" ] && continue ;;
			*) ref=$(realpath -m --relative-to="$BINDINGS" "$BINDINGS/$dir/$ref") ;;
			esac
			[ -f "$BINDINGS/$ref" ] || echo "$ref"
		done
	done < <(find "$BINDINGS" -name '*.yaml' 2>/dev/null)
}

fetch_source_pkg() {	# fetch_source_pkg TMPDIR: the kernel tarball's path
	local tmp=$1 deb

	if ! apt-cache policy "$SOURCE_PKG" 2>/dev/null | awk '/Candidate:/ && $2 != "(none)" { f = 1 } END { exit !f }'; then
		[ "$(id -u)" = 0 ] || die "$SOURCE_PKG is unknown to apt; run apt-get update"
		echo "dt-check: $SOURCE_PKG unknown to apt; running apt-get update" >&2
		apt-get update -q >/dev/null
	fi
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$SOURCE_PKG" >&2) ||
		die "apt-get download $SOURCE_PKG failed"
	deb=$(ls "$tmp"/"$SOURCE_PKG"_*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*/linux-source-*.tar.xz'
	rm -f "$deb"
	basename "$deb" .deb > "$tmp/version"
	find "$tmp" -name 'linux-source-*.tar.xz' | head -n 1
}

# Extracts the bindings lkvm's nodes fall under, and what they $ref, into
# $BINDINGS. Nothing is downloaded when they are all there already.
ensure_bindings() {
	local tmp tarball missing pats f round=0 t0=$SECONDS

	mkdir -p "$BINDINGS"
	missing=$(bindings_missing | sort -u)
	if [ -z "$missing" ]; then
		echo "dt-check: bindings cached in $BINDINGS ($(cat "$BINDINGS/.source" 2>/dev/null || echo unknown source))"
		return
	fi
	command -v apt-get > /dev/null || die "apt-get not found: cannot fetch $SOURCE_PKG"
	echo "dt-check: extracting the kernel's bindings from $SOURCE_PKG into $BINDINGS (once)"
	tmp=$(mktemp -d "$ASSETS/.bindings.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	tarball=$(fetch_source_pkg "$tmp")
	[ -n "$tarball" ] || die "no kernel tarball in $SOURCE_PKG"
	while [ -n "$missing" ]; do
		round=$((round + 1))
		[ $round -le 5 ] || die "bindings still missing after 5 rounds: $missing"
		pats=()
		for f in $missing; do
			pats+=("*/Documentation/devicetree/bindings/$f")
		done
		# --touch: newer than the processed schema, which is then remade.
		tar -xJf "$tarball" -C "$BINDINGS" --touch --strip-components=4 --wildcards "${pats[@]}" ||
			die "cannot extract from $tarball: $missing"
		missing=$(bindings_missing | sort -u)
	done
	cat "$tmp/version" > "$BINDINGS/.source"
	rm -rf "$tmp"
	trap - EXIT
	echo "dt-check: bindings extracted in $((SECONDS - t0)) s ($(find "$BINDINGS" -name '*.yaml' | wc -l) files)"
}

ensure_schema() {
	mkdir -p "$SCHEMA_DIR"
	if [ -s "$PROCESSED" ] && [ -z "$(find "$BINDINGS" -name '*.yaml' -newer "$PROCESSED")" ]; then
		return
	fi
	dt-mk-schema -j -o "$PROCESSED.tmp" "$BINDINGS" > "$SCHEMA_DIR/dt-mk-schema.log" 2>&1 ||
		{ cat "$SCHEMA_DIR/dt-mk-schema.log" >&2; die "dt-mk-schema failed"; }
	if [ -s "$SCHEMA_DIR/dt-mk-schema.log" ]; then
		cat "$SCHEMA_DIR/dt-mk-schema.log" >&2
		die "dt-mk-schema reported problems with the bindings (above)"
	fi
	mv "$PROCESSED.tmp" "$PROCESSED"
}

is_undocumented_ok() {
	local c

	for c in "${UNDOCUMENTED_OK[@]}"; do
		[ "$1" = "['$c']" ] && return 0
	done
	return 1
}

# Validates the DTBs given in one dt-validate run (it loads the schema
# once) and turns its stderr into one check per DTB. dt-validate exits 0
# whatever it finds, so its messages are what counts. -m makes it name
# the compatibles no binding matches; those not in UNDOCUMENTED_OK fail.
validate() {
	local log=${VALIDATE_LOG:-$OUT/dt-validate.log} rc=0 f msgs compat c bad stray

	dt-validate -m -s "$PROCESSED" "$@" > "$log" 2>&1 || rc=$?
	[ $rc -eq 0 ] || notok schema.run "dt-validate exited with $rc"
	for f in "$@"; do
		# This DTB's messages, "From schema: S" folded in as "[S]".
		msgs=$(awk -v f="$f" -v b="$BINDINGS/" '
			function flush() { if (m != "") print m; m = "" }
			index($0, f ":") == 1 {
				flush()
				m = substr($0, length(f) + 2)
				sub(/^ +/, "", m)
				keep = 1
				next
			}
			/^\t/ && keep {
				s = $0
				sub(/^\tFrom schema: /, "", s)
				sub(/^\t/, "", s)
				if (index(s, b) == 1)
					s = substr(s, length(b) + 1)
				m = m " [" s "]"
				next
			}
			{ flush(); keep = 0 }
			END { flush() }' "$log")
		compat=$(sed -n 's/.*failed to match any schema with compatible: //p' <<< "$msgs" | sort -u)
		msgs=$(grep -v 'failed to match any schema with compatible' <<< "$msgs" || true)
		bad=0
		while IFS= read -r c; do
			[ -n "$c" ] || continue
			is_undocumented_ok "$c" && continue
			msgs+=$'\n'"no binding matches compatible $c"
		done <<< "$compat"
		while IFS= read -r c; do
			[ -n "$c" ] || continue
			echo "# $(basename "$f"): $c"
			bad=1
		done <<< "$msgs"
		if [ $bad = 0 ]; then
			ok "schema:$(basename "$f")"
		else
			notok "schema:$(basename "$f")" "dt-validate reports the problems above"
		fi
	done
	# Lines about none of the DTBs: dt-validate itself went wrong.
	stray=$(printf '%s\n' "$@" | awk '
		NR == FNR { files[++n] = $0; next }
		/^\t/ { next }
		{ for (i = 1; i <= n; i++) if (index($0, files[i] ":") == 1) next; print }' - "$log")
	[ -z "$stray" ] || notok schema.run "dt-validate: $(tr '\n' ' ' <<< "$stray")"
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
run_mutant() {	# run_mutant TAG CASE SED
	local tag=$1 base=$2 expr=$3 m c result

	m=$OUT/mutants/$base.$tag
	for c in "${CASES[@]}"; do
		[ "${c%% *}" = "$base" ] || continue
		# shellcheck disable=SC2086
		set_case $c
	done
	if [ "$C_NAME" != "$base" ] || [ ! -f "$OUT/$base.dts" ]; then
		notok "mutant:$tag" "no case $base"
		return
	fi
	sed -e "$expr" "$OUT/$base.dts" > "$m.in.dts"
	if cmp -s "$m.in.dts" "$OUT/$base.dts"; then
		notok "mutant:$tag" "'$expr' changes nothing in $base.dts"
		return
	fi
	dtc -q -I dts -O dtb -o "$m.dtb" "$m.in.dts" 2> /dev/null ||
		{ notok "mutant:$tag" "dtc rejects $m.in.dts"; return; }
	decompile "$m.dtb" || true
	result=$(check_tree "$m.dts" "$m.dtc.log")
	if grep -q "^not ok $tag:" <<< "$result"; then
		ok "mutant:$tag"
	else
		notok "mutant:$tag" "$base with '$expr' passed assertion $tag"
	fi
}
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
		sed -e "$expr" "$OUT/$base.dts" > "$m.dts"
		dtc -q -I dts -O dtb -o "$m.dtb" "$m.dts"
		out=$(VALIDATE_LOG=$m.log validate "$m.dtb")
		if grep -q '^not ok schema:' <<< "$out" && grep -q -F -- "$tag" <<< "$out"; then
			ok "schema-mutant:$tag"
		else
			notok "schema-mutant:$tag" "validation did not report \"$tag\" for $base with '$expr'"
		fi
	done | count "broken trees caught by the schema"
else
	echo "dt-check: schema validation skipped (--no-schema)"
fi
T_SCHEMA=$((SECONDS - T0))

echo "dt-check: times: matrix ${T_MATRIX}s, broken trees ${T_MUTANTS}s, schema ${T_SCHEMA}s"
echo "dt: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
