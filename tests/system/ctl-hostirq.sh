#!/bin/sh
# An SPI driven from the host with "lkvm irq" reaches a guest: the
# hostirq test guest (guest-tests/tests/hostirq.c) prints what it waits
# for, this script drives the line. Usage: ctl-hostirq.sh IRQCHIP.
# Prints "ok N what" per step; exits non-zero at the first failure.
set -u
irqchip=${1:-auto}
export LKVM_HOME="$WORK/home"
mkdir -p "$LKVM_HOME"
n=0
name=hostirq-$$

ok() { n=$((n + 1)); echo "ok $n $*"; }
fail() {
	echo "FAIL: $*"
	tail -n 5 "$WORK/vm.out" 2>/dev/null
	kill -9 "$pid" 2>/dev/null
	exit 1
}

# wait_line <marker>: the guest's "<marker> spi=N" line; sets $spi.
wait_line() {
	t=600
	while ! grep -q "^$1 spi=" "$WORK/vm.out" 2>/dev/null; do
		t=$((t - 1))
		[ "$t" -gt 0 ] || fail "no '$1' from the guest"
		kill -0 "$pid" 2>/dev/null || fail "VMM exited before '$1'"
		sleep 0.1
	done
	spi=$(sed -n "s/^$1 spi=\([0-9]*\).*/\1/p" "$WORK/vm.out" | head -n 1)
}

"$VMM" run -k "$GUEST_TESTS/hostirq.bin" -c 1 -m 64 --irqchip="$irqchip" \
	--test-device --name "$name" </dev/null >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!

wait_line HOSTIRQ-PULSE
"$VMM" irq -n "$name" --spi "$spi" --level pulse || fail "lkvm irq pulse"
ok pulse on SPI "$spi"
wait_line HOSTIRQ-RAISE
"$VMM" irq -n "$name" --spi "$spi" --level 1 || fail "lkvm irq raise"
ok raise
wait_line HOSTIRQ-LOWER
"$VMM" irq -n "$name" --spi "$spi" --level 0 || fail "lkvm irq lower"
ok lower

wait "$pid"
rc=$?
grep -q '^CHECK .* FAIL' "$WORK/vm.out" && fail "$(grep '^CHECK .* FAIL' "$WORK/vm.out" | head -n 2)"
grep -q '^TEST-RESULT PASS' "$WORK/vm.out" || fail "no TEST-RESULT PASS"
[ "$rc" = 0 ] || fail "exit status $rc"
ok "guest saw pulse, level and lowering ($irqchip): $(sed -n 's/^TEST [^ ]* //p' "$WORK/vm.out")"
