#!/bin/sh
# init=/vsock-guest.sh of the vsock scenario (ctl-vsock.sh), in the disk
# tests' root file system (scripts/mk-rootfs.sh); the disk initramfs has
# loaded the guest's vsock modules (lkvm.modules=vsock). It prints:
#
#   GUEST-VSOCK cid=N                  the CID the device's config gave
#   GUEST-VSOCK-LISTENING port=P       its echo server waits (host->guest)
#   GUEST-VSOCK-G2H OK|FAIL <reply>    it sent a line to the host (CID 2,
#                                      lkvm.vsock_host_port) and got it back
#   GUEST-VSOCK-RR <figure>            (lkvm.vsock_rr=N) N round trips of
#                                      64 bytes to the host's echo server
#   GUEST-VSOCK-RESET OK|FAIL <why>    (lkvm.vsock_reset=1) the driver let
#                                      go of the device (a reset) and took
#                                      it again, and a second echo through
#                                      the host came back
#   GUEST-VSOCK-HELD                   (lkvm.vsock_snap=1) a connection
#                                      to the host's echo server is open
#                                      and waits (the runner snapshots the
#                                      VM and restores it)
#   GUEST-VSOCK-HOLD-ENDED <how>       that connection ended (a restored
#                                      VM's driver hears of the transport's
#                                      reset)
#   GUEST-VSOCK-AFTER OK|FAIL <reply>  then a new guest->host echo
#   GUEST-VSOCK-H2G-SERVED rc=N        the host's connection was echoed
#   GUEST-VSOCK-IRQ <lines>            its lines of /proc/interrupts
#
# then powers the VM off. lkvm.vsock_port=P (default 1234) is the port
# it listens on.
PATH=/tmp/bin:/bin:/sbin:/usr/bin:/usr/sbin
export PATH
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
[ -c /dev/null ] || /bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox mount -t tmpfs tmpfs /tmp
/bin/busybox mkdir -p /tmp/bin
/bin/busybox --install -s /tmp/bin
[ -e /proc/self/fd/1 ] || exec </dev/console >/dev/console 2>&1

port=1234
host_port=5000
reset=0
rr=0
snap=0
for w in $(cat /proc/cmdline); do
	case "$w" in
	lkvm.vsock_port=*)	port=${w#*=} ;;
	lkvm.vsock_reset=*)	reset=${w#*=} ;;
	lkvm.vsock_rr=*)	rr=${w#*=} ;;
	lkvm.vsock_snap=*)	snap=${w#*=} ;;
	lkvm.vsock_host_port=*)	host_port=${w#*=} ;;
	esac
done

# said <word> <file>: until a vsock-echo in the background has said
# <word> in its output <file> (it is connected, or listening), 10 s at most.
said() {
	i=0
	until grep -q "$1" "$2" 2>/dev/null || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

cid=$(vsock-echo cid)
echo "GUEST-VSOCK cid=$cid"
msg="guest-$cid-to-host-$(cat /proc/sys/kernel/random/uuid)"
i=0
while :; do
	if reply=$(vsock-echo connect 2 "$host_port" "$msg" 2>/tmp/g2h.err); then
		echo "GUEST-VSOCK-G2H OK $reply"
		break
	fi
	i=$((i + 1))
	if [ $i -ge 20 ]; then
		echo "GUEST-VSOCK-G2H FAIL $(cat /tmp/g2h.err)"
		break
	fi
	sleep 0.5
done

if [ "$snap" = 1 ]; then
	vsock-echo hold 2 "$host_port" >/tmp/hold.out 2>&1 &
	hpid=$!
	said held /tmp/hold.out
	echo "GUEST-VSOCK-HELD"
	wait "$hpid"
	echo "GUEST-VSOCK-HOLD-ENDED $(tr '\n' ' ' </tmp/hold.out)"
	if r3=$(vsock-echo connect 2 "$host_port" "after-$msg" 2>&1); then
		echo "GUEST-VSOCK-AFTER OK $r3"
	else
		echo "GUEST-VSOCK-AFTER FAIL $r3"
	fi
fi

[ "$rr" -gt 0 ] && echo "GUEST-VSOCK-RR $(vsock-echo rr 2 "$host_port" "$rr" 2>&1)"

dev=
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device")" = 0x0013 ] && dev=${d##*/}
done
if [ "$reset" = 1 ]; then
	drv=/sys/bus/virtio/drivers/vmw_vsock_virtio_transport
	why=
	if [ -z "$dev" ]; then
		why="no virtio device 0x0013"
	elif ! echo "$dev" >"$drv/unbind"; then
		why="unbind $dev failed"
	elif ! echo "$dev" >"$drv/bind"; then
		why="bind $dev failed"
	elif ! r2=$(vsock-echo connect 2 "$host_port" "again-$msg" 2>&1); then
		why="echo after the reset: $r2"
	fi
	if [ -z "$why" ]; then
		echo "GUEST-VSOCK-RESET OK $dev $r2"
	else
		echo "GUEST-VSOCK-RESET FAIL $why"
	fi
fi

vsock-echo listen "$port" 1 >/tmp/listen.out 2>&1 &
lpid=$!
said listening /tmp/listen.out
echo "GUEST-VSOCK-LISTENING port=$port"
wait "$lpid"
echo "GUEST-VSOCK-H2G-SERVED rc=$? $(cat /tmp/listen.out | tr '\n' ' ')"
# The device's interrupt lines, their counts and their chip.
echo "GUEST-VSOCK-IRQ $(grep -E "$dev([^0-9]|\$)" /proc/interrupts | tr -s ' ' | tr '\n' '|')"
sync
poweroff -f
