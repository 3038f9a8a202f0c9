#!/bin/sh
# Snapshots of a Linux guest with virtio-net in user mode
# (docs/snapshot.md, "virtio-net"). The guest (the disk initramfs with
# lkvm.modules=net, the disk tests' root, its "net" check with the
# "snap" part: tests/system/rootfs-init.sh) gets its address by DHCP
# and fetches a file from the emulated host over TCP, then polls the
# host's HTTP server for restored.txt; it is snapshotted with --stop
# meanwhile. A restore whose -n differs from the saved run's is refused
# (one line, status 1). The restore starts a fresh lkvm-net-user; once
# it runs, the host writes restored.txt: the restored guest fetches it
# over a new TCP connection, from the address it had (no DHCP again),
# fetches the first file again, and powers off with the check passed.
#
# Usage: ctl-snapshot-net.sh TRANSPORT [default|fwd|tap|vhost] [IRQCHIP] [@ROOTFS@ @DISKINITRD@]
# default: the NIC lkvm adds without -n; fwd: -n mode=user,hostfwd=...,
# given again word for word at the restore, and the host reaches the
# restored guest through the forward; tap: a persistent tap of the
# host's (-n tapif=, the guest's address set by hand), which the
# restore attaches to again; vhost: the same with vhost=1 (the host
# kernel's vhost-net moves the frames): first a snapshot without --stop,
# after which the guest's TCP connections to the host must go on (the
# rings started again from their bases), then the --stop one; the
# restored guest also sends and receives 16 MiB each way, checked by
# sha256 at both ends (a wrong ring base hangs or corrupts a queue).
. "$(dirname "$0")/st-common.sh"
. "$(dirname "$0")/ctl-net-xfer.sh"
transport=${1:-pci}
variant=${2:-default}
irqchip=${3:-gicv3-its}
rootfs=${ROOTFS:-/lkvm-test/disk/rootfs.img.gz}
initrd=${DISK_INITRD:-/lkvm-test/disk/disk-initramfs.cpio.gz}
SNAP=$WORK/net.snap
HTTP=8080
FWD=10081
TAP=lkvmsnap0
parts=dhcp,tcp,snap,tcp
net=
listen=127.0.0.1:$HTTP
case "$variant" in
default) ;;
fwd)	parts=$parts,fwd
	net="-n mode=user,hostfwd=tcp:$FWD:8080" ;;
tap|vhost)
	host_modules tap
	[ "$variant" = tap ] || host_modules vhost-net
	busybox tunctl -t "$TAP" >/dev/null 2>&1 || fail "busybox tunctl -t $TAP failed"
	ip addr add 192.168.33.1/24 dev "$TAP" && ip link set "$TAP" up || fail "cannot set $TAP up"
	parts=static,tcp,snap,tcp
	listen=$HTTP
	net="-n tapif=$TAP"
	[ "$variant" = tap ] || { net="$net,vhost=1"; parts=$parts,xfer; } ;;
*)	fail "variant '$variant': default, fwd, tap or vhost" ;;
esac
HOLD=8083
CMD="console=ttyS0 panic=-1 lkvm.modules=net lkvm.disk_checks=net lkvm.net_parts=$parts"
# User mode: a connection held open across the snapshot must be gone.
[ "$variant" = default ] && CMD="$CMD lkvm.net_hold=$HOLD"

# The lkvm-net-user whose parent is lkvm $1, or nothing.
helper_of() {
	for st in /proc/[0-9]*/stat; do
		set -- "$1" $(cat "$st" 2>/dev/null)
		[ "${3:-}" = "(lkvm-net-user)" ] && [ "${5:-}" = "$1" ] && echo "$2"
	done
}

[ -r "$rootfs" ] && [ -r "$initrd" ] || fail "no $rootfs or $initrd (the scenario list names @ROOTFS@ for them)"
gunzip -c "$rootfs" >"$WORK/rootfs.img" || fail "cannot unpack $rootfs"
ip link set lo up || fail "cannot bring the host's loopback up"
mkdir -p "$WORK/www"
echo lkvm-net-tcp-ok >"$WORK/www/net.txt"
xfer_pid=
[ "$variant" != vhost ] || xfer_prepare "$WORK/www" 8081
busybox httpd -f -p "$listen" -h "$WORK/www" &
httpd_pid=$!
# Answers "held" and keeps the connection open; what the guest sends is kept.
mkfifo "$WORK/hold.in"
busybox nc -l -p "$HOLD" <"$WORK/hold.in" >"$WORK/hold.out" 2>&1 &
hold_pid=$!
exec 8>"$WORK/hold.in"
echo held >&8
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; kill "$httpd_pid" "$hold_pid" $xfer_pid 2>/dev/null; busybox tunctl -d "$TAP" >/dev/null 2>&1' EXIT

t0=$(now_cs)
# shellcheck disable=SC2086
"$VMM" run -k "$KERNEL" -i "$initrd" -d "$WORK/rootfs.img" -c 2 -m 256 \
	--irqchip="$irqchip" --virtio-transport="$transport" $net --disable-mte \
	--name nsnap-a -p "$CMD" </dev/null >"$WORK/a.out" 2>"$WORK/a.err" &
pid=$!
wait_for 200 grep -q GUEST-NET-SNAP-READY "$WORK/a.out" ||
	fail "the guest never got its address: $(grep -E 'GUEST-CHECK|FAIL' "$WORK/a.out" | tail -n 2) lkvm: $(tail -n 3 "$WORK/a.err")"
boot=$(($(now_cs) - t0))
addr=$(sed -n 's/.*GUEST-NET-SNAP-READY inet \([0-9./]*\).*/\1/p' "$WORK/a.out" | tr -d '\r')
sleep 1
# Connections the host accepted (handshakes completed both ways).
passive_opens() {
	awk '/^Tcp:/ { if (n++) print $c; else for (i = 1; i <= NF; i++) if ($i == "PassiveOpens") c = i }' /proc/net/snmp
}
opens_past() {
	[ "$(passive_opens)" -ge "$1" ]
}
if [ "$variant" = vhost ]; then
	# Without --stop: vhost's rings are held until the file is written,
	# then start again from their bases; the guest's polling goes on.
	"$VMM" snapshot -n nsnap-a "$WORK/run.snap" >"$WORK/run.msg" 2>&1 &&
		grep -q "snapshot written.*running" "$WORK/run.msg" ||
		fail "snapshot of the running vhost-net VM: '$(cat "$WORK/run.msg")'"
	o0=$(passive_opens)
	wait_for 30 opens_past $((o0 + 3)) ||
		fail "the guest's TCP did not go on after a snapshot without --stop ($o0 -> $(passive_opens) connections)"
	ok "snapshot without --stop: '$(cat "$WORK/run.msg")'; the guest's connections went on ($o0 -> $(passive_opens) accepted)"
	rm -f "$WORK/run.snap"
fi
helper_a=
if [ -z "$net" ] || [ "$variant" = fwd ]; then
	helper_a=$(helper_of "$pid")
	[ -n "$helper_a" ] || fail "no lkvm-net-user beside lkvm $pid"
fi
snapshot_stop nsnap-a "$SNAP" "$pid" "$WORK/a.err"
pid=
[ -z "$helper_a" ] || wait_gone 10 "$helper_a" ||
	fail "lkvm-net-user ($helper_a) outlived the snapshotted VM"
ok "guest ($transport, $variant NIC) had $addr and TCP $(secs "$boot") s after the start; snapshotted and stopped: $(cat "$WORK/nsnap-a.msg")"

# Another network than the saved run's: refused before anything runs.
"$VMM" run --restore "$SNAP" --name nsnap-x -n mode=none </dev/null >"$WORK/x.out" 2>"$WORK/x.err"
rc=$?
[ "$rc" -ge 1 ] && [ "$rc" -le 127 ] && [ "$(wc -l <"$WORK/x.err")" = 1 ] &&
	grep -q -- "-n/--network mode=none differs from the snapshot's run" "$WORK/x.err" ||
	fail "restore with -n mode=none: exit $rc, '$(cat "$WORK/x.err")'"
ok "restore with another -n refused: exit $rc, '$(cat "$WORK/x.err")'"

t0=$(now_cs)
# shellcheck disable=SC2086
"$VMM" run --restore "$SNAP" $net --name nsnap-b -v </dev/null >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 60 grep -q "restored from" "$WORK/vm.err" || fail "no restore: $(cat "$WORK/vm.err")"
setup=$(($(now_cs) - t0))
helper_b=
if [ -n "$helper_a" ]; then
	helper_b=$(helper_of "$pid")
	[ -n "$helper_b" ] && [ "$helper_b" != "$helper_a" ] ||
		fail "no fresh lkvm-net-user beside the restored lkvm $pid ('$helper_b')"
	helper_b="a fresh lkvm-net-user ($helper_b)"
else
	grep -q "virtio-net 0: tap $TAP" "$WORK/vm.err" || fail "the restore did not attach to $TAP: $(cat "$WORK/vm.err")"
	helper_b="$TAP attached again"
fi
echo lkvm-net-restored >"$WORK/www/restored.txt"
if [ "$variant" = fwd ]; then
	wait_for 120 grep -q GUEST-NET-LISTENING "$WORK/vm.out" ||
		fail "the restored guest never listened: $(grep -E 'GUEST-CHECK' "$WORK/vm.out" | tail -n 1)"
	got=$(echo | nc -w 10 127.0.0.1 "$FWD" 2>&1)
	[ "$got" = lkvm-net-fwd-ok ] || fail "host 127.0.0.1:$FWD (hostfwd to the guest's 8080) answered '$got'"
	ok "host -> restored guest through hostfwd=tcp:$FWD:8080: '$got'"
fi
net_guest_done
grep -q "snap(inet $addr kept" "$WORK/vm.out" ||
	fail "the restored guest's address: $(grep 'GUEST-CHECK net' "$WORK/vm.out")"
if [ "$variant" = default ]; then
	grep -q "held-connection-ended" "$WORK/vm.out" ||
		fail "the connection held across the snapshot: $(grep 'GUEST-CHECK net' "$WORK/vm.out")"
	! grep -q after-restore "$WORK/hold.out" ||
		fail "the host's end of the held connection got the line sent after the restore"
	ok "the connection open at the snapshot ended in the restored guest ($(grep -o 'held-connection-ended([0-9]*cs)' "$WORK/vm.out")); its host end saw only '$(tr '\n' ' ' <"$WORK/hold.out")'"
fi
[ "$variant" != vhost ] || xfer_check
ok "restored in $(secs "$setup") s (set-up) with $helper_b; the guest kept $addr, new TCP connections worked"
exit 0
