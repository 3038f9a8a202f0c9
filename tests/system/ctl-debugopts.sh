#!/bin/sh
# kvmtool's --debug-mmio, --debug-ioport and --dev, against the bare-metal guest
# nowhere (4 reads and 4 writes at 0x100, in the I/O port window, and
# as many at 0x2000000, where no device is either):
#   - with --dev /dev/kvm (kvmtool's default, spelled out) the guest
#     passes and lkvm says nothing of those accesses;
#   - --debug-mmio: a warning for each of the 16, naming direction,
#     width and address;
#   - --debug-ioport: a warning for the 8 in the I/O window only;
#   - --debug-single-step on poweroff (a branch over the Image header,
#     two moves, then PSCI SYSTEM_OFF): a line per instruction, the PCs
#     in RAM and 4 bytes apart after the branch, and the guest still
#     powers off.
# (--debug-iodelay slows the disk: tests/test-disk.c.)
. "$(dirname "$0")/st-common.sh"

out=$WORK/console
err=$WORK/stderr

# run <options...>: the guest to its end; sets rc and took (centiseconds).
run() {
	t0=$(now_cs)
	timeout 60 "$VMM" run -k "$GUEST_TESTS/nowhere.bin" -c 1 -m 64 "$@" \
		</dev/null >"$out" 2>"$err"
	rc=$?
	took=$(($(now_cs) - t0))
	[ "$rc" = 0 ] || fail "$*: exit status $rc, took $(secs "$took") s; stderr: $(tail -n 3 "$err"); console: $(tail -n 2 "$out")"
	grep -q "TEST-RESULT PASS" "$out" || fail "$*: the guest did not pass: $(tail -n 3 "$out")"
}

# warned <address> <direction>: how many warnings of that kind.
warned() {
	grep -c "ignoring MMIO $2 of 4 bytes at $1: no device there" "$err"
}

run --dev /dev/kvm
base=$took
[ "$(grep -c "ignoring MMIO" "$err")" = 0 ] || fail "warnings without a debug option: $(cat "$err")"
ok "--dev /dev/kvm: the guest passes in $(secs "$base") s, no warning"

run --debug-mmio
for a in 0x100 0x2000000; do
	for d in read write; do
		[ "$(warned $a $d)" = 4 ] || fail "--debug-mmio: $(warned $a $d) ${d}s at $a warned of, expected 4: $(cat "$err")"
	done
done
ok "--debug-mmio: 4 reads and 4 writes warned of at each address: $(head -n 1 "$err")"

run --debug-ioport
[ "$(warned 0x100 read)" = 4 ] && [ "$(warned 0x100 write)" = 4 ] ||
	fail "--debug-ioport: not 4 reads and 4 writes at 0x100: $(cat "$err")"
[ "$(grep -c "at 0x2000000" "$err")" = 0 ] || fail "--debug-ioport warned outside the I/O window: $(cat "$err")"
ok "--debug-ioport: the 8 accesses in the I/O window only"

"$VMM" run -k "$GUEST_TESTS/poweroff.bin" -c 1 -m 64 --debug-single-step \
	</dev/null >"$out" 2>"$err" || fail "--debug-single-step: exit status $?: $(tail -n 3 "$err")"
pcs=$(sed -n 's/.*vCPU 0: step: PC 0x\([0-9a-f]*\) .*/\1/p' "$err")
[ "$(echo "$pcs" | wc -l)" -ge 2 ] || fail "--debug-single-step: fewer than 2 steps: $(cat "$err")"
prev=
for pc in $pcs; do
	[ $((0x$pc)) -ge $((0x80000000)) ] || fail "--debug-single-step: PC 0x$pc outside RAM: $(cat "$err")"
	[ -z "$prev" ] || [ $((0x$pc - 0x$prev)) = 4 ] ||
		fail "--debug-single-step: 0x$prev then 0x$pc, not the next instruction: $(cat "$err")"
	prev=$pc
done
ok "--debug-single-step: $(echo "$pcs" | wc -l) steps, $(echo $pcs | sed 's/ / -> /g')"
