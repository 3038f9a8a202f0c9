#!/bin/sh
# The default guest for a distribution kernel (docs/guest-root.md): the
# emulated host gets the guest kernel's module tree at
# /lib/modules/$(uname -r) (the host runs the same kernel; the .ko files
# come from the disk initramfs, @DISKINITRD@, placed as Debian places
# them, with a modules.dep naming dependencies out of load order), and
# 'lkvm run -k Image' alone must make the module initramfs, boot the
# 9p root and give the host's shell: lines typed on lkvm's stdin run
# there, poweroff ends lkvm with status 0. Modules that cannot be found
# are refused before the boot, status 1, naming the file and the fix.
# ctl-dguest.sh <irqchip> <transport> [snap]: default default (no option
# but -k: the in-kernel GIC, virtio-pci), user mmio. With snap: the VM
# at its prompt, a 9p file held open by its shell, is snapshotted with
# --stop and restored under another name (its 9p fids walked again
# below the shares, its NIC's helper started anew), where the shell
# reads on from that file and writes to its root; then nothing else.
. "$(dirname "$0")/st-common.sh"
IC=${1:-default}
TR=${2:-default}
MODE=${3:-}
DINITRD=/lkvm-test/disk/disk-initramfs.cpio.gz
VER=$(uname -r)
M=/lib/modules/$VER

[ -r "$DINITRD" ] || fail "no disk initramfs at $DINITRD (the scenario must name @DISKINITRD@)"
[ -e "$M" ] && fail "$M exists already; this scenario makes its own"
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$M"' EXIT

mkdir -p "$WORK/d" && (cd "$WORK/d" && zcat "$DINITRD" | cpio -id 'lib/modules/*' 2>/dev/null) ||
	fail "cannot unpack $DINITRD"
place() {	# place DIR NAME...: $M/kernel/DIR/NAME.ko from the disk initramfs
	_d=$1
	shift
	mkdir -p "$M/kernel/$_d"
	for _m in "$@"; do
		cp "$WORK/d/lib/modules/$_m.ko" "$M/kernel/$_d/" || fail "no $_m.ko in $DINITRD"
	done
}
place drivers/virtio virtio_mmio virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev
place net/9p 9pnet 9pnet_virtio
place fs/9p 9p
place fs/netfs netfs
place fs/fscache fscache
place net/core failover
place drivers/net net_failover virtio_net
cat >"$M/modules.dep" <<'DEP'
kernel/drivers/virtio/virtio_mmio.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio_pci_legacy_dev.ko
kernel/drivers/virtio/virtio_pci_modern_dev.ko:
kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
kernel/fs/9p/9p.ko: kernel/fs/fscache/fscache.ko kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko
kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko
kernel/fs/netfs/netfs.ko:
kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko
kernel/net/9p/9pnet.ko:
kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko
kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
kernel/net/core/failover.ko:
DEP
printf 'kernel/drivers/virtio/virtio.ko\nkernel/drivers/virtio/virtio_ring.ko\n' >"$M/modules.builtin"
echo "dguest-marker-$$" >"$WORK/marker"
ok "module tree for $VER at $M: $(find "$M" -name '*.ko' | wc -l) modules"

# The default VM snapshotted at its prompt and restored as dg2: the
# shell's descriptor 4 holds /host's marker open across it (an open fid
# of the hostfs share), a file written before is read after, one
# written after reaches the host's root directory.
dguest_snap() {
	printf '%s\n' "dguest-line-2-$$" >>"$WORK/marker"
	echo "exec 4<\"/host$WORK/marker\"; read -r first <&4; echo FIRST-\$first; echo kept-$$ >/root/before; echo SNAP-READY" >&3
	wait_for 60 grep -q '^SNAP-READY' "$WORK/vm.out" ||
		fail "no SNAP-READY: $(tail -n 3 "$WORK/vm.out" | tr '\n' ' ')"
	grep -q "^FIRST-dguest-marker-$$" "$WORK/vm.out" || fail "the marker's first line: $(grep FIRST "$WORK/vm.out")"
	snapshot_stop dg1 "$WORK/dg.snap" "$pid" "$WORK/vm.err"
	pid=
	ok "the default VM snapshotted at its prompt, a hostfs file open: $(cat "$WORK/dg1.msg")"
	mkfifo "$WORK/in2"
	exec 5<>"$WORK/in2"
	t0=$(now_cs)
	"$VMM" run --restore "$WORK/dg.snap" --name dg2 <"$WORK/in2" >"$WORK/vm2.out" 2>"$WORK/vm2.err" &
	pid=$!
	shell_answers 5 "$WORK/vm2.out" "$WORK/vm2.err" 60 3
	ok "restored as dg2: the shell answers after $(secs $(($(now_cs) - t0))) s"
	cat >&5 <<CMDS
read -r second <&4; echo SECOND-\$second
echo BEFORE-\$(cat /root/before)
echo after-$$ >/root/after
ls /host$WORK >/dev/null && echo LS-OK
poweroff
CMDS
	wait_gone 120 "$pid" || fail "the restored VM did not end within 120 s of poweroff: $(tail -n 3 "$WORK/vm2.out" | tr '\n' ' ')"
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" = 0 ] || fail "the restored VM: exit $rc after poweroff: $(tail -n 3 "$WORK/vm2.err" | tr '\n' ' ')"
	grep -q "^SECOND-dguest-line-2-$$" "$WORK/vm2.out" ||
		fail "the open file did not read on after the restore: $(grep -a SECOND "$WORK/vm2.out")"
	grep -q "^BEFORE-kept-$$" "$WORK/vm2.out" || fail "the file written before: $(grep -a BEFORE "$WORK/vm2.out")"
	grep -q '^LS-OK' "$WORK/vm2.out" || fail "/host not listed after the restore"
	[ "$(cat "$LKVM_HOME/default/root/after" 2>/dev/null)" = "after-$$" ] ||
		fail "the file written after the restore is not in the root on the host: $(ls "$LKVM_HOME/default/root" 2>&1)"
	ok "restored: the open hostfs file read on (its second line), the root's file kept, a new one on the host; poweroff: exit 0"
}

opts=
[ "$MODE" = snap ] && opts="--name dg1"
[ "$IC" = default ] || opts="$opts --irqchip=$IC"
[ "$TR" = default ] || opts="$opts --virtio-transport=$TR"
mkfifo "$WORK/in"
exec 3<>"$WORK/in"
t0=$(now_cs)
# shellcheck disable=SC2086
"$VMM" run -k "$KERNEL" $opts <"$WORK/in" >"$WORK/vm.out" 2>"$WORK/vm.err" &
pid=$!
shell_answers 3 "$WORK/vm.out" "$WORK/vm.err" 300 2
ok "run -k Image ${opts:-alone}: the host's shell answers on the 9p root after $(secs $(($(now_cs) - t0))) s"
[ "$MODE" = snap ] && { dguest_snap; exit 0; }
cat >&3 <<CMDS
echo MARK-\$(cat /host$WORK/marker)
echo PID1-\$(cat /proc/1/cmdline)
echo ROOT-\$(awk '\$2 == "/" { print \$1 "-" \$3 }' /proc/mounts | tail -n 1)
awk '{ print "MOD-" \$1 }' /proc/modules
poweroff
CMDS
wait_gone 120 "$pid" || fail "lkvm did not end within 120 s of poweroff: $(tail -n 3 "$WORK/vm.out" | tr '\n' ' ')"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "lkvm exit $rc after poweroff: $(tail -n 3 "$WORK/vm.err" "$WORK/vm.out" | tr '\n' ' ')"
grep -q "^MARK-dguest-marker-$$" "$WORK/vm.out" || fail "the host's file not read through /host: $(grep MARK "$WORK/vm.out")"
grep -q '^PID1-/virt/init' "$WORK/vm.out" || fail "PID 1 is not /virt/init: $(grep PID1 "$WORK/vm.out")"
grep -q '^ROOT-/dev/root-9p' "$WORK/vm.out" || fail "/ is not the 9p root: $(grep ROOT- "$WORK/vm.out")"
mods=$(grep '^MOD-' "$WORK/vm.out" | tr -d '\r' | sed 's/^MOD-//' | sort | tr '\n' ' ')
for m in 9p 9pnet 9pnet_virtio netfs fscache virtio_net failover net_failover; do
	case " $mods" in *" $m "*) ;; *) fail "module $m not loaded in the guest: $mods" ;; esac
done
case $TR in
mmio*) case " $mods" in *" virtio_mmio "*) ;; *) fail "virtio_mmio not loaded: $mods" ;; esac ;;
pci*|default) case " $mods" in *" virtio_pci "*) ;; *) fail "virtio_pci not loaded: $mods" ;; esac ;;
esac
ok "guest: /host$WORK/marker read, PID 1 /virt/init, / is 9p, modules: $mods; poweroff: exit 0"

# lkvm sandbox: the command's status and output; lkvm's own refusals, 125.
sandbox() {	# sandbox NAME ARGS...: lkvm sandbox, its status in $rc
	_n=$1
	shift
	t0=$(now_cs)
	# shellcheck disable=SC2086
	timeout -s KILL 300 "$VMM" sandbox -k "${SK:-$KERNEL}" $opts "$@" </dev/null \
		>"$WORK/$_n.out" 2>"$WORK/$_n.err"
	rc=$?
	cs=$(($(now_cs) - t0))
}
sandbox exit7 -- sh -c 'exit 7'
[ "$rc" = 7 ] || fail "sandbox -- sh -c 'exit 7': exit $rc, $(cat "$WORK/exit7.err"; grep -a 'lkvm\|sandbox\|Kernel command' "$WORK/exit7.out"; ls -l "$LKVM_HOME/default/virt")"
ok "lkvm sandbox -- sh -c 'exit 7': exit 7 after $(secs $cs) s"
sandbox cat -v -- cat "/host$WORK/marker"
[ "$rc" = 0 ] && grep -q "^dguest-marker-$$" "$WORK/cat.out" ||
	fail "sandbox -- cat /host$WORK/marker: exit $rc, $(tail -n 3 "$WORK/cat.out" "$WORK/cat.err" | tr '\n' ' ')"
summary=$(grep "default root's initramfs: [0-9]* modules from $M, lkvm as /init" "$WORK/cat.err") ||
	fail "no info line on the initramfs: $(grep initramfs "$WORK/cat.err")"
grep -q "default root's initramfs: module $M/kernel/fs/9p/9p.ko" "$WORK/cat.err" ||
	fail "9p.ko not named at info level"
echo "${summary#*: }"
ls "$LKVM_HOME/default/virt" | grep -q sandbox && fail "sandbox files left in the root: $(ls "$LKVM_HOME/default/virt")"
ok "lkvm sandbox -- cat /host$WORK/marker: printed it, exit 0 after $(secs $cs) s, nothing left in virt/"
# A kernel as a distribution's /boot holds it: Debian's arm64 vmlinuz is
# the Image gzip'ed. Decompressed in memory, its version read from what
# it holds, its modules found as the Image's were.
gzip -1 -c "$KERNEL" >"$WORK/vmlinuz" || fail "cannot gzip $KERNEL"
SK=$WORK/vmlinuz sandbox gz -v -- cat "/host$WORK/marker"
[ "$rc" = 0 ] && grep -q "^dguest-marker-$$" "$WORK/gz.out" ||
	fail "sandbox -k vmlinuz -- cat /host$WORK/marker: exit $rc, $(tail -n 3 "$WORK/gz.out" "$WORK/gz.err" | tr '\n' ' ')"
grep -q "kernel '$WORK/vmlinuz' is gzip-compressed: decompressed in memory" "$WORK/gz.err" ||
	fail "no info line on the decompression: $(grep -i gzip "$WORK/gz.err")"
grep -q "default root's initramfs: [0-9]* modules from $M," "$WORK/gz.err" ||
	fail "the gzip'ed kernel's modules not found: $(grep initramfs "$WORK/gz.err")"
ok "a gzip'ed kernel ($(($(wc -c <"$WORK/vmlinuz") >> 10)) KiB vmlinuz): decompressed, modules from $M, the marker read, exit 0 after $(secs $cs) s"
rm -f "$WORK/vmlinuz"
sandbox nf -- /no/such/program
[ "$rc" = 127 ] || fail "sandbox -- /no/such/program: exit $rc, $(tail -n 3 "$WORK/nf.out" "$WORK/nf.err" | tr '\n' ' ')"
ok "lkvm sandbox -- /no/such/program: exit 127"
sandbox nodash ls
[ "$rc" = 125 ] && grep -q "no '--' before the command" "$WORK/nodash.err" ||
	fail "sandbox without --: exit $rc, $(cat "$WORK/nodash.err")"
sandbox disk -d "$WORK/marker" -- true
[ "$rc" = 125 ] && grep -q "runs in the default 9p root" "$WORK/disk.err" ||
	fail "sandbox -d: exit $rc, $(cat "$WORK/disk.err")"
ok "lkvm sandbox without '--', or with a disk: refused, 125"

# Modules that cannot be found: refused before the boot, status 1.
refused() {	# refused WHAT REGEX
	timeout -s KILL 60 "$VMM" run -k "$KERNEL" $opts </dev/null >"$WORK/r.out" 2>"$WORK/r.err"
	_rc=$?
	[ "$_rc" = 1 ] && grep -q -E "$2" "$WORK/r.err" ||
		fail "$1: exit $_rc, $(head -c 400 "$WORK/r.err")"
	ok "$1: refused, status 1: $(head -n 1 "$WORK/r.err")"
}
mv "$M/kernel/fs/9p/9p.ko" "$WORK/9p.ko"
refused "9p.ko missing" "cannot read $M/kernel/fs/9p/9p.ko.*install the kernel's modules"
mv "$WORK/9p.ko" "$M/kernel/fs/9p/9p.ko"
grep -v '^kernel/net/9p/9pnet.ko' "$M/modules.dep" >"$WORK/dep" && cp "$WORK/dep" "$M/modules.dep"
refused "9pnet not in modules.dep" "modules.dep has no 9pnet; install the kernel's modules \\(or run depmod"
rm "$M/modules.dep"
refused "no modules.dep" "9p as a module.*modules.dep cannot be read.*run depmod"
exit 0
