# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The assertions on the interrupt controller's nodes, for
# scripts/dt-check.sh, which sources them: the GIC, its GICv2m frame and
# its ITS, against the current case (matrix.sh).

# The expected GIC reg, in normalised cells.
gic_reg() {
	local want

	hex "$GIC_DIST"
	want="0x0 $REPLY"
	hex "$GIC_DIST_SIZE"
	want+=" 0x0 $REPLY"
	if [ "$C_GIC" = v3 ]; then
		hex "$GIC_DIST - C_CPUS * $GICV3_REDIST_PER_CPU"
		want+=" 0x0 $REPLY"
		hex "C_CPUS * $GICV3_REDIST_PER_CPU"
		want+=" 0x0 $REPLY"
	else
		hex "$GIC_DIST - $GICV2_CPU_SIZE"
		want+=" 0x0 $REPLY"
		hex "$GICV2_CPU_SIZE"
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
