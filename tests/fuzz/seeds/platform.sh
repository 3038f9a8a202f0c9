# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The seeds of the platform devices' targets: the 8250 UART, the GICv2m
# frame, the MMIO bus and the userspace GIC (what a Linux guest does to
# each as it boots).
#
# Sourced by tests/fuzz/mk-seeds.sh, which calls each seeds_* function
# with its byte writers (u8, le16, le32, le64) and seed defined.

# ---- fuzz-uart: opcode 0x00+reg read, 0x08+reg write <val> ----

RBR=0 IER=1 IIR=2 LCR=3 MCR=4 LSR=5 MSR=6 SCR=7

rd() { for r; do u8 "$r"; done; }
wr() { u8 $((8 + $1)); u8 "$2"; }
push() { u8 0x11; u8 ${#1}; printf '%s' "$1"; }
room() { u8 0x12; }
raw() { u8 0x10; le64 "$1"; le32 "$2"; u8 "$3"; le64 "$4"; }

# serial8250 autoconfig: IER probe, loopback probe, FIFO type, scratch.
uart_probe() {
	rd $IER; wr $IER 0; rd $IER; wr $IER 0x0f; rd $IER; wr $IER 0
	rd $MCR; wr $MCR 0x1a; rd $MSR; wr $MCR 0
	wr $LCR 0xbf; rd $IIR; wr $LCR 0
	wr $IIR 0x01; rd $IIR; wr $IIR 0
	wr $SCR 0xa5; rd $SCR; wr $SCR 0x5a; rd $SCR
	wr $LCR 0x80; rd $RBR $IER; wr $RBR 1; wr $IER 0; wr $LCR 0x03
}

# serial8250_startup, the THRE test, then a console line and input.
uart_startup() {
	wr $IIR 0x07; wr $IIR 0; rd $LSR $RBR $IIR $MSR
	wr $LCR 0x03; wr $MCR 0x0b
	wr $IER 0x02; rd $IIR; wr $IER 0; rd $IIR
	wr $IER 0x05; wr $IIR 0xc1
	for c in 104 105 10; do rd $LSR; wr $RBR $c; done
	push "ls -l"; room
	rd $IIR $LSR $RBR $RBR $RBR $RBR $RBR $LSR $IIR
	wr $IER 0x07; rd $IIR; rd $IIR
}

uart_loopback() {
	wr $MCR 0x1f; rd $MSR; wr $IER 0x01
	for c in 1 2 3; do wr $RBR $c; done
	rd $IIR $LSR $RBR $RBR $RBR $LSR
}

uart_overrun() {
	wr $IER 0x01; room
	push "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefXYZ"
	room; rd $LSR $RBR $IIR; wr $IIR 0x03; rd $LSR $IIR; room
}

uart_bad_access() {
	raw 8 1 0 0; raw 0 4 0 0; raw 0 0 1 0x41; raw 5 8 0 0
	raw 0xffffffffffffffff 1 1 0x61; raw 2 2 0 0; raw 7 1 1 0x1ff
}

# seeds_uart: the seeds of fuzz-uart.
seeds_uart() {
	uart_probe | seed fuzz-uart linux-probe
	uart_startup | seed fuzz-uart linux-startup
	uart_loopback | seed fuzz-uart loopback
	uart_overrun | seed fuzz-uart overrun
	uart_bad_access | seed fuzz-uart bad-access
}

# ---- fuzz-v2m: frame range, then operations ----

V_FRAME=0 V_MSG=1 V_DIST=2 V_CPUIF=3 V_ACK=4

vwr() { u8 $V_FRAME; u8 0; u8 1; le16 "$1"; le32 "$2"; }	# word write
vrd() { u8 $V_FRAME; u8 0; u8 0; le16 "$1"; le32 0; }	# word read
vdwr() { u8 $V_DIST; u8 "$1"; u8 1; le16 "$2"; le32 "$3"; }
vcwr() { u8 $V_CPUIF; u8 "$1"; u8 1; u8 "$2"; le32 "$3"; }

# seeds_v2m: the seeds of fuzz-v2m.
seeds_v2m() {
	# Linux's v2m probe (TYPER, IIDR), an edge SPI on each CPU, taken.
	{
		u8 0; u8 63
		vrd 0x008; vrd 0xfcc
		vdwr 0 0x000 1; vcwr 0 0x04 0xf0; vcwr 0 0x00 1
		vcwr 1 0x04 0xf0; vcwr 1 0x00 1
		vdwr 0 0xc08 0xaaaaaaaa; vdwr 0 0x820 0x02010201
		vdwr 0 0x104 0xffffffff
		vwr 0x040 32; u8 $V_ACK; u8 0
		vwr 0x040 33; u8 $V_ACK; u8 1
		vwr 0x040 96; vwr 0x040 31
		u8 $V_MSG; u8 1; le64 0; le32 34; u8 $V_ACK; u8 1
	} | seed fuzz-v2m linux-probe
}

# ---- fuzz-bus: regions, then accesses ----

# flags 2: u64 base and size.
region() { u8 $((2 | ${3:-0})); le64 "$1"; le64 "$2"; }

# access <ctl> <index> <delta> <cpu> [data bytes...]
access() {
	u8 "$1"; u8 "$2"; u8 "$3"; u8 "$4"; shift 4
	for b; do u8 "$b"; done
}

# access64 <ctl> <addr> <cpu>
access64() { u8 $((0x80 | $1)); le64 "$2"; u8 "$3"; }

# lkvm's memory map: UART, test device, GIC CPU interface, distributor.
bus_memmap() {
	u8 5
	region 0x01000000 8; region 0x01080000 0x1000 1
	region 0x3ffd0000 0x20000; region 0x3fff0000 0x10000
	region 0x3fff8000 0x1000	# overlaps: refused
	access $((1 << 1)) 0 0 0			# 1-byte read, UART
	access $((1 | 1 << 1)) 0 5 1 0x41		# 1-byte write
	access $((4 << 1)) 3 4 0			# 4-byte read, GICD_TYPER
	access $((1 | 4 << 1)) 2 0 1 1 0 0 0		# 4-byte write, GICC_CTLR
	access $((4 << 1 | 0x40)) 0 -2 0		# straddles the UART's end
	access $((8 << 1 | 0x40)) 1 0 0		# just past the test device
	access $((1 << 1)) 1 0 0			# test device: fails
	access64 $((16 << 1)) 0x3fff0000 0		# 16 bytes: too wide
	access64 $((8 << 1)) 0 2			# nothing there
	access64 $((0 << 1)) 0x3ffd0000 3		# zero length
}

bus_edges() {
	u8 4
	region 0xfffffffffffff000 0x1000		# ends at 2^64: refused
	region 0xffffffffffffe000 0x1000
	region 0 1; region 0x10 0
	access64 $((8 << 1)) 0xfffffffffffffff8 0
	access64 $((8 << 1)) 0xffffffffffffeffc 0
	access64 $((1 << 1)) 0 0
}

# seeds_bus: the seeds of fuzz-bus.
seeds_bus() {
	bus_memmap | seed fuzz-bus memmap
	bus_edges | seed fuzz-bus edges
}

# ---- fuzz-ugic: config, setup, then operations ----

OP_DIST=0 OP_CPUIF=1 OP_SPI=2 OP_PPI=3 OP_NR_IRQS=4 OP_ADDR=5 OP_INIT=6
OP_MAP=7 OP_RECREATE=8 OP_ACK=9 OP_ENABLE=10 OP_SGI=11

# Word accesses at ordinary offsets (offset class 0, length class 0).
dwr() { u8 $OP_DIST; u8 1; u8 "$1"; le16 "$2"; le32 "$3"; }

drd() { u8 $OP_DIST; u8 0; u8 "$1"; le16 "$2"; }
cwr() { u8 $OP_CPUIF; u8 1; u8 "$1"; u8 "$2"; le32 "$3"; }
crd() { u8 $OP_CPUIF; u8 0; u8 "$1"; u8 "$2"; }
spi() { u8 $OP_SPI; u8 "$2"; le16 "$1"; }
ppi() { u8 $OP_PPI; u8 "$3"; u8 "$1"; u8 "$2"; }
ack() { u8 $OP_ACK; u8 0; u8 "$1"; }		# and EOI
ack_hold() { u8 $OP_ACK; u8 1; u8 "$1"; }	# stays active
sgi() { u8 $OP_SGI; u8 "$1"; le32 "$2"; }

# gic_dist_init() and gic_cpu_init() of Linux's irq-gic.c.
ugic_linux_init() {
	local cpus=$1 c
	dwr 0 0x000 0; drd 0 0x004
	dwr 0 0xc08 0; dwr 0 0x820 0x01010101; dwr 0 0x420 0xa0a0a0a0
	dwr 0 0x184 0xffffffff; dwr 0 0x384 0xffffffff; dwr 0 0x000 1
	for ((c = 0; c < cpus; c++)); do
		dwr $c 0x180 0xffff0000; dwr $c 0x100 0x0000ffff
		dwr $c 0x400 0xa0a0a0a0; dwr $c 0x41c 0xa0a0a0a0
		cwr $c 0x04 0xf0; cwr $c 0x00 1
	done
}

# seeds_ugic: the seeds of fuzz-ugic.
seeds_ugic() {
	# Two vCPUs, 128 IRQs, mapped: timer PPI, UART SPI, an IPI.
	{
		u8 2; u8 0x0f; le16 128
		ugic_linux_init 2
		dwr 1 0x100 0x08000000; ppi 1 27 1
		crd 1 0x0c; cwr 1 0x10 27; ppi 1 27 0; crd 1 0x0c
		dwr 0 0x104 0x2; spi 33 1; crd 0 0x18; crd 0 0x0c
		spi 33 0; cwr 0 0x10 33; crd 0 0x0c
		dwr 0 0xf00 0x00020001; crd 1 0x0c; cwr 1 0x10 1
	} | seed fuzz-ugic linux-2cpu

	# Eight vCPUs: broadcast IPI, preemption by a higher priority SPI.
	{
		u8 8; u8 0x0e
		ugic_linux_init 8
		sgi 3 0x01000005; for c in 0 1 2 4 5 6 7; do ack $c; done
		dwr 0 0x104 0x7; dwr 0 0x420 0x8080a0a0; dwr 0 0x820 0x02020202
		spi 32 1; ack_hold 1; spi 34 1; ack_hold 1; crd 1 0x14
		cwr 1 0x10 34; cwr 1 0x10 32; spi 32 0; spi 34 0; crd 1 0x0c
	} | seed fuzz-ugic smp-8cpu

	# Binary point 3: priorities 0x98 and 0x90 share a group, 0x88 preempts.
	{
		u8 1; u8 0x0e
		ugic_linux_init 1
		cwr 0 0x08 3; dwr 0 0x104 0x7; dwr 0 0x420 0x00889098
		spi 32 1; ack_hold 0; spi 33 1; ack_hold 0; crd 0 0x14
		spi 34 1; ack_hold 0; crd 0 0x14; crd 0 0xd0
		cwr 0 0x10 34; cwr 0 0x10 32; crd 0 0x0c; crd 0 0x18
		cwr 0 0x08 7; ack 0
	} | seed fuzz-ugic binary-point

	# EOImode: priority drop and deactivation apart; byte accesses.
	{
		u8 0x41; u8 0x0e
		u8 $OP_ENABLE; u8 1; u8 0; le16 40
		spi 40 1; u8 $OP_ACK; u8 0; u8 0
		cwr 0 0x10 40; crd 0 0x14; cwr 0 0xd0 0
		u8 $OP_DIST; u8 $((1 | 4 << 4)); u8 0; le16 0x428; le32 0x10
		u8 $OP_DIST; u8 $((4 << 4)); u8 0; le16 0x428
		u8 $OP_CPUIF; u8 $((1 | 1 << 1)); u8 0; u8 0; le32 40	# GICC_DIR
	} | seed fuzz-ugic eoimode

	# Lifecycle out of order: the calls must fail cleanly.
	{
		u8 0x19; u8 0			# 9 vCPUs: refused, then 2
		drd 0 0x000; crd 0 0x0c		# before init
		u8 $OP_MAP			# no addresses
		u8 $OP_ADDR; u8 0; u8 0; u8 $OP_ADDR; u8 1; u8 3	# overlap
		u8 $OP_MAP
		spi 40 1			# initialises lazily
		u8 $OP_NR_IRQS; le16 128	# too late
		u8 $OP_ADDR; u8 2; u8 2; le64 0x1000
		u8 $OP_RECREATE; drd 0 0x004; spi 40 1; u8 $OP_INIT; u8 $OP_MAP
		u8 $OP_RECREATE; u8 $OP_NR_IRQS; le16 992; u8 $OP_INIT; drd 0 0x004
		drd 0xf8 0x000; cwr 0xf0 0x00 1	# vCPU -1 and nr_cpus
	} | seed fuzz-ugic lifecycle
}
