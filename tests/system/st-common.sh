# Sourced by the host-side scripts of the signal, terminal and bounded
# resource scenarios (sig-*.sh, res-*.sh): steps, waits and the helper.
# They run under run-vm-scenarios.sh with VMM, KERNEL, GUEST_INITRD,
# GUEST_TESTS and WORK set; each prints one "ok N what" line per step
# and exits non-zero at the first failure.
set -u
export LKVM_HOME="$WORK/home"
mkdir -p "$LKVM_HOME"
here=$(cd "$(dirname "$0")" && pwd)
n=0
pid=

ok() { n=$((n + 1)); echo "ok $n $*"; }
fail() {
	echo "FAIL: $*"
	exit 1
}
# Whatever the way out (a failure, the runner's time limit), the VM (or
# the helper it runs under, which takes lkvm with it) does not outlive us.
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null' EXIT
trap 'exit 143' TERM INT

# host_modules <set...>: loads the emulated host's modules of each set
# (tap, vhost-net, vhost-vsock: mk-host-initramfs.sh), dependencies
# first; one already there is no error. Fails naming the module.
host_modules() {
	for _set in "$@"; do
		while read -r _ko; do
			_out=$(insmod "/lkvm-test/host-modules/$_ko" 2>&1) && continue
			case "$_out" in
			*"File exists"*|*"already"*) ;;
			*) fail "insmod $_ko (host modules '$_set'): $_out" ;;
			esac
		done <"/lkvm-test/host-modules/load-order.$_set"
	done
}

# Uptime in centiseconds (busybox date has no %N), and a difference of
# two as seconds.
now_cs() { awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }
secs() { echo "$1" | awk '{ printf "%.1f", $1 / 100 }'; }

# alive <pid>: running, not a zombie (kill -0 succeeds on those).
alive() {
	[ -r "/proc/$1/stat" ] && ! awk '{ exit $3 != "Z" }' "/proc/$1/stat" 2>/dev/null
}

# wait_for <seconds> <command...>: poll until the command succeeds, or
# the process $pid (when set) is gone; then the command decides once
# more, since the process may have done what is waited for (written its
# status file, say) just before it went.
wait_for() {
	_left=$(($1 * 20))
	shift
	while ! "$@" 2>/dev/null; do
		_left=$((_left - 1))
		[ "$_left" -gt 0 ] || return 1
		if [ -n "$pid" ] && ! alive "$pid"; then
			"$@" 2>/dev/null
			return
		fi
		sleep 0.05
	done
}

# wait_gone <seconds> <pid>: until the process has ended.
wait_gone() {
	_left=$(($1 * 20))
	while alive "$2"; do
		_left=$((_left - 1))
		[ "$_left" -gt 0 ] || return 1
		sleep 0.05
	done
}

# refused <name> <regex> [@NOBODY@] <lkvm run arguments...>: lkvm run
# (as the unprivileged user with @NOBODY@) refuses them before any KVM
# work: exit 1..127 within 1 s, stderr ($WORK/<name>.err) matching.
refused() {
	_what=$1 _re=$2
	shift 2
	_as=
	[ "$1" = @NOBODY@ ] && { _as=${NOBODY:-/lkvm-test/nobody}; shift; }
	_t0=$(now_cs)
	$_as "$VMM" run "$@" </dev/null >/dev/null 2>"$WORK/$_what.err"
	rc=$?
	cs=$(($(now_cs) - _t0))
	[ "$rc" -ge 1 ] && [ "$rc" -le 127 ] && grep -Eq -e "$_re" "$WORK/$_what.err" ||
		fail "$_what: exit $rc, $(cat "$WORK/$_what.err")"
	[ "$cs" -le 100 ] || fail "$_what: refused after $cs cs, more than 1 s"
	ok "$_what refused: exit $rc in $cs cs: $(head -n 1 "$WORK/$_what.err")"
}

# answers <name> [what]: "lkvm list" answers within 1 s and shows the VM
# running; sets $ms to how long it took. [what] names the try in a failure.
answers() {
	"$H" within 1000 "$VMM" list >"$WORK/list.out" 2>"$WORK/list.err" ||
		fail "$1: lkvm list did not answer within 1 s${2:+, $2} ($(cat "$WORK/list.err"))"
	grep -Eq " $1 +running$" "$WORK/list.out" ||
		fail "$1: lkvm list does not show it running${2:+, $2}: $(tail -n 1 "$WORK/list.out")"
	ms=$(sed -n 's/^within: \([0-9]*\) ms/\1/p' "$WORK/list.err")
}

# shell_answers <fd> <out> <err> <seconds> <n>: a line typed before the
# shell reads its console is lost, so "echo R-$((40+n))" is typed on fd
# every 2 s until R-4n shows in out (a shell that is late answers each
# line it got: harmless); fails when $pid ends or after <seconds>, naming
# the last lines of out (and err). Typed every 10 s, a boot waited 5 s
# on average for the next line after its shell was up.
shell_answers() {
	_i=0
	while ! grep -q "R-$((40 + $5))" "$2"; do
		alive "$pid" || fail "lkvm ended before the shell answered: $(tail -n 5 "$2" "$3" | tr '\n' ' ')"
		[ $_i -lt $(($4 * 5)) ] || fail "no shell within $4 s: $(tail -n 5 "$2" | tr '\n' ' ')"
		[ $((_i % 10)) = 0 ] && echo "echo R-\$((40+$5))" >&"$1"
		_i=$((_i + 1))
		sleep 0.2
	done
}

# The helper (st-helper.c): installed next to the scripts in the
# emulated host, built here with cc on a direct run.
H=$here/st-helper
if [ ! -x "$H" ]; then
	H=$WORK/st-helper
	cc -O2 -o "$H" "$here/st-helper.c" "$here/st-run.c" "$here/st-util.c" ||
		fail "cannot build $here/st-helper.c"
fi

# net_guest_done: the VM $pid (the disk initramfs guest, its "net"
# check) powers off with that check passed, and lkvm exits 0.
net_guest_done() {
	wait_gone 60 "$pid" || fail "the VM did not power off: $(tail -n 2 "$WORK/vm.out")"
	wait "$pid"
	rc=$?
	pid=
	grep -q 'GUEST-CHECK net PASS' "$WORK/vm.out" ||
		fail "guest: $(grep 'GUEST-CHECK' "$WORK/vm.out" | tail -n 1)"
	[ "$rc" = 0 ] || fail "lkvm exited $rc: $(tail -n 3 "$WORK/vm.err")"
	ok "$(grep 'GUEST-CHECK net' "$WORK/vm.out" | tr -d '\r'); lkvm exited 0"
}

# snapshot_stop <name> <file> <pid> [stderr file]: the VM snapshotted
# with --stop (lkvm's answer in $WORK/<name>.msg), gone, exit 0.
snapshot_stop() {
	"$VMM" snapshot -n "$1" "$2" --stop >"$WORK/$1.msg" 2>&1 ||
		fail "lkvm snapshot of $1: $(cat "$WORK/$1.msg")"
	wait_gone 30 "$3" || fail "$1 did not stop after snapshot --stop"
	wait "$3"
	rc=$?
	[ "$rc" = 0 ] || fail "$1 exited $rc after its snapshot${4:+: $(tail -n 3 "$4")}"
}
