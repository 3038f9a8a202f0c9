#!/bin/sh
# lkvm snapshot and lkvm run --restore (docs/snapshot.md), on the
# in-kernel GICv3, with the snapcount guest (guest-tests/tests/
# snapcount.c): it counts its timer's interrupts and prints a line per
# second of its own time, checking that its counter never goes back and
# that interrupts keep coming.
#  - snapshotted without --stop, it runs on, and that file restores;
#  - snapshotted mid-run with --stop, then restored: it goes on from the
#    next second and ends with TEST-RESULT PASS; restore time against a
#    cold boot;
#  - a VM with the PCI test device snapshots, runs on and restores;
#  - a truncated file, a flipped byte, another VM shape (-c, -m) and a
#    file that is no snapshot are refused with status 1..127;
#  - two VMs restored from the one file at once both PASS.
# With "linux": the Linux guest (2 vCPUs) snapshotted while it waits for
# a line on its console, restored, answers the line typed after the
# restore and powers off with every check passed.
# Usage: ctl-snapshot.sh [metal|linux]
. "$(dirname "$0")/st-common.sh"
part=${1:-metal}
SECS=10			# the guest's run, in its seconds
AT=3			# snapshot once it printed this second
BIN=$GUEST_TESTS/snapcount.bin
SNAP=$WORK/snap.bin

# first_line <file> <regex>: the first matching line's second number.
second_of() { sed -n "s/^# snapcount: second \([0-9]*\) .*/\1/p" "$1" | $2 -n 1; }
printed() { grep -q "^# snapcount: second $2 " "$1"; }
passed() { grep -q "TEST-RESULT PASS" "$1"; }
has_output() { [ -s "$1" ]; }

# restore_refused <what> <regex> <run arguments...>
restore_refused() {
	what=$1 re=$2
	shift 2
	"$VMM" run "$@" </dev/null >"$WORK/$what.out" 2>"$WORK/$what.err"
	rc=$?
	[ "$rc" -ge 1 ] && [ "$rc" -lt 128 ] && grep -Eqi -e "$re" "$WORK/$what.err" ||
		fail "$what: exit $rc, $(cat "$WORK/$what.err")"
	! grep -q snapcount "$WORK/$what.out" || fail "$what: the guest ran: $(head -c 200 "$WORK/$what.out")"
	ok "$what refused (exit $rc): $(head -n 1 "$WORK/$what.err")"
}

[ "$part" = linux ] && . "$here/ctl-snapshot-linux.sh"

# (a) cold boot, snapshot mid-run with --stop.
t0=$(now_cs)
# MTE on where the host has it (the default): the snapshot saves the tags, the restore reads RAM.
"$VMM" run -k "$BIN" -c 1 -m 64 --irqchip=gicv3 --test-device -n mode=none --name snap-a \
	-p "snapcount.seconds=$SECS" </dev/null >"$WORK/a.out" 2>"$WORK/a.err" &
pid=$!
wait_for 60 has_output "$WORK/a.out" || fail "the guest printed nothing: $(cat "$WORK/a.err")"
cold=$(($(now_cs) - t0))
# A snapshot without --stop: the guest runs on, and its file restores too (below).
wait_for 60 printed "$WORK/a.out" 1 || fail "no second 1: $(tail -n 3 "$WORK/a.out")"
"$VMM" snapshot -n snap-a "$WORK/early.bin" >"$WORK/early.msg" 2>&1 ||
	fail "lkvm snapshot (resume): $(cat "$WORK/early.msg")"
grep -q "snapshot written.*; running" "$WORK/early.msg" || fail "snapshot (resume): $(cat "$WORK/early.msg")"
wait_for 60 printed "$WORK/a.out" "$AT" || fail "no second $AT after a snapshot that resumes: $(tail -n 3 "$WORK/a.out")"
ok "a snapshot without --stop: the guest ran on to second $AT"
snapshot_stop snap-a "$SNAP" "$pid" "$WORK/a.err"
pid=
! passed "$WORK/a.out" || fail "the guest finished before the snapshot"
last=$(second_of "$WORK/a.out" tail)
ok "snapshot at second $last of $SECS, VM stopped: $(cat "$WORK/snap-a.msg"), $(du -k "$SNAP" | cut -f1) KiB on disk of $(wc -c <"$SNAP") bytes"

# ... restored: it goes on from the next second to its PASS.
t0=$(now_cs)
"$VMM" run --restore "$SNAP" --name snap-b -v </dev/null >"$WORK/b.out" 2>"$WORK/b.err" &
pid=$!
wait_for 60 grep -q "restored from" "$WORK/b.err" || fail "no restore: $(cat "$WORK/b.err")"
setup=$(($(now_cs) - t0))
wait_for 60 has_output "$WORK/b.out" || fail "the restored guest printed nothing: $(cat "$WORK/b.err")"
first=$(($(now_cs) - t0))
wait_gone 120 "$pid" || fail "the restored guest did not finish: $(tail -n 3 "$WORK/b.out")"
wait "$pid"
rc=$?
pid=
passed "$WORK/b.out" && [ "$rc" = 0 ] ||
	fail "restored guest: exit $rc, $(grep -E 'CHECK|TEST-RESULT' "$WORK/b.out" | head -n 5) $(tail -n 3 "$WORK/b.err")"
next=$(second_of "$WORK/b.out" head)
[ "$next" = $((last + 1)) ] || fail "restored at second $next, the snapshot was after second $last"
ok "restored from second $next to TEST-RESULT PASS; restore set-up $(secs "$setup") s, first output after $(secs "$first") s (the next second of guest time), cold boot's first output $(secs "$cold") s"

# The PCI test device on the bridge: the snapshot takes it (its test,
# count and BARs; the Linux scenarios look inside), the VM runs on to
# PASS, and the file restores to PASS as well.
"$VMM" run -k "$BIN" -c 1 -m 64 --irqchip=gicv3 --disable-mte --test-device -n mode=none --pci-testdev --name snap-ptd \
	-p "snapcount.seconds=4" </dev/null >"$WORK/ptd.out" 2>"$WORK/ptd.err" &
pid=$!
wait_for 60 printed "$WORK/ptd.out" 1 || fail "pci-testdev VM: no second 1: $(cat "$WORK/ptd.err")"
"$VMM" snapshot -n snap-ptd "$WORK/ptd.snap" >"$WORK/ptd.msg" 2>&1 ||
	fail "a VM with the PCI test device: $(cat "$WORK/ptd.msg")"
wait_gone 60 "$pid" || fail "the pci-testdev VM did not finish"
wait "$pid"
rc=$?
pid=
passed "$WORK/ptd.out" && [ "$rc" = 0 ] || fail "the pci-testdev VM ended with $rc after its snapshot"
"$VMM" run --restore "$WORK/ptd.snap" --name snap-ptd2 --loglevel=debug </dev/null >"$WORK/ptd2.out" 2>"$WORK/ptd2.err" ||
	fail "restore of the pci-testdev VM: $(tail -n 3 "$WORK/ptd2.err")"
passed "$WORK/ptd2.out" || fail "the restored pci-testdev VM: $(tail -n 3 "$WORK/ptd2.out")"
ok "a VM with the PCI test device snapshotted ($(cat "$WORK/ptd.msg")), ran on to PASS, and its file restored to PASS"
# Its RAM (no MTE: mapped from the file) was populated by a thread of
# its own, in the sandbox: a forbidden call there stops the restore.
pop=$(grep -E "guest RAM populated ahead: [0-9]+ MiB in [0-9]+ ms" "$WORK/ptd2.err") ||
	fail "the mapped RAM was not populated ahead: $(grep -i populat "$WORK/ptd2.err")"
ok "${pop#*debug: }"
LKVM_SANDBOX_SELFTEST=ram "$VMM" run --restore "$WORK/ptd.snap" --name snap-ptd3 \
	</dev/null >"$WORK/ptd3.out" 2>"$WORK/ptd3.err"
rc=$?
[ "$rc" -ge 1 ] && [ "$rc" -lt 128 ] &&
	grep -q "sandbox: the ram thread made a forbidden system call: openat" "$WORK/ptd3.err" ||
	fail "a forbidden call on the populate thread: exit $rc, $(tail -n 3 "$WORK/ptd3.err")"
ok "a forbidden call on the populate thread stopped the restore (exit $rc)"

# The snapshot that resumed restores as well, from where it was taken.
"$VMM" run --restore "$WORK/early.bin" --name snap-e </dev/null >"$WORK/e.out" 2>"$WORK/e.err" ||
	fail "restore of the resumed snapshot: $(tail -n 3 "$WORK/e.err")"
passed "$WORK/e.out" || fail "restore of the resumed snapshot: $(grep -E 'CHECK|TEST-RESULT' "$WORK/e.out" | head -n 5)"
ok "the snapshot taken without --stop restored from second $(second_of "$WORK/e.out" head) to PASS"

# (c) files that must be refused, before any guest runs.
size=$(wc -c <"$SNAP")
head -c $((size - 4096)) "$SNAP" >"$WORK/trunc.bin"
restore_refused truncated "truncated" --restore "$WORK/trunc.bin"
head -c 1000 "$SNAP" >"$WORK/short.bin"
restore_refused short "truncated" --restore "$WORK/short.bin"
cp "$SNAP" "$WORK/flip.bin"
byte=$(od -An -tu1 -j 700 -N 1 "$SNAP" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 0x40)))" | dd of="$WORK/flip.bin" bs=1 seek=700 conv=notrunc 2>/dev/null
cmp -s "$SNAP" "$WORK/flip.bin" && fail "the byte did not flip"
restore_refused flipped "checksum does not match" --restore "$WORK/flip.bin"
restore_refused other-cpus "-c/--cpus 2 differs from the snapshot's run" --restore "$SNAP" -c 2
restore_refused other-mem "-m/--mem 128 differs from the snapshot's run" --restore "$SNAP" -m 128
restore_refused other-kernel "leave out" --restore "$SNAP" -k "$BIN"
restore_refused foreign "not an lkvm snapshot" --restore "$BIN"
restore_refused missing "No such file.*check the path" --restore "$WORK/none.bin"

# A VM taken where KVM had no MTE (LKVM_HIDE_CAPS), so without
# --disable-mte in its saved run: here, where MTE would be on, refused.
LKVM_HIDE_CAPS=KVM_CAP_ARM_MTE "$VMM" run -k "$BIN" -c 1 -m 64 --irqchip=gicv3 --test-device -n mode=none --name snap-nomte \
	-p "snapcount.seconds=$SECS" </dev/null >"$WORK/nomte.out" 2>"$WORK/nomte.err" &
pid=$!
wait_for 60 printed "$WORK/nomte.out" 1 || fail "the VM without MTE: no second 1: $(cat "$WORK/nomte.err")"
snapshot_stop snap-nomte "$WORK/nomte.bin" "$pid" "$WORK/nomte.err"
pid=
restore_refused no-mte-file "taken without MTE, which this host's KVM gives the guest" --restore "$WORK/nomte.bin"

# (d) two VMs from the one file at once.
"$VMM" run --restore "$SNAP" --name snap-d1 </dev/null >"$WORK/d1.out" 2>"$WORK/d1.err" &
p1=$!
"$VMM" run --restore "$SNAP" --name snap-d2 </dev/null >"$WORK/d2.out" 2>"$WORK/d2.err" &
p2=$!
pid=$p1
wait_for 60 has_output "$WORK/d1.out" && wait_for 60 has_output "$WORK/d2.out" ||
	fail "the two restored VMs printed nothing"
wait_gone 120 "$p1" && wait_gone 120 "$p2" || fail "the two restored VMs did not finish"
wait "$p1"
r1=$?
wait "$p2"
r2=$?
pid=
passed "$WORK/d1.out" && passed "$WORK/d2.out" && [ "$r1" = 0 ] && [ "$r2" = 0 ] ||
	fail "two restores: exit $r1 and $r2: $(tail -n 2 "$WORK/d1.err" "$WORK/d2.err")"
[ "$(second_of "$WORK/d1.out" head)" = $((last + 1)) ] &&
	[ "$(second_of "$WORK/d2.out" head)" = $((last + 1)) ] ||
	fail "the two restored VMs did not both go on from second $((last + 1))"
ok "two VMs restored from one file at once both went on from second $((last + 1)) to PASS"
