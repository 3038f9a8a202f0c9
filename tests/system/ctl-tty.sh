#!/bin/sh
# --tty 1: the guest's second 8250 on a host pseudo-terminal. lkvm names
# the pty as kvmtool does ("Info: Assigned terminal 1 to pty ..."); a
# line the guest writes to /dev/ttyS1 arrives on it, and a line written
# to it reaches the guest's /dev/ttyS1. The guest also finds all four of
# kvmtool's 8250s (guest-init.sh: lkvm.serials=4, lkvm.tty_echo=ttyS1).
. "$(dirname "$0")/st-common.sh"

"$VMM" run -k "$KERNEL" -i "$GUEST_INITRD" -c 1 -m 256 --tty 1 \
	-p "console=ttyS0 quiet panic=-1 lkvm.input=0 lkvm.serials=4 lkvm.tty_echo=ttyS1" \
	</dev/null >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 20 grep -q "Assigned terminal 1 to pty" "$WORK/vm.err" ||
	fail "no 'Assigned terminal 1 to pty' line: $(tail -n 2 "$WORK/vm.err")"
pts=$(sed -n 's/^ *Info: Assigned terminal 1 to pty \(.*\)$/\1/p' "$WORK/vm.err" | tr -d '\r')
[ -c "$pts" ] || fail "'$pts' is not a terminal"
ok "lkvm: $(grep 'Assigned terminal' "$WORK/vm.err")"

# The host's end: raw, no echo (an echo would feed the guest its own words).
exec 4<>"$pts"
stty raw -echo <&4 || fail "stty on $pts failed"
cat <&4 >"$WORK/pty.out" &
cpid=$!
wait_for 120 grep -q GUEST-TTY-READY "$WORK/vm.out" ||
	fail "the guest never got to its tty check: $(tr -d '\r' <"$WORK/vm.out" | tail -n 3)"
wait_for 10 grep -q GUEST-TTY-HELLO "$WORK/pty.out" ||
	fail "the guest's line on /dev/ttyS1 never reached $pts (got '$(cat "$WORK/pty.out")')"
ok "the guest's line reached $pts"

want="lkvm-tty-$$"
printf '%s\n' "$want" >&4
wait_for 30 grep -q "GUEST-TTY-GOT" "$WORK/vm.out" ||
	fail "nothing came back from the guest's /dev/ttyS1: $(tr -d '\r' <"$WORK/vm.out" | tail -n 3)"
got=$(tr -d '\r' <"$WORK/vm.out" | sed -n 's/^GUEST-TTY-GOT //p' | head -n 1)
[ "$got" = "$want" ] || fail "typed '$want' on $pts, the guest read '$got'"
ok "a line typed on $pts reached the guest's /dev/ttyS1"

wait_for 60 grep -q GUEST-DONE "$WORK/vm.out" || fail "no GUEST-DONE"
kill "$cpid" 2>/dev/null
exec 4>&-
wait "$pid"
rc=$?
pid=
tr -d '\r' <"$WORK/vm.out" >"$WORK/console"
grep -q 'GUEST-CHECK .* FAIL' "$WORK/console" &&
	fail "$(grep 'GUEST-CHECK .* FAIL' "$WORK/console" | head -n 2)"
[ "$rc" = 0 ] || fail "exit status $rc: $(tail -n 2 "$WORK/vm.err")"
ok "guest done, exit 0: $(grep 'GUEST-CHECK serials' "$WORK/console")"
