# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034	# sourced: dt-check.sh reads its arrays
#
# The deliberately broken trees of scripts/dt-check.sh, sourced by it:
# each must fail the assertion (run_mutant) or the schema validation
# (run_schema_mutant) it breaks.

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

# run_schema_mutant M TAG CASE SED: the validation of CASE's tree broken
# by SED (written as M.dts and M.dtb) must report TAG.
run_schema_mutant() {
	local m=$1 tag=$2 base=$3 expr=$4 out

	sed -e "$expr" "$OUT/$base.dts" > "$m.dts"
	dtc -q -I dts -O dtb -o "$m.dtb" "$m.dts"
	out=$(VALIDATE_LOG=$m.log validate "$m.dtb")
	if grep -q '^not ok schema:' <<< "$out" && grep -q -F -- "$tag" <<< "$out"; then
		ok "schema-mutant:$tag"
	else
		notok "schema-mutant:$tag" "validation did not report \"$tag\" for $base with '$expr'"
	fi
}
