#!/bin/sh
# The UART's register page (docs/design.md, The console): a guest that
# polls LSR to transmit is served from a read-only memslot, so its
# output costs far fewer exits to lkvm than bytes, and every byte still
# arrives, in order. The same guest with LKVM_NO_REG_PAGE=1 takes at
# least one exit per byte (its LSR read): the comparison shows the page
# is what saves them, not some other change. While such a guest writes
# without end, and so without exits, lkvm still answers "lkvm list"
# within 1 s, five times over 5 s (its main loop replays what the guest
# writes, and must not do only that).
. "$(dirname "$0")/st-common.sh"

LINES=600
FLOOD=$GUEST_TESTS/flood.bin

# run_flood <name> [VAR=value]: the flood guest with lkvm's debug report.
run_flood() {
	name=$1
	shift
	env "$@" "$VMM" run -k "$FLOOD" -c 1 -m 64 --test-device --name "$name" \
		--loglevel=debug -p "flood.lines=$LINES flood.exit=7" \
		</dev/null >"$WORK/$name.out" 2>"$WORK/$name.err"
	status=$?
	[ "$status" = 7 ] || fail "$name: exit status $status, not the guest's 7: $(tail -n 2 "$WORK/$name.err")"
	# Every line, numbered 1..LINES, in order and whole.
	tr -d '\r' <"$WORK/$name.out" | awk -v n="$LINES" '
		/^FLOOD-LINE / { if ($2 != ++seen || length($3) != 62) bad = 1 }
		END { exit bad || seen != n }' ||
		fail "$name: console lines lost, reordered or damaged"
	exits=$(sed -n 's/.*exits to lkvm: .* exits=\([0-9]*\) .*/\1/p' "$WORK/$name.err")
	maps=$(sed -n 's/.*UART register page mapped \([0-9]*\) times.*/\1/p' "$WORK/$name.err")
	[ -n "$exits" ] && [ -n "$maps" ] || fail "$name: no exit count in the debug report"
	bytes=$(wc -c <"$WORK/$name.out")
}

run_flood page
[ "$maps" -ge 1 ] || fail "page: the register page was never mapped"
[ "$exits" -lt $((bytes / 20)) ] ||
	fail "page: $exits exits for $bytes bytes of output (want fewer than one per 20 bytes)"
ok "page: $bytes bytes intact, $exits exits, page mapped $maps times"

run_flood nopage LKVM_NO_REG_PAGE=1
[ "$maps" = 0 ] || fail "nopage: the register page was mapped $maps times"
[ "$exits" -ge "$bytes" ] ||
	fail "nopage: $exits exits for $bytes bytes (want at least one per byte)"
ok "nopage: $bytes bytes intact, $exits exits"

# Output without end: the main loop replays it and still serves its socket.
"$VMM" run -k "$FLOOD" -c 1 -m 64 --test-device --name page-live -p "flood.lines=0" \
	</dev/null >"$WORK/live.out" 2>"$WORK/live.err" &
pid=$!
wait_for 20 test -S "$LKVM_HOME/page-live.sock" ||
	fail "page-live: no control socket: $(tail -n 2 "$WORK/live.err")"
for i in 1 2 3 4 5; do
	sleep 1
	answers page-live "try $i"
done
"$VMM" stop -n page-live >/dev/null 2>&1 || fail "page-live: lkvm stop failed"
wait_gone 5 "$pid" || fail "page-live: still running 5 s after lkvm stop"
pid=
grep -q FLOOD-LINE "$WORK/live.out" || fail "page-live: no output"
ok "page-live: answered five times while the guest wrote $(wc -c <"$WORK/live.out") bytes"
