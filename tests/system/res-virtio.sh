#!/bin/sh
# A hostile virtio guest leaves lkvm responsive, its memory flat and its
# disk image the size it was. The guest (guest-tests/tests/virtio-hostile.c)
# abuses a virtio-blk on a scratch image and a virtio-rng for 8 s:
# registers of every width, handshakes cut short, rings anywhere and
# full of hostile descriptors, resets in the middle; every 200
# operations it checks that both devices still serve a proper driver.
# Two vCPUs at it at once. Meanwhile, once a second, "lkvm list" and
# "lkvm stat" must answer within 1 s and lkvm must be running; the
# device counts lkvm stat gives must never go down (a guest's reset
# takes back nothing); lkvm's RSS, sampled once the guest has touched
# all its RAM and then each second until the abuse ends, must not grow
# by more than 1 MiB; the guest must end by itself with its checks
# passed, and the image must keep its size.
# res-virtio.sh net: a virtio-net on the user-mode network as well, its
# transmit queue fed whatever the guest's abuse puts there (malformed
# frames to lkvm and libslirp); its sanity check is an ARP request for
# the gateway answered.
. "$(dirname "$0")/st-common.sh"

MS=8000
# After HOSTILE-END the guest idles this long: time for the last looks.
LINGER=3000
name=res-virtio
net="-n mode=none"
devices=2
[ "${1:-}" = net ] && { net="-n mode=user"; devices=3; }
disk=$WORK/disk.img

truncate -s 8M "$disk" || fail "cannot make $disk"
size0=$(stat -c %s "$disk")
"$VMM" run -k "$GUEST_TESTS/virtio-hostile.bin" -c 2 -m 64 --test-device \
	--name "$name" -d "$disk" --rng --virtio-transport=mmio $net \
	-p "hostile.ms=$MS hostile.devices=$devices hostile.linger-ms=$LINGER" \
	</dev/null >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 30 grep -q HOSTILE-BEGIN "$WORK/vm.out" ||
	fail "no HOSTILE-BEGIN: $(tail -n 2 "$WORK/vm.err") $(tail -n 2 "$WORK/vm.out")"
r0=$("$H" rss "$pid" | cut -d' ' -f1)
ok "guest abusing its devices: $(grep HOSTILE-BEGIN "$WORK/vm.out" | tr -d '\r'), RSS $r0 kB"

# lkvm_stat <what>: "lkvm stat" answers within 1 s; sets $dev_exits and
# $dev_requests, which never go down (the guest's resets take back nothing).
lkvm_stat() {
	_e=${dev_exits:-0}
	_q=${dev_requests:-0}
	"$H" within 1000 "$VMM" stat -n "$name" >"$WORK/stat.out" 2>"$WORK/stat.err" ||
		fail "lkvm stat did not answer within 1 s, $1 ($(cat "$WORK/stat.err"))"
	dev_exits=$(sed -n 's/.*dev_exits=\([0-9]*\).*/\1/p' "$WORK/stat.out")
	dev_requests=$(sed -n 's/.*dev_requests=\([0-9]*\).*/\1/p' "$WORK/stat.out")
	[ -n "$dev_exits" ] && [ -n "$dev_requests" ] ||
		fail "lkvm stat, $1: no dev_exits or dev_requests in '$(cat "$WORK/stat.out")'"
	[ "$dev_exits" -ge "$_e" ] && [ "$dev_requests" -ge "$_q" ] ||
		fail "lkvm stat, $1: dev_exits $_e -> $dev_exits, dev_requests $_q -> $dev_requests: a count went down"
}

lkvm_stat "at the start"
e0=$dev_exits
q0=$dev_requests
worst=0
rmax=$r0
rounds=0
# Until the guest says the abuse is over, or its time and then some.
while ! grep -q HOSTILE-END "$WORK/vm.out"; do
	[ "$rounds" -lt $((MS / 1000 + 30)) ] || fail "no HOSTILE-END after $rounds s"
	sleep 1
	grep -q HOSTILE-END "$WORK/vm.out" && break
	alive "$pid" || fail "lkvm ended during the abuse: $(tail -n 2 "$WORK/vm.err")"
	answers "$name" "during the abuse"
	[ "$ms" -gt "$worst" ] && worst=$ms
	lkvm_stat "during the abuse"
	r=$("$H" rss "$pid" | cut -d' ' -f1)
	[ "$r" -gt "$rmax" ] && rmax=$r
	rounds=$((rounds + 1))
done
[ "$rounds" -ge 3 ] || fail "the abuse lasted only $rounds s of $((MS / 1000))"
# The end: lkvm still there once the abuse is over.
alive "$pid" || fail "lkvm ended before the guest's last sanity round: $(tail -n 2 "$WORK/vm.err")"
answers "$name" "after the abuse"
lkvm_stat "after the abuse"
r=$("$H" rss "$pid" | cut -d' ' -f1)
[ "$r" -gt "$rmax" ] && rmax=$r
ok "lkvm list and lkvm stat answered $rounds times during the abuse and once after, slowest list $worst ms"
[ "$dev_exits" -gt "$e0" ] && [ "$dev_requests" -gt "$q0" ] ||
	fail "lkvm stat: dev_exits $e0 -> $dev_exits, dev_requests $q0 -> $dev_requests: nothing counted"
ok "lkvm stat: dev_exits $e0 -> $dev_exits, dev_requests $q0 -> $dev_requests"
[ $((rmax - r0)) -le 1024 ] || fail "RSS grew from $r0 to $rmax kB during the abuse"
ok "RSS $r0 kB at the start, at most $rmax kB, $r kB at the end"

t=$((MS / 1000 + 30))
wait_for "$t" grep -q TEST-RESULT "$WORK/vm.out" || fail "the guest did not finish within $t s"
wait "$pid"
rc=$?
pid=
tr -d '\r' <"$WORK/vm.out" >"$WORK/console"
grep -q '^CHECK .* FAIL' "$WORK/console" && fail "$(grep '^CHECK .* FAIL' "$WORK/console" | head -n 3)"
grep -q '^TEST-RESULT PASS' "$WORK/console" || fail "no TEST-RESULT PASS; $(tail -n 3 "$WORK/console")"
[ "$rc" = 0 ] || fail "exit status $rc; $(tail -n 2 "$WORK/vm.err")"
ok "guest done, exit 0: $(grep '^HOSTILE-END' "$WORK/console"), $(grep '^CHECK virtio-hostile.ops' "$WORK/console" | cut -d' ' -f4-)"
if [ "$devices" = 3 ]; then
	grep -q '^CHECK virtio-hostile.net PASS' "$WORK/console" ||
		fail "no virtio-net sanity check passed: $(grep 'virtio-hostile.net' "$WORK/console")"
	ok "$(grep '^CHECK virtio-hostile.net' "$WORK/console")"
fi
size1=$(stat -c %s "$disk")
[ "$size1" = "$size0" ] || fail "the image was $size0 bytes, now $size1"
ok "disk image still $size1 bytes"
