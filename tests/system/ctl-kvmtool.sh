#!/bin/sh
# lkvm and kvmtool side by side in one ~/.lkvm: an lkvm VM and a kvmtool
# VM run at once; each VMM's list shows both (the same lines), each
# pauses, resumes and stops the other's VM, and --all reaches both.
# Run by run-vm-scenarios.sh ("script" scenarios) with VMM and WORK set;
# kvmtool is KVMTOOL, else the one next to VMM (scripts/mk-host-initramfs.sh
# puts ../shared/peers/kvmtool there). Prints one "ok N what" line per
# step and exits non-zero at the first failure; every wait is bounded.
set -u
KVMTOOL=${KVMTOOL:-$(dirname "$VMM")/kvmtool}
# kvmtool keeps its sockets in $HOME/.lkvm and knows no LKVM_HOME.
export HOME="$WORK/home"
unset LKVM_HOME
D=$HOME/.lkvm
mkdir -p "$D"
n=0
lkpid=
ktpid=

ok() { n=$((n + 1)); echo "ok $n $*"; }
fail() {
	echo "FAIL: $*"
	for p in $lkpid $ktpid; do kill -9 "$p" 2>/dev/null; done
	exit 1
}

# wait_for <seconds> <command...>: poll until the command succeeds.
wait_for() {
	t=$(($1 * 10))
	shift
	while ! "$@" >/dev/null 2>&1; do
		t=$((t - 1))
		[ "$t" -gt 0 ] || return 1
		sleep 0.1
	done
}

# Each client command gets 20 s: a VMM that does not answer fails the
# step instead of hanging the scenario.
lk() { timeout 20 "$VMM" "$@"; }
kt() { timeout 20 "$KVMTOOL" "$@"; }

# both_show NAME PID STATE: both lists have the line, as kvmtool prints it.
both_show() {
	lk list >"$WORK/lk.list" 2>"$WORK/lk.list.err" || return 1
	kt list >"$WORK/kt.list" 2>/dev/null || return 1
	grep -Eq "^ *$2 $1 +$3\$" "$WORK/lk.list" &&
		grep -Eq "^ *$2 $1 +$3\$" "$WORK/kt.list"
}

check_both() {
	wait_for 10 both_show "$@" ||
		fail "$1 not $3 in both lists: lkvm: $(cat "$WORK/lk.list" "$WORK/lk.list.err" | tr '\n' '|') kvmtool: $(tr '\n' '|' <"$WORK/kt.list")"
}

[ -x "$KVMTOOL" ] || fail "no kvmtool at $KVMTOOL: build the host initramfs with PEER=path-to-kvmtool, or set KVMTOOL"

# A guest that idles: WFI, no interrupt armed, forever. 4 KiB: kvmtool
# reads a 64-byte Image header from every kernel (none here: it loads
# the file at RAM + 0x80000, as lkvm a raw binary).
{ printf '\177\040\003\325\377\377\377\027'; head -c 4088 /dev/zero; } >"$WORK/idle.bin"

"$VMM" run -k "$WORK/idle.bin" -c 1 -m 64 --name lk1 </dev/null >"$WORK/lk.out" 2>"$WORK/lk.err" &
lkpid=$!
mkfifo "$WORK/kt.in"
exec 3<>"$WORK/kt.in"
"$KVMTOOL" run -k "$WORK/idle.bin" -c 1 -m 64 --name kt1 --nodefaults --network mode=none \
	<"$WORK/kt.in" >"$WORK/kt.out" 2>"$WORK/kt.err" &
ktpid=$!
wait_for 60 test -S "$D/lk1.sock" || fail "no socket for lk1: $(tail -n 3 "$WORK/lk.err")"
wait_for 60 test -S "$D/kt1.sock" || fail "no socket for kt1: $(tail -n 3 "$WORK/kt.err" "$WORK/kt.out")"
ok both VMs up: lkvm $lkpid, kvmtool $ktpid

check_both lk1 "$lkpid" running
check_both kt1 "$ktpid" running
ok both lists show both VMs running, with their PIDs

# kvmtool's rootfs list: a directory of 'kvmtool setup'; the same lines.
mkdir "$D/rootfs1"
lk list >"$WORK/lk.all" || fail "lkvm list failed"
kt list >"$WORK/kt.all" 2>/dev/null || fail "kvmtool list failed"
cmp -s "$WORK/lk.all" "$WORK/kt.all" ||
	fail "the lists differ: lkvm: $(tr '\n' '|' <"$WORK/lk.all") kvmtool: $(tr '\n' '|' <"$WORK/kt.all")"
grep -Eq '^ +rootfs1 +shut off$' "$WORK/lk.all" || fail "no rootfs line: $(tr '\n' '|' <"$WORK/lk.all")"
lk list -i | grep -q rootfs1 && fail "lkvm list -i shows the rootfs"
[ "$(lk list -r | sed 1,2d)" = "$(kt list -r 2>/dev/null | sed 1,2d)" ] || fail "list -r differs"
lk list -r | grep -q ' lk1 ' && fail "lkvm list -r shows a VM"
rmdir "$D/rootfs1"
ok lkvm list prints what kvmtool list prints, -i and -r too

lk pause -n kt1 >"$WORK/p.out" || fail "lkvm pause -n kt1: $(cat "$WORK/p.out")"
grep -qx "Guest kt1 paused" "$WORK/p.out" || fail "lkvm pause said: $(cat "$WORK/p.out")"
check_both kt1 "$ktpid" paused
kt pause -n lk1 >"$WORK/p.out" 2>&1 || fail "kvmtool pause -n lk1: $(cat "$WORK/p.out")"
check_both lk1 "$lkpid" paused
ok lkvm paused the kvmtool VM, kvmtool the lkvm VM

lk pause -n kt1 | grep -qx "Guest kt1 is already paused." || fail "second lkvm pause"
kt resume -n lk1 >/dev/null 2>&1 || fail "kvmtool resume -n lk1"
check_both lk1 "$lkpid" running
lk resume -n kt1 | grep -qx "Guest kt1 resumed" || fail "lkvm resume -n kt1"
check_both kt1 "$ktpid" running
ok kvmtool resumed the lkvm VM, lkvm the kvmtool VM

lk pause --all >/dev/null || fail "lkvm pause --all"
check_both lk1 "$lkpid" paused
check_both kt1 "$ktpid" paused
kt resume --all >/dev/null 2>&1 || fail "kvmtool resume --all"
check_both lk1 "$lkpid" running
check_both kt1 "$ktpid" running
ok lkvm pause --all and kvmtool resume --all reach both

# kvmtool's stat -m asks for balloon statistics lkvm has not: an answer
# of nothing, at once; the VM goes on.
kt stat -m -n lk1 >/dev/null 2>&1
case $? in 124|137|143) fail "kvmtool stat -m on the lkvm VM hung" ;; esac
lk stat -n kt1 >/dev/null 2>"$WORK/stat.err" && fail "lkvm stat on kvmtool's VM succeeded"
grep -q "kvmtool VM" "$WORK/stat.err" || fail "lkvm stat on kvmtool's VM: $(cat "$WORK/stat.err")"
check_both lk1 "$lkpid" running
ok kvmtool stat -m and lkvm stat on the other VMM end at once

kt stop -n lk1 >/dev/null 2>&1 || fail "kvmtool stop -n lk1"
t=300
while kill -0 "$lkpid" 2>/dev/null && [ "$t" -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
kill -0 "$lkpid" 2>/dev/null && fail "lkvm did not stop on kvmtool stop"
wait "$lkpid"
rc=$?
lkpid=
[ "$rc" = 0 ] || fail "lkvm exited $rc after kvmtool stop: $(tail -n 2 "$WORK/lk.err")"
[ -e "$D/lk1.sock" ] && fail "lk1's socket left behind"
ok kvmtool stop ended the lkvm VM: exit 0, socket removed

lk stop -n kt1 || fail "lkvm stop -n kt1"
t=300
while kill -0 "$ktpid" 2>/dev/null && [ "$t" -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
kill -0 "$ktpid" 2>/dev/null && fail "kvmtool did not stop on lkvm stop"
wait "$ktpid"
rc=$?
ktpid=
wait_for 10 sh -c '! test -e "$0"' "$D/kt1.sock" || fail "kt1's socket left behind"
ok lkvm stop ended the kvmtool VM: exit $rc, socket removed

[ "$(lk list | wc -l)" = 2 ] || fail "lkvm list not empty: $(lk list | tr '\n' '|')"
[ "$(kt list 2>/dev/null | wc -l)" = 2 ] || fail "kvmtool list not empty"
ok both lists empty
