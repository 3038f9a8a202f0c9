# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The assertions on the machine's own nodes, for scripts/dt-check.sh,
# which sources them: the root, /chosen, memory, the CPUs, PSCI, the
# timer and the PMU. Each prints ok/not ok lines (results.sh) about the
# tree load_tree read (tree.sh), against the current case (matrix.sh).

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
		[ $((CELLS[3 * i])) -eq "$GIC_PPI" ] || type_bad+=" ${CELLS[3 * i]}"
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
	hex "$GIC_PPI"
	want="$REPLY 0x7"
	hex "($mask << 8) | $IRQ_LEVEL_HIGH"
	want+=" $REPLY"
	prop_cells /pmu interrupts
	expect pmu.interrupts "/pmu interrupts" "$want" "${CELLS[*]}"
}
