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
#   ROOTFS=path         the disk tests' ext4 root image, plain or .gz (default
#                       build/disk-images/rootfs.img.gz, scripts/mk-rootfs.sh);
#                       @ROOTFS@ is a fresh copy of it in the scenario's dir
#   DISK2=path          their second, raw image (default build/disk-images/disk2.img.gz)
#   DISK_INITRD=path    the disk-boot initramfs (default build/disk-initramfs.cpio.gz)
#   HOST_MODULES=file   .ko files (one a line, in load order) that let this host
#                       mount an ext4 image through a loop device, for host_file=;
#                       without it the modules must be there or come by modprobe
#   KEEP_IMAGES=1       keep the disk images of the scenarios that passed too
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
ROOTFS=${ROOTFS:-$root/build/disk-images/rootfs.img.gz}
DISK2=${DISK2:-$root/build/disk-images/disk2.img.gz}
DISK_INITRD=${DISK_INITRD:-$root/build/disk-initramfs.cpio.gz}
HOST_MODULES=${HOST_MODULES:-}
KEEP_IMAGES=${KEEP_IMAGES:-0}
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

# Command line $1 without its console= words.
drop_console() {
	out=
	for cw in $1; do
		case "$cw" in
		console=*) ;;
		*) out="$out${out:+ }$cw" ;;
		esac
	done
	printf '%s' "$out"
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
		# The steps' figures (RSS, timings), for the record.
		[ "$VERBOSE" != 1 ] || show_log steps "$d/stdout"
	else
		result FAIL "exit $rc: $(grep -v '^ok ' "$d/stdout" | tail -n 3 | tr '\n' ' ' | cut -c1-300); $secs s"
	fi
}

# --- disk images (@ROOTFS@, @DISK2@) and what they hold after a run ---------

# A fresh copy of image $1 (plain or gzip'd) at $2, with its md5 in $2.md5
# for host_same=. Each scenario gets its own copy: its guest writes to it.
unpack_image() {	# unpack_image SRC DEST; sets img_err
	if [ ! -r "$1" ]; then
		img_err="'$1' not readable (scripts/mk-rootfs.sh)"
		return 1
	fi
	case "$1" in
	*.gz)	gunzip -c "$1" >"$2" ;;
	*)	cat "$1" >"$2" ;;
	esac || { img_err="cannot unpack '$1' to '$2'"; return 1; }
	md5sum <"$2" | cut -d' ' -f1 >"$2.md5"
}

# Loop devices and ext4 for this host: the emulated host has neither
# modprobe nor /lib/modules, and loads the .ko files of $HOST_MODULES.
host_modules_loaded=no
load_host_modules() {
	[ "$host_modules_loaded" = yes ] && return 0
	host_modules_loaded=yes
	if [ -n "$HOST_MODULES" ] && [ -r "$HOST_MODULES" ]; then
		while read -r ko; do
			out=$(insmod "$ko" 2>&1) && continue
			case "$out" in
			*"File exists"*) ;;
			*) echo "run-vm-scenarios: insmod $ko: $out" >&2 ;;
			esac
		done <"$HOST_MODULES"
	else
		modprobe loop 2>/dev/null
		modprobe ext4 2>/dev/null
	fi
	return 0
}

# How many times ext4 replayed the journal on loop device $1.
replays() { dmesg 2>/dev/null | grep -c "($1): recovery complete"; }

# Mount ext4 image $1 read-only on $2. The loop device itself stays
# writable: after a killed VMM the journal needs replaying, which ext4 does
# even for a read-only mount but only on a writable device (on a read-only
# one the mount fails). The image is the scenario's own copy.
mount_image() {		# mount_image IMG DIR; sets loopdev, replayed, mount_err
	load_host_modules
	mkdir -p "$2"
	replayed=no
	loopdev=$(losetup -f 2>/dev/null)
	if [ -z "$loopdev" ] || ! losetup "$loopdev" "$1" 2>"$d/mount.err"; then
		mount_err="no loop device for the image: $(cat "$d/mount.err" 2>/dev/null)"
		loopdev=
		return 1
	fi
	l=${loopdev##*/}
	n0=$(replays "$l")
	if ! mount -t ext4 -o ro "$loopdev" "$2" 2>"$d/mount.err"; then
		mount_err="mount -t ext4 -o ro of the image failed: $(tail -n 1 "$d/mount.err"); $(dmesg | grep "($l)" | tail -n 1)"
		losetup -d "$loopdev"
		loopdev=
		return 1
	fi
	[ "$(replays "$l")" -gt "$n0" ] && replayed=yes
	return 0
}

unmount_image() {	# unmount_image DIR
	umount "$1"
	[ -n "$loopdev" ] && losetup -d "$loopdev"
	loopdev=
}

# The host_same= and host_file= words, once the VMM is gone: failures go to
# $why, what was found to $host_notes.
check_images() {
	host_notes=
	th=$(now_cs)
	for w in $host_same; do
		img=$d/$w.img
		if [ ! -f "$img.md5" ]; then
			why="${why:+$why; }host_same=$w: the scenario has no such image"
			continue
		fi
		now=$(md5sum <"$img" | cut -d' ' -f1)
		if [ "$now" = "$(cat "$img.md5")" ]; then
			host_notes="$host_notes, $w.img unchanged"
		else
			why="${why:+$why; }host_same=$w: the image changed (md5 $(cat "$img.md5") -> $now)"
		fi
	done
	[ -n "$host_files" ] || return 0
	img=$d/rootfs.img
	if [ ! -f "$img" ]; then
		why="${why:+$why; }host_file: the scenario has no @ROOTFS@"
		return
	fi
	if ! mount_image "$img" "$d/mnt"; then
		why="${why:+$why; }host_file: $mount_err"
		return
	fi
	for spec in $host_files; do
		path=${spec%%:*} want=${spec#*:}
		f=$d/mnt$path
		if [ ! -f "$f" ]; then
			dir=${path%/*}
			why="${why:+$why; }host_file $path: not in the image (${dir:-/} holds: $(ls -A "$d/mnt$dir" 2>/dev/null | tr '\n' ' ' | cut -c1-120))"
		elif [ "$(cat "$f")" = "$want" ]; then
			host_notes="$host_notes, $path holds '$want'"
		else
			# What is there: zeros (a write that never landed) as
			# '.', newlines as '|', the final one dropped.
			got=$(head -c 80 "$f" | tr '\000\n' '.|' | sed 's/|$//')
			why="${why:+$why; }host_file $path: the image holds $(wc -c <"$f") bytes, '$got', expected '$want'"
		fi
	done
	[ "$replayed" = yes ] && host_notes="$host_notes (ext4 replayed its journal)"
	unmount_image "$d/mnt"
	host_notes="$host_notes, looked in $(fmt_cs $(($(now_cs) - th))) s"
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
	host_files=''
	host_same=''
	kill_after=''
	max_dev_exits=''
	stat_note=''
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
			host_file=/*:*)	host_files="$host_files ${w#*=}" ;;
			host_same=rootfs|host_same=disk2) host_same="$host_same ${w#*=}" ;;
			host_file=*|host_same=*)
				result FAIL "bad detail word '$w' (host_file=/PATH:TEXT, host_same=rootfs|disk2)"
				return ;;
			kill_after=?*)	kill_after=${w#*=} ;;
			max_dev_exits=[0-9]*) max_dev_exits=${w#*=} ;;
			# The guest's own console replaces the base one.
			console=*)	cmdline="$(drop_console "$cmdline") $w" ;;
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

	# The disk images the arguments name: fresh copies in the scenario's dir.
	case "$args" in
	*@ROOTFS@*)
		unpack_image "$ROOTFS" "$d/rootfs.img" || { result FAIL "@ROOTFS@: $img_err"; return; } ;;
	esac
	case "$args" in
	*@DISK2@*)
		unpack_image "$DISK2" "$d/disk2.img" || { result FAIL "@DISK2@: $img_err"; return; } ;;
	esac
	case "$args" in
	*@DISKINITRD@*)
		[ -r "$DISK_INITRD" ] || { result FAIL "@DISKINITRD@: '$DISK_INITRD' not readable (scripts/mk-disk-initramfs.sh)"; return; } ;;
	esac
	if [ -n "$host_files" ] || [ -n "$host_same" ] || [ -n "$kill_after" ]; then
		# The harness's words on an error scenario would never be checked.
		[ "$expect" = ok ] || { result FAIL "host_file=, host_same= and kill_after= need expect ok"; return; }
	fi
	if [ -n "$max_dev_exits" ] && [ -z "$kill_after" ]; then
		result FAIL "max_dev_exits= needs kill_after= (lkvm stat asks a running VM)"
		return
	fi

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
		w=$(subst "$w" @ROOTFS@ "$d/rootfs.img")
		w=$(subst "$w" @DISK2@ "$d/disk2.img")
		w=$(subst "$w" @DISKINITRD@ "$DISK_INITRD")
		w=$(subst "$w" @CMDLINE@ "$cmdline")
		set -- "$@" "$w"
	done
	set +f
	if [ -n "$as" ] && [ ! -x "$as" ]; then
		result FAIL "@NOBODY@ needs the nobody helper; '$as' is not executable"
		return
	fi
	set -f
	# kill_after= needs the VMM's own pid: a shell writes its pid and
	# becomes the VMM (timeout and ptyrun may or may not fork).
	pidfile=
	if [ -n "$kill_after" ]; then
		pidfile=$d/vmm.pid
		set -- sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" env $envs "$VMM" "$@"
	else
		set -- env $envs "$VMM" "$@"
	fi
	if [ "$stdin_mode" = pty ]; then
		set -- "$PTYRUN" $as "$@"
	else
		set -- $as "$@"
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
	killed=no
	if [ "$input_mode" = early ]; then
		printf '%s\n' "$input" >&3
		fed=yes
	fi
	# Watch the console while there is something to wait for: the input
	# prompt, or the line after which the VMM is to be killed.
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$input_mode" = ready ] && [ "$fed" = no ] &&
		   grep -q 'GUEST-READY-FOR-INPUT' "$d/stdout" 2>/dev/null; then
			printf '%s\n' "$input" >&3
			fed=yes
		fi
		if [ -n "$kill_after" ] && [ "$killed" = no ] &&
		   grep -qF -- "$kill_after" "$d/stdout" 2>/dev/null; then
			[ -n "$max_dev_exits" ] && stat_before_kill
			kill -KILL "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null && killed=yes
		fi
		{ [ "$input_mode" != ready ] || [ "$fed" = yes ]; } &&
			{ [ -z "$kill_after" ] || [ "$killed" = yes ]; } && break
		# The kill comes as soon after its line as we can make it: a VMM
		# that acknowledged a write it has not made gets no time to make it.
		if [ -n "$kill_after" ]; then sleep 0.05; else sleep 0.2; fi
	done
	# wait would print the shell's "Killed" notice for a VMM killed above.
	wait "$pid" 2>/dev/null
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
	if [ "$killed" = yes ]; then
		:	# the runner killed it on purpose (kill_after=)
	elif [ "$timed_out" = yes ]; then
		why="killed after the ${limit} s limit (exit $rc)"
	elif [ "$rc" != 0 ]; then
		why="exit status $rc"
	fi
	if [ -n "$kill_after" ] && [ "$killed" != yes ]; then
		why="${why:+$why; }'$kill_after' never came, so the VMM was not killed"
	fi
	plan=$(sed -n 's/^.*GUEST-PLAN //p' "$d/console" | head -n 1)
	if [ -z "$plan" ]; then
		why="${why:+$why; }the guest never started its checks (no GUEST-PLAN)"
		# The disk initramfs says why it could not reach the root's init.
		early=$(sed -n 's/^.*DISK-INITRAMFS-FAIL //p' "$d/console" | head -n 1)
		[ -n "$early" ] && why="$why: $early"
	fi
	for c in $plan; do
		if grep -q "GUEST-CHECK $c FAIL" "$d/console"; then
			why="${why:+$why; }$(sed -n "s/^.*GUEST-CHECK $c FAIL /check $c failed: /p" "$d/console" | head -n 1)"
		elif ! grep -q "GUEST-CHECK $c PASS" "$d/console"; then
			why="${why:+$why; }check $c not reported"
		fi
	done
	# Checks that read a typed line: the 8250's and the virtio console's.
	for c in uart-rx hvc-rx; do
		case " $plan " in
		*" $c "*) ;;
		*) continue ;;
		esac
		got=$(sed -n 's/^.*GUEST-ECHO //p' "$d/console" | head -n 1)
		if [ "$fed" != yes ]; then
			why="${why:+$why; }input never typed (no GUEST-READY-FOR-INPUT)"
		elif grep -q "GUEST-CHECK $c PASS" "$d/console" && [ "$got" != "$input" ]; then
			why="${why:+$why; }echo mismatch: typed '$input', guest read '$got'"
		fi
	done
	if [ -n "$plan" ] && ! grep -q 'GUEST-DONE' "$d/console"; then
		why="${why:+$why; }no GUEST-DONE"
	fi
	host_notes=
	# A guest that never ran says nothing about how the VMM writes.
	[ -n "$plan" ] && [ -n "$host_same$host_files" ] && check_images
	[ -n "$max_dev_exits" ] && check_dev_exits
	how="exit 0"
	[ "$killed" = yes ] && how="killed (exit $rc) after '$kill_after' as planned"
	if [ -z "$why" ]; then
		result PASS "$how, checks: $plan${host_notes:+; host:${host_notes#,}}; $secs s"
		# The images of a passed scenario are not needed; tmpfs is RAM.
		[ "$KEEP_IMAGES" = 1 ] || rm -f "$d"/*.img "$d"/*.img.md5
	else
		result FAIL "$why; $secs s"
	fi
}

# max_dev_exits=N: the devices' register accesses that exited to lkvm
# over the guest's whole life (lkvm stat, asked just before the planned
# kill), set-up included: a driver's reads come from memory and its
# notifications and interrupt acknowledgements go to KVM, so only its
# set-up writes exit, however much I/O it did.
stat_before_kill() {
	stat_exits=
	out=$("$VMM" stat -n "guest-$(cat "$pidfile" 2>/dev/null)" 2>&1)
	stat_exits=$(printf '%s' "$out" | sed -n 's/.*dev_exits=\([0-9]*\).*/\1/p')
	irqs=$(printf '%s' "$out" | sed -n 's/.*dev_irqs=\([0-9]*\).*/\1/p')
	reqs=$(printf '%s' "$out" | sed -n 's/.*dev_requests=\([0-9]*\).*/\1/p')
	if [ -n "$stat_exits" ] && [ -n "$irqs" ] && [ -n "$reqs" ]; then
		stat_note="dev_exits=$stat_exits dev_irqs=$irqs dev_requests=$reqs"
	else
		stat_exits=
		stat_note="no counts in '$(printf '%s' "$out" | head -n 1 | cut -c1-120)'"
	fi
}

check_dev_exits() {
	host_notes="$host_notes, lkvm stat: $stat_note"
	if [ -z "$stat_exits" ]; then
		why="${why:+$why; }lkvm stat before the kill: $stat_note"
	elif [ "$stat_exits" -gt "$max_dev_exits" ]; then
		why="${why:+$why; }$stat_exits exits to lkvm at the devices' registers, more than $max_dev_exits ($stat_note)"
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
	# Its result is printed: its files (disk images, snapshots) go, or
	# the emulated host's RAM, which holds them, runs out part way.
	[ "$VERBOSE" = 1 ] || rm -rf "$d"
done 4<"$selected"

echo "SCENARIOS-SUMMARY passed=$passed failed=$failed"
[ "$failed" = 0 ]
