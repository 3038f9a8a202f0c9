#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fw-pack.sh FIRMWARE PAYLOAD OUT: the test firmware (build/guest-tests/
# fw.bin) with a payload kernel appended, 4 KiB aligned, and its offset
# and size written into the firmware's descriptor (fw/head.S), so that
# "lkvm run -f OUT" boots the firmware and the firmware the payload.
# Plain POSIX sh, head, tail and wc: it runs in the emulated host too.
set -e
fw=$1
payload=$2
out=$3

[ "$(head -c 16 "$fw" | tail -c 8)" = LKVMFWPL ] ||
	{ echo "fw-pack.sh: $fw is not the test firmware (no LKVMFWPL mark)" >&2; exit 1; }
fsize=$(wc -c <"$fw")
psize=$(wc -c <"$payload")
off=$(((fsize + 4095) / 4096 * 4096))

# A number as 8 little-endian bytes.
le64() {
	v=$1
	i=0
	while [ $i -lt 8 ]; do
		printf "\\$(printf %03o $((v & 255)))"
		v=$((v >> 8))
		i=$((i + 1))
	done
}

{
	head -c 16 "$fw"
	le64 "$off"
	le64 "$psize"
	tail -c +33 "$fw"
	head -c $((off - fsize)) /dev/zero
	cat "$payload"
} >"$out.tmp"
mv "$out.tmp" "$out"
