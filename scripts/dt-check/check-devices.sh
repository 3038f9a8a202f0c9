# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The assertions on the devices' nodes, for scripts/dt-check.sh, which
# sources them: virtio-mmio, the PCI host bridge and its MSI routing, the
# RTC and the UARTs, against the current case (matrix.sh).

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
		hex "$GIC_SPI"
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
	hex "$UART_SIZE"
	want+=" 0x0 $REPLY"
	prop_cells "$path" reg
	expect uart.reg "$path reg" "$want" "$REPLY"
	spi0
	hex "$REPLY + $n"
	want=$REPLY
	hex "$GIC_SPI"
	want="$REPLY $want"
	hex "$IRQ_LEVEL_HIGH"
	want+=" $REPLY"
	prop_cells "$path" interrupts
	expect uart.interrupts "$path interrupts (SPI $n, level high)" "$want" "$REPLY"
	# Absent, the root's interrupt-parent applies.
	has_prop "$path" interrupt-parent || path=/
	number "$path" interrupt-parent
	expect uart.interrupt-parent "$path interrupt-parent (the UART's)" "$GIC_PHANDLE" "$REPLY"
	hex "$UART_CLOCK"
	want=$REPLY
	number "/serial@${base#0x}" clock-frequency
	expect uart.clock-frequency "/serial@${base#0x} clock-frequency" "$want" "$REPLY"
}
