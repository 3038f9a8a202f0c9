#!/bin/sh
# SIGINT, SIGTERM and SIGHUP, each at three moments of a Linux guest's
# life: while lkvm loads it (a large initrd), while it boots (after the
# first kernel line), at its prompt (after GUEST-READY-FOR-INPUT). lkvm
# runs on a pseudo-terminal that is its controlling terminal, as from
# an interactive shell. Each time: lkvm exits by itself (not killed)
# with 128 + N, the terminal's mode after ("stty -g") equals the mode
# before, the control socket is gone, and all is over within 5 s of
# the signal. Usage: sig-terminal.sh [SIGNAL...] (default INT TERM HUP).
. "$(dirname "$0")/st-common.sh"

signals=${*:-INT TERM HUP}

# An initrd that takes a while to load: the guest's own, padded with a
# hole (it reads as zeros and costs the host no memory).
big=$WORK/big-initrd
cp "$GUEST_INITRD" "$big" && truncate -s 192M "$big" || fail "cannot make $big"
kernel_kb=$(($(stat -c %s "$KERNEL") / 1024))

signum() {
	case "$1" in
	HUP) echo 1 ;;
	INT) echo 2 ;;
	TERM) echo 15 ;;
	esac
}

# start <name> <initrd> <guest command line>: lkvm on a new terminal;
# sets $pid (the helper) and $vpid (lkvm).
start() {
	rm -f "$WORK/$1".*
	"$H" run -m "$WORK/$1.mode" -o "$WORK/$1.out" -p "$WORK/$1.pid" \
		-s "$WORK/$1.status" -- "$VMM" run -k "$KERNEL" -i "$2" -c 1 \
		-m 512 --name "$1" -p "$3" </dev/null 2>"$WORK/$1.err" &
	pid=$!
	wait_for 10 test -s "$WORK/$1.pid" || fail "$1: lkvm did not start"
	vpid=$(cat "$WORK/$1.pid")
}

# The terminal must be in lkvm's raw mode by now, or "restored" proves
# nothing.
check_raw() {
	stty -g <"$(cat "$WORK/$1.mode.tty")" >"$WORK/$1.mode.during" ||
		fail "$1: cannot read the terminal's mode"
	cmp -s "$WORK/$1.mode.before" "$WORK/$1.mode.during" &&
		fail "$1: the terminal is not in raw mode while the guest runs"
}

# at_load <name> <signal number>: once a good part of the initrd is in
# guest RAM (lkvm's RSS past the kernel plus 32 MiB).
at_load() {
	start "$1" "$big" "quiet"
	"$H" signal-at "$vpid" "$(signum "$2")" $((kernel_kb + 32768)) >"$WORK/$1.sent" ||
		fail "$1: lkvm exited before loading: $(tail -n 2 "$WORK/$1.err")"
	how="at load ($(sed 's/.* at //' "$WORK/$1.sent"))"
}

at_boot() {
	start "$1" "$GUEST_INITRD" "lkvm.input_timeout=120"
	wait_for 60 grep -q "Booting Linux" "$WORK/$1.out" ||
		fail "$1: no kernel line: $(tail -n 2 "$WORK/$1.err")"
	check_raw "$1"
	kill -s "$2" "$vpid"
	how="during boot"
}

at_prompt() {
	start "$1" "$GUEST_INITRD" "quiet lkvm.input_timeout=120"
	wait_for 120 grep -q GUEST-READY-FOR-INPUT "$WORK/$1.out" ||
		fail "$1: no GUEST-READY-FOR-INPUT: $(tail -n 2 "$WORK/$1.out")"
	check_raw "$1"
	kill -s "$2" "$vpid"
	how="at the prompt"
}

# finish <name> <signal>: the checks once the signal is sent.
finish() {
	t0=$(now_cs)
	wait "$pid"
	dt=$(($(now_cs) - t0))
	pid=
	want="exit $((128 + $(signum "$2")))"
	got=$(cat "$WORK/$1.status" 2>/dev/null)
	[ "$got" = "$want" ] ||
		fail "SIG$2 $how: '$got', expected '$want'; $(tail -n 2 "$WORK/$1.err")"
	[ -s "$WORK/$1.mode.before" ] || fail "$1: no terminal mode recorded"
	cmp -s "$WORK/$1.mode.before" "$WORK/$1.mode.after" ||
		fail "SIG$2 $how: terminal mode $(cat "$WORK/$1.mode.after"), was $(cat "$WORK/$1.mode.before")"
	[ -e "$LKVM_HOME/$1.sock" ] && fail "SIG$2 $how: control socket left behind"
	[ "$dt" -le 500 ] || fail "SIG$2 $how: lkvm took $(secs "$dt") s to exit"
	ok "SIG$2 $how: $want, terminal restored, socket removed, $(secs "$dt") s"
}

for sig in $signals; do
	[ -n "$(signum "$sig")" ] || fail "unknown signal '$sig'"
	for moment in load boot prompt; do
		name=sig-$sig-$moment
		"at_$moment" "$name" "$sig"
		finish "$name" "$sig"
	done
done
