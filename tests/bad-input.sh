#!/bin/bash
# Runs lkvm against every row of tests/bad-input.txt: a status in 1..127,
# within 1 s (a row over it gets a second try), and the message the row names. Static arm64 lkvm runs under
# qemu-aarch64-static on other machines. Ends with "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LKVM=${LKVM:-$ROOT/lkvm}
TABLE=${TABLE:-$ROOT/tests/bad-input.txt}
run=()
[ "$(uname -m)" = aarch64 ] || run=(qemu-aarch64-static)

fx=$(mktemp -d)
trap 'rm -rf "$fx"' EXIT	# replaced below once the locker runs
mkdir "$fx/dir"
: >"$fx/empty"
head -c 30 "$ROOT/build/assets/Image" >"$fx/trunc" 2>/dev/null || printf 'MZ\0\0truncated' >"$fx/trunc"
truncate -s 96M "$fx/big"
printf 'this is not a kernel, just some notes\n' >"$fx/text"
printf 'hello' | gzip >"$fx/gz"
ok=$ROOT/build/guest-tests/hello.bin
[ -s "$ok" ] || { echo "bad-input: $ok missing (make guest-tests)"; exit 1; }
# Open to the unprivileged user of @NOBODY@ rows, except what must not be.
chmod 755 "$fx"
cp "$ok" "$fx/copy"
cp "$ok" "$fx/unreadable"
chmod 000 "$fx/unreadable"
# Disk images: a qcow2 header, a block device node only root may open,
# and an image another process holds a write lock on (as a running
# lkvm does), for as long as the table runs.
{ printf 'QFI\xfb'; head -c 1020 /dev/zero; } >"$fx/qcow2"
truncate -s 1M "$fx/qcow2" "$fx/locked"
chmod 644 "$fx/qcow2"
[ "$(id -u)" = 0 ] && mknod -m 600 "$fx/blkdev" b 7 0 2>/dev/null
python3 -c 'import fcntl, os, struct, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi4x", fcntl.F_WRLCK, 0, 0, 0, 0))
open(sys.argv[2], "w").close()
time.sleep(600)' "$fx/locked" "$fx/locked.held" 2>/dev/null &
locker=$!
trap 'kill $locker 2>/dev/null; rm -rf "$fx"' EXIT
for _ in $(seq 50); do [ -e "$fx/locked.held" ] && break; sleep 0.1; done

# A socket whose VM died: bound, never listened on, never removed.
mkdir "$fx/home"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	"$fx/home/stale.sock" 2>/dev/null || rm -f "$fx/home/stale.sock"

passed=0
failed=0
while IFS=';' read -r name regex args; do
	name=$(echo "$name" | sed 's/^ *//; s/ *$//')
	case "$name" in ""|"#"*) continue ;; esac
	regex=$(echo "$regex" | sed 's/^ *//; s/ *$//')
	if [ "$name" = no-dev-kvm ] && [ -e /dev/kvm ]; then
		echo "SKIP $name: this machine has /dev/kvm"
		continue
	fi
	if [ "$name" = no-seccomp ] && [ "${#run[@]}" = 0 ]; then
		echo "SKIP $name: lkvm runs natively, with this kernel's seccomp"
		continue
	fi
	if [[ $args == *@STALE@* ]] && [ ! -S "$fx/home/stale.sock" ]; then
		echo "SKIP $name: no python3 to leave a stale socket"
		continue
	fi
	args=${args//@STALE@/stale}
	if [[ $args == *@BLKDEV@* ]] && [ ! -b "$fx/blkdev" ]; then
		echo "SKIP $name: making a device node needs root"
		continue
	fi
	if [[ $args == *@LOCKED@* ]] && [ ! -e "$fx/locked.held" ]; then
		echo "SKIP $name: no python3 to hold a lock on an image"
		continue
	fi
	# Root reads every file: @NOBODY@ rows drop to user and group 65534.
	as=()
	if [[ $args == *@NOBODY@* ]]; then
		args=${args//@NOBODY@/}
		if [ "$(id -u)" = 0 ] && ! command -v setpriv >/dev/null; then
			echo "SKIP $name: needs setpriv (util-linux) to run as nobody"
			continue
		fi
		[ "$(id -u)" = 0 ] && as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	fi
	args=${args//@DIR@/$fx/dir}
	args=${args//@EMPTY@/$fx/empty}
	args=${args//@TRUNC@/$fx/trunc}
	args=${args//@BIG@/$fx/big}
	args=${args//@TEXT@/$fx/text}
	args=${args//@GZ@/$fx/gz}
	args=${args//@OK@/$ok}
	args=${args//@COPY@/$fx/copy}
	args=${args//@UNREADABLE@/$fx/unreadable}
	args=${args//@QCOW2@/$fx/qcow2}
	args=${args//@BLKDEV@/$fx/blkdev}
	args=${args//@LOCKED@/$fx/locked}
	# A row over its second is run once more: on a loaded machine (or
	# under qemu-aarch64-static) a start can take that long by itself;
	# one that hangs takes 5 s both times.
	for try in 1 2; do
		start=$(date +%s%N)
		# shellcheck disable=SC2086
		err=$(LKVM_HOME=$fx/home timeout 5 "${as[@]}" "${run[@]}" "$LKVM" $args 2>&1 </dev/null >/dev/null)
		rc=$?
		ms=$((($(date +%s%N) - start) / 1000000))
		[ "$ms" -le 1000 ] && break
	done
	why=
	[ "$rc" -ge 1 ] && [ "$rc" -le 127 ] || why="exit status $rc"
	[ "$ms" -le 1000 ] || why="${why:+$why; }took $ms ms"
	grep -Eqi -- "$regex" <<<"$err" || why="${why:+$why; }message does not match /$regex/"
	if [ -z "$why" ]; then
		echo "PASS $name (exit $rc, $ms ms): $err"
		passed=$((passed + 1))
	else
		echo "FAIL $name: $why: $err"
		failed=$((failed + 1))
	fi
done <"$TABLE"
echo "bad-input: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
