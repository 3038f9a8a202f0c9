# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The seeds of the virtio targets: the block device, the virtqueue, the
# virtio-mmio transport, the 9p server and the receive path's segment
# merging.
#
# Sourced by tests/fuzz/mk-seeds.sh, which calls each seeds_* function
# with its byte writers (u8, le16, le32, le64) and seed defined.

# ---- fuzz-virtio-blk: a set-up byte, then operations ----

# blk_req <type 0-5> <sector> <layout> <len16> [payload...]
blk_req() { u8 0; u8 "$1"; u8 0; u8 "$2"; u8 "$3"; le16 "$4"; }

SECT=$((0x8000))

pattern() { local i; for ((i = 0; i < $1; i++)); do u8 $((i * 5 + 3)); done; }

# seg <sector> <count> <flags>: each as "u8 selector, u8 value"
seg() { u8 0; u8 "$1"; u8 1; u8 "$2"; u8 1; u8 "$3"; }

# seeds_virtio_blk: the seeds of fuzz-virtio-blk.
seeds_virtio_blk() {
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
}

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

# seeds_virtqueue: the seeds of fuzz-virtqueue.
seeds_virtqueue() {
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
}

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

# seeds_virtio_mmio: the seeds of fuzz-virtio-mmio.
seeds_virtio_mmio() {
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
}

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

# seeds_9p: the seeds of fuzz-9p.
seeds_9p() {
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
}

# ---- fuzz-net-gro: types, mode, then op a(le16) b: a segment (op 0-3, PSH
# with op 8), a poke (4), a sequence move (5), another flow (6), flush,
# types, cut or pad (7) ----

gro_segs() { for _ in $(seq "$1"); do u8 0; le16 "$2"; u8 0; done; }

# seeds_net_gro: the seeds of fuzz-net-gro.
seeds_net_gro() {
	{ u8 3; u8 0; gro_segs 44 1460; u8 8; le16 700; u8 0; } | seed fuzz-net-gro v4-run
	{ u8 3; u8 3; gro_segs 10 1428; u8 7; le16 0; u8 1; gro_segs 3 1428; } | seed fuzz-net-gro v6-opts-flush
	{
		u8 1; u8 0; gro_segs 3 1460; u8 5; le16 0; u8 1; gro_segs 2 1460
		u8 6; le16 7; u8 0; gro_segs 2 100; u8 0; le16 1460; u8 2
		u8 4; le16 40; u8 1; gro_segs 2 1460; u8 7; le16 5; u8 4; gro_segs 2 1460
		u8 7; le16 0; u8 2; gro_segs 2 1460
	} | seed fuzz-net-gro v4-refused
}
