#!/bin/sh
# Control-socket clients that connect and send nothing never block
# lkvm: with one of them connected, "lkvm list", "lkvm stat" and "lkvm
# irq" answer within 1 s and lkvm drops the silent one after its 2 s;
# with more of them than lkvm serves at once, the oldest give way, so
# "lkvm list" still answers within 1 s and "lkvm stop" still stops the
# guest. The guest is the hostirq test guest, idle in WFI.
. "$(dirname "$0")/st-common.sh"

name=res-silent
sock=$LKVM_HOME/$name.sock

# answer <command...>: a control command that must succeed within 1 s;
# adds its time to $t.
answer() {
	"$H" within 1000 "$VMM" "$@" >"$WORK/cmd.out" 2>"$WORK/cmd.err" ||
		fail "lkvm $* not answered within 1 s with silent clients: $(cat "$WORK/cmd.err")"
	t="$t${t:+, }$1 $(sed -n 's/^within: \([0-9]*\) ms/\1/p' "$WORK/cmd.err") ms"
}

# silent <count> <seconds> <tag>: connect count clients that say nothing.
silent() {
	"$H" silent "$sock" "$2" "$1" >"$WORK/$3.out" 2>&1 &
	spid=$!
	wait_for 5 grep -q connected "$WORK/$3.out" || fail "silent clients: $(cat "$WORK/$3.out")"
}

"$VMM" run -k "$GUEST_TESTS/hostirq.bin" -c 1 -m 64 --test-device --name "$name" \
	-p "hostirq.timeout-us=300000000" </dev/null >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 20 grep -q HOSTIRQ-PULSE "$WORK/vm.out" || fail "guest not ready: $(tail -n 2 "$WORK/vm.err")"
ok "guest ready"

silent 1 4 one
t=
answer list
grep -Eq " $name +running$" "$WORK/cmd.out" || fail "list does not show $name with a silent client"
answer stat -n "$name"
answer irq -n "$name" --spi 4 --level pulse
ok "one silent client: $t"
wait "$spid"
dropped=$(sed -n 's/^silent: 0 closed by the server after \([0-9]*\) ms.*/\1/p' "$WORK/one.out")
[ -n "$dropped" ] && [ "$dropped" -le 3000 ] || fail "silent client not dropped: $(cat "$WORK/one.out")"
ok "lkvm dropped the silent client after $dropped ms"

silent 8 4 many
t=
answer list
grep -Eq " $name +running$" "$WORK/cmd.out" ||
	fail "list does not show $name with 8 silent clients: $(cat "$WORK/cmd.err")"
t0=$(now_cs)
answer stop -n "$name"
wait_gone 5 "$pid" || fail "lkvm still running 5 s after lkvm stop"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "exit status $rc after lkvm stop"
[ -e "$sock" ] && fail "control socket left behind"
ok "8 silent clients: $t; exit 0 in $(secs $(($(now_cs) - t0))) s"
kill "$spid" 2>/dev/null
wait "$spid"
