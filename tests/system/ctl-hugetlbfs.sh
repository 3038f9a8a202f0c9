#!/bin/sh
# --hugetlbfs DIR: guest RAM from huge pages. Refused, within 1 s and
# saying what to do, when the host has too few free huge pages or the
# RAM is not whole pages; then a Linux guest runs on them: while it
# runs, the host's pool has exactly its RAM's pages taken (faulted in,
# HugePages_Total - HugePages_Free, or reserved for it, HugePages_Rsvd:
# lkvm maps the file whole, so the kernel reserves every page at once
# and none can be missing later), and they all come back when it ends.
# The guest is snapshotted there (--stop: its pages come back), restored
# under another name onto huge pages again (the same 128 taken), and
# answers the line typed after the restore.
# Run by run-vm-scenarios.sh ("script" scenarios) with VMM, KERNEL,
# GUEST_INITRD and WORK set; prints one "ok N what" line per step and
# exits non-zero at the first failure.
. "$(dirname "$0")/st-common.sh"
HP=$WORK/huge		# the hugetlbfs mount
MB=256			# the guest's RAM: 128 pages of 2 MiB

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
# Whatever the way out: the VM gone, the mount and the pool undone.
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	umount "$HP" 2>/dev/null
	echo 0 >/proc/sys/vm/nr_hugepages
}
trap cleanup EXIT
# The Linux guest the refusals are for (no spaces in these paths).
guest="-k $KERNEL -i $GUEST_INITRD -c 1"

grep -q hugetlbfs /proc/filesystems || fail "this host's kernel has no hugetlbfs"
[ "$(meminfo Hugepagesize)" = 2048 ] || fail "huge pages of $(meminfo Hugepagesize) kB, not 2048"
mkdir -p "$HP"
echo 0 >/proc/sys/vm/nr_hugepages
mount -t hugetlbfs none "$HP" || fail "cannot mount hugetlbfs"
ok hugetlbfs mounted, no huge pages

refused no-pages "needs 128 huge pages of 2048 kB, the host has 0 free.*echo 128 > /proc/sys/vm/nr_hugepages" \
	$guest -m $MB --hugetlbfs "$HP"
echo 100 >/proc/sys/vm/nr_hugepages
[ "$(meminfo HugePages_Free)" = 100 ] || fail "only $(meminfo HugePages_Free) of 100 huge pages"
refused few-pages "needs 128 huge pages of 2048 kB, the host has 100 free.*echo 128 > /proc/sys/vm/nr_hugepages" \
	$guest -m $MB --hugetlbfs "$HP"
refused odd-size "-m 65 MiB is not a whole number of its 2048 kB huge pages; give -m 66" \
	$guest -m 65 --hugetlbfs "$HP"
mkdir -p "$WORK/plain"
refused not-mount "is not a hugetlbfs mount.*mount -t hugetlbfs none $WORK/plain" \
	$guest -m $MB --hugetlbfs "$WORK/plain"
[ "$(meminfo HugePages_Rsvd)" = 0 ] && [ "$(meminfo HugePages_Free)" = 100 ] ||
	fail "refusals left pages taken: $(grep HugePages_ /proc/meminfo | tr '\n' ' ')"
[ -z "$(ls -A "$HP")" ] || fail "files left in the mount: $(ls -A "$HP")"
ok nothing left behind

# 16 pages to spare: the guest must take exactly its own 128.
echo 144 >/proc/sys/vm/nr_hugepages
[ "$(meminfo HugePages_Free)" = 144 ] || fail "only $(meminfo HugePages_Free) of 144 huge pages"

# With MTE (on by default where the host has it) KVM takes only RAM the
# host's kernel lets MTE tag, which 6.1's hugetlbfs pages are not: then
# refused, naming --disable-mte. A test guest that ends at once either way.
mte=
if grep -qw mte /proc/cpuinfo; then
	"$VMM" run -k "$GUEST_TESTS/hello.bin" -c 1 -m 64 --test-device --hugetlbfs "$HP" \
		</dev/null >"$WORK/mte.out" 2>"$WORK/mte.err"
	rc=$?
	if [ "$rc" = 0 ]; then
		ok "MTE with huge pages: this kernel takes them"
	else
		grep -q "with MTE on: this host's kernel does not let MTE tag hugetlbfs pages; add --disable-mte" "$WORK/mte.err" ||
			fail "MTE with huge pages: exit $rc, $(cat "$WORK/mte.err")"
		mte=--disable-mte
		ok "MTE with huge pages refused, naming --disable-mte"
	fi
fi
mkfifo "$WORK/in"
exec 3<>"$WORK/in"
"$VMM" run -k "$KERNEL" -i "$GUEST_INITRD" -c 1 -m $MB --hugetlbfs "$HP" $mte --name huge-a -n mode=none \
	-p "console=ttyS0 quiet lkvm.input_timeout=300" <"$WORK/in" >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 200 grep -q GUEST-READY-FOR-INPUT "$WORK/vm.out" ||
	fail "guest not ready: $(tail -n 2 "$WORK/vm.err")"
ok guest ready on huge pages

total=$(meminfo HugePages_Total) free=$(meminfo HugePages_Free) rsvd=$(meminfo HugePages_Rsvd)
used=$((total - free))
echo "meminfo while the guest runs: Total $total Free $free Rsvd $rsvd"
[ "$used" -gt 0 ] || fail "the guest faulted in no huge page (Free $free of $total)"
[ $((used + rsvd)) = 128 ] ||
	fail "the guest holds $used huge pages and $rsvd reserved, not 128"
[ $((free - rsvd)) = 16 ] || fail "$((free - rsvd)) huge pages left for others, not 16"
ok "guest holds its 128 pages: $used faulted in, $rsvd reserved"
[ -z "$(ls -A "$HP")" ] || fail "the RAM file is not unlinked: $(ls -A "$HP")"
ok RAM file unlinked

# A snapshot with --stop, the pages back; the restore takes them again.
"$VMM" snapshot -n huge-a "$WORK/huge.snap" --stop >"$WORK/snap.msg" 2>&1 ||
	fail "lkvm snapshot: $(cat "$WORK/snap.msg")"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "the snapshotted VM ended with $rc: $(tail -n 3 "$WORK/vm.err")"
[ "$(meminfo HugePages_Free)" = 144 ] && [ "$(meminfo HugePages_Rsvd)" = 0 ] ||
	fail "pages not returned after --stop: $(grep HugePages_ /proc/meminfo | tr '\n' ' ')"
ok "snapshot of the guest on huge pages ($(($(du -k "$WORK/huge.snap" | cut -f1) / 1024)) MiB on disk), stopped, all 144 pages free"
"$VMM" run --restore "$WORK/huge.snap" --name huge-b -v <"$WORK/in" >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
wait_for 100 grep -q "restored from" "$WORK/vm.err" || fail "no restore: $(tail -n 3 "$WORK/vm.err")"
total=$(meminfo HugePages_Total) free=$(meminfo HugePages_Free) rsvd=$(meminfo HugePages_Rsvd)
[ $((total - free + rsvd)) = 128 ] ||
	fail "the restored guest holds $((total - free)) huge pages and $rsvd reserved, not 128"
ok "restored onto huge pages: $((total - free)) faulted in, $rsvd reserved"

echo "hello from the host" >&3
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "guest run ended with $rc: $(tail -n 3 "$WORK/vm.err")"
grep -q "GUEST-ECHO hello from the host" "$WORK/vm.out" || fail "no echo: $(tail -n 3 "$WORK/vm.out")"
grep -q "GUEST-DONE passed=[1-9][0-9]* failed=0" "$WORK/vm.out" ||
	fail "guest checks: $(grep GUEST-CHECK "$WORK/vm.out" | grep FAIL | head -n 2)"
ok guest ran: checks passed, the line echoed, exit 0
[ "$(meminfo HugePages_Free)" = 144 ] && [ "$(meminfo HugePages_Rsvd)" = 0 ] ||
	fail "pages not returned: $(grep HugePages_ /proc/meminfo | tr '\n' ' ')"
ok all 144 huge pages free again
exit 0
