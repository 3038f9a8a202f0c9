#!/bin/sh
# --vsock CID: virtio-vsock with the host kernel's vhost-vsock carrying
# the data. Usage: ctl-vsock.sh IRQCHIP TRANSPORT [full]
#
# A guest (the disk tests' root, init=/vsock-guest.sh) reads its CID
# from the device, connects to the host (CID 2) and gets its bytes
# echoed, then echoes what the host sends it (the host connects to the
# guest's CID): both directions, checked byte for byte by vsock-echo.
# With "full", the first guest's driver also resets the device and
# takes it again (unbind, bind) and echoes once more; a second VM with another CID runs beside the first and
# does the same, and a third asking for a CID in use is refused, saying
# so, within 2 s and leaving the others running; before them, lkvm
# refuses --vsock without the vhost_vsock module and for a user who may
# not open its node, within 1 s and saying what to do.
#
# With "snap" (docs/snapshot.md, "virtio-vsock"), the guest echoes
# through the host, then holds a connection to the host's echo server
# open. A snapshot without --stop leaves it open and the VM running;
# then a snapshot with --stop, restored while another VM has the CID
# (the host's), is refused; restored under another name: the
# guest's held connection ends, reset (the driver told of the
# transport's reset), a new guest->host echo works, and so do the
# host->guest echo and the rest as above.
#
# With "bench", the guest also times 1000 round trips of 64 bytes to the
# host's echo server, under lkvm and then under kvmtool (KVMTOOL, else
# the one next to VMM) with the same guest, CID, irqchip and transport:
# both must pass; the figures are printed.
#
# The scenario's args name @DISKINITRD@ and @ROOTFS@ so that the
# harness packs them; they arrive here as DISK_INITRD and ROOTFS.
. "$(dirname "$0")/st-common.sh"
IRQCHIP=$1 TRANSPORT=$2 FULL=${3:-}
E=$here/vsock-echo
[ -x "$E" ] || fail "$E missing (scripts/mk-host-initramfs.sh builds it)"
[ -r "${ROOTFS:-}" ] && [ -r "${DISK_INITRD:-}" ] ||
	fail "ROOTFS and DISK_INITRD are needed (the disk tests' images)"
pids=
trap 'for p in $pids; do kill -9 "$p" 2>/dev/null; done' EXIT

if [ "$FULL" = full ]; then
	# Without the module first: an earlier run in this host may have
	# loaded it, and nothing uses it between scenarios.
	rmmod vhost_vsock 2>/dev/null
	[ ! -e /dev/vhost-vsock ] || fail "/dev/vhost-vsock still there after rmmod vhost_vsock"
	refused no-module "/dev/vhost-vsock is missing.*load the vhost_vsock module: modprobe vhost_vsock" \
		-k "$KERNEL" -c 1 -m 128 --vsock 3
fi
host_modules vhost-vsock
[ -c /dev/vhost-vsock ] || fail "/dev/vhost-vsock missing after loading vhost_vsock"
ok "vhost_vsock loaded"
if [ "$FULL" = full ]; then
	chmod 600 /dev/vhost-vsock
	refused no-permission "/dev/vhost-vsock: Permission denied; run lkvm as a user who may open it" \
		@NOBODY@ -k "$KERNEL" -c 1 -m 128 --vsock 3
fi

"$E" listen 5000 0 >"$WORK/host-listen.out" 2>&1 &
pids="$pids $!"

# start_vm <name> <cid> <guest port> [guest parameters]; VM_VMM may
# name another VMM (kvmtool).
start_vm() {
	gunzip -c "$ROOTFS" >"$WORK/$1.img" 2>/dev/null || cp "$ROOTFS" "$WORK/$1.img"
	"${VM_VMM:-$VMM}" run -k "$KERNEL" -i "$DISK_INITRD" -d "$WORK/$1.img" -c 1 -m 256 \
		--irqchip="$IRQCHIP" --virtio-transport="$TRANSPORT" --vsock "$2" ${VM_ARGS:-} \
		-p "quiet panic=-1 root=/dev/vda rw lkvm.modules=vsock init=/vsock-guest.sh lkvm.vsock_port=$3 lkvm.vsock_host_port=5000 ${4:-}" \
		</dev/null >"$WORK/$1.console" 2>"$WORK/$1.err" &
	pids="$pids $!"
	eval "pid_$1=$!"
	echo "${4:-}" >"$WORK/$1.cmdline"
	basename "${VM_VMM:-$VMM}" >"$WORK/$1.vmm"
}

# talk <name> <cid> <guest port>: guest->host and host->guest.
talk() {
	pid=$(eval echo "\$pid_$1")
	wait_for 150 grep -q GUEST-VSOCK-LISTENING "$WORK/$1.console" ||
		fail "$1: the guest never listened: $(tail -n 5 "$WORK/$1.console" | tr '\n' ' ') $(cat "$WORK/$1.err")"
	grep -q "GUEST-VSOCK cid=$2[^0-9]*$" "$WORK/$1.console" ||
		fail "$1: the guest's CID is not $2: $(grep GUEST-VSOCK "$WORK/$1.console" | tr '\n' ' ')"
	ok "$1: the guest reads CID $2 from the device and listens"
	wait_for 30 grep -q GUEST-VSOCK-G2H "$WORK/$1.console" ||
		fail "$1: no guest->host result"
	grep -q "GUEST-VSOCK-G2H OK guest-$2-to-host-" "$WORK/$1.console" ||
		fail "$1: guest->host: $(grep GUEST-VSOCK-G2H "$WORK/$1.console")"
	ok "$1: guest->host echo (CID $2 to CID 2)"
	if grep -q lkvm.vsock_reset=1 "$WORK/$1.cmdline" 2>/dev/null; then
		grep -q "GUEST-VSOCK-RESET OK" "$WORK/$1.console" ||
			fail "$1: reset: $(grep GUEST-VSOCK-RESET "$WORK/$1.console")"
		ok "$1: the driver reset the device and took it again; another echo came back"
	fi
	msg="host-to-$1-$(cat /proc/sys/kernel/random/uuid)-$(head -c 3000 /dev/zero | tr '\0' x)"
	reply=$("$E" connect "$2" "$3" "$msg" 2>"$WORK/$1.h2g.err") ||
		fail "$1: host->guest: $(cat "$WORK/$1.h2g.err")"
	[ "$reply" = "$msg" ] || fail "$1: host->guest: the reply differs"
	ok "$1: host->guest echo of ${#msg} bytes (CID 2 to CID $2)"
}

# finish <name>: the guest powers off; lkvm exits 0.
finish() {
	pid=$(eval echo "\$pid_$1")
	wait_for 30 grep -q GUEST-VSOCK-IRQ "$WORK/$1.console" ||
		fail "$1: the guest did not finish"
	# The line may be on its way still: read it once lkvm is gone.
	wait_gone 30 "$pid" || fail "$1: lkvm still runs after the guest's poweroff"
	grep -q "GUEST-VSOCK-H2G-SERVED rc=0" "$WORK/$1.console" ||
		fail "$1: the guest's echo server: $(grep GUEST-VSOCK-H2G "$WORK/$1.console")"
	irq=$(sed -n 's/^GUEST-VSOCK-IRQ //p' "$WORK/$1.console" | tr -d '\r')
	# Interrupts counted on the device's lines: vhost's calls got through.
	echo "$irq" | awk -F'|' '{ for (i = 1; i <= NF; i++) { split($i, f, " ");
		if (f[2] + 0 > 0) n++ } } END { exit n == 0 }' ||
		fail "$1: no interrupt counted for the device: $irq"
	case "$IRQCHIP:$TRANSPORT" in
	gicv3-its:pci)	echo "$irq" | grep -q ITS-MSI || fail "$1: not MSIs through the ITS: $irq" ;;
	*:pci)		;;
	*)		echo "$irq" | grep -q MSI && fail "$1: an MSI on virtio-mmio: $irq" ;;
	esac
	ok "$1: interrupts: $irq"
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] || fail "$1: lkvm exited $rc: $(cat "$WORK/$1.err")"
	ok "$1: powered off, $(cat "$WORK/$1.vmm") exit 0"
}

if [ "$FULL" = full ]; then
	start_vm a 3 1234 lkvm.vsock_reset=1
	start_vm b 4 1235
	pid=$pid_a
	wait_for 60 grep -q "GUEST-VSOCK cid" "$WORK/a.console" ||
		fail "a: the guest did not come up: $(cat "$WORK/a.err")"
	t0=$(now_cs)
	"$VMM" run -k "$KERNEL" -i "$DISK_INITRD" -c 1 -m 128 --vsock 3 \
		</dev/null >/dev/null 2>"$WORK/dup.err"
	rc=$?
	cs=$(($(now_cs) - t0))
	[ "$rc" -ge 1 ] && [ "$rc" -le 127 ] &&
		grep -q "CID 3 is in use by another VM; pick another" "$WORK/dup.err" ||
		fail "the same CID twice: exit $rc, $(cat "$WORK/dup.err")"
	[ "$cs" -le 200 ] || fail "the same CID twice: refused after $cs cs"
	ok "CID 3 again refused: exit $rc in $cs cs: $(cat "$WORK/dup.err")"
	talk a 3 1234
	talk b 4 1235
	finish a
	finish b
elif [ "$FULL" = bench ]; then
	# rr <name>: the guest's figure, "N round trips, U us each".
	rr() {
		wait_for 60 grep -q GUEST-VSOCK-RR "$WORK/$1.console" ||
			fail "$1: no round-trip figure"
		fig=$(sed -n 's/^GUEST-VSOCK-RR //p' "$WORK/$1.console" | tr -d '\r')
		case "$fig" in
		"1000 round trips, "*) ;;
		*) fail "$1: round trips: $fig" ;;
		esac
	}
	start_vm lk 3 1234 lkvm.vsock_rr=1000
	talk lk 3 1234
	rr lk
	ok "lkvm: $fig"
	finish lk
	KVMTOOL=${KVMTOOL:-$(dirname "$VMM")/kvmtool}
	[ -x "$KVMTOOL" ] || fail "kvmtool '$KVMTOOL' missing"
	export HOME="$WORK/home"	# kvmtool's sockets
	VM_VMM=$KVMTOOL start_vm kt 3 1234 lkvm.vsock_rr=1000
	talk kt 3 1234
	rr kt
	ok "kvmtool: $fig"
	finish kt
elif [ "$FULL" = snap ]; then
	vm_listed() { "$VMM" list 2>/dev/null | grep -q "$1"; }
	VM_ARGS="--name vsnap-a" start_vm a 3 1234 lkvm.vsock_snap=1
	pid=$pid_a
	wait_for 150 grep -q GUEST-VSOCK-HELD "$WORK/a.console" ||
		fail "a: the guest never held its connection: $(tail -n 5 "$WORK/a.console" | tr '\n' ' ') $(cat "$WORK/a.err")"
	grep -q "GUEST-VSOCK-G2H OK" "$WORK/a.console" ||
		fail "a: guest->host: $(grep GUEST-VSOCK-G2H "$WORK/a.console")"
	ok "a: guest->host echo, then a connection to the host held open"
	"$VMM" snapshot -n vsnap-a "$WORK/run.snap" >"$WORK/run.msg" 2>&1 &&
		grep -q "snapshot written.*running" "$WORK/run.msg" ||
		fail "snapshot of the running vsock VM: '$(cat "$WORK/run.msg")'"
	sleep 2
	! grep -q GUEST-VSOCK-HOLD-ENDED "$WORK/a.console" ||
		fail "a: the held connection ended after a snapshot without --stop: $(grep HOLD-ENDED "$WORK/a.console")"
	ok "snapshot without --stop: '$(cat "$WORK/run.msg")'; the held connection stays open"
	rm -f "$WORK/run.snap"
	snapshot_stop vsnap-a "$WORK/vsock.snap" "$pid_a" "$WORK/a.err"
	pid=
	! grep -q GUEST-VSOCK-HOLD-ENDED "$WORK/a.console" ||
		fail "a: the held connection ended before the restore"
	ok "snapshotted with --stop: $(cat "$WORK/vsnap-a.msg")"
	# The CID is the host's: while another VM has it, the restore is refused.
	"$VMM" run -k "$KERNEL" -c 1 -m 128 --vsock 3 --name vsnap-c \
		</dev/null >/dev/null 2>"$WORK/c.err" &
	pid_c=$!
	pids="$pids $pid_c"
	wait_for 30 vm_listed vsnap-c || fail "the VM with CID 3 did not start: $(cat "$WORK/c.err")"
	"$VMM" run --restore "$WORK/vsock.snap" --name vsnap-x </dev/null >/dev/null 2>"$WORK/x.err"
	rc=$?
	[ "$rc" -ge 1 ] && [ "$rc" -le 127 ] &&
		grep -q "CID 3 is in use by another VM" "$WORK/x.err" ||
		fail "restore while another VM has CID 3: exit $rc, '$(cat "$WORK/x.err")'"
	ok "its restore while another VM has CID 3 refused: exit $rc, '$(cat "$WORK/x.err")'"
	kill "$pid_c"
	wait_gone 30 "$pid_c" || fail "the VM with CID 3 did not stop"
	t0=$(now_cs)
	"$VMM" run --restore "$WORK/vsock.snap" --name vsnap-b -v </dev/null \
		>"$WORK/b.console" 2>"$WORK/b.err" &
	pid_b=$! pid=$!
	pids="$pids $pid_b"
	echo lkvm >"$WORK/b.vmm"
	: >"$WORK/b.cmdline"
	wait_for 60 grep -q "restored from" "$WORK/b.err" || fail "b: no restore: $(cat "$WORK/b.err")"
	setup=$(($(now_cs) - t0))
	wait_for 30 grep -q GUEST-VSOCK-HOLD-ENDED "$WORK/b.console" ||
		fail "b: the connection held across the snapshot never ended: $(tail -n 3 "$WORK/b.console" | tr '\n' ' ')"
	grep -q "GUEST-VSOCK-HOLD-ENDED held ended: Connection reset by peer" "$WORK/b.console" ||
		fail "b: the held connection: $(grep HOLD-ENDED "$WORK/b.console")"
	ok "b: restored (set-up $(secs "$setup") s); the connection held across the snapshot ended: $(grep HOLD-ENDED "$WORK/b.console" | tr -d '\r')"
	wait_for 30 grep -q GUEST-VSOCK-AFTER "$WORK/b.console" || fail "b: no echo after the restore"
	grep -q "GUEST-VSOCK-AFTER OK after-guest-3-to-host-" "$WORK/b.console" ||
		fail "b: guest->host after the restore: $(grep GUEST-VSOCK-AFTER "$WORK/b.console")"
	ok "b: a new guest->host echo after the restore"
	wait_for 30 grep -q GUEST-VSOCK-LISTENING "$WORK/b.console" || fail "b: the guest never listened"
	msg="host-to-b-$(cat /proc/sys/kernel/random/uuid)"
	reply=$("$E" connect 3 1234 "$msg" 2>"$WORK/b.h2g.err") ||
		fail "b: host->guest: $(cat "$WORK/b.h2g.err")"
	[ "$reply" = "$msg" ] || fail "b: host->guest: the reply differs"
	ok "b: host->guest echo after the restore"
	finish b
else
	start_vm a 3 1234
	talk a 3 1234
	finish a
fi
