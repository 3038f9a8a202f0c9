#!/bin/sh
# virtio-net on a host tap device (-n mode=tap, docs/network.md), seen
# from both ends: the guest (the disk initramfs with lkvm.modules=net,
# the disk tests' root, its "net" check: tests/system/rootfs-init.sh)
# sets 192.168.33.15/24 on eth0, fetches a file from an HTTP server of
# the emulated host at 192.168.33.1 (the tap's address: guest to host
# TCP), and serves one connection the host makes to 192.168.33.15
# (host to guest TCP).
#
# Usage: ctl-tap.sh IRQCHIP TRANSPORT VARIANT[,vhost] [@ROOTFS@ @DISKINITRD@]
#   made    lkvm makes the tap (the kernel names it) and, without a
#           script, gives it host_ip and brings it up; it is gone after
#   script  tapif=lkvmtap1 made by lkvm, set up by script=
#   attach  a persistent tap made beforehand (busybox tunctl), set up by
#           the host, attached with tapif=: left as it is, kept after
#   bulk    as made, and the guest downloads 16 MiB (its speed)
#   xfer    as made, and 16 MiB each way checked by sha256 at both ends
#           (ctl-net-xfer.sh): the tap's checksum and segmentation
#           offloads through lkvm
#   bridge  a network of the test's own: lkvm runs in a network namespace
#           the test makes, with a bridge lkvmbr0 at the host's address;
#           lkvm makes its tap there and script= puts it in the bridge;
#           the emulated host's own namespace sees none of it
#   errors  no VM: the refusals (no /dev/net/tun, no access to it, no
#           permission to make a tap, a failing or missing script, no
#           vhost_net)
# ,vhost: with -n vhost=1, the frames moved by vhost-net (its worker
# thread seen) rather than by lkvm.
. "$(dirname "$0")/st-common.sh"
. "$(dirname "$0")/ctl-net-xfer.sh"

irqchip=${1:-gicv3}
transport=${2:-mmio}
variant=${3:-made}
vhost=
case "$variant" in *,vhost) vhost=,vhost=1; variant=${variant%,vhost} ;; esac
rootfs=${ROOTFS:-/lkvm-test/disk/rootfs.img.gz}
initrd=${DISK_INITRD:-/lkvm-test/disk/disk-initramfs.cpio.gz}
HTTP=8080
HOST=192.168.33.1
GUEST=192.168.33.15

# refused <name> <regex> [@NOBODY@] <-n value>: exit 1..127, saying so.
refused() {
	what=$1 re=$2
	shift 2
	as=
	[ "$1" = @NOBODY@ ] && { as=${NOBODY:-/lkvm-test/nobody}; shift; }
	$as "$VMM" run -k "$GUEST_TESTS/hello.bin" -c 1 -m 64 --test-device -n "$1" \
		</dev/null >/dev/null 2>"$WORK/$what.err"
	rc=$?
	[ "$rc" -ge 1 ] && [ "$rc" -le 127 ] && grep -Eq -e "$re" "$WORK/$what.err" ||
		fail "$what: exit $rc, $(cat "$WORK/$what.err")"
	ok "$what refused: exit $rc: $(cat "$WORK/$what.err")"
}

taps() { ls /sys/class/net | tr '\n' ' '; }

if [ "$variant" = errors ]; then
	host_modules tap
	[ -c /dev/net/tun ] || fail "/dev/net/tun missing after loading tun"
	mv /dev/net/tun /dev/net/tun.away || fail "cannot move /dev/net/tun aside"
	# Back whatever happens: the next scenarios need it.
	trap 'mv /dev/net/tun.away /dev/net/tun 2>/dev/null' EXIT
	refused no-tun "no /dev/net/tun.*load the tun module \(modprobe tun\)" mode=tap
	mv /dev/net/tun.away /dev/net/tun || fail "cannot put /dev/net/tun back"
	trap - EXIT
	# User 65534 may use KVM here (its node opened up for these runs
	# only): what it lacks is CAP_NET_ADMIN.
	kvm_mode=$(stat -c %a /dev/kvm) || fail "cannot stat /dev/kvm"
	trap 'chmod "$kvm_mode" /dev/kvm' EXIT
	chmod 666 /dev/kvm || fail "cannot open /dev/kvm up"
	tun_mode=$(stat -c %a /dev/net/tun) || fail "cannot stat /dev/net/tun"
	trap 'chmod "$kvm_mode" /dev/kvm; chmod "$tun_mode" /dev/net/tun' EXIT
	chmod 600 /dev/net/tun
	refused no-tun-access "no permission to open /dev/net/tun.*give this user read and write access to it" \
		@NOBODY@ mode=tap
	chmod 666 /dev/net/tun
	refused no-permission "no permission to make a tap device.*CAP_NET_ADMIN.*ip tuntap add dev tap0 mode tap user" \
		@NOBODY@ mode=tap
	printf '#!/bin/sh\necho "$1" >%s/script.arg\nexit 3\n' "$WORK" >"$WORK/bad-ifup.sh"
	chmod +x "$WORK/bad-ifup.sh"
	refused script-fails "script=.*bad-ifup.sh lkvmtap9 failed \(exit 3\).*script=none" \
		"mode=tap,tapif=lkvmtap9,script=$WORK/bad-ifup.sh"
	[ "$(cat "$WORK/script.arg")" = lkvmtap9 ] || fail "the script got '$(cat "$WORK/script.arg")', not the tap's name"
	ok "the script was run with the tap's name"
	refused script-missing "script=/nonexistent: cannot run it" "mode=tap,script=/nonexistent"
	# No vhost_net (an earlier scenario may have loaded it; nothing
	# holds it between scenarios).
	rmmod vhost_net 2>/dev/null
	[ ! -e /dev/vhost-net ] || fail "/dev/vhost-net still there after rmmod vhost_net"
	refused no-vhost "/dev/vhost-net is missing.*load the vhost_net module \(modprobe vhost_net\), or leave vhost out" \
		mode=tap,vhost=1
	chmod "$kvm_mode" /dev/kvm
	chmod "$tun_mode" /dev/net/tun
	trap - EXIT
	exit 0
fi

[ -r "$rootfs" ] && [ -r "$initrd" ] || fail "no $rootfs or $initrd (the scenario list names @ROOTFS@ for them)"
gunzip -c "$rootfs" >"$WORK/rootfs.img" || fail "cannot unpack $rootfs"
host_modules tap
[ -c /dev/net/tun ] || fail "/dev/net/tun missing after loading tun"
if [ -n "$vhost" ]; then
	host_modules vhost-net
	[ -c /dev/vhost-net ] || fail "/dev/vhost-net missing after loading vhost_net"
fi

parts=static,tcp,fwd
net=mode=tap
in=		# the namespace lkvm, its server and its peer run in
ns_pid=
case "$variant" in
made)	;;
bulk)	parts=static,tcp,bulk,fwd ;;
xfer)	parts=static,tcp,xfer,fwd ;;
script)
	printf '#!/bin/sh\necho "$1" >%s/script.arg\nip addr add %s/24 dev "$1" && ip link set "$1" up\n' \
		"$WORK" "$HOST" >"$WORK/ifup.sh"
	chmod +x "$WORK/ifup.sh"
	net="mode=tap,tapif=lkvmtap1,script=$WORK/ifup.sh" ;;
attach)
	busybox tunctl -t lkvmtap2 >/dev/null 2>&1 || fail "busybox tunctl -t lkvmtap2 failed"
	ip addr add "$HOST/24" dev lkvmtap2 && ip link set lkvmtap2 up ||
		fail "cannot set lkvmtap2 up"
	net="tapif=lkvmtap2" ;;	# no mode=: tapif= says tap
bridge)
	# Its own sysfs too, so /sys/class/net shows the namespace's links.
	busybox unshare -n -m sh -c 'mount -t sysfs sysfs /sys && exec sleep 3600' &
	ns_pid=$!
	wait_for 10 grep -qx sleep "/proc/$ns_pid/comm" || fail "no network namespace: busybox unshare -n -m failed"
	in="busybox nsenter -t $ns_pid -n -m"
	$in ip link set lo up && $in busybox brctl addbr lkvmbr0 &&
		$in ip addr add "$HOST/24" dev lkvmbr0 && $in ip link set lkvmbr0 up ||
		fail "cannot make the bridge lkvmbr0 at $HOST/24 in the namespace"
	printf '#!/bin/sh\nbusybox brctl addif lkvmbr0 "$1" && ip link set "$1" up\n' >"$WORK/br-ifup.sh"
	chmod +x "$WORK/br-ifup.sh"
	net="mode=tap,script=$WORK/br-ifup.sh" ;;
*)	fail "variant '$variant': made, script, attach, bulk, xfer, bridge or errors" ;;
esac
net=$net$vhost

mkdir -p "$WORK/www"
echo lkvm-net-tcp-ok >"$WORK/www/net.txt"
[ "$variant" != bulk ] || dd if=/dev/zero of="$WORK/www/bulk.bin" bs=1048576 count=16 2>/dev/null ||
	fail "cannot write $WORK/www/bulk.bin"
xfer_pid=
[ "$variant" != xfer ] || xfer_prepare "$WORK/www" 8081 "$in"
$in busybox httpd -f -p "$HTTP" -h "$WORK/www" &
httpd_pid=$!
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; kill "$httpd_pid" $ns_pid $xfer_pid 2>/dev/null; busybox tunctl -d lkvmtap2 >/dev/null 2>&1' EXIT
before=$(taps)

t0=$(now_cs)
$in "$VMM" run -k "$KERNEL" -i "$initrd" -d "$WORK/rootfs.img" -c 1 -m 256 \
	--irqchip="$irqchip" --virtio-transport="$transport" --loglevel=info -n "$net" \
	-p "console=ttyS0 panic=-1 lkvm.modules=net lkvm.disk_checks=net lkvm.net_parts=$parts" \
	</dev/null >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 150 grep -q GUEST-NET-LISTENING "$WORK/vm.out" ||
	fail "no GUEST-NET-LISTENING: $(grep -E 'GUEST-CHECK|FAIL' "$WORK/vm.out" | tail -n 2) lkvm: $(tail -n 3 "$WORK/vm.err")"
tap=$(sed -n 's/.*virtio-net 0: tap \([^ ,]*\).*/\1/p' "$WORK/vm.err" | head -n 1)
[ -n "$tap" ] || fail "lkvm named no tap: $(tail -n 3 "$WORK/vm.err")"
ok "guest: $GUEST/24 on eth0, HTTP from the host's $HOST:$HTTP through tap $tap in $(secs $(($(now_cs) - t0))) s"

case "$variant" in
made|bulk|xfer)
	case " $before " in *" $tap "*) fail "tap $tap was there before lkvm" ;; esac
	ip addr show dev "$tap" | grep -q "inet $HOST/24" ||
		fail "lkvm's tap $tap has no $HOST/24: $(ip addr show dev "$tap")"
	ok "lkvm made $tap (kernel-named) and gave it $HOST/24" ;;
script)
	[ "$tap" = lkvmtap1 ] && [ "$(cat "$WORK/script.arg")" = lkvmtap1 ] ||
		fail "tap '$tap', script got '$(cat "$WORK/script.arg" 2>&1)'"
	ok "script= ran with lkvmtap1" ;;
attach)
	[ "$tap" = lkvmtap2 ] || fail "attached to '$tap', not lkvmtap2"
	ok "attached to the persistent lkvmtap2" ;;
bridge)
	$in test -e "/sys/class/net/lkvmbr0/brif/$tap" ||
		fail "tap $tap is not in lkvmbr0: $($in ls /sys/class/net/lkvmbr0/brif 2>&1)"
	[ ! -e "/sys/class/net/$tap" ] || fail "tap $tap is in the emulated host's own namespace"
	ok "lkvm made $tap in the test's namespace and script= put it in lkvmbr0; the host's own namespace has no $tap" ;;
esac
flags=$($in cat "/sys/class/net/$tap/tun_flags" 2>/dev/null)
# IFF_TAP 0x2, IFF_NO_PI 0x1000, IFF_VNET_HDR 0x4000
[ -n "$flags" ] && [ $((flags & 0x5002)) = $((0x5002)) ] ||
	fail "tap $tap's tun_flags '$flags' lack IFF_TAP|IFF_NO_PI|IFF_VNET_HDR"
ok "tap $tap's flags $flags: IFF_TAP|IFF_NO_PI|IFF_VNET_HDR"
# vhost-net's worker, a kernel thread named after its owner: lkvm.
worker=no
for c in /proc/[0-9]*/comm; do
	[ "$(cat "$c" 2>/dev/null)" = "vhost-$pid" ] && worker=yes
done
if [ -n "$vhost" ]; then
	[ "$worker" = yes ] || fail "-n vhost=1 but no vhost-$pid kernel thread"
	ok "vhost-net's worker vhost-$pid runs for lkvm"
else
	[ "$worker" = no ] || fail "a vhost-$pid kernel thread without vhost=1"
fi

if [ -n "$in" ]; then
	# Before the real peer: the guest serves one connection.
	echo | nc -w 3 "$GUEST" 8080 >/dev/null 2>&1 &&
		fail "the guest's $GUEST:8080 answered from outside the test's namespace"
	ok "outside the test's namespace $GUEST:8080 cannot be reached"
fi
got=$(echo | $in nc -w 10 "$GUEST" 8080 2>&1)
[ "$got" = lkvm-net-fwd-ok ] || fail "host -> guest $GUEST:8080 answered '$got'"
ok "host -> guest $GUEST:8080 over the tap: '$got'"

net_guest_done
[ "$variant" != xfer ] || xfer_check
case "$variant" in
attach)
	[ -e /sys/class/net/lkvmtap2 ] || fail "the persistent lkvmtap2 went with lkvm"
	ok "the persistent lkvmtap2 stays after lkvm" ;;
*)
	wait_for 10 $in sh -c "[ ! -e /sys/class/net/$tap ]" || fail "tap $tap outlived lkvm"
	ok "tap $tap went with lkvm" ;;
esac
