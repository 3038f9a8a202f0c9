#!/bin/sh
# What user-mode networking costs at start, in the emulated host: lkvm is
# static and starts lkvm-net-user (dynamically linked, libslirp) only for
# a VM with a user-mode NIC. Means of N runs (2N for the first), the
# figures in docs/network.md: `lkvm version`; a bare-metal hello.bin boot to
# power-off with -n mode=none (no helper may be started); the same with
# the default NIC (one helper, gone with lkvm).
#
# Usage: ctl-net-cost.sh [N]
. "$(dirname "$0")/st-common.sh"

# (not n: st-common.sh's ok() counts its steps in it)
runs=${1:-10}
hello=$GUEST_TESTS/hello.bin
[ -r "$hello" ] || fail "no $hello"

# mean_ms LABEL N COMMAND...: runs it N times, each must succeed.
mean_ms() {
	_label=$1
	_n=$2
	shift 2
	_t0=$(now_cs)
	_i=0
	while [ "$_i" -lt "$_n" ]; do
		"$@" >"$WORK/cost.out" 2>&1 </dev/null ||
			fail "$_label: exit $?: $(tail -n 2 "$WORK/cost.out")"
		_i=$((_i + 1))
	done
	ms=$(( ($(now_cs) - _t0) * 10 / _n ))
	ok "$_label: $ms ms (mean of $_n)"
}

helpers() {
	_c=0
	for st in /proc/[0-9]*/stat; do
		grep -q '(lkvm-net-user)' "$st" 2>/dev/null && _c=$((_c + 1))
	done
	echo "$_c"
}

[ "$(helpers)" = 0 ] || fail "an lkvm-net-user runs before any VM"
mean_ms "lkvm version" $((runs * 2)) "$VMM" version
mean_ms "hello.bin boot, -n mode=none" "$runs" "$VMM" run -k "$hello" -c 1 -m 64 --test-device -n mode=none
mean_ms "hello.bin boot, the default user-mode NIC" "$runs" "$VMM" run -k "$hello" -c 1 -m 64 --test-device
[ "$(helpers)" = 0 ] || fail "$(helpers) lkvm-net-user left behind by VMs that are gone"
ok "no lkvm-net-user outlived its lkvm"

# A VM without a NIC starts no helper: seen while it runs.
"$VMM" run -k "$KERNEL" -c 1 -m 128 -n mode=none -p "console=ttyS0" \
	>"$WORK/none.out" 2>&1 </dev/null &
pid=$!
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null' EXIT
wait_for 60 grep -q 'Booting Linux' "$WORK/none.out" || fail "the guest did not start: $(tail -n 2 "$WORK/none.out")"
[ "$(helpers)" = 0 ] || fail "-n mode=none started lkvm-net-user"
ok "-n mode=none: no lkvm-net-user"
kill -9 "$pid"
pid=

# lkvm killed outright: its helper goes too (PR_SET_PDEATHSIG).
"$VMM" run -k "$KERNEL" -c 1 -m 128 -p "console=ttyS0" \
	>"$WORK/killed.out" 2>&1 </dev/null &
pid=$!
wait_for 60 grep -q 'Booting Linux' "$WORK/killed.out" || fail "the guest did not start: $(tail -n 2 "$WORK/killed.out")"
[ "$(helpers)" = 1 ] || fail "a VM with the default NIC runs $(helpers) lkvm-net-user, not 1"
kill -9 "$pid"
pid=
wait_for 10 sh -c '! grep -qs "(lkvm-net-user)" /proc/[0-9]*/stat' ||
	fail "lkvm-net-user outlived an lkvm killed with SIGKILL"
ok "lkvm killed with SIGKILL: its lkvm-net-user went too"
