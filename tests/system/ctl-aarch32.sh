#!/bin/sh
# --aarch32: a vCPU that runs AArch32 at EL1 (KVM_ARM_VCPU_EL1_32BIT). No
# 32-bit kernel is at hand, so a 141-byte A32 program stands in for one:
# it checks the boot registers arm's booting.rst wants (r0 = 0, r1 = ~0,
# r2 = the DTB, in RAM), prints AARCH32-OK or AARCH32-BAD on the UART and
# powers off through PSCI (HVC). The words mean nothing as A64 code: the
# line appears only if the vCPU ran them in AArch32.
#   0 add r4, pc, #104 (the BAD line)  4 cmp r0, #0       8 bne 0x20
#   c cmn r1, #1                      10 bne 0x20        14 cmp r2, #0x80000000
#  18 bls 0x20                        1c add r4, pc, #32 (the OK line)
#  20 mov r2, #0x1000000 (the UART)   24 ldrb r3, [r4], #1
#  28 cmp r3, #0                      2c strbne r3, [r2]  30 bne 0x24
#  34 movw r0, #8; movt r0, #0x8400 (PSCI SYSTEM_OFF)  3c hvc #0  40 b .
# Prints "ok N what" per step; exits non-zero at the first failure.
set -u
n=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
fail() { echo "FAIL: $*"; tail -n 5 "$WORK/vm.err" 2>/dev/null; exit 1; }

prog=$WORK/aarch32-hello.bin
printf '\150\100\217\342\000\000\120\343\004\000\000\032\001\000\161\343\002\000\000\032\002\001\122\343\000\000\000\232\040\100\217\342\001\044\240\343\001\060\324\344\000\000\123\343\000\060\302\025\373\377\377\032\010\000\000\343\000\004\110\343\160\000\100\341\376\377\377\352\101\101\122\103\110\063\062\055\117\113\040\162\060\075\060\040\162\061\075\176\060\040\162\062\075\104\124\102\054\040\151\156\040\123\126\103\040\155\157\144\145\015\012\000\101\101\122\103\110\063\062\055\102\101\104\040\142\157\157\164\040\162\145\147\151\163\164\145\162\163\015\012\000' >"$prog"
[ "$(wc -c <"$prog")" = 141 ] || fail "the A32 program is $(wc -c <"$prog") bytes, not 141"

"$VMM" run -k "$prog" -c 1 -m 64 --aarch32 -p lkvm.aarch32 >"$WORK/vm.out" 2>"$WORK/vm.err" </dev/null
rc=$?
[ "$rc" = 0 ] || fail "--aarch32: lkvm exited $rc, expected 0 (PSCI SYSTEM_OFF)"
ok "--aarch32: lkvm exited 0 after the guest's SYSTEM_OFF"
grep -q 'AARCH32-BAD' "$WORK/vm.out" && fail "--aarch32: the guest found wrong boot registers"
grep -q 'AARCH32-OK' "$WORK/vm.out" || fail "--aarch32: no AARCH32-OK from the guest: $(tail -c 200 "$WORK/vm.out")"
ok "--aarch32: the A32 program ran and found r0, r1, r2 as booting.rst says"

# With 2 vCPUs and MTE, SVE and pointer authentication left to their
# defaults: lkvm gives an AArch32 guest no MTE (KVM refuses it), as kvmtool.
"$VMM" run -k "$prog" -c 2 -m 64 --aarch32 -v >"$WORK/vm.out" 2>"$WORK/vm.err" </dev/null
rc=$?
[ "$rc" = 0 ] || fail "--aarch32 -c 2: lkvm exited $rc"
grep -q 'AARCH32-OK' "$WORK/vm.out" || fail "--aarch32 -c 2: no AARCH32-OK"
grep 'CPU features' "$WORK/vm.err" | grep -q 'AArch32-EL1' || fail "--aarch32 -v: no AArch32-EL1 among the CPU features"
grep 'CPU features' "$WORK/vm.err" | grep -q ' MTE' && fail "--aarch32: MTE was enabled"
ok "--aarch32 -c 2: $(grep -o 'CPU features.*' "$WORK/vm.err")"
exit 0
