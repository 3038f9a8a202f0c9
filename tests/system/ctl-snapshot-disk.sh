#!/bin/sh
# Snapshots of a Linux guest with virtio devices (docs/snapshot.md): the
# disk tests' root (the disk initramfs, @ROOTFS@) on a virtio-blk disk,
# the in-kernel GICv3 with its ITS. The guest writes numbered lines to a
# file one at a time, each synced (rootfs-init.sh's "seq" check), and is
# snapshotted with --stop while it writes; the restored guest finishes,
# reads them all back from the disk (no gap, no repeat), writes and
# reads a probe file, and powers off with every check passed.
# With "devices": virtio-rng, virtio-console (the guest's console,
# hvc0) and the PCI test device too; the rng is read, a line typed after
# the restore comes back through the console, and the test device's
# count set before the snapshot reads back after it and counts on,
# its writes taken by KVM's ioeventfd again.
# Usage: ctl-snapshot-disk.sh TRANSPORT [devices] [@ROOTFS@ @DISKINITRD@]
# (the placeholders only make the harness pack the images)
. "$(dirname "$0")/st-common.sh"
transport=${1:-pci}
devs=${2:-}
rootfs=${ROOTFS:-/lkvm-test/disk/rootfs.img.gz}
initrd=${DISK_INITRD:-/lkvm-test/disk/disk-initramfs.cpio.gz}
SNAP=$WORK/disk.snap
checks=seq,root
console=ttyS0
extra="-n mode=none"
if [ "$devs" = devices ]; then
	checks=ptd-set,seq,root,rng,hvc-rx,ptd
	console=hvc0
	extra="-n mode=none --rng --console virtio --pci-testdev"
fi
CMD="console=$console panic=-1 lkvm.disk_checks=$checks lkvm.seq_n=300 lkvm.expect_transport=$transport lkvm.input_timeout=60"

running() { grep -q GUEST-SEQ-RUNNING "$1"; }
written() { grep -q GUEST-SEQ-WRITTEN "$1"; }
done_ok() { grep -q "GUEST-DONE passed=[0-9]* failed=0" "$1"; }
ready() { grep -q GUEST-READY-FOR-INPUT "$1"; }

[ -r "$rootfs" ] && [ -r "$initrd" ] || fail "no $rootfs or $initrd (the scenario list names @ROOTFS@ for them)"
gunzip -c "$rootfs" >"$WORK/rootfs.img" || fail "cannot unpack $rootfs"
mkfifo "$WORK/in-a" "$WORK/in-b" || fail "mkfifo"

t0=$(now_cs)
# --disable-mte: these restores map RAM from the file (the mapped restore;
# with MTE it is read: ctl-snapshot.sh and ctl-snapshot-mte.sh cover that).
# shellcheck disable=SC2086
"$VMM" run -k "$KERNEL" -i "$initrd" -d "$WORK/rootfs.img" -c 2 -m 256 \
	--irqchip=gicv3-its --virtio-transport="$transport" $extra \
	--disable-mte --name dsnap-a -p "$CMD" <"$WORK/in-a" >"$WORK/a.out" 2>"$WORK/a.err" &
pid=$!
exec 7>"$WORK/in-a"
wait_for 200 running "$WORK/a.out" ||
	fail "the guest never started writing: $(tail -n 5 "$WORK/a.out" "$WORK/a.err")"
boot=$(($(now_cs) - t0))
sleep 1
snapshot_stop dsnap-a "$SNAP" "$pid" "$WORK/a.err"
pid=
exec 7>&-
! written "$WORK/a.out" || fail "the guest had finished its writes before the snapshot: raise lkvm.seq_n"
what=$transport
[ "$devs" = devices ] && what="$what, rng and console"
ok "guest ($what) writing its sequence $(secs "$boot") s after the start, snapshotted and stopped: $(cat "$WORK/dsnap-a.msg"), $(du -k "$SNAP" | cut -f1) KiB on disk"

t0=$(now_cs)
"$VMM" run --restore "$SNAP" --name dsnap-b -v <"$WORK/in-b" >"$WORK/b.out" 2>"$WORK/b.err" &
pid=$!
exec 7>"$WORK/in-b"
wait_for 60 grep -q "restored from" "$WORK/b.err" || fail "no restore: $(cat "$WORK/b.err")"
setup=$(($(now_cs) - t0))
wait_for 200 written "$WORK/b.out" ||
	fail "the restored guest did not finish its writes: $(tail -n 5 "$WORK/b.out" "$WORK/b.err")"
first=$(($(now_cs) - t0))
if [ "$devs" = devices ]; then
	wait_for 120 ready "$WORK/b.out" || fail "the restored guest never read its console: $(tail -n 5 "$WORK/b.out")"
	echo "typed-after-restore" >&7
	wait_for 60 grep -q "GUEST-ECHO typed-after-restore" "$WORK/b.out" ||
		fail "the restored guest did not echo the line: $(tail -n 5 "$WORK/b.out")"
fi
wait_gone 120 "$pid" || fail "the restored guest did not power off: $(tail -n 5 "$WORK/b.out")"
wait "$pid"
rc=$?
pid=
exec 7>&-
done_ok "$WORK/b.out" && [ "$rc" = 0 ] ||
	fail "restored guest: exit $rc, $(grep -E 'GUEST-CHECK.*FAIL|GUEST-DONE' "$WORK/b.out") $(tail -n 3 "$WORK/b.err")"
ok "restored in $(secs "$setup") s (set-up), finished its writes $(secs "$first") s after the start; $(grep 'GUEST-CHECK seq' "$WORK/b.out")"
if [ "$devs" = devices ]; then
	# The 2 writes after the restore: through the ioeventfd put back on its byte.
	grep -q "pci-testdev: .*KVM's ioeventfds took 2 writes" "$WORK/b.err" ||
		fail "the restored test device's writes: $(grep pci-testdev "$WORK/b.err")"
	ok "after the restore KVM's ioeventfd took the test device's 2 writes: $(grep -o 'pci-testdev: .*' "$WORK/b.err")"
fi
ok "every check passed: $(grep GUEST-CHECK "$WORK/b.out" | cut -d' ' -f2,3 | tr '\n' ' ')"
exit 0
