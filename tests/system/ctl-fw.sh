#!/bin/sh
# -f/--firmware beyond what the "test" scenarios show (v3-fw-*): the test
# firmware (guest-tests/fw/) refuses what it must refuse, lkvm warns about
# the -k it does not load, and the firmware hands a real Linux kernel over
# as a boot loader does. The guest's Image is only in the host, so it is
# packed here (fw-pack.sh). Without an initrd or a disk Linux stops at
# mounting its root: lkvm's panic status 4 after the kernel's own lines
# show it booted on the DTB the firmware passed (its model, its command
# line, with a word only -p gave).
# Prints "ok N what" per step; exits non-zero at the first failure.
. "$(dirname "$0")/st-common.sh"

fw=$GUEST_TESTS/fw.bin
packed=$GUEST_TESTS/fw-hello.bin

# The firmware's checks are live: a wrong expected address fails it.
"$VMM" run -f "$packed" -c 1 -m 64 --test-device -p fw.address=0x81234000 \
	>"$WORK/vm.out" 2>"$WORK/vm.err" </dev/null
rc=$?
[ "$rc" = 1 ] || fail "a wrong fw.address: lkvm exited $rc, expected 1 (the firmware's FAIL)"
grep -q '^CHECK fw.address FAIL' "$WORK/vm.out" || fail "no 'CHECK fw.address FAIL': $(tail -c 300 "$WORK/vm.out")"
grep -q '^TEST-RESULT FAIL' "$WORK/vm.out" || fail "no TEST-RESULT FAIL after the firmware's failed check"
ok "the firmware fails where it finds itself elsewhere than fw.address says (exit 1)"

# Without a payload packed after it the firmware stops, through the test device.
"$VMM" run -f "$fw" -c 1 -m 64 --test-device >"$WORK/vm.out" 2>"$WORK/vm.err" </dev/null
rc=$?
[ "$rc" = 1 ] || fail "fw.bin alone: lkvm exited $rc, expected 1"
grep -q '^CHECK fw.packed FAIL' "$WORK/vm.out" || fail "fw.bin alone: no 'CHECK fw.packed FAIL'"
grep -q '^CHECK fw.dtb-place PASS' "$WORK/vm.out" || fail "fw.bin alone: the DTB is not where kvmtool puts it: $(grep 'fw.dtb' "$WORK/vm.out")"
ok "fw.bin alone: its entry checks pass, then it fails for want of a payload (exit 1)"

# -k with -f: not loaded, said once on stderr; the firmware's payload runs.
"$VMM" run -f "$packed" -k "$KERNEL" -c 1 -m 64 --test-device \
	>"$WORK/vm.out" 2>"$WORK/vm.err" </dev/null
rc=$?
[ "$rc" = 0 ] || fail "-f with -k: lkvm exited $rc: $(tail -n 3 "$WORK/vm.err")"
grep -q "warning: kernel '.*' is not loaded: with -f" "$WORK/vm.err" || fail "-f with -k: no warning that the kernel is not loaded: $(cat "$WORK/vm.err")"
grep -q '^TEST-RESULT PASS' "$WORK/vm.out" || fail "-f with -k: hello did not pass"
ok "-k with -f: $(grep -o 'warning: kernel.*is not loaded' "$WORK/vm.err" | head -n 1), hello passes"

# kvmtool, when it is beside lkvm (scripts/mk-host-initramfs.sh): the
# same firmware passes the same checks there, DTB placement included, at
# the default address and at another.
KVMTOOL=${KVMTOOL:-$(dirname "$VMM")/kvmtool}
if [ -x "$KVMTOOL" ]; then
	for a in "" 0x81234000; do
		mkdir -p "$WORK/kt-home"
		HOME=$WORK/kt-home "$KVMTOOL" run -f "$packed" ${a:+--firmware-address "$a"} \
			-c 1 -m 64 -p "${a:+fw.address=$a}" >"$WORK/kt.out" 2>"$WORK/kt.err" </dev/null
		rc=$?
		tr -d '\r' <"$WORK/kt.out" >"$WORK/kt.console"
		grep -q '^CHECK [^ ]* FAIL' "$WORK/kt.console" &&
			fail "kvmtool -f ${a:-(default)}: $(grep '^CHECK [^ ]* FAIL' "$WORK/kt.console")"
		grep -q '^CHECK fw.dtb-place PASS' "$WORK/kt.console" ||
			fail "kvmtool -f ${a:-(default)}: no fw.dtb-place PASS (rc $rc): $(tail -c 300 "$WORK/kt.console")"
		grep -q '^TEST-RESULT PASS' "$WORK/kt.console" ||
			fail "kvmtool -f ${a:-(default)}: hello did not pass (rc $rc)"
		ok "kvmtool -f ${a:---firmware-address default}: $(grep -o 'DTB at 0x[0-9a-f]*' "$WORK/kt.console" | head -n 1), the firmware's checks and hello pass, as under lkvm"
	done
else
	ok "# SKIP kvmtool comparison: no kvmtool beside lkvm"
fi

# The firmware boots Linux.
sh "$GUEST_TESTS/fw-pack.sh" "$fw" "$KERNEL" "$WORK/fw-linux.bin" || fail "cannot pack the kernel after the firmware"
"$VMM" run -f "$WORK/fw-linux.bin" -c 1 -m 512 -p "lkvm.fw-handover panic=-1" \
	>"$WORK/vm.out" 2>"$WORK/vm.err" </dev/null
rc=$?
tr -d '\r' <"$WORK/vm.out" >"$WORK/console"
grep -q '^CHECK [^ ]* FAIL' "$WORK/console" && fail "the firmware failed a check: $(grep '^CHECK [^ ]* FAIL' "$WORK/console")"
grep -q '^# fw: .* entering the payload at' "$WORK/console" || fail "the firmware did not enter Linux: $(tail -c 300 "$WORK/console")"
grep -q 'Booting Linux on physical CPU' "$WORK/console" || fail "Linux printed nothing after the handover: $(tail -c 300 "$WORK/console")"
grep -q 'Machine model: linux,dummy-virt' "$WORK/console" || fail "Linux did not read lkvm's DTB (no 'Machine model: linux,dummy-virt')"
grep 'Kernel command line:' "$WORK/console" | grep -q 'lkvm.fw-handover' || fail "Linux's command line lacks -p's word: $(grep 'Kernel command line' "$WORK/console")"
grep -q 'Kernel panic - not syncing: VFS' "$WORK/console" || fail "Linux did not run up to mounting its root: $(tail -c 300 "$WORK/console")"
[ "$rc" = 4 ] || fail "Linux through the firmware: lkvm exited $rc, expected 4 (its panic for want of a root)"
ok "Linux through the firmware: $(grep -o 'entering the payload at [^,]*' "$WORK/console"); $(grep -o 'Machine model: .*' "$WORK/console"); exit 4 at the VFS panic, as expected without a root"
exit 0
