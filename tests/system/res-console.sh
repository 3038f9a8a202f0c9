#!/bin/sh
# Console output that nobody reads, or that goes nowhere, never makes
# lkvm grow, lose bytes or stop answering. The flood guest
# (guest-tests/tests/flood.c) prints numbered lines as fast as the UART
# takes them:
#  - to a pipe nobody reads for a while (4 KiB, smaller than lkvm's
#    buffering): lkvm answers "lkvm list" within 1 s, its RSS does not
#    grow, and once the reader is back every line arrives, in order;
#  - "lkvm stop" while that output is blocked: answered within 1 s,
#    lkvm gone within 5 s;
#  - to a pipe whose reader is gone: the guest runs to its end (its
#    exit status, through the test device);
#  - to a terminal that hangs up: lkvm runs on and stops on request;
#    when it is lkvm's controlling terminal, lkvm stops (SIGHUP, 129);
#  - to the same file as lkvm's own messages: lkvm's power-off line comes
#    after the guest's last line, whole.
. "$(dirname "$0")/st-common.sh"

# 400 lines of 78 bytes: more than the pipe and lkvm's buffer hold, and
# at the UART's ~5 KB/s in the emulated host, HOLD s fill both.
LINES=400
HOLD=5
FLOOD=$GUEST_TESTS/flood.bin

# start <name> <helper options> -- <guest bootargs>: lkvm with the
# flood guest; $pid is the helper, $vpid lkvm.
start() {
	name=$1
	shift
	opts=
	while [ "$1" != -- ]; do
		opts="$opts $1"
		shift
	done
	shift
	"$H" run $opts -o "$WORK/$name.out" -p "$WORK/$name.pid" -s "$WORK/$name.status" \
		-- "$VMM" run -k "$FLOOD" -c 1 -m 64 --test-device --name "$name" -p "$*" \
		</dev/null 2>"$WORK/$name.err" &
	pid=$!
	wait_for 20 test -S "$LKVM_HOME/$name.sock" ||
		fail "$name: no control socket: $(tail -n 2 "$WORK/$name.err")"
	vpid=$(cat "$WORK/$name.pid")
}

rss() { "$H" rss "$vpid" | cut -d' ' -f1; }

# ended <name> <seconds> <expected status>: lkvm exits in time with it.
ended() {
	wait_for "$2" test -s "$WORK/$1.status" ||
		fail "$1: lkvm still running $2 s later"
	[ "$(cat "$WORK/$1.status")" = "exit $3" ] ||
		fail "$1: '$(cat "$WORK/$1.status")', expected 'exit $3': $(tail -n 2 "$WORK/$1.err")"
}

# The lines must be exactly 1..LINES with their payload: nothing lost,
# repeated, reordered or damaged.
check_lines() {
	tr -d '\r' <"$WORK/$1.out" | awk -v want="$LINES" '
		/^FLOOD-LINE / {
			n++
			if ($2 != n || $3 != "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" || NF != 3) {
				printf "line %d reads \"%s\"", n, substr($0, 1, 60)
				exit 1
			}
		}
		/^FLOOD-END / { end = 1 }
		END {
			if (n != want || !end) {
				printf "%d of %d lines%s", n, want, end ? "" : ", no FLOOD-END"
				exit 1
			}
		}'
}

# --- a reader that stalls, then comes back -------------------------------
touch "$WORK/slow.pause"
start res-slow -t pipe -z 4096 -P "$WORK/slow.pause" -- "flood.lines=$LINES flood.exit=7"
r0=$(rss)
sleep "$HOLD"
alive "$vpid" || fail "res-slow: lkvm died with its output blocked"
answers res-slow
r1=$(rss)
[ $((r1 - r0)) -le 1024 ] || fail "res-slow: RSS grew from $r0 to $r1 kB with the output blocked"
ok "output blocked for $HOLD s: lkvm list answered in $ms ms, RSS $r0 -> $r1 kB"
rm "$WORK/slow.pause"
ended res-slow 60 7
why=$(check_lines res-slow) || fail "res-slow: $why"
ok "reader back: all $LINES lines, in order and intact; the guest ended (exit 7)"

# --- lkvm stop while the output is blocked ---------------------------------
touch "$WORK/stop.pause"
start res-stop -t pipe -z 4096 -P "$WORK/stop.pause" -- "flood.lines=0"
sleep "$HOLD"
t0=$(now_cs)
"$H" within 1000 "$VMM" stop -n res-stop >/dev/null 2>"$WORK/stop.err" ||
	fail "lkvm stop not answered within 1 s with the output blocked ($(cat "$WORK/stop.err"))"
ended res-stop 5 0
ok "lkvm stop with the output blocked: exit 0 in $(secs $(($(now_cs) - t0))) s"
rm "$WORK/stop.pause"
wait "$pid"
pid=

# --- a pipe whose reader is gone -------------------------------------------
touch "$WORK/closed.close"
start res-closed -t pipe -C "$WORK/closed.close" -- "flood.lines=$LINES flood.exit=9"
answers res-closed
ended res-closed 60 9
ok "reader gone: lkvm list answered in $ms ms, the guest ran to its end (exit 9)"

# --- a terminal that hangs up, not lkvm's controlling terminal ---------------
start res-hup -t pty -n -C "$WORK/hup.close" -- "flood.lines=0"
wait_for 20 grep -q FLOOD-LINE "$WORK/res-hup.out" || fail "res-hup: no output"
touch "$WORK/hup.close"
sleep 1
answers res-hup
"$H" within 1000 "$VMM" stop -n res-hup >/dev/null 2>"$WORK/stop.err" ||
	fail "lkvm stop not answered within 1 s after the hang-up ($(cat "$WORK/stop.err"))"
ended res-hup 5 0
ok "terminal hung up: lkvm ran on, list answered in $ms ms, stopped (exit 0)"

# --- lkvm's controlling terminal hangs up: SIGHUP ------------------------------
start res-ctty -t pty -C "$WORK/ctty.close" -- "flood.lines=0"
wait_for 20 grep -q FLOOD-LINE "$WORK/res-ctty.out" || fail "res-ctty: no output"
t0=$(now_cs)
touch "$WORK/ctty.close"
ended res-ctty 5 129
[ -e "$LKVM_HOME/res-ctty.sock" ] && fail "res-ctty: control socket left behind"
ok "controlling terminal hung up: exit 129 in $(secs $(($(now_cs) - t0))) s, socket removed"

# --- lkvm's own word after the guest's last byte -----------------------------
# Guest output and lkvm's messages in one file, as a CI log has them:
# the line saying how the guest stopped comes after everything the guest
# wrote, never inside one of its lines. The guest's last bytes end no
# line, so lkvm's writer still holds them when the vCPU powers off
# (before lkvm ordered them, about half the runs got it wrong: 6 runs).
for i in 1 2 3 4 5 6; do
	"$VMM" run -k "$FLOOD" -c 1 -m 64 --loglevel=info -p "flood.lines=100 flood.tail=1" \
		</dev/null >"$WORK/order.log" 2>&1 || fail "order: exit status $?: $(tail -n 3 "$WORK/order.log")"
	whole=$(grep -c '^FLOOD-LINE [0-9]* ABCDEFGHIJKLMNOPQRSTUVWXYZ[a-z0-9]*$' "$WORK/order.log")
	[ "$whole" = 100 ] || fail "order: $whole of 100 guest lines whole: $(grep -v '^FLOOD-LINE' "$WORK/order.log" | tail -n 5)"
	last=$(tail -n 1 "$WORK/order.log")
	[ "$last" = "FLOOD-TAILlkvm: info: vCPU 0: guest powered off" ] ||
		fail "order, run $i: the log ends '$last', not the guest's tail then lkvm's power-off line: $(tail -n 4 "$WORK/order.log")"
done
ok "6 runs: lkvm's power-off line after the guest's 100 whole lines and its unended tail"
