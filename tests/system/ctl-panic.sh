#!/bin/sh
# A guest kernel panic ends lkvm within seconds, with exit status 4 and
# one "guest kernel panicked: <reason>" line on stderr, on Debian's
# kernel (no pvpanic driver): lkvm finds the panic on the guest's
# console (docs/usage.md, "A guest kernel panic"). One case per run:
#
#   root-spin   no initramfs and no root: "VFS: Unable to mount root fs";
#               no panic=, so the kernel spins after its closing line
#   root-reset  the same with panic=-1: the kernel resets at once
#   root-wait   panic=60: the kernel waits to reboot; lkvm stops it after
#               its grace period, and lkvm list shows it "panicked" meanwhile
#   sysrq       the guest's init writes c to /proc/sysrq-trigger
#   hvc         --console virtio: the root's init (busybox, no applet)
#               exits, and the panic reaches lkvm through hvc0 alone
#   off         LKVM_NO_PANIC_WATCH=1: kvmtool's behaviour; a panic=-1
#               reset exits 0, and a spinning guest runs until lkvm stop
#
# "within" is measured from the moment the panic line is on lkvm's
# standard output (polled every 50 ms) to lkvm's exit.
. "$(dirname "$0")/st-common.sh"

case=${1:?usage: ctl-panic.sh root-spin|root-reset|root-wait|sysrq|hvc|off}
name=panic-$case
# The runner shows the end of these two when the scenario fails.
out=$WORK/console
err=$WORK/stderr

# vm <lkvm run arguments...>: starts the guest, 1 vCPU, on a pipe.
vm() {
	"$VMM" run -c 1 -m 256 --name "$name" --loglevel=debug "$@" </dev/null >"$out" 2>"$err" &
	pid=$!
	t0=$(now_cs)
}

# panic_line <seconds>: the guest's panic line is on the console; sets tp.
panic_line() {
	wait_for "$1" grep -q 'Kernel panic - not syncing' "$out" ||
		fail "no panic line within $1 s: $(tail -n 2 "$out" | tr '\r\n' '  ') $(tail -n 1 "$err")"
	tp=$(now_cs)
	ok "panic line on the console $(secs $((tp - t0))) s after the start"
}

# Where each of lkvm's threads is, for a run that does not end: its
# state, wait channel, system call, and the user, system and guest time
# (clock ticks) it took in the last second.
threads() {
	for t in /proc/"$pid"/task/*; do
		set -- $(awk '{ print $14, $15, $43 }' "$t/stat")
		eval "u0_${t##*/}=$1 s0_${t##*/}=$2 g0_${t##*/}=$3"
	done
	sleep 1
	for t in /proc/"$pid"/task/*; do
		set -- $(awk '{ print $14, $15, $43 }' "$t/stat")
		eval "du=\$((\$1 - u0_${t##*/})) ds=\$((\$2 - s0_${t##*/})) dg=\$((\$3 - g0_${t##*/}))"
		echo "thread ${t##*/} $(cat "$t/comm") state $(awk '{ print $3 }' "$t/stat")" \
			"wchan $(cat "$t/wchan" 2>/dev/null) syscall $(cut -d' ' -f1 "$t/syscall" 2>/dev/null)" \
			"user+$du sys+$ds guest+$dg"
	done
}

# ends <max s> <status>: lkvm exits with status within max s of the panic line.
ends() {
	if ! wait_gone "$1" "$pid"; then
		threads >>"$err"
		fail "lkvm still running $1 s after the panic line: $(tail -n 1 "$out" | tr -d '\r')"
	fi
	wait "$pid"
	rc=$?
	pid=
	dt=$(($(now_cs) - tp))
	[ "$dt" -lt 0 ] && dt=0
	[ "$rc" = "$2" ] || fail "exit status $rc, expected $2; stderr: $(tail -n 2 "$err" | tr '\n' ' ')"
}

# reason <regex>: the one line lkvm wrote about the panic names it.
reason() {
	lines=$(grep -c 'guest kernel panicked' "$err")
	[ "$lines" = 1 ] || fail "$lines 'guest kernel panicked' lines on stderr, expected 1: $(cat "$err")"
	grep -Eq "^lkvm: error: guest kernel panicked: $1" "$err" ||
		fail "stderr does not name the panic '$1': $(cat "$err")"
}

expect_panic() {	# expect_panic <max s> <reason regex>
	ends "$1" 4
	reason "$2"
	ok "exit 4 $(secs "$dt") s after the panic line: $(grep 'guest kernel panicked' "$err")"
}

case $case in
root-spin)
	vm -k "$KERNEL" -p "quiet"
	panic_line 120
	expect_panic 6 "VFS: Unable to mount root fs"
	grep -q 'end Kernel panic - not syncing' "$out" ||
		fail "the kernel's closing line is not on the console"
	ok "the console has the kernel's closing line"
	;;
root-reset)
	vm -k "$KERNEL" -p "quiet panic=-1"
	panic_line 120
	expect_panic 6 "VFS: Unable to mount root fs"
	;;
root-wait)
	vm -k "$KERNEL" -p "quiet panic=60"
	panic_line 120
	"$H" within 1000 "$VMM" list >"$WORK/list.out" 2>"$WORK/list.err" ||
		fail "lkvm list did not answer within 1 s: $(cat "$WORK/list.err")"
	grep -Eq " $name +panicked$" "$WORK/list.out" ||
		fail "lkvm list does not show the guest panicked: $(tail -n 1 "$WORK/list.out")"
	ok "lkvm list: $(grep " $name " "$WORK/list.out" | tr -s ' ')"
	expect_panic 10 "VFS: Unable to mount root fs"
	[ "$dt" -ge 150 ] || fail "stopped $(secs "$dt") s after the panic line: no grace period"
	grep -q 'Rebooting in 60 seconds' "$out" ||
		fail "the guest's last words are not on the console: $(tail -n 1 "$out")"
	ok "the guest had its grace period; its last line reached the console"
	;;
sysrq)
	vm -k "$KERNEL" -i "$GUEST_INITRD" -p "quiet lkvm.crash=sysrq"
	panic_line 120
	expect_panic 6 "sysrq triggered crash"
	if grep -q GUEST-CRASH-FAILED "$out"; then
		fail "the guest says it did not panic"
	fi
	;;
hvc)
	[ -r "${DISK_INITRD:-}" ] && [ -r "${ROOTFS:-}" ] ||
		fail "needs DISK_INITRD and ROOTFS (scripts/system-test.sh sets them)"
	gunzip -c "$ROOTFS" >"$WORK/rootfs.img" || fail "cannot unpack $ROOTFS"
	vm -k "$KERNEL" -i "$DISK_INITRD" -d "$WORK/rootfs.img" --console virtio --virtio-transport=mmio \
		-p "quiet init=/bin/busybox"
	panic_line 150
	expect_panic 8 "Attempted to kill init"
	rm -f "$WORK/rootfs.img"
	;;
off)
	export LKVM_NO_PANIC_WATCH=1
	vm -k "$KERNEL" -p "quiet panic=-1"
	panic_line 120
	ends 10 0
	if grep -q 'guest kernel panicked' "$err"; then
		fail "a panic reported with the watch off: $(cat "$err")"
	fi
	ok "watch off, panic=-1: the reset ends lkvm with 0, no panic reported"
	vm -k "$KERNEL" -p "quiet"
	panic_line 120
	wait_for 10 grep -q 'end Kernel panic' "$out" || fail "no closing line"
	sleep 6
	alive "$pid" || fail "lkvm ended by itself with the watch off"
	"$H" within 1000 "$VMM" list >"$WORK/list.out" 2>"$WORK/list.err"
	grep -Eq " $name +running$" "$WORK/list.out" ||
		fail "lkvm list does not show it running: $(tail -n 1 "$WORK/list.out")"
	"$VMM" stop -n "$name" >/dev/null || fail "lkvm stop failed"
	tp=$(now_cs)
	ends 5 0
	ok "watch off, no panic=: still running 6 s after the panic; lkvm stop ends it with 0"
	;;
*)
	fail "unknown case '$case'"
	;;
esac
# The steps, with their times, where a verbose run shows them.
sed 's/^/ctl-panic: /' "$WORK/stdout" >>"$err" 2>/dev/null
exit 0
