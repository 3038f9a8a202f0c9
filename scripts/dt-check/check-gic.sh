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

# What the ITS and the v2m frame have alike, TAG the checks' prefix and
# the case's name part: without --irqchip=OPTION no node at PATH (status
# 1: nothing more to check); with it the GIC's node gives its children
# the root's cells and a ranges, and the frame has its compatible and
# msi-controller.
check_msi_frame() {	# check_msi_frame TAG OPTION PATH COMPATIBLE
	local tag=$1 opt=$2 path=$3

	if [[ $C_NAME != *-$tag-* ]]; then
		if has_node "$path"; then
			notok "$tag.absent" "$path without --irqchip=$opt"
		else
			ok "$tag.absent"
		fi
		return 1
	fi
	number "$GIC_PATH" '#address-cells'
	expect "$tag.gic-address-cells" "$GIC_PATH #address-cells" 0x2 "$REPLY"
	number "$GIC_PATH" '#size-cells'
	expect "$tag.gic-size-cells" "$GIC_PATH #size-cells" 0x2 "$REPLY"
	if has_prop "$GIC_PATH" ranges; then
		ok "$tag.gic-ranges"
	else
		notok "$tag.gic-ranges" "$GIC_PATH has no ranges"
	fi
	prop "$path" compatible
	expect "$tag.compatible" "$path compatible" "$4" "$REPLY"
	if has_prop "$path" msi-controller; then
		ok "$tag.msi-controller"
	else
		notok "$tag.msi-controller" "$path has no msi-controller property"
	fi
}

# The GICv2m frame (gic/gicv2m.c), a child of the GICv2's node with the
# root's cells; none without --irqchip=gicv2m.
check_v2m() {
	local path base

	hex "$GIC_DIST - $GICV2_CPU_SIZE - $GICV2M_SIZE"
	base=$REPLY
	path=$GIC_PATH/v2m@${base#0x}
	check_msi_frame v2m gicv2m "$path" '"arm,gic-v2m-frame"' || return 0
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
	check_msi_frame its gicv3-its "$path" '"arm,gic-v3-its"' || return 0
	number "$path" '#msi-cells'
	expect its.msi-cells "$path #msi-cells" 0x1 "$REPLY"
	prop_cells "$path" reg
	expect its.reg "$path reg" "0x0 $base 0x0 $GICV3_ITS_SIZE" "$REPLY"
	number "$path" phandle
	expect its.phandle "$path phandle" "$ITS_PHANDLE" "$REPLY"
}
