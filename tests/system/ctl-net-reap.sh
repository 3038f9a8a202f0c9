#!/bin/sh
# lkvm-net-user's end (docs/network.md, "The helper's end"): lkvm reaps
# it. Each lkvm runs under "st-helper orphans", a subreaper that gets
# every process lkvm leaves unreaped: none may come. A VM stopped through
# its control socket; a helper killed while its VM runs, said once with
# its signal and no zombie left under lkvm; a helper that does not end
# when its socket closes (stopped), killed after its time; a set-up that
# fails after a first card's helper started.
#
# Usage: ctl-net-reap.sh
. "$(dirname "$0")/st-common.sh"

# child_of <ppid> <name>: the pid of the process <ppid>'s child <name>.
child_of() {
	awk -v p="$1" -v c="($2)" '$4 == p && $2 == c { print $1; exit }' \
		/proc/[0-9]*/stat 2>/dev/null
}
# zombies_of <pid>: its children that ended and are not reaped.
zombies_of() {
	awk -v p="$1" '$4 == p && $3 == "Z" { print $1, $2 }' /proc/[0-9]*/stat 2>/dev/null
}

# vm_start <name> [options...]: a Linux guest with the default NIC under
# st-helper orphans; sets pid (st-helper), lkvm and helper.
vm_start() {
	_name=$1
	shift
	"$H" orphans "$WORK/$_name.orphans" "$VMM" run -k "$KERNEL" -c 1 -m 128 \
		--name "$_name" -p "console=ttyS0" "$@" \
		>"$WORK/$_name.out" 2>"$WORK/$_name.err" </dev/null &
	pid=$!
	wait_for 60 sh -c "'$VMM' list | grep -Eq ' $_name +running\$'" ||
		fail "$_name did not start: $(tail -n 2 "$WORK/$_name.err")"
	lkvm=$(child_of "$pid" lkvm)
	helper=$(child_of "$lkvm" lkvm-net-user)
	[ -n "$lkvm" ] && [ -n "$helper" ] || fail "$_name: no lkvm ($lkvm) or lkvm-net-user ($helper)"
}

# vm_stop <name>: lkvm stop, lkvm gone with status 0, nothing left to
# the subreaper.
vm_stop() {
	"$VMM" stop -n "$1" >/dev/null 2>"$WORK/$1.stop" || fail "lkvm stop -n $1: $(cat "$WORK/$1.stop")"
	wait_gone 30 "$pid" || fail "$1 did not end after lkvm stop"
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" = 0 ] || fail "$1: lkvm exited $rc: $(tail -n 3 "$WORK/$1.err")"
	[ ! -s "$WORK/$1.orphans" ] ||
		fail "$1: lkvm left unreaped: $(tr '\n' ' ' <"$WORK/$1.orphans")"
}

vm_start reap1
vm_stop reap1
ok "a VM stopped through its control socket: lkvm-net-user reaped by lkvm, exit 0"

vm_start reap2
kill -9 "$helper"
msg="lkvm-net-user (pid $helper) ended: killed by signal 9 (SIGKILL); the card is cut off"
wait_for 20 grep -qF "$msg" "$WORK/reap2.err" ||
	fail "no report of the killed helper: $(tail -n 3 "$WORK/reap2.err")"
z=$(zombies_of "$lkvm")
[ -z "$z" ] || fail "zombie left under lkvm once reported: $z"
vm_stop reap2
c=$(grep -cE "lkvm-net-user|other end" "$WORK/reap2.err")
[ "$c" = 1 ] || fail "the helper's end said $c times: $(cat "$WORK/reap2.err")"
ok "lkvm-net-user killed: said once ($msg), no zombie under lkvm"

vm_start reap3
kill -STOP "$helper"
vm_stop reap3
grep -q "lkvm-net-user (pid $helper) did not end within 2000 ms of its socket closing; killed" \
	"$WORK/reap3.err" || fail "no report of the helper killed at the end: $(tail -n 3 "$WORK/reap3.err")"
ok "lkvm-net-user that does not end with its socket: killed after 2 s and reaped"

# The second card's port is the first's: set-up fails after the first
# card's helper started.
"$H" orphans "$WORK/reap4.orphans" "$VMM" run -k "$KERNEL" -c 1 -m 128 -p "console=ttyS0" \
	-n mode=user,hostfwd=tcp:10024:22 -n mode=user,hostfwd=tcp:10024:22 \
	>"$WORK/reap4.out" 2>"$WORK/reap4.err" </dev/null
rc=$?
[ "$rc" = 1 ] && grep -q "could not set the user-mode network up" "$WORK/reap4.err" ||
	fail "a taken port: exit $rc, $(tail -n 2 "$WORK/reap4.err")"
[ ! -s "$WORK/reap4.orphans" ] ||
	fail "a failed set-up left unreaped: $(tr '\n' ' ' <"$WORK/reap4.orphans")"
ok "set-up failed after a first helper started: both reaped, exit 1"
