#!/bin/sh
# virtio-net through lkvm's user-mode network (libslirp in lkvm-net-user,
# a process lkvm starts beside it), seen from both
# ends. The emulated host serves a file over HTTP on its loopback and
# answers DNS for one name (st-dns, as its resolver: /etc/resolv.conf
# says 127.0.0.1); the guest (the disk initramfs with lkvm.modules=net,
# the disk tests' root, its "net" check: tests/system/rootfs-init.sh)
# gets its address by DHCP, fetches the file from the gateway (TCP to
# the host's loopback), resolves the name through slirp's DNS (UDP) and
# listens on a port the host reaches through -n hostfwd=.
#
# Usage: ctl-net.sh IRQCHIP TRANSPORT [,MORE-N-PARAMS|bulk|xfer] [@ROOTFS@ @DISKINITRD@]
# "xfer": 16 MiB each way, checked by sha256 at both ends (ctl-net-xfer.sh):
# the guest's checksums and segments finished by lkvm-net-user, and
# slirp's segments for the guest joined into large ones (xfer_joined).
# With ,mq=N among the -n params the guest has N vCPUs and checks that
# its eth0 uses N queue pairs.
# (the placeholders only make the harness pack the images; the script
# finds them under /lkvm-test/disk)
. "$(dirname "$0")/st-common.sh"
. "$(dirname "$0")/ctl-net-xfer.sh"

irqchip=${1:-gicv3}
transport=${2:-mmio}
extra=${3:-}
parts=
# "bulk": also the throughput of a 16 MiB download (docs/network.md)
[ "$extra" = bulk ] && parts=" lkvm.net_parts=dhcp,tcp,dns,bulk,fwd"
[ "$extra" = xfer ] && parts=" lkvm.net_parts=dhcp,tcp,dns,xfer,fwd"
case "$extra" in ,*) ;; *) extra= ;; esac
cpus=1
case "$extra" in *,mq=*)
	cpus=${extra##*,mq=}
	cpus=${cpus%%,*}
	parts=" lkvm.net_parts=mq,dhcp,tcp,dns,fwd lkvm.net_mq=$cpus" ;;
esac
rootfs=${ROOTFS:-/lkvm-test/disk/rootfs.img.gz}
initrd=${DISK_INITRD:-/lkvm-test/disk/disk-initramfs.cpio.gz}
HTTP=8080
FWD=10080
name=lkvm-net.example
addr=10.11.12.13

[ -r "$rootfs" ] && [ -r "$initrd" ] || fail "no $rootfs or $initrd (the scenario list names @ROOTFS@ for them)"
gunzip -c "$rootfs" >"$WORK/rootfs.img" || fail "cannot unpack $rootfs"

# The emulated host's initramfs leaves its loopback down.
ip link set lo up || fail "cannot bring the host's loopback up"
mkdir -p /etc
echo "nameserver 127.0.0.1" >/etc/resolv.conf
"$here/st-dns" 127.0.0.1 53 "$name" "$addr" 170 >"$WORK/dns.out" 2>&1 &
dns_pid=$!
mkdir -p "$WORK/www"
echo lkvm-net-tcp-ok >"$WORK/www/net.txt"
case "$parts" in *bulk*)
	dd if=/dev/zero of="$WORK/www/bulk.bin" bs=1048576 count=16 2>/dev/null ||
		fail "cannot write $WORK/www/bulk.bin" ;;
esac
xfer_pid=
case "$parts" in *xfer*) xfer_prepare "$WORK/www" 8081 ;; esac
busybox httpd -f -p "127.0.0.1:$HTTP" -h "$WORK/www" &
httpd_pid=$!
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; kill "$dns_pid" "$httpd_pid" $xfer_pid 2>/dev/null' EXIT
wait_for 5 grep -q serving "$WORK/dns.out" || fail "st-dns did not start: $(cat "$WORK/dns.out")"
ok "host: DNS for $name on 127.0.0.1:53, HTTP on 127.0.0.1:$HTTP"

t0=$(now_cs)
"$VMM" run -k "$KERNEL" -i "$initrd" -d "$WORK/rootfs.img" -c "$cpus" -m 256 \
	--irqchip="$irqchip" --virtio-transport="$transport" \
	-n "mode=user,hostfwd=tcp:$FWD:8080$extra" \
	-p "console=ttyS0 panic=-1 lkvm.modules=net lkvm.disk_checks=net$parts" \
	</dev/null >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 150 grep -q GUEST-NET-LISTENING "$WORK/vm.out" ||
	fail "no GUEST-NET-LISTENING: $(grep -E 'GUEST-CHECK|FAIL' "$WORK/vm.out" | tail -n 2) lkvm: $(tail -n 3 "$WORK/vm.err")"
ok "guest: DHCP, TCP and DNS through slirp in $(secs $(($(now_cs) - t0))) s"

# libslirp runs in lkvm-net-user, lkvm's child, under its own filter
# (looked at before the guest, served through hostfwd, powers off).
helper=
for st in /proc/[0-9]*/stat; do
	set -- $(cat "$st" 2>/dev/null)
	[ "${2:-}" = "(lkvm-net-user)" ] && [ "${4:-}" = "$pid" ] && helper=$1
done
[ -n "$helper" ] || fail "no lkvm-net-user process with lkvm ($pid) as its parent; lkvm: $(tail -n 3 "$WORK/vm.err")"
grep -q '^Seccomp:[[:space:]]*2' "/proc/$helper/status" ||
	fail "lkvm-net-user ($helper) is not in seccomp filter mode: $(grep Seccomp "/proc/$helper/status" 2>&1); lkvm: $(tail -n 3 "$WORK/vm.err")"
ok "lkvm-net-user ($helper), lkvm's child, runs under its seccomp filter"

got=$(echo | nc -w 10 127.0.0.1 "$FWD" 2>&1)
[ "$got" = lkvm-net-fwd-ok ] || fail "host 127.0.0.1:$FWD (hostfwd to the guest's 8080) answered '$got'"
ok "host -> guest through hostfwd=tcp:$FWD:8080: '$got'"

net_guest_done
case "$parts" in *xfer*) xfer_check; xfer_joined ;; esac
[ "$cpus" = 1 ] || grep -q "GUEST-CHECK net PASS.* mq=$cpus" "$WORK/vm.out" ||
	fail "the guest's eth0 does not use $cpus queue pairs: $(grep 'GUEST-CHECK net' "$WORK/vm.out")"
wait_gone 10 "$helper" || fail "lkvm-net-user ($helper) outlived lkvm"
ok "lkvm-net-user left with lkvm"

# An lkvm with no lkvm-net-user beside it (nor installed) says what to do.
cp "$VMM" "$WORK/lone-lkvm" || fail "cannot copy $VMM"
"$WORK/lone-lkvm" run -k "$KERNEL" -c 1 -m 64 -n mode=user >"$WORK/lone.out" 2>&1
rc=$?
[ "$rc" -ge 1 ] && [ "$rc" -le 127 ] && grep -q 'needs lkvm-net-user.*mode=none' "$WORK/lone.out" ||
	fail "lkvm without its helper: exit $rc, '$(head -n 2 "$WORK/lone.out")'"
ok "lkvm without lkvm-net-user: exit $rc, '$(grep -o 'needs lkvm-net-user.*' "$WORK/lone.out")'"
# The NIC no option asked for: the guest runs without it, with a warning.
"$WORK/lone-lkvm" run -k "$GUEST_TESTS/hello.bin" -c 1 -m 64 --test-device >"$WORK/lone.out" 2>&1
rc=$?
[ "$rc" = 0 ] && grep -q 'warning: no network for the guest: .*needs lkvm-net-user' "$WORK/lone.out" ||
	fail "lkvm without its helper, no -n: exit $rc, '$(head -n 2 "$WORK/lone.out")'"
ok "lkvm without lkvm-net-user, no -n: the guest ran (exit 0), '$(grep -o 'warning: no network.*lkvm-net-user' "$WORK/lone.out")'"
grep -q "$name type 1: $addr" "$WORK/dns.out" || fail "st-dns saw no A query: $(cat "$WORK/dns.out")"
ok "the host's resolver answered the guest's query ($(grep -c "$name" "$WORK/dns.out") queries)"
