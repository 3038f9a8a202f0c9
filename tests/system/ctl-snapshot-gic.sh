#!/bin/sh
# The GIC's whole state across a snapshot (docs/snapshot.md, "Tests").
#   ctl-snapshot-gic.sh TAKE [RESTORE]
# The snapgic guest (guest-tests/tests/snapgic.c, 2 vCPUs, the test
# device) run on --irqchip=TAKE: first plain, its wait just elapsing, to
# TEST-RESULT PASS; then again, snapshotted with --stop as soon as it
# prints "# snapgic: ready" (SPIs pending, active, active and pending,
# a preempted priority, one routed to vCPU 1, an SGI in flight, the
# timer armed), and restored with --irqchip=RESTORE (default TAKE): the
# first VM must have printed no check, the restored one every check
# passed, each interrupt taken exactly once, and exit 0.
. "$(dirname "$0")/st-common.sh"
take=${1:-gicv3}
back=${2:-$take}
BIN=$GUEST_TESTS/snapgic.bin
SNAP=$WORK/snapgic.bin
ready() { grep -q "^# snapgic: ready" "$1"; }
passed() { grep -q "TEST-RESULT PASS" "$1"; }
first_fail() { grep -E "CHECK .* FAIL|TEST-RESULT" "$1" | head -n 6 | tr '\n' ' '; }

# --disable-mte: the mapped restore (RAM from the file), as
# ctl-snapshot-v2.sh; ctl-snapshot.sh covers the other.
# run_vm <name> <wait-ms>: started in the background, $pid set.
run_vm() {
	"$VMM" run -k "$BIN" -c 2 -m 64 --irqchip="$take" --disable-mte --test-device \
		-n mode=none --name "$1" -p "snapgic.require-device snapgic.wait-ms=$2" \
		</dev/null >"$WORK/$1.out" 2>"$WORK/$1.err" &
	pid=$!
}

# finished <name> <what>: the VM $pid ends within 150 s, exit 0, PASS.
finished() {
	wait_gone 150 "$pid" || fail "$2 did not finish: $(tail -n 3 "$WORK/$1.out")"
	wait "$pid"
	rc=$?
	pid=
	passed "$WORK/$1.out" && [ "$rc" = 0 ] ||
		fail "$2: exit $rc, $(first_fail "$WORK/$1.out") $(tail -n 2 "$WORK/$1.err" | tr '\n' ' ')"
}

count_checks() { grep -c "^CHECK .* PASS" "$1"; }

t0=$(now_cs)
run_vm plain 2000
finished plain "the plain run on $take"
ok "plain run on $take: $(count_checks "$WORK/plain.out") checks passed in $(secs $(($(now_cs) - t0))) s"

run_vm snap-a 20000
wait_for 90 ready "$WORK/snap-a.out" ||
	fail "no ready line: $(tail -n 3 "$WORK/snap-a.out" "$WORK/snap-a.err")"
snapshot_stop snap-a "$SNAP" "$pid" "$WORK/snap-a.err"
pid=
! grep -q -E "^CHECK|TEST-RESULT|waited" "$WORK/snap-a.out" ||
	fail "the first VM got past its wait: $(first_fail "$WORK/snap-a.out")"
ok "on $take: snapshotted at the ready line, $(du -k "$SNAP" | cut -f1) KiB"

t0=$(now_cs)
"$VMM" run --restore "$SNAP" --irqchip="$back" --name snap-b -v </dev/null \
	>"$WORK/snap-b.out" 2>"$WORK/snap-b.err" &
pid=$!
finished snap-b "restored onto $back"
! grep -q "snapgic: ready" "$WORK/snap-b.out" || fail "the restored VM started over"
gic=$(sed -n 's/.*interrupt controller: //p' "$WORK/snap-b.err" | head -n 1)
ok "$take -> $back ($gic): $(count_checks "$WORK/snap-b.out") checks passed, TEST-RESULT PASS in $(secs $(($(now_cs) - t0))) s"
exit 0
