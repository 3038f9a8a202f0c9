#!/bin/sh
# Run the VM scenarios of tests/system/scenarios.txt against a VMM on a
# machine with /dev/kvm: inside the emulated arm64 host (host-init.sh) or
# directly on an arm64 KVM host. POSIX sh; runs under busybox ash.
#
# Usage: run-vm-scenarios.sh [--list | --ptyrun-source]
#   --list            only print the names of the scenarios that would run
#   --ptyrun-source   print the C source of the pty helper (see stdin=pty)
#
# Env:
#   VMM=path            VMM binary (default ./lkvm)
#   KERNEL=path         guest Image (default build/assets/Image)
#   GUEST_INITRD=path   guest initramfs (default build/guest-initramfs.cpio.gz)
#   SCENARIOS=file      scenario list (default tests/system/scenarios.txt)
#   HOST_GIC=v3|v2      host GIC version (default: detected from /proc/interrupts)
#   FILTER=regex        run only scenarios whose name matches (grep -E)
#   WORKDIR=dir         scratch dir with per-scenario logs (default /tmp/lkvm-scenarios)
#   INPUT_MODE=ready|early|none
#                       override every scenario's input= setting
#   STDIN_MODE=pipe|pty override every scenario's stdin= setting
#   PTYRUN=path         the pty helper (default $WORKDIR/ptyrun, compiled with
#                       cc from --ptyrun-source when missing and cc exists)
#   NOBODY=path         the helper that runs "@NOBODY@" scenarios as user 65534
#                       (default $WORKDIR/nobody, compiled with cc from
#                       $SYSTEM_DIR/nobody.c when missing and cc exists)
#   GUEST_CMDLINE=...   base guest command line (default "console=ttyS0 quiet panic=-1")
#   VERBOSE=1           print the full VMM stderr and console of every scenario
#
# Output: one line per scenario,
#   SCENARIO <name> PASS|FAIL <reason>
# followed, for failures, by the tails of the VMM's stderr and console
# indented with "  | ", and at the end
#   SCENARIOS-SUMMARY passed=N failed=M
# Exit status: 0 if every scenario passed, 1 if any failed, 2 on setup errors.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

VMM=${VMM:-./lkvm}
KERNEL=${KERNEL:-$root/build/assets/Image}
GUEST_INITRD=${GUEST_INITRD:-$root/build/guest-initramfs.cpio.gz}
GUEST_TESTS=${GUEST_TESTS:-$root/build/guest-tests}
SYSTEM_DIR=${SYSTEM_DIR:-$root/tests/system}
SCENARIOS=${SCENARIOS:-$root/tests/system/scenarios.txt}
HOST_GIC=${HOST_GIC:-}
FILTER=${FILTER:-}
WORKDIR=${WORKDIR:-/tmp/lkvm-scenarios}
INPUT_MODE=${INPUT_MODE:-}
STDIN_MODE=${STDIN_MODE:-}
PTYRUN=${PTYRUN:-}
NOBODY=${NOBODY:-}
GUEST_CMDLINE=${GUEST_CMDLINE:-console=ttyS0 quiet panic=-1}
VERBOSE=${VERBOSE:-0}

die() { echo "run-vm-scenarios: $*" >&2; exit 2; }

# The pty helper: runs a command with a fresh pseudo-terminal as its stdin
# and stdout and copies our stdin to it and its output to our stdout. VMMs
# that only read console input from a terminal need it (stdin=pty).
ptyrun_source() {
	cat <<'EOF_PTYRUN'
/* ptyrun: run COMMAND on a new pseudo-terminal (stdin and stdout), copy our
 * stdin to it and its output to our stdout; stderr is left alone. Exits with
 * the command's status (128+N if killed by signal N). SIGTERM, SIGINT and
 * SIGHUP are passed on; the command is killed if ptyrun dies. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static volatile pid_t child;

static void pass_on(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static void copy_all(int to, const char *p, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(to, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= w;
	}
}

int main(int argc, char **argv)
{
	int master, slave, status = 0, in_open = 1, done = 0;
	struct termios t;
	struct sigaction sa;
	char buf[4096];
	ssize_t r;

	if (argc < 2) {
		fprintf(stderr, "usage: ptyrun COMMAND [ARG...]\n");
		return 2;
	}
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("ptyrun: cannot allocate a pty (is devpts mounted?)");
		return 2;
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0) {
		perror("ptyrun: cannot open the pty");
		return 2;
	}
	/* Raw: bytes pass unchanged, as through a pipe. */
	if (tcgetattr(slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(slave, TCSANOW, &t);
	}
	child = fork();
	if (child < 0) {
		perror("ptyrun: fork");
		return 2;
	}
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		if (slave > 2)
			close(slave);
		close(master);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "ptyrun: cannot run %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	close(slave);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_on;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	while (!done) {
		struct pollfd p[2] = { { master, POLLIN, 0 }, { 0, POLLIN, 0 } };
		int n = poll(p, in_open ? 2 : 1, 200);

		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && p[0].revents) {
			r = read(master, buf, sizeof(buf));
			if (r > 0)
				copy_all(1, buf, r);
			else if (!(r < 0 && errno == EINTR))
				break;	/* EIO: no one has the pty open any more */
		}
		if (n > 0 && in_open && p[1].revents) {
			r = read(0, buf, sizeof(buf));
			if (r > 0)
				copy_all(master, buf, r);
			else if (!(r < 0 && errno == EINTR))
				in_open = 0;
		}
		if (waitpid(child, &status, WNOHANG) == child) {
			/* Copy what is left, then stop. */
			fcntl(master, F_SETFL, O_NONBLOCK);
			while ((r = read(master, buf, sizeof(buf))) > 0)
				copy_all(1, buf, r);
			child = 0;
			done = 1;
		}
	}
	if (child > 0) {
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
EOF_PTYRUN
}

list_only=0
case "${1:-}" in
--list)	list_only=1 ;;
--ptyrun-source) ptyrun_source; exit 0 ;;
"")	;;
-h|--help)
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
	exit 0 ;;
*)	die "unknown argument '$1' (see --help)" ;;
esac

[ -r "$SCENARIOS" ] || die "cannot read scenario list '$SCENARIOS'"

detect_gic() {
	# The chip column of /proc/interrupts: "GICv3" on GICv3, "GICv2" (or "GIC-N") on GICv2.
	if grep -q ' GICv3 ' /proc/interrupts 2>/dev/null; then
		echo v3
	elif grep -Eq ' (GICv2|GIC-[0-9]+) ' /proc/interrupts 2>/dev/null; then
		echo v2
	else
		echo unknown
	fi
}
[ -n "$HOST_GIC" ] || HOST_GIC=$(detect_gic)
case "$HOST_GIC" in
v2|v3) ;;
*) die "cannot tell the host GIC version (HOST_GIC='$HOST_GIC'); set HOST_GIC=v2 or v3" ;;
esac

trim() {
	t=$1
	t=${t#"${t%%[! 	]*}"}
	t=${t%"${t##*[! 	]}"}
	printf '%s' "$t"
}

# Uptime in centiseconds (busybox date has no %N).
now_cs() { awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }
fmt_cs() { echo "$1" | awk '{ printf "%.1f", $1 / 100 }'; }

# Replace every $2 in $1 by $3.
subst() {
	s=$1 out=
	while :; do
		case "$s" in
		*"$2"*)	out=$out${s%%"$2"*}$3
			s=${s#*"$2"} ;;
		*)	printf '%s' "$out$s"; return ;;
		esac
	done
}

# Print the selected scenarios as "name;gic;expect;limit;detail;args".
select_scenarios() {
	lineno=0
	while IFS= read -r raw || [ -n "$raw" ]; do
		lineno=$((lineno + 1))
		case "$(trim "$raw")" in
		""|"#"*) continue ;;
		esac
		IFS=';' read -r name gic expect limit detail args <<EOF_LINE
$raw
EOF_LINE
		name=$(trim "$name") gic=$(trim "$gic") expect=$(trim "$expect")
		limit=$(trim "$limit") detail=$(trim "$detail") args=$(trim "$args")
		case "$gic" in
		any|"$HOST_GIC") ;;
		v2|v3) continue ;;
		*) gic="bad:line $lineno: host-gic '$gic' is not v2, v3 or any" ;;
		esac
		if [ -n "$FILTER" ] && ! printf '%s\n' "$name" | grep -Eq -- "$FILTER"; then
			continue
		fi
		echo "$name;$gic;$expect;$limit;$detail;$args"
	done <"$SCENARIOS"
}

if [ "$list_only" = 1 ]; then
	select_scenarios | cut -d';' -f1
	exit 0
fi

case "$VMM" in
/*) ;;
*) VMM=$(pwd)/$VMM ;;
esac
[ -f "$VMM" ] && [ -x "$VMM" ] || die "VMM '$VMM' is not an executable file (set VMM=path)"
[ -c /dev/kvm ] || die "/dev/kvm does not exist: KVM is not available on this machine"
[ -r "$KERNEL" ] || die "guest kernel '$KERNEL' not readable (scripts/fetch-assets.sh)"
[ -r "$GUEST_INITRD" ] || die "guest initramfs '$GUEST_INITRD' not readable (scripts/mk-guest-initramfs.sh)"

mkdir -p "$WORKDIR" || die "cannot create '$WORKDIR'"
WORKDIR=$(cd "$WORKDIR" && pwd)
export HOME=${HOME:-/tmp}

GARBAGE=$WORKDIR/garbage-Image
if [ ! -s "$GARBAGE" ]; then
	# A kernel in the wrong form: the usual mistake is a compressed Image.
	head -c 2097152 /dev/urandom | gzip -1 >"$GARBAGE" || die "cannot write $GARBAGE"
fi

if [ -z "$PTYRUN" ]; then
	PTYRUN=$WORKDIR/ptyrun
	if [ ! -x "$PTYRUN" ] && command -v cc >/dev/null 2>&1; then
		ptyrun_source >"$WORKDIR/ptyrun.c"
		cc -O2 -o "$PTYRUN" "$WORKDIR/ptyrun.c" 2>"$WORKDIR/ptyrun.log" \
			|| echo "run-vm-scenarios: building the pty helper failed (see $WORKDIR/ptyrun.log)" >&2
	fi
fi

if [ -z "$NOBODY" ]; then
	NOBODY=$WORKDIR/nobody
	if [ ! -x "$NOBODY" ] && [ -r "$SYSTEM_DIR/nobody.c" ] && command -v cc >/dev/null 2>&1; then
		cc -O2 -o "$NOBODY" "$SYSTEM_DIR/nobody.c" 2>"$WORKDIR/nobody.log" \
			|| echo "run-vm-scenarios: building the nobody helper failed (see $WORKDIR/nobody.log)" >&2
	fi
fi

show_log() {	# show_log <label> <file>
	[ -s "$2" ] || return 0
	if [ "$VERBOSE" = 1 ]; then
		echo "  | --- $1 ---"
		tr -d '\r' <"$2" | sed 's/^/  | /'
	else
		echo "  | --- $1 (last 15 lines) ---"
		tail -n 15 "$2" | tr -d '\r' | sed 's/^/  | /'
	fi
}

passed=0
failed=0

result() {	# result PASS|FAIL reason
	echo "SCENARIO $name $1 $2"
	if [ "$1" = PASS ]; then
		passed=$((passed + 1))
		[ "$VERBOSE" = 1 ] || return 0
	else
		failed=$((failed + 1))
	fi
	[ -f "$d/cmd" ] && sed 's/^/  | cmd: /' "$d/cmd"
	show_log stderr "$d/stderr"
	show_log console "$d/console"
}

# A host-side script (tests/system/ctl-*.sh) that drives the VMM itself,
# e.g. through its control socket. Passes when it exits 0.
run_script() {
	# The script, then its arguments.
	set -f
	set -- $(subst "$(trim "$1")" @SYSTEM@ "$SYSTEM_DIR")
	set +f
	case "$limit" in
	""|*[!0-9]*) result FAIL "bad limit column '$limit' (seconds)"; return ;;
	esac
	t0=$(now_cs)
	(VMM=$VMM KERNEL=$KERNEL GUEST_INITRD=$GUEST_INITRD GUEST_TESTS=$GUEST_TESTS \
	 WORK=$d timeout -s TERM -k 5 "$limit" sh "$@" >"$d/stdout" 2>&1) 2>/dev/null
	rc=$?
	secs=$(fmt_cs $(($(now_cs) - t0)))
	if [ "$rc" = 0 ]; then
		result PASS "$(grep -c '^ok ' "$d/stdout") steps ok; $secs s"
	else
		result FAIL "exit $rc: $(grep -v '^ok ' "$d/stdout" | tail -n 3 | tr '\n' ' ' | cut -c1-300); $secs s"
	fi
}

run_one() {	# run_one name gic expect limit detail args
	name=$1 gic=$2 expect=$3 limit=$4 detail=$5 args=$6
	d=$WORKDIR/bad-scenario
	case "$name" in
	""|*[!A-Za-z0-9._-]*)
		name="'$name'"
		result FAIL "bad name (letters, digits, '.', '_', '-')"; return ;;
	esac
	d=$WORKDIR/$name
	rm -rf "$d"
	mkdir -p "$d"
	case "$gic" in
	bad:*)	result FAIL "${gic#bad:}"; return ;;
	esac
	case "$expect" in
	ok|fail|test) ;;
	script) run_script "$args"; return ;;
	*) result FAIL "bad expect column '$expect' (ok, fail, test or script)"; return ;;
	esac
	case "$limit" in
	""|*[!0-9]*) result FAIL "bad limit column '$limit' (seconds)"; return ;;
	esac

	# Guest command line and how to talk to the VMM.
	cmdline=$GUEST_CMDLINE
	stdin_mode=pipe
	input_mode=ready
	# An error scenario that boots after all should not wait for input.
	[ "$expect" = fail ] && input_mode=none cmdline="$cmdline lkvm.input=0"
	# A bare-metal test guest: its command line is the detail words.
	[ "$expect" = test ] && input_mode=none cmdline=$detail
	if [ "$expect" = ok ]; then
		for w in $detail; do
			case "$w" in
			cpus=*)		cmdline="$cmdline lkvm.expect_cpus=${w#*=}" ;;
			gic=*)		cmdline="$cmdline lkvm.expect_gic=${w#*=}" ;;
			stdin=*)	stdin_mode=${w#*=} ;;
			input=*)	input_mode=${w#*=} ;;
			*)		cmdline="$cmdline $w" ;;
			esac
		done
		[ -n "$INPUT_MODE" ] && input_mode=$INPUT_MODE
		[ "$input_mode" = none ] && cmdline="$cmdline lkvm.input=0"
	fi
	[ -n "$STDIN_MODE" ] && stdin_mode=$STDIN_MODE
	case "$input_mode" in
	ready|early|none) ;;
	*) result FAIL "bad input mode '$input_mode' (ready, early or none)"; return ;;
	esac
	case "$stdin_mode" in
	pipe) ;;
	pty)	[ -x "$PTYRUN" ] || { result FAIL "stdin=pty needs the pty helper; '$PTYRUN' is not executable"; return; } ;;
	*)	result FAIL "bad stdin mode '$stdin_mode' (pipe or pty)"; return ;;
	esac

	# The VMM's argv with the placeholders filled in.
	set -f
	set --
	envs=
	as=
	for w in $args; do
		# Leading NAME=value words set the VMM's environment; a leading
		# @NOBODY@ runs it as user 65534 (root may open anything).
		case "$#:$w" in
		0:[A-Z_]*=*) envs="$envs $w"; continue ;;
		0:@NOBODY@) as=$NOBODY; continue ;;
		esac
		w=$(subst "$w" @KERNEL@ "$KERNEL")
		w=$(subst "$w" @INITRD@ "$GUEST_INITRD")
		w=$(subst "$w" @GARBAGE@ "$GARBAGE")
		w=$(subst "$w" @VMM@ "$VMM")
		w=$(subst "$w" @TESTS@ "$GUEST_TESTS")
		w=$(subst "$w" @WORK@ "$d")
		w=$(subst "$w" @CMDLINE@ "$cmdline")
		set -- "$@" "$w"
	done
	set +f
	if [ -n "$as" ] && [ ! -x "$as" ]; then
		result FAIL "@NOBODY@ needs the nobody helper; '$as' is not executable"
		return
	fi
	set -f
	if [ "$stdin_mode" = pty ]; then
		set -- "$PTYRUN" $as env $envs "$VMM" "$@"
	else
		set -- $as env $envs "$VMM" "$@"
	fi
	set +f
	{
		for w in "$@"; do printf "'%s' " "$w"; done
		echo "(stdin=$stdin_mode input=$input_mode limit=${limit}s)"
	} >"$d/cmd"

	input="lkvm-echo-$name-$$"
	mkfifo "$d/stdin" || { result FAIL "mkfifo $d/stdin failed"; return; }
	# A read-write open of a FIFO does not block, and holding it open means
	# the VMM never sees end-of-file on its stdin.
	exec 3<>"$d/stdin"

	t0=$(now_cs)
	# The subshell keeps the shell's own "Terminated" notice off the console.
	(timeout -s TERM -k 5 "$limit" "$@" <"$d/stdin" >"$d/stdout" 2>"$d/stderr" 3>&-) 2>/dev/null &
	pid=$!

	fed=no
	case "$input_mode" in
	early)
		printf '%s\n' "$input" >&3
		fed=yes ;;
	ready)
		while kill -0 "$pid" 2>/dev/null; do
			if grep -q 'GUEST-READY-FOR-INPUT' "$d/stdout" 2>/dev/null; then
				printf '%s\n' "$input" >&3
				fed=yes
				break
			fi
			sleep 0.2
		done ;;
	esac
	wait "$pid"
	rc=$?
	exec 3>&-
	el=$(($(now_cs) - t0))
	secs=$(fmt_cs "$el")
	echo "$rc" >"$d/status"
	tr -d '\r' <"$d/stdout" >"$d/console"

	# timeout(1) kills at the limit (busybox: exit 143, coreutils: 124, 137
	# after the follow-up SIGKILL); a VMM that handles SIGTERM may exit with
	# anything, so the elapsed time decides.
	timed_out=no
	[ "$el" -ge $((limit * 100 - 50)) ] && timed_out=yes

	case "$expect" in
	ok)	check_ok ;;
	test)	check_test ;;
	*)	check_fail ;;
	esac
}

# A bare-metal test guest: exit status 0 (set through the test device)
# and its own verdict line, with no failed check. Skipped checks
# ("CHECK <name> SKIP <reason>") are listed after the time, each once.
check_test() {
	why=
	if [ "$timed_out" = yes ]; then
		why="killed after the ${limit} s limit (exit $rc)"
	elif [ "$rc" != 0 ]; then
		why="exit status $rc"
	fi
	if grep -q '^CHECK [^ ]* FAIL' "$d/console"; then
		why="${why:+$why; }$(grep '^CHECK [^ ]* FAIL' "$d/console" | head -n 2 | cut -c1-120 | tr '\n' ' ')"
	fi
	grep -q '^TEST-RESULT PASS' "$d/console" || why="${why:+$why; }no TEST-RESULT PASS"
	summary=$(sed -n 's/^TEST [^ ]* //p' "$d/console" | head -n 1)
	skips=$(sed -n 's/^CHECK \([^ ]*\) SKIP \(.*\)$/\1: \2/p' "$d/console" \
		| awk '!seen[$0]++ { printf "%s%s", n++ ? "; " : "", substr($0, 1, 100) }')
	if [ -z "$why" ]; then
		result PASS "exit 0, $summary; $secs s${skips:+ (skipped: $skips)}"
	else
		result FAIL "$why; $secs s"
	fi
}

check_ok() {
	why=
	if [ "$timed_out" = yes ]; then
		why="killed after the ${limit} s limit (exit $rc)"
	elif [ "$rc" != 0 ]; then
		why="exit status $rc"
	fi
	plan=$(sed -n 's/^.*GUEST-PLAN //p' "$d/console" | head -n 1)
	[ -n "$plan" ] || why="${why:+$why; }the guest never started its checks (no GUEST-PLAN)"
	for c in $plan; do
		if grep -q "GUEST-CHECK $c FAIL" "$d/console"; then
			why="${why:+$why; }$(sed -n "s/^.*GUEST-CHECK $c FAIL /check $c failed: /p" "$d/console" | head -n 1)"
		elif ! grep -q "GUEST-CHECK $c PASS" "$d/console"; then
			why="${why:+$why; }check $c not reported"
		fi
	done
	case " $plan " in
	*" uart-rx "*)
		got=$(sed -n 's/^.*GUEST-ECHO //p' "$d/console" | head -n 1)
		if [ "$fed" != yes ]; then
			why="${why:+$why; }input never typed (no GUEST-READY-FOR-INPUT)"
		elif grep -q "GUEST-CHECK uart-rx PASS" "$d/console" && [ "$got" != "$input" ]; then
			why="${why:+$why; }echo mismatch: typed '$input', guest read '$got'"
		fi ;;
	esac
	if [ -n "$plan" ] && ! grep -q 'GUEST-DONE' "$d/console"; then
		why="${why:+$why; }no GUEST-DONE"
	fi
	if [ -z "$why" ]; then
		result PASS "exit 0, checks: $plan; $secs s"
	else
		result FAIL "$why; $secs s"
	fi
}

# The line of stderr that best tells what went wrong.
stderr_gist() {
	l=$(grep -Ei 'fatal|error|fail|unable|cannot|invalid|warn' "$d/stderr" | head -n 1)
	[ -n "$l" ] || l=$(grep -v '^[[:space:]]*$' "$d/stderr" | tail -n 1)
	printf '%s' "$(trim "$l")" | tr -d '\r' | cut -c1-160
}

check_fail() {
	gist=$(stderr_gist)
	why=
	if [ "$timed_out" = yes ]; then
		why="killed after the ${limit} s limit (exit $rc), expected an error exit"
	elif [ "$rc" = 0 ]; then
		why="exit status 0, expected an error"
	elif [ "$rc" -ge 128 ]; then
		why="exit status $rc, expected 1..127"
	fi
	if ! grep -Eqi -- "$detail" "$d/stderr"; then
		why="${why:+$why; }stderr does not match /$detail/"
	fi
	if [ -z "$why" ]; then
		result PASS "exit $rc, stderr: '$gist'; $secs s"
	else
		result FAIL "$why; stderr: '${gist:-<empty>}'; $secs s"
	fi
}

selected=$WORKDIR/selected
select_scenarios >"$selected"
total=$(grep -c . "$selected")
echo "run-vm-scenarios: $total scenario(s), host GIC $HOST_GIC, VMM $VMM"

# The list is read on fd 4 so that nothing in the loop can consume it.
while IFS=';' read -r name gic expect limit detail args <&4; do
	run_one "$name" "$gic" "$expect" "$limit" "$detail" "$args"
done 4<"$selected"

echo "SCENARIOS-SUMMARY passed=$passed failed=$failed"
[ "$failed" = 0 ]
