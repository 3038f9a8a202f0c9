#!/bin/sh
# Snapshots of a VM with MTE (docs/snapshot.md, "MTE"): the Linux guest
# with MTE on (lkvm's default where KVM has it; the emulated host does)
# and a shell on its console runs mte-tags (tests/system/mte-tags.c),
# which tags 4 pages granule by granule with PROT_MTE and waits.
#  - lkvm snapshot --stop: the file holds the tags of a few pages only
#    (the snapshot's answer counts them), not of all RAM;
#  - restoring it with --disable-mte, or where KVM has no MTE
#    (LKVM_HIDE_CAPS), is refused with the reason;
#  - restored under another name: the program finds every tag and value
#    and a wrong tag's access faults (SEGV_MTESERR);
#  - in the restored VM, the program again, and a snapshot without
#    --stop: the VM runs on and the program's checks pass there too.
# Usage: ctl-snapshot-mte.sh
. "$(dirname "$0")/st-common.sh"
SNAP=$WORK/mte.snap
PAGES=65536		# -m 256
CMD="console=ttyS0 quiet panic=-1 lkvm.expect_cpus=2 lkvm.input=0 lkvm.shell=1 lkvm.cpufeat=mte"

booted() { grep -q "GUEST-DONE" "$1"; }
# count <regex> <file>: lines that match.
count() { grep -c "$1" "$2" 2>/dev/null || true; }
tagged() { [ "$(count MTE-TAGGED "$1")" -ge "$2" ]; }
checked() { [ "$(count 'MTE-CHECK-' "$1")" -ge "$2" ]; }
# tag_pages <msg file>: N of "MTE tags of N of M pages" in lkvm snapshot's answer.
tag_pages() { sed -n 's/.*MTE tags of \([0-9]*\) of \([0-9]*\) pages.*/\1/p' "$1"; }

# sparse <msg file>: the program's 4 pages at least, far from all of RAM.
sparse() {
	t=$(tag_pages "$1")
	[ -n "$t" ] && [ "$t" -ge 4 ] && [ "$t" -lt $((PAGES / 100)) ] ||
		fail "the snapshot's tags: '$(cat "$1")' (want 4 to $((PAGES / 100)) pages of $PAGES)"
}

mkfifo "$WORK/in-a" "$WORK/in-b" || fail "mkfifo"
"$VMM" run -k "$KERNEL" -i "$GUEST_INITRD" -c 2 -m 256 --irqchip=gicv3 -n mode=none --name mte-a \
	-p "$CMD" <"$WORK/in-a" >"$WORK/a.out" 2>"$WORK/a.err" &
pid=$!
exec 7>"$WORK/in-a"
wait_for 200 booted "$WORK/a.out" || fail "the guest never got to its shell: $(tail -n 5 "$WORK/a.out" "$WORK/a.err")"
grep -q "GUEST-DONE passed=[0-9]* failed=0" "$WORK/a.out" ||
	fail "guest checks: $(grep -E 'GUEST-CHECK.*FAIL' "$WORK/a.out")"
ok "the Linux guest booted with MTE on (its cpuinfo has mte: lkvm.cpufeat=mte passed)"

sleep 1
echo "mte-tags" >&7
wait_for 60 tagged "$WORK/a.out" 1 || fail "mte-tags did not tag: $(tail -n 5 "$WORK/a.out")"
snapshot_stop mte-a "$SNAP" "$pid" "$WORK/a.err"
pid=
exec 7>&-
sparse "$WORK/mte-a.msg"
ok "tagged 4 pages, snapshotted and stopped: $(cat "$WORK/mte-a.msg"); $(du -k "$SNAP" | cut -f1) KiB on disk"

# Refused: the guest relies on its tags.
"$VMM" run --restore "$SNAP" --name mte-x --disable-mte </dev/null >"$WORK/x.out" 2>"$WORK/x.err"
rc=$?
[ "$rc" -ge 1 ] && [ "$rc" -lt 128 ] && grep -q "disable-mte differs from the snapshot's run" "$WORK/x.err" ||
	fail "restore with --disable-mte: exit $rc, $(cat "$WORK/x.err")"
ok "restore with --disable-mte refused (exit $rc): $(head -n 1 "$WORK/x.err")"
LKVM_HIDE_CAPS=KVM_CAP_ARM_MTE "$VMM" run --restore "$SNAP" --name mte-y </dev/null >"$WORK/y.out" 2>"$WORK/y.err"
rc=$?
[ "$rc" -ge 1 ] && [ "$rc" -lt 128 ] && grep -q "taken with MTE on, which this host's KVM does not offer" "$WORK/y.err" ||
	fail "restore without MTE: exit $rc, $(cat "$WORK/y.err")"
ok "restore where KVM has no MTE refused (exit $rc): $(grep -m 1 "error" "$WORK/y.err")"

t0=$(now_cs)
"$VMM" run --restore "$SNAP" --name mte-b -v <"$WORK/in-b" >"$WORK/b.out" 2>"$WORK/b.err" &
pid=$!
exec 7>"$WORK/in-b"
wait_for 60 grep -q "restored from" "$WORK/b.err" || fail "no restore: $(cat "$WORK/b.err")"
setup=$(($(now_cs) - t0))
grep -q "MTE tags of $(tag_pages "$WORK/mte-a.msg") pages restored" "$WORK/b.err" ||
	fail "the restore did not put the tags back: $(grep -i mte "$WORK/b.err")"
echo "go" >&7
wait_for 60 checked "$WORK/b.out" 1 || fail "the restored program did not check: $(tail -n 5 "$WORK/b.out")"
grep -q MTE-CHECK-OK "$WORK/b.out" || fail "after the restore: $(grep MTE-CHECK "$WORK/b.out")"
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
data=$(du -k "$SNAP" | cut -f1)
ok "restored in $(secs "$setup") s (RAM read: lkvm's RSS $rss KiB, the file's data $data KiB): every granule's tag and value there, a wrong tag faults with SEGV_MTESERR"

# A snapshot that resumes: the program checks on in the VM it was taken of.
echo "mte-tags" >&7
wait_for 60 tagged "$WORK/b.out" 1 || fail "mte-tags (again) did not tag: $(tail -n 5 "$WORK/b.out")"
"$VMM" snapshot -n mte-b "$WORK/resume.snap" >"$WORK/resume.msg" 2>&1 ||
	fail "lkvm snapshot (resume): $(cat "$WORK/resume.msg")"
grep -q "; running" "$WORK/resume.msg" || fail "snapshot (resume): $(cat "$WORK/resume.msg")"
sparse "$WORK/resume.msg"
echo "go" >&7
wait_for 60 checked "$WORK/b.out" 2 || fail "the program did not check after the snapshot: $(tail -n 5 "$WORK/b.out")"
[ "$(count MTE-CHECK-OK "$WORK/b.out")" = 2 ] || fail "after a snapshot that resumed: $(grep MTE-CHECK "$WORK/b.out")"
ok "a snapshot without --stop ($(cat "$WORK/resume.msg")): the program's tags and fault intact in the running VM"

echo "poweroff -f" >&7
wait_gone 60 "$pid" || fail "the restored guest did not power off"
wait "$pid"
rc=$?
pid=
exec 7>&-
[ "$rc" = 0 ] || fail "the restored VM exited $rc: $(tail -n 3 "$WORK/b.err")"
ok "the restored VM powered off, lkvm exited 0"
exit 0
