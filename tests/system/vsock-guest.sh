#!/bin/sh
# init=/vsock-guest.sh of the vsock scenario (ctl-vsock.sh), in the disk
# tests' root file system (scripts/mk-rootfs.sh); the disk initramfs has
# loaded the guest's vsock modules (lkvm.modules=vsock). It prints:
#
#   GUEST-VSOCK cid=N                  the CID the device's config gave
#   GUEST-VSOCK-LISTENING port=P       its echo server waits (host->guest)
#   GUEST-VSOCK-G2H OK|FAIL <reply>    it sent a line to the host (CID 2,
#                                      lkvm.vsock_host_port) and got it back
#   GUEST-VSOCK-H2G-SERVED rc=N        the host's connection was echoed
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
for w in $(cat /proc/cmdline); do
	case "$w" in
	lkvm.vsock_port=*)	port=${w#*=} ;;
	lkvm.vsock_host_port=*)	host_port=${w#*=} ;;
	esac
done

cid=$(vsock-echo cid)
echo "GUEST-VSOCK cid=$cid"
vsock-echo listen "$port" 1 >/tmp/listen.out 2>&1 &
lpid=$!
i=0
until grep -q listening /tmp/listen.out 2>/dev/null || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "GUEST-VSOCK-LISTENING port=$port"

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

wait "$lpid"
echo "GUEST-VSOCK-H2G-SERVED rc=$? $(cat /tmp/listen.out | tr '\n' ' ')"
sync
poweroff -f
