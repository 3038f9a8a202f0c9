#!/bin/sh
# lkvm list, pause, resume, irq and stop against live guests, and their
# errors: a name clash, a missing VM, a stale socket, bad lines and
# levels; SIGTERM and SIGKILL. Run by run-vm-scenarios.sh ("script"
# scenarios) with VMM, KERNEL, GUEST_INITRD and WORK set; prints one
# "ok N what" line per step and exits non-zero at the first failure.
set -u
export LKVM_HOME="$WORK/home"
mkdir -p "$LKVM_HOME"
n=0
pid=

ok() { n=$((n + 1)); echo "ok $n $*"; }
# Uptime in centiseconds (busybox date has no %N).
now_cs() { awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }
fail() {
	echo "FAIL: $*"
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	exit 1
}

# wait_for <seconds> <command...>: poll until the command succeeds.
wait_for() {
	t=$(($1 * 10))
	shift
	while ! "$@" 2>/dev/null; do
		t=$((t - 1))
		[ "$t" -gt 0 ] || return 1
		[ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
}

# A Linux guest that sits waiting for a console line: a live VM to drive.
mkfifo "$WORK/in"
exec 3<>"$WORK/in"
"$VMM" run -k "$KERNEL" -i "$GUEST_INITRD" -c 1 -m 256 --name ctl1 --test-device \
	-p "console=ttyS0 quiet lkvm.input_timeout=300" <"$WORK/in" >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 200 grep -q GUEST-READY-FOR-INPUT "$WORK/vm.out" ||
	fail "guest not ready: $(tail -n 2 "$WORK/vm.err")"
ok guest ready

"$VMM" list | grep -Eq " ctl1 +running$" || fail "list: $("$VMM" list | tail -n 1)"
ok list shows ctl1 running
"$VMM" pause -n ctl1 >/dev/null || fail "pause"
"$VMM" list | grep -Eq " ctl1 +paused$" || fail "not paused"
ok pause
"$VMM" resume -n ctl1 >/dev/null || fail "resume"
"$VMM" list | grep -Eq " ctl1 +running$" || fail "not running after resume"
ok resume

# A bad-input row (docs/errors.md): refused within 1 s, saying what to do.
t0=$(now_cs)
"$VMM" run -k "$KERNEL" -i "$GUEST_INITRD" -c 1 -m 256 --name ctl1 </dev/null >/dev/null 2>"$WORK/clash.err"
rc=$?
cs=$(($(now_cs) - t0))
[ "$rc" -ge 1 ] && [ "$rc" -lt 128 ] && grep -q "already running.*choose another --name" "$WORK/clash.err" ||
	fail "name clash: exit $rc, $(cat "$WORK/clash.err")"
[ "$cs" -le 100 ] || fail "name clash took $cs cs, more than 1 s"
ok name clash refused: exit $rc in $cs cs

# The UART has SPI 0; the test device's four lines follow it.
"$VMM" irq -n ctl1 --spi 1 --level pulse || fail "irq pulse on SPI 1"
"$VMM" irq -n ctl1 --spi 4 --level 1 || fail "irq raise on SPI 4"
"$VMM" irq -n ctl1 --spi 4 --level 0 || fail "irq lower on SPI 4"
ok irq on test-device lines
"$VMM" irq -n ctl1 --spi 0 --level 1 2>"$WORK/irq.err" && fail "irq on the UART's SPI accepted"
grep -q "not a test-device line" "$WORK/irq.err" || fail "irq bad line: $(cat "$WORK/irq.err")"
ok irq on a foreign line refused
"$VMM" irq -n ctl1 --spi 1 --level 2 2>"$WORK/irq2.err"
[ $? = 2 ] && grep -q "not a level" "$WORK/irq2.err" || fail "irq bad level: $(cat "$WORK/irq2.err")"
ok irq bad level refused
"$VMM" stop -n nosuch 2>"$WORK/nosuch.err" && fail "stop of a missing VM succeeded"
grep -q "no VM named 'nosuch'" "$WORK/nosuch.err" || fail "missing VM: $(cat "$WORK/nosuch.err")"
ok missing VM named

"$VMM" stop -n ctl1 >/dev/null || fail "stop"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "exit status $rc after lkvm stop"
[ -e "$LKVM_HOME/ctl1.sock" ] && fail "socket left behind after stop"
ok stop: exit 0, socket removed

# A raw binary that spins ("b ."): a guest that never ends by itself.
printf '\000\000\000\024' >"$WORK/spin.bin"
"$VMM" run -k "$WORK/spin.bin" -c 1 -m 16 --name ctl2 </dev/null >/dev/null 2>"$WORK/vm2.err" &
pid=$!
wait_for 30 test -S "$LKVM_HOME/ctl2.sock" || fail "no socket for ctl2: $(cat "$WORK/vm2.err")"
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 143 ] || fail "exit status $rc after SIGTERM, expected 143"
[ -e "$LKVM_HOME/ctl2.sock" ] && fail "socket left behind after SIGTERM"
ok SIGTERM: clean stop, exit 143, socket removed

"$VMM" run -k "$WORK/spin.bin" -c 1 -m 16 --name ctl3 </dev/null >/dev/null 2>"$WORK/vm3.err" &
pid=$!
wait_for 30 test -S "$LKVM_HOME/ctl3.sock" || fail "no socket for ctl3"
kill -9 "$pid"
wait "$pid"
pid=
[ -S "$LKVM_HOME/ctl3.sock" ] || fail "SIGKILL left no socket to test with"
# A new VM takes the name over from the dead one.
"$VMM" run -k "$WORK/spin.bin" -c 1 -m 16 --name ctl3 </dev/null >/dev/null 2>"$WORK/vm3b.err" &
pid=$!
wait_for 30 sh -c '"$0" list | grep -Eq " ctl3 +running$"' "$VMM" ||
	fail "a stale socket kept ctl3 from starting: $(cat "$WORK/vm3b.err")"
ok stale socket replaced by a new VM of that name
kill -9 "$pid"
wait "$pid"
pid=
"$VMM" stop -n ctl3 2>"$WORK/stale.err" && fail "stop of a dead VM succeeded"
grep -q "stale socket" "$WORK/stale.err" || fail "stale socket: $(cat "$WORK/stale.err")"
[ -e "$LKVM_HOME/ctl3.sock" ] && fail "stale socket not removed"
ok stale socket named and removed
