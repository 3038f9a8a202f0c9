#!/bin/sh
# lkvm debug and the register dump (docs/usage.md, "lkvm debug"). One
# case per run:
#
#   linux   a Linux guest with 2 vCPUs, --vcpu-affinity 0 and a
#           --kaslr-seed: the vCPU threads (only they) may run on host
#           CPU 0; lkvm debug --dump prints both vCPUs' registers with
#           PCs in the kernel's text, running, and paused after lkvm
#           pause; kvmtool debug --dump (when a kvmtool is next to lkvm)
#           prints the same dump; --sysrq h makes the guest's kernel
#           print its SysRq help on the console; the guest's
#           /proc/device-tree/chosen/kaslr-seed is there, zeroed by the
#           kernel that took it
#   fatal   the bare-metal guest nisv does a load pair where nothing is
#           mapped, which KVM cannot hand to lkvm: lkvm exits 1 and its
#           stderr has the vCPU's registers, PC at that load (the guest
#           printed the address), before the error line
. "$(dirname "$0")/st-common.sh"

case=${1:?usage: ctl-debug.sh linux|fatal}
name=debug-$case
out=$WORK/console
err=$WORK/stderr
KVMTOOL=${KVMTOOL:-$(dirname "$VMM")/kvmtool}
SEED=0x1234567887654321
# kvmtool keeps its sockets in $HOME/.lkvm and knows no LKVM_HOME: one place for both.
export HOME="$WORK/home"
export LKVM_HOME="$HOME/.lkvm"
mkdir -p "$LKVM_HOME"

# A client command gets 20 s: one that hangs fails its step.
lk() { timeout 20 "$VMM" "$@"; }

# PCs <file>: the PC of each vCPU's dump, one a line.
pcs() { sed -n 's/^ PC:    0x\([0-9a-f]*\)$/\1/p' "$1"; }

fatal() {
	"$VMM" run -k "$GUEST_TESTS/nisv.bin" -c 1 -m 64 --name "$name" </dev/null >"$out" 2>"$err" &
	pid=$!
	wait_gone 60 "$pid" || fail "lkvm still runs 60 s after the start: $(tail -n 2 "$out" "$err")"
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" = 1 ] || fail "exit status $rc, expected 1: $(tail -n 3 "$err")"
	want=$(sed -n 's/.*NISV-PC 0x\([0-9a-f]*\).*/\1/p' "$out" | tr -d '\r')
	[ -n "$want" ] || fail "the guest did not print its PC: $(tail -n 3 "$out")"
	ok "lkvm exits 1; the load pair is at 0x$want"
	grep -q "^ # vCPU #0's dump:" "$err" || fail "no register dump on stderr: $(cat "$err")"
	got=$(pcs "$err")
	[ "$got" = "$want" ] || fail "the dump's PC is 0x$got, the load pair is at 0x$want: $(cat "$err")"
	grep -q "^ State:    stopped$" "$err" || fail "the dump does not say stopped: $(cat "$err")"
	dump=$(grep -n "^ PC:" "$err" | cut -d: -f1)
	line=$(grep -n "^lkvm: error: vCPU 0: " "$err" | head -n 1 | cut -d: -f1)
	[ -n "$line" ] || fail "no error line for vCPU 0: $(cat "$err")"
	[ "$dump" -lt "$line" ] || fail "the dump comes after the error line: $(cat "$err")"
	ok "the dump's PC is the load pair's, before: $(sed -n "${line}p" "$err")"
}

# say <command>: a line to the guest's shell.
say() { echo "$*" >&3; }

# pinned: every vCPU thread may run on host CPU 0 only, the others are not pinned.
pinned() {
	all=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
	np=0
	for t in /proc/"$pid"/task/*; do
		l=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$t/status")
		[ "$l" = 0 ] && np=$((np + 1))
		if [ "${t##*/}" = "$pid" ] && [ "$all" != 0 ] && [ "$l" != "$all" ]; then
			fail "the main thread is pinned too: $l (the host's CPUs: $all)"
		fi
	done
	[ "$np" = 2 ] || [ "$all" = 0 ] || fail "$np threads pinned to CPU 0, expected the 2 vCPU threads"
	ok "the 2 vCPU threads are pinned to CPU 0, the main thread not (host CPUs $all)"
}

# dumped <file> <state>: two vCPUs' dumps, PCs in the kernel's text.
dumped() {
	[ "$(grep -c "^ # vCPU #[01]'s dump:$" "$1")" = 2 ] || fail "not 2 dumps: $(cat "$1")"
	[ "$(grep -c "^ State:    $2$" "$1")" = 2 ] || fail "the vCPUs are not $2: $(grep State "$1")"
	grep -q "^ x30:  0x" "$1" && grep -q "^ SP_EL1:    0x" "$1" || fail "registers missing: $(cat "$1")"
	for p in $(pcs "$1"); do
		if [ -n "$stext" ]; then
			awk -v p="$p" -v s="$stext" -v e="$etext" 'BEGIN {
				exit !(length(p) == 16 && p >= s && p < e) }' ||
				fail "PC 0x$p is outside the kernel's text 0x$stext-0x$etext"
		else
			case $p in ffff*) ;; *) fail "PC 0x$p is not a kernel address" ;; esac
		fi
	done
}

linux() {
	mkfifo "$WORK/in"
	exec 3<>"$WORK/in"
	"$VMM" run -k "$KERNEL" -i "$GUEST_INITRD" -c 2 -m 256 --name "$name" \
		--vcpu-affinity 0 --kaslr-seed "$SEED" \
		-p "console=ttyS0 quiet panic=-1 lkvm.input=0 lkvm.shell=1" <"$WORK/in" >"$out" 2>"$err" &
	pid=$!
	wait_for 180 grep -q "GUEST-DONE" "$out" || fail "the guest did not boot: $(tail -n 3 "$out" "$err")"
	ok "the guest booted"
	pinned

	say 'echo "KASLR-$(od -An -tx1 /proc/device-tree/chosen/kaslr-seed | tr -d " \n")"'
	say 'echo "TEXT-$(grep -w _stext /proc/kallsyms | cut -d" " -f1)-$(grep -w _etext /proc/kallsyms | cut -d" " -f1)"'
	wait_for 20 grep -q "^TEXT-[0-9a-f]*-" "$out" || fail "the shell does not answer: $(tail -n 3 "$out")"
	seed=$(sed -n 's/^KASLR-\([0-9a-f]*\).*/\1/p' "$out" | tr -d '\r')
	case $seed in
	0000000000000000) ok "/chosen/kaslr-seed is there, zeroed: the kernel took the seed" ;;
	1234567887654321) fail "/chosen/kaslr-seed still holds the seed: the kernel did not take it" ;;
	*) fail "/chosen/kaslr-seed is '$seed'" ;;
	esac
	stext=$(sed -n 's/^TEXT-\([0-9a-f]*\)-.*/\1/p' "$out" | tr -d '\r')
	etext=$(sed -n 's/^TEXT-[0-9a-f]*-\([0-9a-f]*\).*/\1/p' "$out" | tr -d '\r')
	case $stext in 0000000000000000|"") stext= ;; esac

	lk debug -n "$name" --dump >"$WORK/dump" 2>"$WORK/dump.err" ||
		fail "lkvm debug --dump: $(cat "$WORK/dump.err")"
	dumped "$WORK/dump" running
	ok "lkvm debug --dump: 2 vCPUs running, PCs $(pcs "$WORK/dump" | tr '\n' ' ')in the kernel's text ${stext:+0x$stext-0x$etext}"

	lk pause -n "$name" >/dev/null || fail "lkvm pause"
	lk debug -n "$name" -d >"$WORK/dump" 2>"$WORK/dump.err" ||
		fail "lkvm debug -d, paused: $(cat "$WORK/dump.err")"
	dumped "$WORK/dump" paused
	lk resume -n "$name" >/dev/null || fail "lkvm resume"
	ok "lkvm debug -d on the paused guest: both vCPUs paused"

	if [ -x "$KVMTOOL" ]; then
		timeout 20 "$KVMTOOL" debug -n "$name" --dump >"$WORK/kt.dump" 2>&1 ||
			fail "kvmtool debug --dump: $(cat "$WORK/kt.dump")"
		dumped "$WORK/kt.dump" running
		ok "kvmtool debug --dump on the lkvm VM prints the same dump"
	fi

	t0=$(now_cs)
	lk debug -n "$name" --sysrq h 2>"$WORK/sysrq.err" || fail "lkvm debug --sysrq h: $(cat "$WORK/sysrq.err")"
	wait_for 10 grep -qi "sysrq: HELP" "$out" ||
		fail "no SysRq help on the console within 10 s: $(tail -n 3 "$out" | tr '\r\n' '  ')"
	ok "--sysrq h: the guest printed its SysRq help within $(secs $(($(now_cs) - t0))) s"

	lk stop -n "$name" || fail "lkvm stop"
	wait_gone 30 "$pid" || fail "lkvm still runs after lkvm stop"
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" = 0 ] || fail "exit status $rc after lkvm stop: $(tail -n 3 "$err")"
	ok "lkvm stop: exit status 0"
}

case $case in
linux) linux ;;
fatal) fatal ;;
*) fail "unknown case $case" ;;
esac
