# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The machines scripts/dt-check.sh checks, sourced by it: the matrix of
# cases, the expectations of the current one (set_case) and how its DTB
# is made (run_test_fdt) and read back (decompile).

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

decompile() {	# decompile X.dtb -> X.dts, dtc's warnings in X.dtc.log
	local base=${1%.dtb}

	dtc -I dtb -O dts -o "$base.dts" "$1" 2> "$base.dtc.log"
}

run_test_fdt() {	# run_test_fdt OUT.dtb: the current case's DTB
	test_fdt_args
	$RUNNER "$TEST_FDT" "${TEST_FDT_ARGS[@]}" "$1"
}

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
