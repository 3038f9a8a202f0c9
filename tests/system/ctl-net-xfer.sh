#!/bin/sh
# Sourced by ctl-net.sh and ctl-tap.sh (after st-common.sh) for the
# guest's "xfer" part (tests/system/rootfs-init.sh): 16 MiB of random
# bytes each way, the contents compared by sha256 on both ends, so a
# wrong checksum or a wrong segment on the way (the card's offloads,
# lkvm-net-user's segmentation) fails the scenario.
#
# xfer_prepare WWW PORT [IN]: WWW/rand.bin for the guest to download;
#   a listener on PORT (in the namespace IN, if any) for its upload.
# xfer_check: after net_guest_done: the guest's down= sum is rand.bin's,
#   its up= sum what the listener got; the speeds as ok lines.
# xfer_joined: after xfer_check: the download reached the guest in large
#   segments: fewer frames than half the 11492 full-sized ones 16 MiB
#   takes (lkvm-net-user joins slirp's segments, lib/net-gro.h).

xfer_prepare() {
	dd if=/dev/urandom of="$1/rand.bin" bs=65536 count=256 2>/dev/null ||
		fail "cannot write $1/rand.bin"
	xfer_down=$(sha256sum "$1/rand.bin" | cut -c1-64)
	# Its stdin a FIFO held open, never at its end: busybox nc would
	# otherwise shut its sending side down at once, and the guest's nc
	# take that end of the connection for the end of the upload.
	mkfifo "$WORK/xfer.hold" || fail "cannot make the FIFO $WORK/xfer.hold"
	${3:-} nc -l -p "$2" >"$WORK/up.bin" <"$WORK/xfer.hold" &
	xfer_pid=$!
	exec 7>"$WORK/xfer.hold"
}

xfer_check() {
	line=$(grep 'GUEST-CHECK net PASS' "$WORK/vm.out" | tr -d '\r')
	down=$(echo "$line" | sed -n 's/.* down=\([0-9a-f]*\)\/.*/\1/p')
	up=$(echo "$line" | sed -n 's/.* up=\([0-9a-f]*\)\/.*/\1/p')
	[ "$down" = "$xfer_down" ] ||
		fail "the guest's download of 16 MiB has sha256 '$down', the host's file $xfer_down"
	wait_gone 20 "$xfer_pid" || fail "the host's listener for the upload did not see it end"
	exec 7>&-
	got=$(sha256sum "$WORK/up.bin" | cut -c1-64)
	[ -n "$up" ] && [ "$up" = "$got" ] ||
		fail "the guest sent 16 MiB with sha256 '$up', the host got $(wc -c <"$WORK/up.bin") bytes with $got"
	ok "16 MiB host -> guest, sha256 the same: $(echo "$line" | grep -o 'down=[^ ]*' | sed 's/=[0-9a-f]*\//: /')"
	ok "16 MiB guest -> host, sha256 the same: $(echo "$line" | grep -o 'up=[^ ]*' | sed 's/=[0-9a-f]*\//: /')"
}

xfer_joined() {
	frames=$(grep 'GUEST-CHECK net PASS' "$WORK/vm.out" | tr -d '\r' |
		 sed -n 's/.* down_frames=\([0-9]*\).*/\1/p')
	[ -n "$frames" ] && [ "$frames" -lt 5746 ] ||
		fail "the guest's eth0 took '$frames' frames for the 16 MiB download: slirp's TCP segments did not reach it joined into large ones"
	ok "16 MiB host -> guest in $frames frames (large segments: $((16777216 / frames)) bytes a frame)"
}
