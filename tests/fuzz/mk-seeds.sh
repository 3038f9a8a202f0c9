#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Writes the seed corpora in tests/fuzz/corpus/<target>/: a few small
# inputs per target that reach the interesting states at once (what a
# Linux guest does to the 8250 and the GIC, a real Image header, the
# usual command lines). The encodings are documented at the top of
# each tests/fuzz/fuzz-*.c. The output is committed; rerun this after
# changing an encoding.
#
# Usage: tests/fuzz/mk-seeds.sh (from the repository top)
set -euo pipefail

dir=tests/fuzz/corpus
[ -f tests/fuzz/fuzz.h ] || { echo "run from the repository top" >&2; exit 1; }

# ---- byte writers ----

u8() { printf '%b' "\\x$(printf %02x $(($1 & 255)))"; }
le16() { u8 "$1"; u8 $(($1 >> 8)); }
le32() { le16 $(($1 & 0xffff)); le16 $((($1 >> 16) & 0xffff)); }
le64() { le32 $(($1 & 0xffffffff)); le32 $((($1 >> 32) & 0xffffffff)); }

seed() {
	mkdir -p "$dir/$1"
	cat >"$dir/$1/$2"
}

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

uart_probe | seed fuzz-uart linux-probe
uart_startup | seed fuzz-uart linux-startup
uart_loopback | seed fuzz-uart loopback
uart_overrun | seed fuzz-uart overrun
uart_bad_access | seed fuzz-uart bad-access

# ---- fuzz-v2m: frame range, then operations ----

V_FRAME=0 V_MSG=1 V_DIST=2 V_CPUIF=3 V_ACK=4

vwr() { u8 $V_FRAME; u8 0; u8 1; le16 "$1"; le32 "$2"; }	# word write
vrd() { u8 $V_FRAME; u8 0; u8 0; le16 "$1"; le32 0; }	# word read
vdwr() { u8 $V_DIST; u8 "$1"; u8 1; le16 "$2"; le32 "$3"; }
vcwr() { u8 $V_CPUIF; u8 "$1"; u8 1; u8 "$2"; le32 "$3"; }

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

bus_memmap | seed fuzz-bus memmap
bus_edges | seed fuzz-bus edges

# ---- fuzz-loader: an Image header, then the plan's parameters ----

# code0 code1 text_offset image_size flags magic res5(PE offset)
image_header() {
	le32 0xfa405a4d; le32 0x14c9ffff
	le64 "$1"; le64 "$2"; le64 "$3"
	le64 0; le64 0; le64 0
	printf 'ARM\x64'; le32 0x40
}
# mode ram kernel-file initrd base
plan() { u8 "$1"; le64 "$2"; le64 "$3"; le64 "$4"; le64 "${5:-0}"; }

MiB=$((1 << 20))
# Debian 12's arm64 kernel: text_offset 0, 32.06 MiB, 4K pages, LE.
image_header 0 0x2010000 0xa | seed fuzz-loader debian-image
{ image_header 0 0x2010000 0xa; plan 1 512 $((31 * MiB)) $((30 * MiB)); } |
	seed fuzz-loader debian-image-initrd
{ image_header 0 0x2010000 0xa; plan 1 64 $((31 * MiB)) $((24 * MiB)); } |
	seed fuzz-loader debian-image-64m
# Pre-3.17: image_size 0 means text_offset 0x80000.
{ image_header 0x80000 0 0; plan 1 128 $((8 * MiB)) $((4 * MiB)); } |
	seed fuzz-loader old-image
image_header 0 0x2010000 0xb | seed fuzz-loader big-endian
image_header 0x1000 0x1000000 0x2 | seed fuzz-loader text-offset
printf '\x00\x00\x00\x14bare-metal test' | seed fuzz-loader raw-binary
printf '\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03' | seed fuzz-loader gzip
printf '#!/bin/sh\nexec lkvm run -k Image\n' | seed fuzz-loader script

# ---- fuzz-options: NUL-separated arguments after "run" ----

args() { printf '%s\0' "$@"; }

args -k Image -i initrd.img -p "console=ttyS0 earlycon" -c 2 -m 512 |
	seed fuzz-options short
args --kernel=Image --cpus=4 --mem=2G --irqchip=gicv3 --name=guest --debug |
	seed fuzz-options long
args Image --irqchip user --nodefaults -p root=/dev/vda --loglevel=info |
	seed fuzz-options positional
args -k Image --network mode=none --console serial --dump-dtb out.dtb -v |
	seed fuzz-options kvmtool
args --help | seed fuzz-options help
args -- -Image | seed fuzz-options dashdash
args -k Image -c 0 | seed fuzz-options bad-cpus
args -k Image -m 1T | seed fuzz-options bad-mem
args -k Image --irqchip=gicv3-its | seed fuzz-options bad-irqchip
args -kImage -m64M -c512 | seed fuzz-options attached
args -k Image --test-device --name=.hidden | seed fuzz-options bad-name
args -k Image -m 262144K --mem=1GB | seed fuzz-options mem-units

# ---- fuzz-control: one request line as the socket delivers it ----

printf 'STATUS\n' | seed fuzz-control status
printf 'IRQ 3 pulse\n' | seed fuzz-control irq-pulse
printf 'IRQ 987 1' | seed fuzz-control irq-last
printf '  PAUSE \r\n' | seed fuzz-control pause-blanks
printf 'RESUME\n' | seed fuzz-control resume
printf 'STATS\n' | seed fuzz-control stats
printf 'STOP now\n' | seed fuzz-control stop-extra
printf 'IRQ 988 0\n' | seed fuzz-control irq-range
printf 'IRQ\t12\t0\tx\n' | seed fuzz-control irq-tabs
# kvmtool's binary messages (host/control-kvmtool.h): type, length, body.
ipc() { le32 "$1"; le32 "${2:-0}"; }
{ ipc 7; ipc 8; } | seed fuzz-control kvmtool-list
{ ipc 8; ipc 4; ipc 8; u8 3; } | seed fuzz-control kvmtool-pause
{ ipc 6; u8 1; } | seed fuzz-control kvmtool-stop
{ ipc 7; ipc 3; ipc 7; } | seed fuzz-control kvmtool-stat
{ ipc 2 12; le32 1; le32 0; le32 0x70; ipc 7; } | seed fuzz-control kvmtool-debug
{ ipc 1 4; le32 16; } | seed fuzz-control kvmtool-balloon
{ ipc 7; ipc 1 65; } | seed fuzz-control kvmtool-oversized
{ ipc 5 4; le32 0; u8 17; } | seed fuzz-control kvmtool-resume-body

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

# ---- fuzz-disk-spec: a control byte, then the -d argument ----

spec() { u8 "${2:-0}"; printf '%s' "$1"; }

spec disk.img | seed fuzz-disk-spec plain
spec /var/lib/lkvm/root.img,ro | seed fuzz-disk-spec ro
spec 'd.img,direct,ro' | seed fuzz-disk-spec both
spec 'd.img,,direct,' | seed fuzz-disk-spec empty-items
spec ',ro' | seed fuzz-disk-spec no-path
spec 'd.img,rw' | seed fuzz-disk-spec unknown
spec ',direct' 1 | seed fuzz-disk-spec path-limit	# 4092 bytes of path
spec 'x,ro' 7 | seed fuzz-disk-spec path-too-long	# 4096 + 1

# ---- fuzz-virtio-blk: a set-up byte, then operations ----

# blk_req <type 0-5> <sector> <layout> <len16> [payload...]
blk_req() { u8 0; u8 "$1"; u8 0; u8 "$2"; u8 "$3"; le16 "$4"; }
SECT=$((0x8000))
pattern() { local i; for ((i = 0; i < $1; i++)); do u8 $((i * 5 + 3)); done; }
# seg <sector> <count> <flags>: each as "u8 selector, u8 value"
seg() { u8 0; u8 "$1"; u8 1; u8 "$2"; u8 1; u8 "$3"; }

# What Linux does at probe and boot: GET_ID, reads, a write, a flush.
{
	u8 0x20
	blk_req 3 0 0 20
	blk_req 0 0 0 $((SECT | 1)); blk_req 0 2 8 $((SECT | 4))
	blk_req 1 5 0 $((SECT | 1)); pattern 512
	blk_req 0 5 0 $((SECT | 1)); blk_req 2 0 0 0
} | seed fuzz-virtio-blk linux-boot

# Discard and write zeroes, with and without unmap, then read back.
{
	u8 0x24
	blk_req 1 16 0 $((SECT | 8)); pattern 4096
	blk_req 4 0 0 0; u8 2; seg 16 2 0; seg 20 2 0
	blk_req 5 0 0 0; u8 1; seg 18 2 1
	blk_req 0 16 16 $((SECT | 8))
	blk_req 4 0 0 0; u8 1; seg 0 1 1
} | seed fuzz-virtio-blk discard

# Framing: header split, status merged, no status, short header.
{
	u8 0x40
	blk_req 1 3 1 $((SECT | 1)); pattern 512
	blk_req 0 3 2 $((SECT | 1))
	blk_req 1 4 4 $((SECT | 1)); pattern 512
	blk_req 0 0 $((0x20 | 3)) 512
	blk_req 0 3 $((3 << 3)) 513
} | seed fuzz-virtio-blk framing

# Read-only, the image's end, a tail that is not a whole sector.
{
	u8 $((0x01 | 0x08))
	blk_req 1 0 0 $((SECT | 1)); pattern 512
	u8 0; u8 0; u8 1; u8 2; u8 0; le16 $((SECT | 2))
	u8 0; u8 0; u8 2; le64 0xffffffffffffffff; u8 0; le16 $((SECT | 1))
	u8 4; u8 0; u8 8
} | seed fuzz-virtio-blk ro-edges

# O_DIRECT with unaligned buffers; a raw chain; reset and again.
{
	u8 0x02
	blk_req 1 1 $((1 << 3)) $((SECT | 3)); pattern 1536
	u8 1; u8 1; u8 0; le16 0; le32 16; le16 1; le16 1
	u8 0; le16 64; le32 1; le16 2; le16 0; u8 16; printf '\0\0\0\0\0\0\0\0\1\0\0\0\0\0\0\0'
	u8 3
	blk_req 0 1 0 $((SECT | 3))
} | seed fuzz-virtio-blk direct-raw

# ---- fuzz-virtqueue: config, ring addresses, RAM, then operations ----

VQ_RAM=$((0x10000)) VQ_TABLE=$((0x3000))
NEXT=1 WRITE=2 INDIRECT=4

vq_pop() { u8 0; }
vq_push() { u8 1; le32 "$1"; }
vq_poke() { u8 2; le16 "$1"; u8 $(($# - 1)); shift; for b; do u8 "$b"; done; }
vq_should() { u8 3; }
vq_enable() { u8 4; u8 "$1"; }
vq_drain() { u8 5; }
vq_restart() { u8 6; }
vq_aidx() { u8 7; le16 "$1"; }
vq_pub() { u8 8; le16 "$1"; }
# vq_desc <index (bit 7: indirect table)> <RAM offset> <len> <flags> <next>
vq_desc() { u8 9; u8 "$1"; le16 "$2"; le32 "$3"; le16 "$4"; le16 "$5"; }
vq_raw_desc() { u8 9; u8 "$1"; le16 0xffff; le64 "$2"; le32 "$3"; le16 "$4"; le16 "$5"; }
vq_bstart() { u8 10; }
vq_bend() { u8 11; }
# vq_table <descriptors> <len> <flags>: a chain at RAM + 0x3000
vq_table() { u8 12; le16 "$1"; le32 "$2"; le16 "$3"; }

# A request as Linux's virtio_ring makes it: out, then in.
{
	u8 3; le16 0
	vq_desc 0 0x4000 16 $NEXT 1; vq_desc 1 0x4100 32 $WRITE 0
	vq_pub 0; vq_pop; vq_push 10; vq_should
	vq_desc 2 0x4200 512 $((NEXT | WRITE)) 3; vq_desc 3 0x4400 512 $WRITE 0
	vq_pub 2; vq_pub 0; vq_drain
} | seed fuzz-virtqueue linux-chain

# Indirect tables, as Linux uses them for chains of more than one.
{
	u8 $((0x10 | 4)); le16 0
	vq_desc 0x80 0x4000 16 $NEXT 1; vq_desc 0x81 0x4100 4096 $((NEXT | WRITE)) 2
	vq_desc 0x82 0x5100 1 $WRITE 0
	vq_desc 5 $VQ_TABLE 48 $INDIRECT 0
	vq_pub 5; vq_pop; vq_push 4097; vq_should; vq_pub 5; vq_drain
} | seed fuzz-virtqueue indirect

# EVENT_IDX: used_event, avail_event, notifications off and on.
{
	u8 $((0x20 | 3)); le16 0
	vq_desc 0 0x4000 8 $WRITE 0
	vq_pop; vq_pub 0; vq_pub 0; vq_pop; vq_push 8; vq_should
	vq_poke $((0x1000 + 4 + 2 * 8)) 5 0; vq_pop; vq_push 8; vq_should
	vq_enable 0; vq_pub 0; vq_drain; vq_enable 1; vq_pub 0; vq_enable 1; vq_drain
} | seed fuzz-virtqueue event-idx

# NO_INTERRUPT, a batch running out, the driver's index wrapping.
{
	u8 2; le16 0
	vq_desc 1 0x4000 8 $WRITE 0
	vq_poke $((0x1000)) 1 0
	vq_bstart; vq_pub 1; vq_pub 1; vq_pub 1; vq_pub 1; vq_drain; vq_pub 1; vq_pop; vq_bend
	vq_bstart; vq_drain; vq_bend; vq_should
	vq_aidx 0xfffe; vq_restart; vq_aidx 0xfffe; vq_pop
} | seed fuzz-virtqueue batch

# The longest chain taken (VIRTQ_CHAIN_MAX segments), then one more.
{
	u8 $((0x10 | 3)); le16 0
	vq_table 258 1 0; vq_desc 0 $VQ_TABLE $((258 * 16)) $INDIRECT 0; vq_pub 0; vq_drain
	vq_desc 1 0x4000 1 $NEXT 0; vq_pub 1; vq_drain
} | seed fuzz-virtqueue chain-max

# Hostile chains: a loop, a nested table, write then read, outside RAM.
{ u8 3; le16 0; vq_desc 0 0x4000 8 $NEXT 1; vq_desc 1 0x4000 8 $NEXT 0; vq_pub 0; vq_pop; vq_pop; } |
	seed fuzz-virtqueue loop
{
	u8 $((0x10 | 3)); le16 0
	vq_desc 0x80 $VQ_TABLE 16 $INDIRECT 0; vq_desc 0 $VQ_TABLE 16 $INDIRECT 0
	vq_pub 0; vq_drain
} | seed fuzz-virtqueue nested-indirect
{
	u8 3; le16 0
	vq_desc 0 0x4000 8 $((NEXT | WRITE)) 1; vq_desc 1 0x4100 8 0 0; vq_pub 0; vq_pop
} | seed fuzz-virtqueue write-then-read
{
	u8 $((0x10 | 3)); le16 0
	vq_raw_desc 0 0x09000000 8 0 0; vq_pub 0; vq_pop; vq_restart
	vq_raw_desc 0 0xfffffffffffff000 0x2000 0 0; vq_pub 0; vq_pop; vq_restart
	vq_desc 0 $VQ_TABLE 24 $INDIRECT 0; vq_pub 0; vq_pop; vq_restart
	vq_aidx 9; vq_pop; vq_restart; vq_aidx 0; vq_pub 8; vq_pop
} | seed fuzz-virtqueue outside-ram
# Rings given by the input: overlapping, misaligned, past RAM.
{
	u8 $((0x40 | 0x20 | 2)); le64 $VQ_RAM; le64 $((VQ_RAM + 0x40)); le64 $((VQ_RAM + 0x40))
	le16 0; vq_desc 0 0x4000 8 $WRITE 0; vq_pub 0; vq_drain; vq_should
} | seed fuzz-virtqueue overlapping
{ u8 $((0x40 | 3)); le64 $((VQ_RAM + 8)); le64 $((VQ_RAM + 0x1000)); le64 $((VQ_RAM + 0x7ff0)); le16 0; vq_pop; } |
	seed fuzz-virtqueue bad-layout

# ---- fuzz-virtio-mmio: config, then register accesses and guest steps ----

# Register table indexes (tests/fuzz/fuzz-virtio-mmio.c, regs[]).
R_STATUS=18 R_QSEL=9 R_QREADY=14 R_QPFN=13 R_NOTIFY=15 R_DRVF=6 R_DRVF_SEL=7

vm_rd() { u8 0; u8 "$1"; }
vm_wr() { u8 1; u8 "$1"; le32 "$2"; }
vm_raw() { u8 2; le16 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }
vm_poke() { u8 3; le16 "$1"; u8 $(($# - 1)); shift; for b; do u8 "$b"; done; }
vm_serve() { u8 4; }
vm_probe() { u8 5; le64 "$1"; u8 "$2"; }
vm_req() { u8 6; u8 "$1"; u8 "$2"; u8 "$3"; u8 "${4:-0}"; }
vm_kick() { u8 7; }
vm_cfgchg() { u8 8; }
vm_irq() { u8 9; }
vm_status() { u8 10; u8 "$1"; }

# Linux's probe, requests on both queues, interrupts, config reads.
vm_linux() {
	vm_probe 0x7fffffffffffffff 4; vm_serve
	vm_req 0 16 32; vm_serve; vm_irq
	vm_req 1 8 64 1; vm_serve; vm_irq
	vm_cfgchg; vm_irq; vm_rd 31
	vm_raw 0x100 1 0 0; vm_raw 0x102 2 0 0; vm_raw 0x104 4 0 0; vm_raw 0x108 8 0 0
	vm_raw 0x110 4 1 0x11223344; vm_raw 0x112 8 0 0
	vm_kick; vm_serve; vm_status 0; vm_rd $R_STATUS
}
{ u8 2; vm_linux; } | seed fuzz-virtio-mmio linux-v2
{ u8 3; vm_linux; } | seed fuzz-virtio-mmio linux-legacy

# Features refused (no VERSION_1, then unoffered bits), DRIVER_OK too.
{
	u8 0
	vm_probe 0x8000000000000001 3; vm_rd $R_STATUS; vm_req 0 4 4; vm_serve
	vm_status 0x0f; vm_rd $R_STATUS
	vm_wr $R_DRVF_SEL 1; vm_wr $R_DRVF 0xffffffff; vm_status 0x0b; vm_rd $R_STATUS
} | seed fuzz-virtio-mmio refused

# Every width at a few registers and in config space, past the window.
{
	u8 4
	for len in 0 1 2 3 8 16 255; do vm_raw 0x070 $len 0 0; vm_raw 0x030 $len 1 1; done
	vm_raw 0x072 4 0 0; vm_raw 0x1fc 8 0 0; vm_raw 0x1ff 1 0 0; vm_raw 0x200 4 0 0
	vm_raw 0x27f 1 1 0; vm_raw 0x0fc 4 0 0; vm_raw 0x0b0 4 0 0
} | seed fuzz-virtio-mmio widths

# A ring that loops, while running; the reset that follows.
{
	u8 2
	vm_probe 0x7fffffffffffffff 3
	vm_poke $((0x1000)) 0 0 0 0x80 0 0 0 0 8 0 0 0 1 0 0 0
	vm_poke $((0x2000 + 2)) 1 0 0 0
	vm_wr $R_NOTIFY 0; vm_serve; vm_irq; vm_rd $R_STATUS
	vm_req 1 4 4; vm_serve; vm_status 0; vm_probe 0x7fffffffffffffff 3; vm_req 0 4 4; vm_serve
} | seed fuzz-virtio-mmio hostile-ring

# Requests in flight when the driver resets; queues taken away.
{
	u8 6
	vm_probe 0x7fffffffffffffff 2; vm_req 0 1 1; vm_req 2 1 1; vm_status 0; vm_serve
	vm_probe 0x7fffffffffffffff 0; vm_req 3 200 200; vm_req 3 1 1
	u8 11; u8 3; vm_wr $R_QREADY 0; vm_serve; vm_wr $R_QREADY 1; vm_serve
} | seed fuzz-virtio-mmio reset-in-flight
{
	u8 1
	vm_probe 0 8; vm_req 0 255 255; u8 11; u8 0; vm_wr $R_QPFN 0; vm_serve
	vm_wr $R_QPFN 0x80001; vm_wr 12 3000; vm_wr $R_QPFN 0x80001; vm_rd $R_STATUS
} | seed fuzz-virtio-mmio legacy-pfn

# ---- fuzz-panic-watch: the guest's console bytes, as they come ----

printf 'Booting Linux on physical CPU 0x0000000000 [0x000f0510]\r\n[    2.345678] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\r\n[    2.345901] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0-18-arm64 #1\r\n[    2.350000] Kernel Offset: disabled\r\n[    2.350100] ---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---\r\n' |
	seed fuzz-panic-watch vfs
printf '/ # [   12.300000][    T1] Kernel panic - not syncing: sysrq triggered crash\n' |
	seed fuzz-panic-watch sysrq-after-prompt
printf 'echo Kernel panic - not syncing\nKernel panic - not syncin\n[1.0]Kernel panic - not syncing\n--[ end Kernel panic - not syncing ]---\n' |
	seed fuzz-panic-watch near-misses

# ---- fuzz-pci: ECAM and window accesses, INTx (tests/fuzz/fuzz-pci.c) ----

ecam() { u8 1; u8 "$1"; u8 "$2"; u8 "$3"; u8 "$4"; le32 "$5"; u8 0; }	# slot reg len write data
win() { u8 2; le32 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }
# pci-host-generic's scan of a slot: IDs, decoding off, each BAR sized
# and placed, decoding on, then an access to it.
pci_scan() {	# slot bar-address
	local b
	ecam "$1" 0 4 0 0; ecam "$1" 4 2 1 0
	for b in 0x10 0x14 0x18 0x1c 0x20 0x24; do
		ecam "$1" $b 4 1 0xffffffff; ecam "$1" $b 4 0 0
	done
	ecam "$1" 0x14 4 1 "$2"; ecam "$1" 4 2 1 6
	win $(($2 - 0x50000000)) 4 0 0
}
{ pci_scan 0 0x50100000; pci_scan 1 0x50200000; pci_scan 2 0x50300000; } |
	seed fuzz-pci linux-scan
# Two BARs onto one address, then apart; INTx with INTx Disable.
{
	pci_scan 0 0x50100000; ecam 2 0x10 4 1 0x50100000; win 0x100000 4 0 0
	ecam 2 0x10 4 1 0x50400000; u8 3; u8 0; u8 1; ecam 0 4 2 1 0x406
	ecam 0 4 2 1 6; u8 3; u8 0; u8 0
	ecam 0 0x10 1 1 0xff; ecam 0 0x13 1 1 0x7f; ecam 0 0x3c 8 0 0
} | seed fuzz-pci clash-intx

# ---- fuzz-virtio-pci: config, then guest steps (tests/fuzz/fuzz-virtio-pci.c) ----

vp_probe() { u8 4; le64 "$1"; u8 "$2"; }
vp_req() { u8 5; u8 "$1"; u8 "$2"; u8 "$3"; }
vp_bar() { u8 1; le16 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }
{ u8 1; vp_probe 0 4; vp_req 0 16 16; vp_req 1 8 8; u8 3; u8 7; u8 6; u8 7; } |
	seed fuzz-virtio-pci linux
# BAR 1 moved and decoding toggled while requests are in flight, a KVM
# notify, INTx Disable, a reset, odd widths.
{
	u8 0; vp_probe 0x7fffffffffffffff 3; vp_req 0 4 4
	u8 8; le32 0x60000000; u8 3; u8 0; u8 9; u8 0; u8 3
	u8 8; le32 0x80000000; u8 1; u8 1; u8 6; u8 7
	u8 8; le32 0x50000000; u8 1; u8 0; u8 7
	vp_bar 0x14 1 1 0; vp_bar 0x14 4 0 0; vp_bar 0x22 4 0 0; vp_bar 0x3c 4 0 0
	vp_bar 0x40 8 0 0; vp_bar 0xfc 8 0 0; vp_bar 0x38 2 1 0
} | seed fuzz-virtio-pci move-in-flight

# ---- fuzz-virtio-pci-legacy: config, then guest steps (tests/fuzz/fuzz-virtio-pci-legacy.c) ----

vl_probe() { u8 4; le32 "$1"; }
vl_req() { u8 5; u8 "$1"; u8 "$2"; u8 "$3"; }
vl_bar() { u8 1; le16 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }
vl_pfn() { u8 12; le16 "$1"; le32 "$2"; }
{ u8 1; vl_probe 0; vl_req 0 16 16; vl_req 1 8 8; u8 3; u8 7; u8 6; u8 7; } |
	seed fuzz-virtio-pci-legacy linux
# MSI-X on (the config moves to 0x18, vectors at 0x14 and 0x16), a
# request on a vector, MSI-X off again, a reset.
{
	u8 1; vl_probe 0; u8 11; u8 1; u8 1; u8 2; u8 0
	vl_req 1 4 4; u8 3; vl_bar 0x18 1 0 0; vl_bar 0x14 2 0 0
	u8 11; u8 0; u8 0xff; u8 0xff; u8 0xff; vl_req 0 4 4; u8 3; u8 7
	vl_bar 0x12 1 1 0
} | seed fuzz-virtio-pci-legacy msix
# BAR 0 moved to port 0 and off while requests are in flight, a KVM
# notify, PFNs out of RAM and for queues that do not exist, odd widths.
{
	u8 3; vl_probe 0xffffffff; vl_req 2 4 4
	u8 8; le32 0; u8 3; u8 0; u8 9; u8 2; u8 3
	u8 8; le32 0x10000; u8 1; u8 1; u8 6; u8 7
	u8 8; le32 0x2000; u8 1; u8 0; u8 7
	vl_pfn 3 0; vl_pfn 3 0xffffffff; vl_pfn 9 0x80004; vl_pfn 0 1
	vl_bar 0x0c 2 1 16; vl_bar 0x10 4 1 0; vl_bar 0x13 4 0 0
	vl_bar 0x14 8 0 0; vl_bar 0xfc 8 0 0; vl_bar 0x10 2 1 0xffff
} | seed fuzz-virtio-pci-legacy move-in-flight

# ---- fuzz-pci-testdev: config, BAR accesses, tests (tests/fuzz/fuzz-pci-testdev.c) ----

ptd_cfg() { u8 0; u8 "$1"; le32 "$2"; }		# 0 command, 1 BAR 0, 2 BAR 1
ptd_mem() { u8 2; le16 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }	# off len write data
ptd_io() { u8 3; le16 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }	# port len write data
# kvm-unit-tests' pci-test: BARs placed (BAR 1 at port 0), decoding on,
# then each BAR's tests as lib/pci-testdev.c runs them, and one more.
ptd_one() {	# bar n data
	local i
	u8 4; u8 "$1"; u8 "$2"
	if [ "$1" = 0 ]; then ptd_mem 12 4 0 0; ptd_mem 1 1 0 0; ptd_mem 8 4 0 0; ptd_mem 4 4 0 0
	else ptd_io 12 4 0 0; ptd_io 1 1 0 0; ptd_io 8 4 0 0; ptd_io 4 4 0 0; fi
	for i in $(seq 16); do u8 5; u8 "$1"; u8 1; le64 "$3"; done
	if [ "$1" = 0 ]; then ptd_mem 12 4 0 0; ptd_mem 16 8 0 0
	else ptd_io 12 4 0 0; ptd_io 16 8 0 0; fi
}
{
	ptd_cfg 1 0x50000000; ptd_cfg 2 0; ptd_cfg 0 3
	ptd_one 0 0 0xfa; ptd_one 0 1 0xce; ptd_one 0 2 0xfa; ptd_one 0 3 0
	ptd_one 1 0 0xfa; ptd_one 1 1 0xce; ptd_one 1 2 0xfa; ptd_one 1 3 0
} | seed fuzz-pci-testdev kut-pci-test
# BAR 1 moved and I/O decoding toggled under a selected test, wider and
# wrong-data writes, the test selected through the other BAR.
{
	ptd_cfg 2 0; ptd_cfg 0 3; u8 4; u8 1; u8 2
	u8 5; u8 1; u8 4; le64 0x123456fa; u8 5; u8 1; u8 1; le64 0xce
	ptd_cfg 2 0xff00; u8 5; u8 1; u8 1; le64 0xfa; ptd_cfg 0 2
	u8 5; u8 1; u8 1; le64 0xfa; ptd_cfg 0 3; ptd_io 0xff0c 4 0 0
	ptd_mem 0 1 1 1; ptd_io 0xff00 8 0 0; ptd_io 0xff00 1 1 7
} | seed fuzz-pci-testdev moves
# ---- fuzz-msix: table size and layout, then operations (tests/fuzz/fuzz-msix.c) ----

mx_bar() { u8 0; le16 "$1"; u8 "$2"; u8 "$3"; le64 "$4"; }
mx_entry() { u8 1; u8 "$1"; u8 "$2"; le32 "$3"; }
mx_vector() {	# vector address data: programmed as Linux does, unmasked last
	mx_entry "$1" 0 "$2"; mx_entry "$1" 1 0; mx_entry "$1" 2 "$3"; mx_entry "$1" 3 0
}
mx_notify() { u8 2; u8 "$1"; }
mx_ctrl() { u8 3; u8 0; u8 0; u8 0; le32 "$1"; }
mx_frame() { u8 4; u8 "$1"; }
# virtio-pci's layout (33 vectors, the PBA after the table): Linux's
# set-up, messages, Function Mask holding them, the PBA read, released.
{
	u8 32; le16 0; le16 0x210
	mx_ctrl 0xc000; mx_vector 0 0x3ffb0040 0; mx_vector 1 0x3ffb0040 1
	mx_vector 2 0x3ffb0040 2; mx_ctrl 0x8000
	mx_notify 0; mx_notify 1; mx_notify 2; mx_ctrl 0xc000; mx_notify 1
	mx_notify 2; mx_bar 0x210 4 0 0; mx_bar 0x210 8 0 0; mx_ctrl 0x8000
	mx_bar 0 8 0 0; mx_bar 8 8 1 0x100000005; mx_notify 0
} | seed fuzz-msix linux
# The PBA before the table, an entry changed while unmasked (a new
# route), routes and then the signal failing, a vector's mask bit.
{
	u8 63; le16 0x1000; le16 0x800
	mx_ctrl 0x8000; mx_vector 63 0x3ffcf040 96; mx_notify 63
	mx_entry 63 2 97; mx_notify 63; mx_frame 1; mx_entry 63 2 98
	mx_notify 63; mx_frame 3; mx_notify 63; mx_frame 0
	mx_entry 63 3 1; mx_notify 63; mx_bar 0x800 4 0 0; mx_entry 63 3 0
	mx_bar 0x13f0 4 1 7; mx_bar 0x13f2 2 0 0; mx_bar 0x1400 4 0 0
} | seed fuzz-msix reroute-fail

# ---- fuzz-snapshot: u32 extra file size (odd first byte: the CRC is
# made right), then a header and state as lkvm snapshot writes them ----
zeros() { head -c "$1" /dev/zero; }
sec() { le32 "$1"; le32 "$2"; le64 "$3"; }	# type id length
{
	le32 0x2001
	printf LKVMSNAP; le32 1; le32 256; printf 'seed'; zeros 28
	le32 2; le32 1; le64 0x80000000; le64 4096; le32 32; le32 0; le32 0; le32 0
	le64 112; le64 4096; le32 0; zeros 148
	sec 1 0 5; printf -- '-c\0001\000'; zeros 3
	sec 2 0 5; printf 'UART\000'; zeros 3
	sec 5 0 16; zeros 7; u8 8; u8 0; le32 3; printf abc
	sec 6 0 16; le64 4096; le64 4096
} | seed fuzz-snapshot one-cpu
# A virtio device section (devices/virtio/*-snap.c): a virtio-rng of two
# queues of 16 at DRIVER_OK, behind the transport given, in a file of
# a config, a device list and RAM sections.
vcore() {
	le32 4; le32 2; le32 15; le64 0x100000000; le32 0; le32 0
	for q in 0 1; do
		le32 16; le32 3; le64 $((0x80001000 + q * 0x3000))
		le64 $((0x80002000 + q * 0x3000)); le64 $((0x80003000 + q * 0x3000))
		le32 0; le32 0
	done
}
# The transport's part (devices/virtio/mmio-snap.c): tag, version, legacy,
# the selectors, the driver's features, page size, each queue's align and PFN.
vmmio_head() {
	le32 0x4f494d56; le32 1; le32 0; le32 0; le32 0; le32 0; le64 0; le32 4096
	for q in 0 1 2 3 4 5 6 7; do le32 4096; le32 0; done
}
vmmio() {
	vmmio_head
	vcore
}
vpci() {
	le32 0x49435056; le32 1; le32 0; le32 0; le32 0; le32 0; le64 0; le32 0
	for q in 0 1 2 3 4 5 6 7; do le32 $((q < 2 ? q + 1 : 0xffff)); le32 0; done
	zeros 4; u8 6; zeros 251; le32 0		# command: memory, master
	le32 33; for v in $(seq 0 32); do le32 0x08090040; le32 0; le32 $((0x20 + v)); le32 0; done
	vcore
}
vsnap() {	# vsnap mmio|pci|9p|vsock
	local body len pad
	body=$(mktemp)
	"v$1" >"$body"
	len=$(stat -c %s "$body")
	pad=$(((8 - len % 8) % 8))
	le32 0x2001
	printf LKVMSNAP; le32 1; le32 256; printf 'seed'; zeros 28
	le32 2; le32 1; le64 0x80000000; le64 4096; le32 32; le32 0; le32 0; le32 0
	le64 $((24 + 24 + 16 + len + pad + 32)); le64 4096; le32 0; zeros 148
	sec 1 0 5; printf -- '-c\0001\000'; zeros 3
	sec 2 0 5; printf 'vdev\000'; zeros 3
	sec 5 0 "$len"; cat "$body"; zeros "$pad"
	sec 6 0 16; le64 4096; le64 4096
	rm -f "$body"
}
vsnap mmio | seed fuzz-snapshot virtio-mmio
# virtio-9p over virtio-mmio (tests/fuzz/snapshot-9p-fz.c's share): one
# queue, then msize and three fids: the root, "f" opened read-write and
# "d/g" by name (devices/9p/p9-snap.c: id, flags, open flags, path).
v9p() {
	vmmio_head
	le32 9; le32 1; le32 15; le64 0x100000001; le32 0; le32 0
	le32 16; le32 3; le64 0x80001000; le64 0x80002000; le64 0x80003000; le32 0; le32 0
	le32 65536; le32 3
	le32 1; le32 0; le32 0; le32 0
	le32 2; le32 5; le32 2; le32 1; printf f
	le32 3; le32 4; le32 0; le32 3; printf d/g
}
vsnap 9p | seed fuzz-snapshot virtio-9p
# virtio-vsock over virtio-mmio (devices/virtio/vsock.c): three queues of
# 16 at DRIVER_OK, then its version, CID 3, the mask of vhost's rings
# (rx, tx) and their bases (devices/virtio/vhost-snap.c).
vvsock() {
	le32 0x4f494d56; le32 1; le32 0; le32 0; le32 0; le32 0; le64 0; le32 4096
	for q in 0 1 2 3 4 5 6 7; do le32 4096; le32 0; done
	le32 19; le32 3; le32 15; le64 0x100000000; le32 0; le32 0
	for q in 0 1 2; do
		le32 16; le32 3; le64 $((0x80001000 + q * 0x3000))
		le64 $((0x80002000 + q * 0x3000)); le64 $((0x80003000 + q * 0x3000))
		le32 0; le32 0
	done
	le32 1; le64 3; le32 3; le32 0; le32 0
}
vsnap vsock | seed fuzz-snapshot virtio-vsock
vsnap pci | seed fuzz-snapshot virtio-pci
# The PCI test device (devices/pci/pci-testdev.c): mmio-datamatch-eventfd
# selected with 3 writes counted, BAR 0 at 0x50020000, memory decoding on.
vptd() {
	le32 0x44545450; le32 1; le32 2; le32 3
	zeros 4; u8 2; zeros 11; le32 0x50020000; zeros 236; le32 0
}
vsnap ptd | seed fuzz-snapshot pci-testdev
# A GICv2's architectural record (gic/gicv2-state.c): 1 vCPU, 64 INTIDs,
# SPI 32 enabled and pending at priority 0x80, the CPU interface on.
{
	le32 0x2001
	printf LKVMSNAP; le32 1; le32 256; printf 'seed'; zeros 28
	le32 1; le32 1; le64 0x80000000; le64 4096; le32 32; le32 0; le32 0; le32 0
	le64 320; le64 4096; le32 0; zeros 148
	sec 1 0 5; printf -- '-c\0001\000'; zeros 3
	sec 2 0 5; printf 'UART\000'; zeros 3
	sec 4 0 224
	printf GIC2; le32 1; le32 1; le32 64; le32 0; le32 0; le32 0; le32 1
	le32 1; le32 1; le32 0; le32 0; le32 0; le32 0; u8 0x80; zeros 31; u8 1; zeros 31
	le32 0xffff; le32 0; le32 0; le32 0; le32 0; le32 0xffff
	le32 1; le32 0xf8; le32 2; le32 3; le32 0; le32 0; le32 0; le32 0
	zeros 48
	sec 6 0 16; le64 4096; le64 4096
} | seed fuzz-snapshot gicv2
# A VM with MTE (format version 2, flag bit 0): 4 pages of RAM, the tags
# of pages 1 and 3 (lib/snapshot.h: u64 page, 256 tag bytes each).
{
	le32 0x5001
	printf LKVMSNAP; le32 2; le32 256; printf 'seed'; zeros 28
	le32 2; le32 1; le64 0x80000000; le64 16384; le32 32; le32 0; le32 0; le32 1
	le64 624; le64 4096; le32 0; zeros 148
	sec 1 0 5; printf -- '-c\0001\000'; zeros 3
	sec 2 0 5; printf 'UART\000'; zeros 3
	sec 7 0 528
	le64 1; for i in $(seq 0 255); do u8 $((1 + i % 15)); done
	le64 3; for i in $(seq 0 255); do u8 $((15 - i % 15)); done
	sec 6 0 16; le64 4096; le64 16384
} | seed fuzz-snapshot mte-tags
# ---- fuzz-9p: ro/rw byte, then len[2] message room-byte per request ----
# (a room byte of 1 gives the server the whole reply buffer; 0xfe and
# 0xff the zero-copy framing of a Twrite or a Tread, then a cut byte,
# and for a Tread a u16 of room in 8-byte units)

p9str() { le16 ${#1}; printf '%s' "$1"; }
# p9body TYPE TAG BODY-GENERATOR...: a whole message, framed for the
# target but for its room byte; p9msg adds a room byte of 1.
p9body() {
	local t=$1 tag=$2 body
	shift 2
	body=$("$@" | od -An -v -tx1 | tr -d ' \n')
	local n=$((7 + ${#body} / 2))
	le16 $n; le32 $n; u8 "$t"; le16 "$tag"
	printf '%b' "$(echo "$body" | sed 's/../\\x&/g')"
}
p9msg() { p9body "$@"; u8 1; }
p9walk() { le32 "$1"; le32 "$2"; shift 2; le16 $#; for n; do p9str "$n"; done; }
p9fid() { le32 "$1"; }
p9fid_u32() { le32 "$1"; le32 "$2"; }
p9rd() { le32 "$1"; le64 "$2"; le32 "$3"; }
p9create() { le32 "$1"; p9str "$2"; le32 66; le32 420; le32 0; }
p9wr() { le32 "$1"; le64 "$2"; le32 ${#3}; printf '%s' "$3"; }
p9ren() { le32 0; p9str "$1"; le32 0; p9str "$2"; }
p9rddir() { le32 "$1"; le64 0; le32 4096; }
{
	u8 0
	p9msg 110 2 p9walk 0 1 hello; p9msg 12 3 p9fid_u32 1 0
	p9msg 116 4 p9rd 1 0 100; p9msg 24 5 p9fid_u32 1 0; p9msg 120 6 p9fid 1
} | seed fuzz-9p read
{
	u8 1
	p9msg 110 2 p9walk 0 1 dir; p9msg 14 3 p9create 1 new
	p9msg 118 4 p9wr 1 0 data; p9msg 74 5 p9ren new moved
	p9msg 110 6 p9walk 0 2 up secret; p9msg 110 7 p9walk 0 3 .. .. root
	p9msg 12 8 p9fid_u32 0 0; p9msg 40 9 p9rddir 0
} | seed fuzz-9p write-escape
{
	u8 1
	p9msg 110 2 p9walk 0 1 dir; p9msg 14 3 p9create 1 zc
	p9body 118 4 p9wr 1 0 zero-copy-payload-of-a-twrite; u8 0xfe; u8 100
	p9body 116 5 p9rd 1 0 4096; u8 0xff; u8 128; le16 64
	p9body 116 6 p9rd 9 0 4096; u8 0xff; u8 0; le16 2
} | seed fuzz-9p zero-copy

# ---- fuzz-net-gro: types, mode, then op a(le16) b: a segment (op 0-3, PSH
# with op 8), a poke (4), a sequence move (5), another flow (6), flush,
# types, cut or pad (7) ----

gro_segs() { for _ in $(seq "$1"); do u8 0; le16 "$2"; u8 0; done; }
{ u8 3; u8 0; gro_segs 44 1460; u8 8; le16 700; u8 0; } | seed fuzz-net-gro v4-run
{ u8 3; u8 3; gro_segs 10 1428; u8 7; le16 0; u8 1; gro_segs 3 1428; } | seed fuzz-net-gro v6-opts-flush
{
	u8 1; u8 0; gro_segs 3 1460; u8 5; le16 0; u8 1; gro_segs 2 1460
	u8 6; le16 7; u8 0; gro_segs 2 100; u8 0; le16 1460; u8 2
	u8 4; le16 40; u8 1; gro_segs 2 1460; u8 7; le16 5; u8 4; gro_segs 2 1460
	u8 7; le16 0; u8 2; gro_segs 2 1460
} | seed fuzz-net-gro v4-refused

echo "seeds written to $dir/"
