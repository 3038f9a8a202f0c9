#!/bin/sh
# lkvm setup and the default 9p root (docs/guest-root.md). setup makes
# the tree and refuses a name twice or a name that is not plain; then a
# Linux guest boots that tree as its 9p root, with the host's / as
# hostfs (read-only), and runs the host's shell: lines typed on lkvm's
# stdin run there, and poweroff ends lkvm with status 0. The test
# kernel has 9p only as modules, so the disk initramfs loads them and
# mounts the root (@DISKINITRD@). Last, lkvm run -k Image alone: lkvm
# sets the root up itself and gives the kernel the 9p root's command
# line, which the guest kernel prints.
. "$(dirname "$0")/st-common.sh"
DINITRD=/lkvm-test/disk/disk-initramfs.cpio.gz
R=$LKVM_HOME/default

[ -r "$DINITRD" ] || fail "no disk initramfs at $DINITRD (the scenario must name @DISKINITRD@)"
rm -rf "$R"
"$VMM" setup >"$WORK/setup.out" 2>&1 || fail "lkvm setup: $(cat "$WORK/setup.out")"
[ -x "$R/virt/init" ] && [ -d "$R/host" ] && [ "$(readlink "$R/bin")" = /host/bin ] ||
	fail "lkvm setup made no tree: $(ls -l "$R")"
ok "lkvm setup: $R with /virt/init and links through /host"
"$VMM" setup >"$WORK/setup2.out" 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q "already exists" "$WORK/setup2.out" ||
	fail "a second lkvm setup: exit $rc, $(cat "$WORK/setup2.out")"
"$VMM" setup ../x >"$WORK/setup3.out" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q "not a guest name" "$WORK/setup3.out" && [ ! -e "$LKVM_HOME/../x" ] ||
	fail "lkvm setup ../x: exit $rc, $(cat "$WORK/setup3.out")"
ok "a second setup and a name with '/' refused"

mkfifo "$WORK/in"
exec 3<>"$WORK/in"
t0=$(now_cs)
"$VMM" run -c 1 -m 256 -k "$KERNEL" -i "$DINITRD" \
	--9p "$R,/dev/root" --9p /,hostfs,ro \
	-p "console=ttyS0 root=/dev/root rootfstype=9p rw init=/virt/init quiet panic=-1" \
	<"$WORK/in" >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
shell_answers 3 "$WORK/vm.out" "$WORK/vm.err" 240 2
ok "the host's shell answers in the guest after $(secs $(($(now_cs) - t0))) s"
cat >&3 <<'CMDS'
echo hello-from-guest-$((6*7))
ls /host/lkvm-test | sed 's/^/LS-/'
echo PID1-$(cat /proc/1/cmdline)
if touch /host/lkvm-test/st-setup-w 2>/dev/null; then echo HOSTFS-RW; else echo HOSTFS-RO; fi
echo from-guest >/root/made-here && echo MADE
poweroff
CMDS
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "lkvm exit $rc after poweroff: $(tail -n 3 "$WORK/vm.err" "$WORK/vm.out" | tr '\n' ' ')"
grep -q '^hello-from-guest-42' "$WORK/vm.out" || fail "no greeting: $(tail -n 5 "$WORK/vm.out")"
grep -q '^LS-disk' "$WORK/vm.out" || fail "/host/lkvm-test not listed: $(grep -c LS- "$WORK/vm.out") lines"
grep -q '^PID1-/virt/init' "$WORK/vm.out" || fail "PID 1 is not /virt/init: $(grep PID1 "$WORK/vm.out")"
ok "guest ran the host's programs through /host, PID 1 /virt/init; poweroff: exit 0"
grep -q '^HOSTFS-RO' "$WORK/vm.out" && [ ! -e /lkvm-test/st-setup-w ] ||
	fail "hostfs was writable: $(grep HOSTFS "$WORK/vm.out")"
[ "$(cat "$R/root/made-here" 2>/dev/null)" = from-guest ] || fail "the guest's file is not in $R/root"
ok "hostfs read-only; the guest's root writable, its file on the host"

# lkvm run -k Image alone: the default root set up and given to the kernel.
export LKVM_HOME="$WORK/home2"
timeout -s KILL 250 "$VMM" run -c 1 -m 256 -k "$KERNEL" -v -p panic=-1 \
	</dev/null >"$WORK/auto.out" 2>"$WORK/auto.err"
rc=$?
# Debian's kernel cannot mount it (9p is a module): it panics, lkvm exits 4;
# a kernel with 9p built in would reach the shell, which stdin's end stops.
case $rc in
0|4) ;;
*) fail "lkvm run -k Image alone: exit $rc, $(tail -n 3 "$WORK/auto.out" "$WORK/auto.err" | tr '\n' ' ')" ;;
esac
grep -q "set up the default guest root at $LKVM_HOME/default" "$WORK/auto.err" &&
	grep -q "booting the 9p root $LKVM_HOME/default, with the host's / as hostfs (read-only" "$WORK/auto.err" ||
	fail "no info lines: $(head -n 5 "$WORK/auto.err")"
[ -x "$LKVM_HOME/default/virt/init" ] || fail "no default root made"
grep -q 'Kernel command line:.* root=/dev/root rw rootflags=rw,trans=virtio,version=9p2000.L rootfstype=9p init=/virt/init' "$WORK/auto.out" ||
	fail "the kernel did not get the 9p root: $(grep 'command line' "$WORK/auto.out")"
ok "lkvm run -k Image alone: root set up, 9p root's command line (exit $rc)"
exit 0
