#!/bin/sh
# Floods of interrupts leave lkvm responsive and its memory flat. The
# flood guest (guest-tests/tests/flood.c) pulses one test-device line
# as fast as it can and keeps the device's queue of delayed pulses full
# (refused when full) on another, while the host floods the control
# socket with IRQ pulse requests (st-helper flood: the request "lkvm
# irq" sends, one connection each) and runs "lkvm irq --level pulse"
# in a loop on the other two lines. Meanwhile "lkvm list" must answer
# within 1 s every time, every request must be answered, lkvm's RSS
# must not grow, and the guest must end by itself with its checks
# passed (it took interrupts from both lines).
. "$(dirname "$0")/st-common.sh"

MS=8000
# Requests of the flood, each on a connection of its own: about 4 ms
# each in the emulated host, so that all of them fall inside the
# guest's MS of flooding even on a loaded machine (2000 took 7.9 s
# there, and the last ones found lkvm gone).
REQUESTS=1000
IRQS=100
name=res-irq

"$VMM" run -k "$GUEST_TESTS/flood.bin" -c 1 -m 64 --test-device --name "$name" \
	-p "flood.irq-ms=$MS" </dev/null >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 20 grep -q FLOOD-IRQ-BEGIN "$WORK/vm.out" ||
	fail "no FLOOD-IRQ-BEGIN: $(tail -n 2 "$WORK/vm.err")"
r0=$("$H" rss "$pid" | cut -d' ' -f1)
ok "guest flooding: $(grep FLOOD-IRQ-BEGIN "$WORK/vm.out" | tr -d '\r')"

# SPIs 3 and 4: the test device's lines 2 and 3, which the guest leaves alone.
"$H" flood "$LKVM_HOME/$name.sock" "$REQUESTS" "IRQ 3 pulse" >"$WORK/flood.out" 2>&1 &
fpid=$!
(
	i=0
	while [ $i -lt $IRQS ]; do
		"$VMM" irq -n "$name" --spi 4 --level pulse || exit 1
		i=$((i + 1))
	done
) >"$WORK/irq.out" 2>&1 &
ipid=$!

worst=0
for i in 1 2 3 4 5; do
	sleep 1
	answers "$name" "during the flood"
	[ "$ms" -gt "$worst" ] && worst=$ms
done
ok "lkvm list answered 5 times during the flood, slowest $worst ms"

wait "$fpid"
frc=$?
# A flood that outlasted the guest says nothing of lkvm: say so.
grep -q TEST-RESULT "$WORK/vm.out" &&
	fail "the guest ended before the control-socket flood did ($(cat "$WORK/flood.out")): the machine is too slow for REQUESTS=$REQUESTS in $MS ms"
[ "$frc" = 0 ] || fail "control-socket flood: $(cat "$WORK/flood.out")"
grep -q " ok=$REQUESTS " "$WORK/flood.out" || fail "control-socket flood: $(cat "$WORK/flood.out")"
ok "$(cat "$WORK/flood.out")"
wait "$ipid" || fail "lkvm irq failed: $(tail -n 2 "$WORK/irq.out")"
ok "$IRQS lkvm irq --level pulse, all answered"

r1=$("$H" rss "$pid" | cut -d' ' -f1)
[ $((r1 - r0)) -le 1024 ] || fail "RSS grew from $r0 to $r1 kB during the flood"
ok "RSS $r0 -> $r1 kB"

t=$((MS / 1000 + 20))
wait_for "$t" grep -q TEST-RESULT "$WORK/vm.out" || fail "the guest did not finish within $t s"
wait "$pid"
rc=$?
pid=
last=$(grep '^FLOOD-IRQ pulses' "$WORK/vm.out" | tail -n 1 | tr -d '\r')
grep -q '^CHECK .* FAIL' "$WORK/vm.out" && fail "$(grep '^CHECK .* FAIL' "$WORK/vm.out" | tr -d '\r')"
[ "$rc" = 0 ] || fail "exit status $rc; $last"
case "$last" in
*" busy=0 "*) fail "the delayed-pulse queue never filled: $last" ;;
esac
ok "guest done, exit 0: $last"
